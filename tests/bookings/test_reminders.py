"""send_reminders: about a day ahead, once, never twice even when two runs overlap, cancelled
sessions skipped, --dry-run sends nothing, and it says what it did."""

import threading
from datetime import timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from bookings.booking import cancel_appointment
from bookings.models import Appointment, AppointmentStatus
from tests.bookings.factories import make_appointment, make_questionnaire
from tests.bookings.web.flow_support import make_studio

pytestmark = pytest.mark.django_db


def run(*args, capture=None) -> str:
    out = StringIO()
    if capture is not None:
        with capture(execute=True):
            call_command("send_reminders", *args, stdout=out)
    else:
        call_command("send_reminders", *args, stdout=out)
    return out.getvalue()


def soon(hours: float):
    """A start `hours` from now, on the slot grid the factories do not need."""
    return (timezone.now() + timedelta(hours=hours)).replace(second=0, microsecond=0)


@pytest.fixture
def studio(set_policy):
    return make_studio(set_policy)


def session_at(studio, hours, **kwargs):
    return make_appointment(service=studio["service"], therapist=studio["anna"], start=soon(hours), **kwargs)


def test_sessions_in_the_next_day_are_reminded_once(studio, mailoutbox, django_capture_on_commit_callbacks):
    tomorrow = session_at(studio, 23, email="tomorrow@example.com")
    session_at(studio, 30, email="later@example.com")
    session_at(studio, -1, email="past@example.com")

    output = run(capture=django_capture_on_commit_callbacks)

    assert [message.to for message in mailoutbox] == [["tomorrow@example.com"]]
    assert "See you soon" in mailoutbox[0].subject
    assert mailoutbox[0].attachments[0].filename.endswith(".ics")
    assert "Sent 1 reminder(s)" in output
    assert f"reminded #{tomorrow.pk}" in output
    tomorrow.refresh_from_db()
    assert tomorrow.reminder_sent_at is not None

    output = run(capture=django_capture_on_commit_callbacks)
    assert len(mailoutbox) == 1
    assert "Sent 0 reminder(s)" in output
    assert "1 already reminded" in output


def test_cancelled_and_finished_sessions_are_skipped(studio, mailoutbox, django_capture_on_commit_callbacks):
    session_at(studio, 5, status=AppointmentStatus.CANCELLED, email="cancelled@example.com")
    session_at(studio, 6, status=AppointmentStatus.NO_SHOW, email="odd@example.com")

    output = run(capture=django_capture_on_commit_callbacks)

    assert mailoutbox == []
    assert "1 cancelled" in output


def test_dry_run_lists_and_sends_nothing(studio, mailoutbox, django_capture_on_commit_callbacks):
    appointment = session_at(studio, 10)

    output = run("--dry-run", capture=django_capture_on_commit_callbacks)

    assert mailoutbox == []
    assert "Would send 1 reminder(s)" in output
    assert f"would remind #{appointment.pk}" in output
    appointment.refresh_from_db()
    assert appointment.reminder_sent_at is None


def test_the_hours_can_be_changed_within_reason(studio, mailoutbox, django_capture_on_commit_callbacks):
    session_at(studio, 30)
    assert "Sent 1" in run("--hours", "48", capture=django_capture_on_commit_callbacks)
    for bad in ("0", "1000"):
        with pytest.raises(CommandError):
            run("--hours", bad)


def test_a_moved_session_is_reminded_again_for_its_new_time(
    studio, mailoutbox, django_capture_on_commit_callbacks
):
    appointment = session_at(studio, 20)
    run(capture=django_capture_on_commit_callbacks)
    # What reschedule_appointment does to the row (tests/bookings/test_booking.py checks it clears it).
    Appointment.objects.filter(pk=appointment.pk).update(
        start=appointment.start + timedelta(hours=1),
        end=appointment.end + timedelta(hours=1),
        blocked_until=appointment.blocked_until + timedelta(hours=1),
        reminder_sent_at=None,
    )

    run(capture=django_capture_on_commit_callbacks)
    assert len(mailoutbox) == 2


def test_a_session_cancelled_after_it_was_claimed_gets_no_reminder(studio, mailoutbox):
    """The task reads the appointment afresh (a database queue may run it later)."""
    from bookings.tasks import send_reminder

    appointment = session_at(studio, 20)
    cancel_appointment(appointment=appointment, by="staff")
    send_reminder.enqueue(appointment.pk)
    assert mailoutbox == []


def test_the_reminder_holds_no_health_detail(studio, mailoutbox, django_capture_on_commit_callbacks):
    questionnaire = make_questionnaire(
        screening={"classical": {"outcome": "modify", "reasons": ["Because of your diabetes, gently."]}}
    )
    appointment = session_at(studio, 20)
    Appointment.objects.filter(pk=appointment.pk).update(questionnaire=questionnaire)
    run(capture=django_capture_on_commit_callbacks)
    assert "diabetes" not in mailoutbox[0].body.lower()
    # Inside the cancellation deadline the client is asked to call instead of being offered the link.
    assert "please call us" in mailoutbox[0].body


@pytest.mark.django_db(transaction=True)
def test_two_runs_at_the_same_moment_send_each_reminder_once(set_policy):
    studio = make_studio(set_policy)
    for i in range(8):
        make_appointment(
            service=studio["service"],
            therapist=studio["anna"] if i % 2 else studio["boris"],
            start=soon(2 + i),
            email=f"c{i}@example.com",
        )
    mail.outbox = []
    barrier = threading.Barrier(3)
    errors = []

    def one_run():
        try:
            barrier.wait(timeout=30)
            call_command("send_reminders", stdout=StringIO())
        except Exception as error:  # the test looks for any
            errors.append(repr(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=one_run) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert errors == []
    assert sorted(message.to[0] for message in mail.outbox) == sorted(f"c{i}@example.com" for i in range(8))
    assert Appointment.objects.filter(reminder_sent_at__isnull=True).count() == 0
