"""Therapists, their working hours and time off, studio closures and rooms."""

from datetime import time
from itertools import pairwise

from django.conf import settings
from django.contrib.postgres.fields import DateTimeRangeField, RangeOperators
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

from bookings.constraints import PostgresExclusionConstraint
from bookings.models.choices import Level, Weekday
from bookings.models.services import Service

# --- Therapists, hours, time off, closures, rooms ---------------------------------------------


class TherapistQuerySet(models.QuerySet):
    def active(self):
        return self.filter(active=True)

    def performing(self, service):
        return self.filter(services=service)


class TherapistManager(models.Manager.from_queryset(TherapistQuerySet)):
    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


class Therapist(models.Model):
    """A member of the team who gives sessions."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="therapist",
        verbose_name=_("staff login"),
        help_text=_("The account they sign in to the staff area with, if any."),
    )
    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=120)
    headline = models.CharField(
        _("headline"), max_length=160, blank=True, help_text=_("One line under their name.")
    )
    bio = models.TextField(_("about"), blank=True, help_text=_("Paragraphs separated by a blank line."))
    photo = models.ImageField(_("photo"), upload_to="therapists/", blank=True)
    # Portraits (issue 18): `photo` holds the large square, this the small one for cards; both are made
    # from the upload by bookings.portraits.store_portrait (Pillow-checked, cropped, no metadata).
    photo_small = models.ImageField(
        _("small photo"), upload_to="therapists/small/", blank=True, editable=False
    )
    level = models.CharField(_("level"), max_length=12, choices=Level.choices, default=Level.THERAPIST)
    services = models.ManyToManyField(
        Service, related_name="therapists", verbose_name=_("services they give"), blank=True
    )
    active = models.BooleanField(
        _("taking bookings"), default=True, help_text=_("Untick to hide them and stop new bookings.")
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    objects = TherapistManager()

    class Meta:
        verbose_name = _("therapist")
        verbose_name_plural = _("therapists")
        ordering = ["order", "name"]
        constraints = [
            models.CheckConstraint(condition=Q(level__in=Level.values), name="therapist_level_valid"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("bookings:therapist_detail", kwargs={"slug": self.slug})

    def natural_key(self):
        return (self.slug,)

    def get_booking_url(self) -> str:
        return reverse("bookings:book") + f"?therapist={self.slug}"

    @property
    def initials(self) -> str:
        parts = [part for part in self.name.split() if part[:1].isalpha()]
        return "".join(part[0] for part in parts[:2]).upper() or "·"

    @property
    def bio_paragraphs(self) -> list[str]:
        return [p.strip() for p in self.bio.split("\n\n") if p.strip()]


def find_overlap(periods) -> tuple | None:
    """The first two (start, end) periods that overlap, or None. Touching ends do not overlap."""
    ordered = sorted(periods, key=lambda period: (period[0], period[1]))
    for earlier, later in pairwise(ordered):
        if later[0] < earlier[1]:
            return earlier, later
    return None


# Named by its public path, so migrations (which refer to bookings.models.WallClockRange) stay as they are.
@deconstructible(path="bookings.models.WallClockRange")
class WallClockRange(models.Func):
    """PostgreSQL has no range of TIME: the [start, end) times as a tsrange on one fixed day.

    IMMUTABLE (date + time is a timestamp without time zone), so it can be indexed: WorkingHours'
    exclusion constraint compares the periods of a weekday with it.
    """

    template = "TSRANGE(DATE '2000-01-01' + %(expressions)s, '[)')"
    arg_joiner = ", DATE '2000-01-01' + "
    arity = 2
    output_field = DateTimeRangeField()


class WorkingHours(models.Model):
    """A period a therapist works on a weekday; two rows on one day leave a break between them.

    On PostgreSQL the database refuses overlapping rows too (`working_hours_no_overlap`), checked at
    commit so that a formset may move a break (save 09:00-15:00 before 13:00-18:00 becomes 15:00-18:00).
    """

    therapist = models.ForeignKey(
        Therapist, on_delete=models.CASCADE, related_name="working_hours", verbose_name=_("therapist")
    )
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    start = models.TimeField(_("from"))
    end = models.TimeField(_("until"))

    class Meta:
        verbose_name = _("working hours")
        verbose_name_plural = _("working hours")
        ordering = ["therapist", "weekday", "start"]
        constraints = [
            models.CheckConstraint(
                condition=Q(start__lt=F("end")),
                name="working_hours_start_before_end",
                violation_error_message=_("Working hours must end after they start."),
            ),
            models.CheckConstraint(
                condition=Q(weekday__gte=0, weekday__lte=6), name="working_hours_weekday_valid"
            ),
            models.UniqueConstraint(
                fields=["therapist", "weekday", "start"],
                name="working_hours_one_start_per_day",
                violation_error_message=_("There are already working hours starting then on that day."),
            ),
            # PostgreSQL only (bookings/constraints.py). Deferred to commit; not run by model validation
            # (see get_constraints), where clean() and the formset already say it in words.
            PostgresExclusionConstraint(
                name="working_hours_no_overlap",
                expressions=[
                    ("therapist", RangeOperators.EQUAL),
                    ("weekday", RangeOperators.EQUAL),
                    (WallClockRange("start", "end"), RangeOperators.OVERLAPS),
                ],
                deferrable=models.Deferrable.DEFERRED,
                violation_error_message=_("These hours overlap other hours on the same day."),
            ),
        ]

    # Set by WorkingHoursFormSet, which checks the whole edited set of rows at once; checking one
    # row against the saved ones would then compare it with rows being changed in the same form.
    overlap_checked_by_formset = False

    def __str__(self):
        return f"{self.get_weekday_display()} {self.start:%H:%M}-{self.end:%H:%M}"

    def get_constraints(self):
        """The constraints model validation checks: all but the deferred overlap constraint.

        Checked row by row against the saved rows, it would refuse a formset's valid new set (the
        rows it is about to change); `clean()` and the formset check overlaps instead.
        """
        return [
            (model, [c for c in constraints if c.name != "working_hours_no_overlap"])
            for model, constraints in super().get_constraints()
        ]

    def clean(self):
        super().clean()
        if self.overlap_checked_by_formset or self.therapist_id is None:
            return
        if not isinstance(self.start, time) or not isinstance(self.end, time) or self.start >= self.end:
            return
        others = WorkingHours.objects.filter(therapist_id=self.therapist_id, weekday=self.weekday)
        if self.pk:
            others = others.exclude(pk=self.pk)
        clash = others.filter(start__lt=self.end, end__gt=self.start).first()
        if clash:
            raise ValidationError(
                _("These hours overlap %(other)s on the same day."),
                params={"other": f"{clash.start:%H:%M}-{clash.end:%H:%M}"},
                code="overlap",
            )


class TimeOffQuerySet(models.QuerySet):
    def overlapping(self, start, end):
        return self.filter(start__lt=end, end__gt=start)


class TimeOff(models.Model):
    """A period a therapist is away (holiday, training, a doctor's visit)."""

    therapist = models.ForeignKey(
        Therapist, on_delete=models.CASCADE, related_name="time_off", verbose_name=_("therapist")
    )
    start = models.DateTimeField(_("from"))
    end = models.DateTimeField(_("until"))
    reason = models.CharField(_("reason"), max_length=200, blank=True, help_text=_("Seen by staff only."))

    objects = TimeOffQuerySet.as_manager()

    class Meta:
        verbose_name = _("time off")
        verbose_name_plural = _("time off")
        ordering = ["start"]
        constraints = [
            models.CheckConstraint(
                condition=Q(start__lt=F("end")),
                name="time_off_start_before_end",
                violation_error_message=_("Time off must end after it starts."),
            ),
        ]

    def __str__(self):
        start, end = timezone.localtime(self.start), timezone.localtime(self.end)
        return f"{self.therapist}: {start:%Y-%m-%d %H:%M} - {end:%Y-%m-%d %H:%M}"


class StudioClosureQuerySet(models.QuerySet):
    def overlapping_dates(self, first, last):
        """Closures touching any day from `first` to `last` (both inclusive)."""
        return self.filter(start_date__lte=last, end_date__gte=first)


class StudioClosure(models.Model):
    """Days the whole studio is shut (holidays, repairs); both dates included."""

    start_date = models.DateField(_("first day closed"))
    end_date = models.DateField(_("last day closed"))
    reason = models.CharField(_("reason"), max_length=200, blank=True)

    objects = StudioClosureQuerySet.as_manager()

    class Meta:
        verbose_name = _("studio closure")
        verbose_name_plural = _("studio closures")
        ordering = ["start_date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(start_date__lte=F("end_date")),
                name="studio_closure_dates_ordered",
                violation_error_message=_("The last day closed cannot be before the first."),
            ),
        ]

    def __str__(self):
        if self.start_date == self.end_date:
            return f"{self.start_date:%Y-%m-%d} {self.reason}".strip()
        return f"{self.start_date:%Y-%m-%d} - {self.end_date:%Y-%m-%d} {self.reason}".strip()


class RoomQuerySet(models.QuerySet):
    def active(self):
        return self.filter(active=True)


class RoomManager(models.Manager.from_queryset(RoomQuerySet)):
    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


class Room(models.Model):
    """A treatment room; services that need a room are only booked when one is free."""

    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=80)
    active = models.BooleanField(_("in use"), default=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    objects = RoomManager()

    class Meta:
        verbose_name = _("room")
        verbose_name_plural = _("rooms")
        ordering = ["order", "name"]

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.slug,)
