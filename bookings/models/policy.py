"""The booking rules a manager edits in the admin (`BookingPolicy.current()`)."""

from datetime import timedelta

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

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
