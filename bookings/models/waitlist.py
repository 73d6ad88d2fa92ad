"""The waitlist: clients waiting for a time to free up (`WaitlistEntry`), and the holds they are offered.

- `WaitlistEntry`: a client waiting for `service` between `first_day` and `last_day` (local dates,
  both included), at some `parts` of the day (morning, afternoon, evening) or between `earliest` and
  `latest` (the session's start, wall-clock), with `therapist` or anyone. It carries the contact
  details, the questionnaire that allowed the technique when they joined, and the client's `language`
  (for the e-mails). `token` (256 random bits) is the client's handle; e-mailed links sign it on top.
  Status: `waiting` until it ends (`booked`, `left`, or `ended` once the range has passed).
- `WaitlistOffer`: a time held for one entry (`therapist`, `start` to `blocked_until`, a room when the
  service needs one) until `expires_at`. While `status == held` and unexpired, the availability engine
  treats it as busy for everyone (it is unioned with the appointments in the same query,
  `WaitlistOfferQuerySet.blocking`); the holder's confirmation closes it and books through
  `book_appointment`. The database refuses two held offers on the same therapist and start, and two
  held offers for one entry (named conditional unique constraints). The rows stay as the entry's
  history of what it was offered and when; the retention purge deletes them with their entry.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from bookings.models.appointments import Appointment, new_manage_token
from bookings.models.services import Service
from bookings.models.team import Room, Therapist
from common.phones import validate_e164


def current_language() -> str:
    """The language the client is using now (the e-mails about their entry are written in it)."""
    return (get_language() or settings.LANGUAGE_CODE)[:10]


class DayPart(models.TextChoices):
    MORNING = "morning", _("Morning (before 12:00)")
    AFTERNOON = "afternoon", _("Afternoon (12:00 to 17:00)")
    EVENING = "evening", _("Evening (from 17:00)")


# The start hour each part runs from (inclusive) and until (exclusive), wall-clock.
DAY_PART_HOURS = {DayPart.MORNING: (0, 12), DayPart.AFTERNOON: (12, 17), DayPart.EVENING: (17, 24)}


class WaitlistStatus(models.TextChoices):
    WAITING = "waiting", _("Waiting")
    BOOKED = "booked", _("Booked")
    LEFT = "left", _("Left the waitlist")
    ENDED = "ended", _("Dates passed")


class OfferStatus(models.TextChoices):
    HELD = "held", _("Held for the client")
    BOOKED = "booked", _("Booked")
    EXPIRED = "expired", _("Not taken in time")
    RELEASED = "released", _("Released")


class WaitlistEntryQuerySet(models.QuerySet):
    def waiting(self):
        return self.filter(status=WaitlistStatus.WAITING)

    def in_order(self):
        """The order of offers: who joined first."""
        return self.order_by("created_at", "pk")

    def covering(self, first_day, last_day):
        """Entries whose range overlaps [first_day, last_day] (local dates)."""
        return self.filter(first_day__lte=last_day, last_day__gte=first_day)


class WaitlistEntry(models.Model):
    """A client waiting for a session to free up."""

    service = models.ForeignKey(
        Service, on_delete=models.PROTECT, related_name="waitlist_entries", verbose_name=_("session")
    )
    therapist = models.ForeignKey(
        Therapist,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="waitlist_entries",
        verbose_name=_("therapist"),
        help_text=_("Empty: any therapist."),
    )
    first_day = models.DateField(_("from"))
    last_day = models.DateField(_("until"))
    parts = models.JSONField(_("times of day"), default=list, blank=True)
    earliest = models.TimeField(_("starting from"), null=True, blank=True)
    latest = models.TimeField(_("starting by"), null=True, blank=True)
    client_name = models.CharField(_("client's name"), max_length=150)
    client_email = models.EmailField(_("client's e-mail"), db_index=True)
    client_phone = models.CharField(
        _("client's phone"), max_length=40, blank=True, validators=[validate_e164]
    )
    questionnaire = models.ForeignKey(
        "intake.Questionnaire",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="waitlist_entries",
        verbose_name=_("health questionnaire"),
    )
    language = models.CharField(_("language"), max_length=10, default=current_language)
    status = models.CharField(
        _("status"), max_length=10, choices=WaitlistStatus.choices, default=WaitlistStatus.WAITING
    )
    token = models.CharField(_("token"), max_length=64, unique=True, default=new_manage_token, editable=False)
    created_at = models.DateTimeField(_("joined"), default=timezone.now, db_index=True)
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True)
    appointment = models.ForeignKey(
        Appointment,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="waitlist_entries",
        verbose_name=_("booked appointment"),
    )

    objects = WaitlistEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("waitlist entry")
        verbose_name_plural = _("waitlist entries")
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(first_day__lte=F("last_day")), name="waitlist_range_in_order"),
            models.CheckConstraint(
                condition=Q(earliest__isnull=True) | Q(latest__isnull=True) | Q(earliest__lte=F("latest")),
                name="waitlist_hours_in_order",
            ),
        ]
        indexes = [models.Index(fields=["status", "last_day"], name="waitlist_status_last_day")]

    def __str__(self):
        return _("%(name)s waiting for %(service)s") % {"name": self.client_name, "service": self.service}


class WaitlistOfferQuerySet(models.QuerySet):
    def held(self):
        return self.filter(status=OfferStatus.HELD)

    def blocking(self, now):
        """Holds that keep their time from everyone else at `now`: held and not yet expired."""
        return self.held().filter(expires_at__gt=now)

    def overlapping(self, start, end):
        return self.filter(start__lt=end, blocked_until__gt=start)


class WaitlistOffer(models.Model):
    """A freed time offered to (and held for) one waitlist entry, and what became of it."""

    class By(models.TextChoices):
        AUTO = "auto", _("Offered automatically")
        STAFF = "staff", _("Offered by the studio")

    entry = models.ForeignKey(
        WaitlistEntry, on_delete=models.CASCADE, related_name="offers", verbose_name=_("waitlist entry")
    )
    therapist = models.ForeignKey(
        Therapist, on_delete=models.CASCADE, related_name="waitlist_holds", verbose_name=_("therapist")
    )
    room = models.ForeignKey(
        Room, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("room")
    )
    start = models.DateTimeField(_("starts"))
    end = models.DateTimeField(_("ends"))
    blocked_until = models.DateTimeField(_("therapist busy until"))
    status = models.CharField(
        _("status"), max_length=10, choices=OfferStatus.choices, default=OfferStatus.HELD
    )
    offered_at = models.DateTimeField(_("offered"), default=timezone.now)
    expires_at = models.DateTimeField(_("held until"))
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    by = models.CharField(_("offered by"), max_length=8, choices=By.choices, default=By.AUTO)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    token = models.CharField(_("token"), max_length=64, unique=True, default=new_manage_token, editable=False)

    objects = WaitlistOfferQuerySet.as_manager()

    class Meta:
        verbose_name = _("waitlist offer")
        verbose_name_plural = _("waitlist offers")
        ordering = ["offered_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(start__lt=F("end")), name="waitlist_offer_start_before_end"),
            models.UniqueConstraint(
                fields=["therapist", "start"],
                condition=Q(status="held"),
                name="waitlist_one_hold_per_time",
            ),
            models.UniqueConstraint(
                fields=["entry"], condition=Q(status="held"), name="waitlist_one_hold_per_entry"
            ),
        ]
        indexes = [models.Index(fields=["status", "expires_at"], name="waitlist_offer_due")]

    def __str__(self):
        return _("%(entry)s: offered %(start)s") % {"entry": self.entry, "start": self.start}
