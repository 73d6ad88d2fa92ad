"""The booking e-mails, which the booking functions queue themselves (notify=True): enqueued after
the commit, with the details, price, calendar file and manage link, never a health detail; nothing
for a change that was rolled back or resubmitted, or with notify=False; staff changes say so."""

from types import SimpleNamespace

import pytest
from django.db import transaction
from icalendar import Calendar

from bookings.booking import cancel_appointment, reschedule_appointment
from bookings.links import manage_link_token
from bookings.models import Actor
from bookings.tasks import send_booking_confirmation
from tests.bookings.factories import at, make_questionnaire
from tests.bookings.web.flow_support import book, make_studio

pytestmark = pytest.mark.django_db

HEALTH_WORDS = ["blood-thinning", "warfarin", "diabetes", "pregnan", "questionnaire answers"]


@pytest.fixture
def studio(set_policy, settings):
    settings.SITE_URL = "https://studio.example"
    return make_studio(set_policy)


def calendar_of(message) -> Calendar:
    (attachment,) = message.attachments
    assert attachment.mimetype == "text/calendar"
    assert attachment.filename.endswith(".ics")
    return Calendar.from_ical(attachment.content)


def test_the_confirmation_goes_out_after_the_commit_with_everything_the_client_needs(
    studio, mailoutbox, django_capture_on_commit_callbacks
):
    questionnaire = make_questionnaire(
        screening={"classical": {"outcome": "modify", "reasons": ["With blood-thinning medicine, gentle."]}}
    )
    with django_capture_on_commit_callbacks() as callbacks:
        appointment = book(studio, therapist=studio["boris"], questionnaire=questionnaire)
        assert mailoutbox == []  # not inside the transaction
    for callback in callbacks:
        callback()

    (message,) = mailoutbox
    assert message.to == ["maria@example.com"]
    assert "Your session on" in message.subject
    body = message.body
    assert "Classical, 60 minutes" in body
    assert "Boris Orlov" in body
    assert "₽2,900" in body
    assert f"https://studio.example/appointments/{manage_link_token(appointment)}/" in body
    assert "10:00" in body
    for word in HEALTH_WORDS:
        assert word not in body.lower()
    event = calendar_of(message).walk("VEVENT")[0]
    assert calendar_of(message)["METHOD"] == "REQUEST"
    assert event["SEQUENCE"] == 0


def test_nothing_is_sent_for_a_booking_that_was_rolled_back(
    studio, mailoutbox, django_capture_on_commit_callbacks
):
    class Oops(Exception):
        pass

    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(Oops),
        transaction.atomic(),
    ):
        book(studio)
        raise Oops
    assert callbacks == []
    assert mailoutbox == []


def test_a_move_sends_the_old_and_new_time_and_bumps_the_sequence(
    studio, mailoutbox, django_capture_on_commit_callbacks
):
    appointment = book(studio, therapist=studio["anna"])
    with django_capture_on_commit_callbacks(execute=True):
        reschedule_appointment(appointment=appointment, new_start=at(studio["day"], "14:00"))

    (message,) = mailoutbox
    assert "moved to" in message.subject
    assert "14:00" in message.body
    assert "10:00" in message.body  # where it was
    assert "as you asked" in message.body
    calendar = calendar_of(message)
    assert calendar["METHOD"] == "REQUEST"
    assert calendar.walk("VEVENT")[0]["SEQUENCE"] == 1


def test_a_cancellation_sends_a_calendar_cancel(studio, mailoutbox, django_capture_on_commit_callbacks):
    appointment = book(studio)
    with django_capture_on_commit_callbacks(execute=True):
        cancel_appointment(appointment=appointment, reason="My knee hurts")

    (message,) = mailoutbox
    assert "is cancelled" in message.subject
    assert "as you asked" in message.body
    assert "knee" not in message.body  # the reason is not repeated back
    calendar = calendar_of(message)
    assert calendar["METHOD"] == "CANCEL"
    event = calendar.walk("VEVENT")[0]
    assert event["STATUS"] == "CANCELLED"
    assert event["SEQUENCE"] == 1


def test_changes_made_by_the_studio_say_so(studio, mailoutbox, django_capture_on_commit_callbacks):
    first = book(studio, therapist=studio["anna"])
    second = book(studio, start=at(studio["day"], "15:00"), therapist=studio["anna"], email="b@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        reschedule_appointment(appointment=first, new_start=at(studio["day"], "12:00"), by=Actor.STAFF)
        cancel_appointment(appointment=second, by=Actor.STAFF)

    moved, cancelled = mailoutbox
    assert "We have moved your session" in moved.body
    assert "we have had to cancel your session" in cancelled.body


def test_the_studios_reason_for_cancelling_reaches_the_client(
    studio, mailoutbox, django_capture_on_commit_callbacks
):
    appointment = book(studio)
    with django_capture_on_commit_callbacks(execute=True):
        cancel_appointment(appointment=appointment, by=Actor.STAFF, reason="Your therapist is unwell")

    (message,) = mailoutbox
    assert "we have had to cancel your session" in message.body
    assert "Why: Your therapist is unwell" in message.body


def test_a_confirmation_for_a_session_cancelled_before_the_worker_ran_is_skipped(studio, mailoutbox):
    appointment = cancel_appointment(appointment=book(studio))
    send_booking_confirmation.enqueue(appointment.pk)
    assert mailoutbox == []


def test_a_failing_task_queue_never_breaks_the_booking(
    studio, mailoutbox, monkeypatch, caplog, django_capture_on_commit_callbacks
):
    def broken(*args, **kwargs):
        raise ConnectionError("queue down")

    monkeypatch.setattr("bookings.notifications.send_booking_confirmation", SimpleNamespace(enqueue=broken))
    with django_capture_on_commit_callbacks(execute=True):
        appointment = book(studio)  # the queued e-mail fails: robust on_commit, logged, not raised

    assert appointment.pk is not None
    assert mailoutbox == []
    assert "queue down" in caplog.text


def test_notify_false_sends_nothing(studio, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        appointment = book(studio, notify=False)
        reschedule_appointment(appointment=appointment, new_start=at(studio["day"], "14:00"), notify=False)
        cancel_appointment(appointment=appointment, notify=False)
    assert mailoutbox == []


def test_a_resubmitted_booking_is_not_mailed_again(studio, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = book(studio, idempotency_key="k" * 32)
        again = book(studio, idempotency_key="k" * 32)
    assert (first.pk, again.resubmitted) == (again.pk, True)
    assert len(mailoutbox) == 1
