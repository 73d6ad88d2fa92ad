"""Telling the client about their booking: call these after booking, moving or cancelling.

    notify_booked(appointment)        the confirmation, with the calendar file and the manage link
    notify_rescheduled(appointment)   the new time (and the old one), with the updated calendar file
    notify_cancelled(appointment)     the cancellation, with a calendar CANCEL

Each enqueues its e-mail task (`bookings.tasks`) once the current transaction commits
(`transaction.on_commit`), so no mail goes out for a change that was rolled back, and none is sent
inside the request. Outside a transaction the task is enqueued at once. The callbacks are robust:
a mail backend that fails never turns a booking that did happen into an error page. Safe to call
from the staff area as well as the client's flow (the e-mails say when the studio made the change).
"""

from django.db import transaction

from bookings.models import Appointment
from bookings.tasks import (
    send_booking_confirmation,
    send_cancellation_notice,
    send_reschedule_notice,
)


def _after_commit(send, appointment: Appointment) -> None:
    pk = appointment.pk
    # robust: Django logs a failing callback (with the traceback) instead of raising it.
    transaction.on_commit(lambda: send.enqueue(pk), robust=True)


def notify_booked(appointment: Appointment) -> None:
    _after_commit(send_booking_confirmation, appointment)


def notify_rescheduled(appointment: Appointment) -> None:
    _after_commit(send_reschedule_notice, appointment)


def notify_cancelled(appointment: Appointment) -> None:
    _after_commit(send_cancellation_notice, appointment)
