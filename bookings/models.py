"""Bookings data: services and prices, therapists, their hours and time off, rooms, appointments.

What the other parts of the site need to know (the booking flow, the staff area):

- `Service` is one technique (`reflexology.Technique`) at one duration, with a base `price`, a
  `buffer_minutes` cleaning/rest time after it, and `needs_room`. `ServicePrice` rows give the
  price with a therapist of a given `Level`; `service.price_for(level)` falls back to the base
  price. `Service.objects.bookable()` (active, of a published technique) is what clients may book.
- `Therapist` (optional OneToOne `user` for the staff area: `request.user.therapist`), with a
  `level` (`Level.THERAPIST` / `SENIOR` / `MASTER`), the `services` they perform, `active`.
- `WorkingHours`: several rows per weekday make breaks (09:00-13:00 and 14:00-18:00). Weekdays
  are Python's `date.weekday()` (Monday = 0). Rows for the same therapist and weekday must not
  overlap: `clean()` refuses it against the saved rows, and `bookings.forms.WorkingHoursFormSet`
  checks a whole edited set (use it in the staff area, as the admin does).
- `TimeOff` (aware datetimes, half-open [start, end)) and `StudioClosure` (local dates, both
  inclusive) make a therapist, or the whole studio, unavailable.
- `Room`: a service with `needs_room` is only offered when an active room is free for the whole
  time it blocks; the booking functions pick the room.
- `Appointment`: `start`/`end` are the session, `blocked_until = end + buffer` is what the
  therapist and the room are busy for. `Status.BOOKED`, `COMPLETED`, `NO_SHOW` occupy the time
  (`Appointment.ACTIVE_STATUSES`, `Appointment.objects.active()`); only `CANCELLED` frees it: a
  session that happened, or that the client missed, did use the therapist's time, and marking it
  done must never let another booking slip into the same hour. `price` and `currency` are copied
  at booking (invariant 4). `manage_token` is random (256 bits) and unique: the client's handle
  for `/appointments/<token>/`; e-mailed links sign it on top. `reminder_sent_at` is for
  `send_reminders` (the booking functions clear it when a session moves). `therapist_chosen` says
  whether the client picked the therapist or took "any therapist". Create, move and cancel
  appointments only through `bookings.booking` (locking, checks, audit), never with `.create()`.
- `AppointmentEvent`: the audit trail the booking functions write (who, what, when, details).
- `BookingPolicy.current()`: the booking rules a manager edits in the admin (slot step, minimum
  notice, booking window, cancellation deadline, longest availability query).

Invariant 1 (no overlap per therapist and per room, buffer included) is an exclusion constraint
on PostgreSQL (`bookings.constraints.PostgresExclusionConstraint`, btree_gist) and the locked
check-then-insert of `bookings.booking` everywhere.
"""

import secrets
from datetime import time, timedelta
from decimal import Decimal
from itertools import pairwise

from django.conf import settings
from django.contrib.postgres.fields import DateTimeRangeField, RangeBoundary, RangeOperators
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bookings.constraints import PostgresExclusionConstraint, TsTzRange
from common.phones import validate_e164

MONEY = {"max_digits": 10, "decimal_places": 2}


class Level(models.TextChoices):
    """A therapist's level; a service may cost more with a more experienced therapist."""

    THERAPIST = "therapist", _("Therapist")
    SENIOR = "senior", _("Senior therapist")
    MASTER = "master", _("Master therapist")


LEVEL_RANK = {Level.THERAPIST: 0, Level.SENIOR: 1, Level.MASTER: 2}


class Weekday(models.IntegerChoices):
    """Python's date.weekday() numbering."""

    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


# --- Booking rules ----------------------------------------------------------------------------


class BookingPolicy(models.Model):
    """The booking rules, one row a manager edits in the admin (defaults apply until then)."""

    SINGLETON_PK = 1

    slot_step_minutes = models.PositiveSmallIntegerField(
        _("slot step (minutes)"),
        default=15,
        validators=[MinValueValidator(5), MaxValueValidator(240)],
        help_text=_("Sessions start on this grid from midnight, e.g. 15 gives 09:00, 09:15, 09:30…"),
    )
    min_notice_hours = models.PositiveSmallIntegerField(
        _("minimum notice (hours)"),
        default=2,
        validators=[MaxValueValidator(24 * 14)],
        help_text=_("How long before a session it can still be booked online."),
    )
    booking_window_days = models.PositiveSmallIntegerField(
        _("booking window (days)"),
        default=90,
        validators=[MinValueValidator(1), MaxValueValidator(730)],
        help_text=_("How many days ahead clients can book."),
    )
    cancellation_deadline_hours = models.PositiveSmallIntegerField(
        _("cancellation deadline (hours)"),
        default=24,
        validators=[MaxValueValidator(24 * 14)],
        help_text=_(
            "Clients can cancel or move a session online until this many hours before it; "
            "after that they call the studio."
        ),
    )
    max_range_days = models.PositiveSmallIntegerField(
        _("longest availability query (days)"),
        default=62,
        validators=[MinValueValidator(1), MaxValueValidator(366)],
        help_text=_("The most days one availability request may cover."),
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("booking rules")
        verbose_name_plural = _("booking rules")
        constraints = [
            models.CheckConstraint(condition=Q(pk=1), name="booking_policy_singleton"),
            models.CheckConstraint(
                condition=Q(slot_step_minutes__gte=5, slot_step_minutes__lte=240),
                name="booking_policy_slot_step_sensible",
            ),
            models.CheckConstraint(
                condition=Q(booking_window_days__gte=1), name="booking_policy_window_positive"
            ),
            # The validators' upper bounds, so that an update outside the admin cannot pass them either.
            models.CheckConstraint(
                condition=Q(booking_window_days__lte=730), name="booking_policy_window_at_most_two_years"
            ),
            models.CheckConstraint(
                condition=Q(min_notice_hours__lte=24 * 14, cancellation_deadline_hours__lte=24 * 14),
                name="booking_policy_notice_at_most_two_weeks",
            ),
            models.CheckConstraint(
                condition=Q(max_range_days__gte=1, max_range_days__lte=366),
                name="booking_policy_range_sensible",
            ),
        ]

    def __str__(self):
        return str(_("Booking rules"))

    def save(self, *args, **kwargs):
        self.pk = self.SINGLETON_PK
        super().save(*args, **kwargs)

    @classmethod
    def current(cls) -> "BookingPolicy":
        """The rules in force: the saved row, or the defaults (unsaved) until a manager saves one."""
        return cls.objects.filter(pk=cls.SINGLETON_PK).first() or cls(pk=cls.SINGLETON_PK)

    @property
    def slot_step(self) -> timedelta:
        return timedelta(minutes=self.slot_step_minutes)

    @property
    def min_notice(self) -> timedelta:
        return timedelta(hours=self.min_notice_hours)

    @property
    def cancellation_deadline(self) -> timedelta:
        return timedelta(hours=self.cancellation_deadline_hours)


# --- Services and prices ----------------------------------------------------------------------


class ServiceQuerySet(models.QuerySet):
    def active(self):
        return self.filter(active=True)

    def bookable(self):
        """What clients may book online: active, of a published technique."""
        return self.active().filter(technique__published=True)


class ServiceManager(models.Manager.from_queryset(ServiceQuerySet)):
    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


class Service(models.Model):
    """A technique at a given length, as clients book and pay for it."""

    technique = models.ForeignKey(
        "reflexology.Technique",
        on_delete=models.PROTECT,
        related_name="services",
        verbose_name=_("technique"),
    )
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    name = models.CharField(_("name"), max_length=120)
    description = models.CharField(_("what is included"), max_length=300, blank=True)
    duration_minutes = models.PositiveSmallIntegerField(
        _("duration (minutes)"), validators=[MinValueValidator(5), MaxValueValidator(480)]
    )
    buffer_minutes = models.PositiveSmallIntegerField(
        _("buffer after (minutes)"),
        default=10,
        validators=[MaxValueValidator(120)],
        help_text=_("Time to air the room and wash hands before the therapist's next client."),
    )
    price = models.DecimalField(
        _("base price"),
        **MONEY,
        validators=[MinValueValidator(Decimal("0"))],
        help_text=_("In the studio's currency. Prices by level below override it."),
    )
    needs_room = models.BooleanField(
        _("needs a room"), default=True, help_text=_("Offered only when a treatment room is free.")
    )
    active = models.BooleanField(_("bookable"), default=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    objects = ServiceManager()

    class Meta:
        verbose_name = _("service")
        verbose_name_plural = _("services")
        ordering = ["order", "duration_minutes", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(duration_minutes__gte=5, duration_minutes__lte=480),
                name="service_duration_sensible",
                violation_error_message=_("A session lasts between 5 minutes and 8 hours."),
            ),
            models.CheckConstraint(
                condition=Q(buffer_minutes__lte=120),
                name="service_buffer_sensible",
                violation_error_message=_("The buffer after a session is at most two hours."),
            ),
            models.CheckConstraint(
                condition=Q(price__gte=0),
                name="service_price_not_negative",
                violation_error_message=_("A price cannot be negative."),
            ),
        ]

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.slug,)

    def get_booking_url(self) -> str:
        return reverse("bookings:book") + f"?service={self.slug}"

    @property
    def duration(self) -> timedelta:
        return timedelta(minutes=self.duration_minutes)

    @property
    def buffer(self) -> timedelta:
        return timedelta(minutes=self.buffer_minutes)

    def price_for(self, level: str) -> Decimal:
        """The price with a therapist of `level`: its own row if there is one, else the base price.

        Reads `level_prices.all()`, so prefetch `level_prices` when pricing many services.
        """
        for row in self.level_prices.all():
            if row.level == level:
                return row.price
        return self.price


class ServicePrice(models.Model):
    """The price of a service with a therapist of one level (e.g. more with a master)."""

    service = models.ForeignKey(
        Service, on_delete=models.CASCADE, related_name="level_prices", verbose_name=_("service")
    )
    level = models.CharField(_("therapist level"), max_length=12, choices=Level.choices)
    price = models.DecimalField(_("price"), **MONEY, validators=[MinValueValidator(Decimal("0"))])

    class Meta:
        verbose_name = _("price by level")
        verbose_name_plural = _("prices by level")
        ordering = ["service", "level"]
        constraints = [
            models.UniqueConstraint(
                fields=["service", "level"],
                name="service_price_one_per_level",
                violation_error_message=_("This service already has a price for that level."),
            ),
            models.CheckConstraint(condition=Q(price__gte=0), name="service_price_level_not_negative"),
            models.CheckConstraint(condition=Q(level__in=Level.values), name="service_price_level_valid"),
        ]

    def __str__(self):
        return f"{self.service} · {self.get_level_display()}"


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


# --- Appointments -----------------------------------------------------------------------------


def new_manage_token() -> str:
    """256 random bits, URL-safe: the client's handle on their booking."""
    return secrets.token_urlsafe(32)


class AppointmentStatus(models.TextChoices):
    BOOKED = "booked", _("Booked")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")
    NO_SHOW = "no_show", _("Did not come")


class AppointmentSource(models.TextChoices):
    ONLINE = "online", _("Booked online")
    STAFF = "staff", _("Booked by the studio")


# Every status but CANCELLED occupies the time: see the module docstring.
ACTIVE_STATUSES = (AppointmentStatus.BOOKED, AppointmentStatus.COMPLETED, AppointmentStatus.NO_SHOW)


class AppointmentQuerySet(models.QuerySet):
    def active(self):
        """Appointments that occupy their therapist's (and room's) time: all but cancelled ones."""
        return self.filter(status__in=ACTIVE_STATUSES)

    def booked(self):
        return self.filter(status=AppointmentStatus.BOOKED)

    def upcoming(self, now=None):
        return self.booked().filter(start__gte=now or timezone.now())

    def overlapping(self, start, end):
        """Appointments whose blocked time (session + buffer) overlaps [start, end)."""
        return self.filter(start__lt=end, blocked_until__gt=start)


class Appointment(models.Model):
    """A client's session with a therapist (and a room), at a price fixed when it was booked."""

    Status = AppointmentStatus
    Source = AppointmentSource
    ACTIVE_STATUSES = ACTIVE_STATUSES

    service = models.ForeignKey(
        Service, on_delete=models.PROTECT, related_name="appointments", verbose_name=_("service")
    )
    therapist = models.ForeignKey(
        Therapist, on_delete=models.PROTECT, related_name="appointments", verbose_name=_("therapist")
    )
    therapist_chosen = models.BooleanField(
        _("therapist chosen by the client"), default=True, help_text=_("Unticked: booked as 'any therapist'.")
    )
    room = models.ForeignKey(
        Room,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="appointments",
        verbose_name=_("room"),
    )
    client_name = models.CharField(_("client's name"), max_length=150)
    client_email = models.EmailField(_("client's e-mail"), db_index=True)
    # E.164 ("+79001234567"), shown in the national format (common/phones.py).
    client_phone = models.CharField(
        _("client's phone"), max_length=40, blank=True, validators=[validate_e164]
    )
    start = models.DateTimeField(_("starts"))
    end = models.DateTimeField(_("ends"))
    blocked_until = models.DateTimeField(
        _("therapist busy until"), help_text=_("The end of the session plus the service's buffer.")
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.BOOKED)
    price = models.DecimalField(_("price"), **MONEY, help_text=_("Copied from the price list when booked."))
    currency = models.CharField(_("currency"), max_length=3)
    # SET_NULL, not PROTECT: health answers must stay erasable (a client's erasure request deletes
    # the questionnaire) while the appointment stays as a business record. purge_intake anonymises
    # questionnaires linked to appointments rather than deleting them, so the link usually survives.
    questionnaire = models.ForeignKey(
        "intake.Questionnaire",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="appointments",
        verbose_name=_("health questionnaire"),
    )
    manage_token = models.CharField(
        _("manage token"), max_length=64, default=new_manage_token, editable=False
    )
    idempotency_key = models.CharField(
        _("request key"),
        max_length=64,
        blank=True,
        editable=False,
        help_text=_("Makes a resubmitted booking form return the first booking instead of a second."),
    )
    source = models.CharField(_("source"), max_length=8, choices=Source.choices, default=Source.ONLINE)
    cancellation_reason = models.CharField(_("cancellation reason"), max_length=300, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    reminder_sent_at = models.DateTimeField(_("reminder sent"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = AppointmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("appointment")
        verbose_name_plural = _("appointments")
        ordering = ["start", "pk"]
        # The staff area's permissions (staff/roles.py groups them into roles). The
        # object-level rule (a therapist sees only their own sessions) is staff/permissions.py.
        permissions = [
            ("access_staff_area", _("Can use the staff area and see their own schedule")),
            ("view_all_schedules", _("Can see every therapist's schedule")),
            ("manage_bookings", _("Can book, move and cancel sessions for clients")),
            ("record_attendance", _("Can mark sessions as done or missed")),
            ("add_appointment_note", _("Can add notes to sessions")),
            ("view_screening_details", _("Can see screening results (areas, adaptations, therapist notes)")),
            ("override_screening", _("Can book a session the screening refused, with a reason")),
            ("manage_hours", _("Can change working hours, time off and studio closures")),
            ("view_reports", _("Can see reports")),
            ("view_audit_trail", _("Can browse the history of staff actions")),
        ]
        indexes = [
            models.Index(fields=["therapist", "start"], name="appointment_therapist_start"),
            models.Index(fields=["start", "blocked_until"], name="appointment_time_range"),
            models.Index(fields=["status", "start"], name="appointment_status_start"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(start__lt=F("end")), name="appointment_start_before_end"),
            models.CheckConstraint(
                condition=Q(blocked_until__gte=F("end")), name="appointment_blocked_until_after_end"
            ),
            models.CheckConstraint(condition=Q(price__gte=0), name="appointment_price_not_negative"),
            models.CheckConstraint(
                condition=Q(status__in=AppointmentStatus.values), name="appointment_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(source__in=AppointmentSource.values), name="appointment_source_valid"
            ),
            models.UniqueConstraint(fields=["manage_token"], name="appointment_manage_token_unique"),
            models.UniqueConstraint(
                fields=["idempotency_key"],
                condition=~Q(idempotency_key=""),
                name="appointment_idempotency_key_unique",
            ),
            # Invariant 1, in the database (PostgreSQL only; see bookings/constraints.py).
            PostgresExclusionConstraint(
                name="appointment_no_therapist_overlap",
                expressions=[
                    ("therapist", RangeOperators.EQUAL),
                    (TsTzRange("start", "blocked_until", RangeBoundary()), RangeOperators.OVERLAPS),
                ],
                condition=Q(status__in=[status.value for status in ACTIVE_STATUSES]),
                violation_error_message=_("The therapist already has a session at that time."),
            ),
            PostgresExclusionConstraint(
                name="appointment_no_room_overlap",
                expressions=[
                    ("room", RangeOperators.EQUAL),
                    (TsTzRange("start", "blocked_until", RangeBoundary()), RangeOperators.OVERLAPS),
                ],
                condition=Q(status__in=[status.value for status in ACTIVE_STATUSES], room__isnull=False),
                violation_error_message=_("The room is already taken at that time."),
            ),
        ]

    def __str__(self):
        start = timezone.localtime(self.start)
        return f"{start:%Y-%m-%d %H:%M} {self.service} · {self.therapist} · {self.client_name}"

    @property
    def is_active(self) -> bool:
        return self.status in self.ACTIVE_STATUSES

    @property
    def duration(self) -> timedelta:
        return self.end - self.start


class EventKind(models.TextChoices):
    BOOKED = "booked", _("Booked")
    RESCHEDULED = "rescheduled", _("Moved")
    CANCELLED = "cancelled", _("Cancelled")
    COMPLETED = "completed", _("Marked as done")
    NO_SHOW = "no_show", _("Marked as did not come")
    UPDATED = "updated", _("Details changed")
    NOTE = "note", _("Note added")
    OVERRIDE = "override", _("Booked despite the screening")
    EXCEPTION = "exception", _("Kept despite a schedule change")


class Actor(models.TextChoices):
    CLIENT = "client", _("Client")
    STAFF = "staff", _("Staff")
    SYSTEM = "system", _("System")


class AppointmentEvent(models.Model):
    """One line of an appointment's history, written by the booking functions. No health details."""

    Kind = EventKind
    Actor = Actor

    appointment = models.ForeignKey(
        Appointment, on_delete=models.CASCADE, related_name="events", verbose_name=_("appointment")
    )
    at = models.DateTimeField(_("when"), default=timezone.now)
    kind = models.CharField(_("what"), max_length=12, choices=Kind.choices)
    actor = models.CharField(_("by"), max_length=8, choices=Actor.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("staff member"),
    )
    details = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        verbose_name = _("appointment history entry")
        verbose_name_plural = _("appointment history")
        ordering = ["at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=EventKind.values), name="appointment_event_kind_valid"
            ),
            models.CheckConstraint(condition=Q(actor__in=Actor.values), name="appointment_event_actor_valid"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.get_actor_display()}"
