"""Reference content: body systems, foot zones, techniques, their steps and claims.

Rows are loaded from fixtures/ by natural key (slugs), so the same data set lands identically
on SQLite and PostgreSQL and can be refreshed without duplicating anything.
"""

from django.core.validators import RegexValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

hex_colour = RegexValidator(r"^#[0-9a-fA-F]{6}$", _("Use a colour like #3f6b57."))


class SlugManager(models.Manager):
    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


class BodySystem(models.Model):
    """A group of body parts (e.g. digestive system); its colour marks its zones on the map."""

    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=80)
    colour = models.CharField(
        _("map colour"), max_length=7, validators=[hex_colour], help_text=_("Hex colour, e.g. #3f6b57.")
    )
    description = models.TextField(_("description"), blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    objects = SlugManager()

    class Meta:
        verbose_name = _("body system")
        verbose_name_plural = _("body systems")
        ordering = ["order", "name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("reflexology:foot_map") + f"?system={self.slug}"

    def natural_key(self):
        return (self.slug,)


class Zone(models.Model):
    """An area of the foot that reflexology charts associate with a part of the body."""

    class Foot(models.TextChoices):
        LEFT = "left", _("left foot")
        RIGHT = "right", _("right foot")
        BOTH = "both", _("both feet")

    class Surface(models.TextChoices):
        PLANTAR = "plantar", _("sole")
        DORSAL = "dorsal", _("top of the foot")
        MEDIAL = "medial", _("inner edge")
        LATERAL = "lateral", _("outer edge")

    class Origin(models.TextChoices):
        SEEDS = "seeds", _("described in our source articles")
        CHART = "chart", _("from the standard reflexology chart")
        BOTH = "both", _("in our sources and the standard chart")
        DIFFERS = "differs", _("our sources place it differently from the standard chart")

    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=120)
    foot = models.CharField(_("foot"), max_length=5, choices=Foot.choices, default=Foot.BOTH)
    surface = models.CharField(_("main surface"), max_length=8, choices=Surface.choices)
    region = models.CharField(
        _("region"), max_length=40, help_text=_("Where on the foot, e.g. 'ball' or 'arch_upper'.")
    )
    body_parts = models.CharField(
        _("associated body parts"),
        max_length=200,
        help_text=_("What reflexology associates this area with, comma-separated."),
    )
    systems = models.ManyToManyField(
        BodySystem, related_name="zones", verbose_name=_("body systems"), blank=True
    )
    description = models.TextField(_("description"), blank=True)
    origin = models.CharField(_("origin"), max_length=8, choices=Origin.choices, default=Origin.CHART)
    origin_note = models.CharField(_("note on the sources"), max_length=300, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    objects = SlugManager()

    class Meta:
        verbose_name = _("foot zone")
        verbose_name_plural = _("foot zones")
        ordering = ["order", "name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("reflexology:zone_detail", kwargs={"slug": self.slug})

    def natural_key(self):
        return (self.slug,)

    @property
    def body_part_list(self) -> list[str]:
        return [part.strip() for part in self.body_parts.split(",") if part.strip()]


class TechniqueQuerySet(models.QuerySet):
    def published(self):
        return self.filter(published=True)


class Technique(models.Model):
    """A way of working the feet, as a client would read about it before booking."""

    class Kind(models.TextChoices):
        # The six kinds are also the screening engine's technique keys (contraindications §1.1).
        CLASSICAL = "classical", _("Classical massage")
        RELAXING = "relaxing", _("Relaxing massage")
        REFLEXOLOGY = "reflexology", _("Reflexology and acupressure")
        THAI_STICKS = "thai_sticks", _("Thai massage with sticks")
        THERAPEUTIC = "therapeutic", _("Therapeutic and orthopaedic massage")
        DEVICES = "devices", _("Devices and mats")

    class Intensity(models.TextChoices):
        GENTLE = "gentle", _("gentle")
        MODERATE = "moderate", _("moderate")
        FIRM = "firm", _("firm")

    class Setting(models.TextChoices):
        STUDIO = "studio", _("in the studio")
        HOME = "home", _("at home")
        BOTH = "both", _("in the studio or at home")

    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    setting = models.CharField(_("where"), max_length=6, choices=Setting.choices, default=Setting.STUDIO)
    summary = models.CharField(_("summary"), max_length=300)
    body = models.TextField(_("text"), help_text=_("Paragraphs separated by a blank line."))
    duration_min = models.PositiveSmallIntegerField(
        _("shortest typical duration (min)"), null=True, blank=True
    )
    duration_max = models.PositiveSmallIntegerField(
        _("longest typical duration (min)"), null=True, blank=True
    )
    duration_note = models.CharField(_("duration note"), max_length=200, blank=True)
    intensity = models.CharField(_("intensity"), max_length=8, choices=Intensity.choices)
    suits = models.TextField(_("who it suits"))
    image = models.ImageField(_("image"), upload_to="techniques/", blank=True)
    image_alt = models.CharField(_("image description"), max_length=200, blank=True)
    zones = models.ManyToManyField(
        Zone, related_name="techniques", verbose_name=_("zones worked"), blank=True
    )
    published = models.BooleanField(_("published"), default=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    objects = TechniqueQuerySet.as_manager()

    class Meta:
        verbose_name = _("technique")
        verbose_name_plural = _("techniques")
        ordering = ["order", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(duration_min__isnull=True)
                | Q(duration_max__isnull=True)
                | Q(duration_min__lte=F("duration_max")),
                name="technique_duration_range_ordered",
                violation_error_message=_("The shortest duration must not be longer than the longest."),
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("reflexology:technique_detail", kwargs={"slug": self.slug})

    def natural_key(self):
        return (self.slug,)


class StepManager(models.Manager):
    def get_by_natural_key(self, technique_slug, order):
        return self.get(technique__slug=technique_slug, order=order)


class TechniqueStep(models.Model):
    technique = models.ForeignKey(
        Technique, on_delete=models.CASCADE, related_name="steps", verbose_name=_("technique")
    )
    order = models.PositiveSmallIntegerField(_("order"))
    text = models.TextField(_("what to do"))
    duration_note = models.CharField(_("duration"), max_length=100, blank=True)

    objects = StepManager()

    class Meta:
        verbose_name = _("step")
        verbose_name_plural = _("steps")
        ordering = ["technique", "order"]
        constraints = [
            models.UniqueConstraint(fields=["technique", "order"], name="technique_step_order_unique"),
        ]

    def __str__(self):
        return f"{self.technique} · {self.order}"

    def natural_key(self):
        return (*self.technique.natural_key(), self.order)

    natural_key.dependencies = ["reflexology.technique"]


class ClaimQuerySet(models.QuerySet):
    def published(self):
        return self.filter(published=True)


class ClaimManager(models.Manager.from_queryset(ClaimQuerySet)):
    def get_by_natural_key(self, technique_slug, order):
        return self.get(technique__slug=technique_slug, order=order)


class Claim(models.Model):
    """A benefit people associate with a technique, labelled with what the evidence says."""

    class Evidence(models.TextChoices):
        SUPPORTED = "supported", _("Supported by research")
        REPORTED = "reported", _("Commonly reported by clients")
        TRADITIONAL = "traditional", _("Traditional belief")

    technique = models.ForeignKey(
        Technique, on_delete=models.CASCADE, related_name="claims", verbose_name=_("technique")
    )
    order = models.PositiveSmallIntegerField(_("order"))
    text = models.CharField(_("claim"), max_length=300)
    evidence = models.CharField(_("evidence"), max_length=12, choices=Evidence.choices)
    note = models.CharField(_("note"), max_length=300, help_text=_("One line on what the evidence says."))
    published = models.BooleanField(
        _("published"), default=True, help_text=_("Unsupported claims are kept on record but not shown.")
    )

    objects = ClaimManager()

    class Meta:
        verbose_name = _("claim")
        verbose_name_plural = _("claims")
        ordering = ["technique", "order"]
        constraints = [
            models.UniqueConstraint(fields=["technique", "order"], name="claim_order_unique"),
        ]

    def __str__(self):
        return self.text

    def natural_key(self):
        return (*self.technique.natural_key(), self.order)

    natural_key.dependencies = ["reflexology.technique"]
