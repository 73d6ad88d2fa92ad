"""The appointment's history (`AppointmentEvent`): who did what, when. Health information never goes in.

record_event(*, appointment, kind, by, user=None, details=None, now=None) -> AppointmentEvent
"""

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from bookings.models import Appointment, AppointmentEvent
from common.logging import log_event


def record_event(
    *,
    appointment: Appointment,
    kind: str,
    by: str,
    user=None,
    details: dict | None = None,
    now: datetime | None = None,
) -> AppointmentEvent:
    """Add a line to the appointment's history. `details` must hold no health information."""
    event = AppointmentEvent.objects.create(
        appointment=appointment,
        kind=kind,
        actor=by,
        user=user if getattr(user, "is_authenticated", False) else None,
        details=details or {},
        at=now or timezone.now(),
    )
    # The structured log gets ids only (never the client's details or a free-text reason), once committed.
    fields = {"appointment": appointment.pk, "by": by, "source": appointment.source, "user": event.user_id}
    transaction.on_commit(lambda: log_event(f"appointment.{kind}", **fields))
    return event
