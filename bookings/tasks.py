"""The booking e-mails, sent by Django tasks after the transaction that changed the booking commits.

Enqueue them through `bookings.notifications` (which waits for the commit), never directly from a
view. Each task reads the appointment afresh, so a mail sent late by a worker says what is true
when it is sent, and a mail that no longer makes sense is skipped (no "booked" confirmation for a
session cancelled meanwhile, no reminder for one that has been cancelled or has started).

Each is written in the client's language (`appointment.language`, the page they booked on): the text,
the dates, the price and the links (/en/... for English) are rendered inside `translation.override`.

E-mails carry the details, the price, a calendar file and the signed manage link; never anything
from the health questionnaire (a booking made without one carries the link to fill it in, and
every reminder asks, in the same words for everyone, to tell us on the day about a temperature,
alcohol, a big meal or a flare-up: contraindications.md R14). Log lines name the appointment by id only.
"""

import logging
from datetime import datetime

from django.conf import settings
from django.tasks import task
from django.urls import reverse
from django.utils import timezone, translation

from bookings.ics import Method, appointment_calendar, calendar_filename
from bookings.links import absolute, manage_url
from bookings.models import Actor, Appointment, AppointmentStatus, BookingPolicy, EventKind
from bookings.money import format_money
from bookings.prepaid import payment_note
from bookings.rules import change_deadline
from bookings.screening_gate import questionnaire_link
from common.context_processors import localised
from common.dates import when as format_when
from common.mail import send_templated_mail

logger = logging.getLogger(__name__)

CALENDAR_MIMETYPE = "text/calendar"


def _load(appointment_pk: int) -> Appointment | None:
    return Appointment.objects.select_related("service", "therapist").filter(pk=appointment_pk).first()


def when(moment: datetime) -> str:
    """ "Monday 1 March 2027, 10:00" in the studio's zone, in the active language (common/dates.py)."""
    return format_when(moment)


def _context(appointment: Appointment) -> dict:
    policy = BookingPolicy.current()
    return {
        "name": appointment.client_name,
        "service": appointment.service.name,
        "therapist": appointment.therapist.name,
        "when": when(appointment.start),
        "minutes": appointment.service.duration_minutes,
        "price": format_money(appointment.price, appointment.currency),
        "paid": payment_note(appointment),  # a course or a gift certificate (bookings.prepaid)
        "manage_url": manage_url(appointment),
        "book_url": absolute(reverse("bookings:book")),
        "address": localised("STUDIO_ADDRESS"),
        "deadline": when(change_deadline(appointment, policy=policy)),
        "deadline_hours": policy.cancellation_deadline_hours,
        # False for a session booked less than the deadline ahead: the e-mail must not offer a past time.
        "can_change": timezone.now() < change_deadline(appointment, policy=policy),
        "phone": settings.STUDIO_PHONE,
        "questionnaire_url": questionnaire_link(appointment) if appointment.questionnaire_needed else "",
    }


def _calendar(appointment: Appointment, method: Method) -> tuple[str, str, str]:
    return (
        calendar_filename(appointment),
        appointment_calendar(appointment, method).decode(),
        CALENDAR_MIMETYPE,
    )


def _last_event(appointment: Appointment, kind: str):
    return appointment.events.filter(kind=kind).order_by("-at", "-pk").first()


def _send(appointment: Appointment, template: str, context: dict, *, method: Method, what: str) -> None:
    """E-mail the client `bookings/email/<template>` with the calendar file, and log it (by id only)."""
    send_templated_mail(
        template=f"bookings/email/{template}",
        to=[appointment.client_email],
        context=context,
        attachments=[_calendar(appointment, method)],
    )
    logger.info("bookings: %s sent for appointment %s", what, appointment.pk)


@task
def send_booking_confirmation(appointment_pk: int) -> None:
    appointment = _load(appointment_pk)
    if appointment is None or appointment.status != AppointmentStatus.BOOKED:
        logger.info("bookings: confirmation for appointment %s skipped (not booked)", appointment_pk)
        return
    with translation.override(appointment.language):
        _send(appointment, "confirmation", _context(appointment), method=Method.REQUEST, what="confirmation")


@task
def send_reschedule_notice(appointment_pk: int) -> None:
    appointment = _load(appointment_pk)
    if appointment is None or appointment.status != AppointmentStatus.BOOKED:
        logger.info("bookings: reschedule notice for appointment %s skipped (not booked)", appointment_pk)
        return
    with translation.override(appointment.language):
        _send_reschedule_notice(appointment)


def _send_reschedule_notice(appointment: Appointment) -> None:
    moved = _last_event(appointment, EventKind.RESCHEDULED)
    previous = ""
    if moved is not None and isinstance(moved.details.get("from"), str):
        try:
            previous = when(datetime.fromisoformat(moved.details["from"]))
        except ValueError:
            previous = ""
    context = {
        **_context(appointment),
        "previous": previous,
        "by_studio": moved is not None and moved.actor != Actor.CLIENT,
    }
    _send(appointment, "rescheduled", context, method=Method.REQUEST, what="reschedule notice")


@task
def send_cancellation_notice(appointment_pk: int) -> None:
    appointment = _load(appointment_pk)
    if appointment is None or appointment.status != AppointmentStatus.CANCELLED:
        logger.info(
            "bookings: cancellation notice for appointment %s skipped (not cancelled)", appointment_pk
        )
        return
    cancelled = _last_event(appointment, EventKind.CANCELLED)
    by_studio = cancelled is not None and cancelled.actor != Actor.CLIENT
    with translation.override(appointment.language):
        _send_cancellation_notice(appointment, by_studio=by_studio)


def _send_cancellation_notice(appointment: Appointment, *, by_studio: bool) -> None:
    context = {
        **_context(appointment),
        "by_studio": by_studio,
        # The studio's own reason is written for the client (the staff forms say so); a client's
        # reason is never repeated back, since people sometimes explain with a health detail.
        "studio_reason": appointment.cancellation_reason if by_studio else "",
    }
    _send(appointment, "cancelled", context, method=Method.CANCEL, what="cancellation notice")


@task
def send_reminder(appointment_pk: int) -> None:
    """The day-before reminder. `send_reminders` has already marked it sent, so this sends once."""
    appointment = _load(appointment_pk)
    if (
        appointment is None
        or appointment.status != AppointmentStatus.BOOKED
        or appointment.start <= timezone.now()
    ):
        logger.info("bookings: reminder for appointment %s skipped (not upcoming)", appointment_pk)
        return
    with translation.override(appointment.language):
        context = {
            **_context(appointment),
            "can_change": timezone.now() < change_deadline(appointment),
        }
        _send(appointment, "reminder", context, method=Method.REQUEST, what="reminder")
