"""Staff notes on an appointment: a line in its history (`EventKind.NOTE`), never edited afterwards.

    add_note(*, appointment, text, user, now=None) -> AppointmentEvent

Notes are for the practical side (running late, prefers the window room, paid by card). Health
details belong in the client's questionnaire, where reading them is permission-checked and logged;
the form says so. Refused (BookingError) on a cancelled session.
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bookings.errors import BookingError
from bookings.history import record_event
from bookings.models import Actor, Appointment, AppointmentEvent, AppointmentStatus, EventKind

NOTE_MAX_LENGTH = 1000


def add_note(*, appointment: Appointment, text: str, user, now: datetime | None = None) -> AppointmentEvent:
    """Add `text` to the appointment's history as a note by `user`."""
    text = (text or "").strip()
    if not text:
        raise BookingError(_("Write the note first."))
    if len(text) > NOTE_MAX_LENGTH:
        raise BookingError(_("Please keep a note under %(limit)s characters.") % {"limit": NOTE_MAX_LENGTH})
    with transaction.atomic():
        locked = Appointment.objects.select_for_update().get(pk=appointment.pk)
        if locked.status == AppointmentStatus.CANCELLED:
            raise BookingError(_("This session was cancelled, so nothing more can be added to it."))
        return record_event(
            appointment=locked,
            kind=EventKind.NOTE,
            by=Actor.STAFF,
            user=user,
            details={"text": text},
            now=now or timezone.now(),
        )
