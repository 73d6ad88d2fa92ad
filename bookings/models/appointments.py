"""Appointments and their history (`AppointmentEvent`)."""

import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.postgres.fields import RangeBoundary, RangeOperators
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bookings.constraints import PostgresExclusionConstraint, TsTzRange
from bookings.models.choices import MONEY
from bookings.models.services import Service
from bookings.models.team import (
    Room,
    Therapist,
)
from common.locale import client_language, language_choices
from common.phones import validate_e164

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
    # The client's language: their e-mails and calendar file are written in it (bookings/tasks.py).
    language = models.CharField(
        _("language"), max_length=8, choices=language_choices, default=client_language
    )
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
    questionnaire_needed = models.BooleanField(
        _("questionnaire needed"),
        default=False,
        help_text=_(
            "Booked at the desk without a valid questionnaire: the client has been sent the link, and "
            "the session shows on the day view until a questionnaire allows the technique."
        ),
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
