"""The booking rules that decide who may change what, and when (from `BookingPolicy`).

    notice_for(*, source="", by="") -> timedelta | None   the minimum notice: none at the front desk
    change_deadline(appointment, *, policy=None) -> datetime   clients may cancel/move until then
    client_can_change(appointment, *, policy=None, now=None) -> bool
    check_changeable(appointment, *, by, now, policy, verb)   BookingError if it may not change now

Staff (`by="staff"`) may move or cancel after the clients' cancellation deadline, and book without
the minimum notice (a walk-in client can be booked for the next free slot).
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from bookings.errors import BookingError
from bookings.models import Actor, Appointment, AppointmentSource, AppointmentStatus, BookingPolicy


def notice_for(*, source: str = "", by: str = "") -> timedelta | None:
    """The minimum notice for a booking or a move: none at the front desk, which books walk-in and
    phone clients for any time still to come; the booking policy's for clients online (None)."""
    if source == AppointmentSource.STAFF or by == Actor.STAFF:
        return timedelta(0)
    return None


def change_deadline(appointment: Appointment, *, policy: BookingPolicy | None = None) -> datetime:
    """Until when the client may cancel or move the appointment online."""
    policy = policy or BookingPolicy.current()
    return appointment.start - policy.cancellation_deadline


def online_change_deadline(
    *, start: datetime, policy: BookingPolicy, now: datetime | None = None
) -> datetime | None:
    """Until when a client may move or cancel a session starting at `start` online, or None when that
    moment has already passed (a session booked less than the cancellation deadline ahead)."""
    deadline = start - policy.cancellation_deadline
    return deadline if (now or timezone.now()) < deadline else None


def client_can_change(
    appointment: Appointment, *, policy: BookingPolicy | None = None, now: datetime | None = None
) -> bool:
    return appointment.status == AppointmentStatus.BOOKED and (now or timezone.now()) < change_deadline(
        appointment, policy=policy
    )


def check_changeable(appointment: Appointment, *, by: str, now: datetime, policy: BookingPolicy, verb: str):
    """Refuse changes to a session that is over or cancelled, or (for clients) past the deadline."""
    if appointment.status == AppointmentStatus.CANCELLED:
        raise BookingError(_("This session has already been cancelled."))
    if appointment.status != AppointmentStatus.BOOKED:
        raise BookingError(_("This session is already over."))
    if by == Actor.CLIENT and now >= change_deadline(appointment, policy=policy):
        values = {"hours": policy.cancellation_deadline_hours, "phone": settings.STUDIO_PHONE}
        if verb == "cancel":
            message = _(
                "Sessions can be cancelled online until %(hours)s hours before they start. "
                "Please call us on %(phone)s and we will sort it out together."
            )
        else:
            message = _(
                "Sessions can be moved online until %(hours)s hours before they start. "
                "Please call us on %(phone)s and we will sort it out together."
            )
        raise BookingError(message % values)
