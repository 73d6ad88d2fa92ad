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
    image = models.ImageField(
        _("image"),
        upload_to="systems/",
        blank=True,
        help_text=_("JPEG, PNG or WebP up to 10 MB; stored in web sizes without camera data."),
    )
    image_card = models.ImageField(_("small image"), upload_to="systems/cards/", blank=True, editable=False)
    image_alt = models.CharField(_("image description"), max_length=200, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    objects = SlugManager()

    class Meta:
        verbose_name = _("body system")
        verbose_name_plural = _("body systems")
        ordering = ["order", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(colour__regex=r"^#[0-9a-fA-F]{6}$"),
                name="bodysystem_colour_hex",
                violation_error_message=_("Use a colour like #3f6b57."),
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("reflexology:foot_map") + f"?system={self.slug}"

    def natural_key(self):
        return (self.slug,)


class ZoneFoot(models.TextChoices):
    LEFT = "left", _("left foot")
    RIGHT = "right", _("right foot")
    BOTH = "both", _("both feet")


class ZoneSurface(models.TextChoices):
    PLANTAR = "plantar", _("sole")
    DORSAL = "dorsal", _("top of the foot")
    MEDIAL = "medial", _("inner edge")
    LATERAL = "lateral", _("outer edge")


class ZoneRegion(models.TextChoices):
    # Front to back, as in zones.md §1.
    TOE_TIPS = "toe_tips", _("tips of the toes")
    TOES = "toes", _("pads of the toes")
    TOE_BASES = "toe_bases", _("bases of the toes")
    BALL = "ball", _("ball of the foot")
    ARCH_UPPER = "arch_upper", _("upper arch")
    ARCH_LOWER = "arch_lower", _("lower arch")
    HEEL = "heel", _("heel")
    INNER_EDGE = "inner_edge", _("inner edge")
    OUTER_EDGE = "outer_edge", _("outer edge")
    ANKLE_MEDIAL = "ankle_medial", _("below the inner ankle bone")
    ANKLE_LATERAL = "ankle_lateral", _("below the outer ankle bone")
    ANKLE_FRONT = "ankle_front", _("front of the ankle")
    INSTEP = "instep", _("top of the foot")


class ZoneOrigin(models.TextChoices):
    SEEDS = "seeds", _("described in our source articles")
    CHART = "chart", _("from the standard reflexology chart")
    BOTH = "both", _("in our sources and the standard chart")
    DIFFERS = "differs", _("our sources place it differently from the standard chart")


class Zone(models.Model):
    """An area of the foot that reflexology charts associate with a part of the body."""

    # The choices live at module level so Meta.constraints can name them; these keep Zone.Foot etc.
    Foot = ZoneFoot
    Surface = ZoneSurface
    Region = ZoneRegion
    Origin = ZoneOrigin

    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=120)
    foot = models.CharField(_("foot"), max_length=5, choices=Foot.choices, default=Foot.BOTH)
    surface = models.CharField(_("main surface"), max_length=8, choices=Surface.choices)
    region = models.CharField(
        _("region"), max_length=40, choices=Region.choices, help_text=_("Where on the foot, front to back.")
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
        constraints = [
            models.CheckConstraint(condition=Q(foot__in=ZoneFoot.values), name="zone_foot_valid"),
            models.CheckConstraint(condition=Q(surface__in=ZoneSurface.values), name="zone_surface_valid"),
            models.CheckConstraint(condition=Q(region__in=ZoneRegion.values), name="zone_region_valid"),
            models.CheckConstraint(condition=Q(origin__in=ZoneOrigin.values), name="zone_origin_valid"),
            models.CheckConstraint(
                condition=~Q(body_parts=""),
                name="zone_body_parts_not_empty",
                violation_error_message=_("Say what reflexology associates this area with."),
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("reflexology:zone_detail", kwargs={"slug": self.slug})

    def natural_key(self):
        return (self.slug,)

    @property
    def body_part_list(self) -> list[str]:
        return [part.strip() for part in self.body_parts.split(",") if part.strip()]


class TechniqueKind(models.TextChoices):
    # The six kinds are also the screening engine's technique keys (contraindications §1.1).
    CLASSICAL = "classical", _("Classical massage")
    RELAXING = "relaxing", _("Relaxing massage")
    REFLEXOLOGY = "reflexology", _("Reflexology and acupressure")
    THAI_STICKS = "thai_sticks", _("Thai massage with sticks")
    THERAPEUTIC = "therapeutic", _("Therapeutic and orthopaedic massage")
    DEVICES = "devices", _("Devices and mats")


class TechniqueIntensity(models.TextChoices):
    GENTLE = "gentle", _("gentle")
    MODERATE = "moderate", _("moderate")
    FIRM = "firm", _("firm")


class TechniqueSetting(models.TextChoices):
    STUDIO = "studio", _("in the studio")
    HOME = "home", _("at home")
    BOTH = "both", _("in the studio or at home")


# Our own drawings live in static/img/techniques/: one per kind, plus these techniques' own.
# Techniques with a drawing of their own (static/img/techniques/<slug>.svg); any other uses its kind's.
OWN_ILLUSTRATIONS = frozenset(
    {
        "vacuum",
        "bedtime-self-massage",
        "partner-massage",
        "therapeutic-flat-feet",
        "therapeutic-hallux-valgus",
        "therapeutic-arthrosis",
        "self-massage",
        "evening-self-massage",
        "quick-foot-routine",
        "mats-and-devices",
    }
)


class TechniqueQuerySet(models.QuerySet):
    def published(self):
        return self.filter(published=True)


class TechniqueManager(SlugManager.from_queryset(TechniqueQuerySet)):
    """Technique.objects: .published(), and natural keys so steps and claims load by slug."""


class Technique(models.Model):
    """A way of working the feet, as a client would read about it before booking."""

    Kind = TechniqueKind
    Intensity = TechniqueIntensity
    Setting = TechniqueSetting

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
    image = models.ImageField(
        _("image"),
        upload_to="techniques/",
        blank=True,
        help_text=_(
            "JPEG, PNG or WebP up to 10 MB; stored in web sizes without camera data. "
            "Without one, the page shows our drawing for the technique's kind."
        ),
    )
    image_card = models.ImageField(_("card image"), upload_to="techniques/cards/", blank=True, editable=False)
    image_alt = models.CharField(_("image description"), max_length=200, blank=True)
    zones = models.ManyToManyField(
        Zone, related_name="techniques", verbose_name=_("zones worked"), blank=True
    )
    published = models.BooleanField(_("published"), default=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    objects = TechniqueManager()

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
            models.CheckConstraint(
                condition=Q(duration_min__isnull=True) | Q(duration_min__gte=1),
                name="technique_duration_positive",
                violation_error_message=_("A duration is at least one minute."),
            ),
            models.CheckConstraint(condition=Q(kind__in=TechniqueKind.values), name="technique_kind_valid"),
            models.CheckConstraint(
                condition=Q(intensity__in=TechniqueIntensity.values), name="technique_intensity_valid"
            ),
            models.CheckConstraint(
                condition=Q(setting__in=TechniqueSetting.values), name="technique_setting_valid"
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("bookings:technique_detail", kwargs={"slug": self.slug})

    def natural_key(self):
        return (self.slug,)

    @property
    def illustration(self) -> str:
        """Static path of our own drawing, shown when no image was uploaded."""
        name = self.slug if self.slug in OWN_ILLUSTRATIONS else self.kind
        return f"img/techniques/{name}.svg"

    @property
    def body_paragraphs(self) -> list[str]:
        return [part.strip() for part in self.body.split("\n\n") if part.strip()]

    @property
    def duration_label(self) -> str:
        """'10 to 15 min' (with an en dash), 'about 30 min', or '' when the sources give no typical length."""
        low, high = self.duration_min, self.duration_max
        if low and high and low != high:
            return _("%(low)s\u2013%(high)s min") % {"low": low, "high": high}
        if low or high:
            return _("about %(minutes)s min") % {"minutes": low or high}
        return ""

    @property
    def intensity_level(self) -> int:
        """1 to 3, for the small pressure gauge on cards."""
        return {self.Intensity.GENTLE: 1, self.Intensity.MODERATE: 2, self.Intensity.FIRM: 3}.get(
            self.intensity, 0
        )


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
            models.CheckConstraint(condition=Q(order__gte=1), name="technique_step_order_positive"),
        ]

    def __str__(self):
        return f"{self.technique} · {self.order}"

    def natural_key(self):
        return (*self.technique.natural_key(), self.order)

    natural_key.dependencies = ["reflexology.technique"]


class ClaimEvidence(models.TextChoices):
    SUPPORTED = "supported", _("Supported by research")
    REPORTED = "reported", _("Commonly reported by clients")
    TRADITIONAL = "traditional", _("Traditional belief")
    # Kept on record so the team can see a claim was considered and why it is not shown.
    UNSUPPORTED = "unsupported", _("Not supported (not published)")


class ClaimQuerySet(models.QuerySet):
    def published(self):
        return self.filter(published=True)


class ClaimManager(models.Manager.from_queryset(ClaimQuerySet)):
    def get_by_natural_key(self, technique_slug, order):
        return self.get(technique__slug=technique_slug, order=order)


class Claim(models.Model):
    """A benefit people associate with a technique, labelled with what the evidence says."""

    Evidence = ClaimEvidence

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
    source = models.CharField(
        _("where it comes from"),
        max_length=200,
        blank=True,
        help_text=_("For the team: the source lines, e.g. '004:L276'. Never shown on the site."),
    )

    objects = ClaimManager()

    class Meta:
        verbose_name = _("claim")
        verbose_name_plural = _("claims")
        ordering = ["technique", "order"]
        constraints = [
            models.UniqueConstraint(fields=["technique", "order"], name="claim_order_unique"),
            models.CheckConstraint(
                condition=Q(evidence__in=ClaimEvidence.values), name="claim_evidence_valid"
            ),
            models.CheckConstraint(
                condition=~Q(evidence="unsupported", published=True),
                name="claim_unsupported_never_published",
                violation_error_message=_("A claim the evidence does not support cannot be published."),
            ),
        ]

    def __str__(self):
        return self.text

    def natural_key(self):
        return (*self.technique.natural_key(), self.order)

    natural_key.dependencies = ["reflexology.technique"]
