"""A session booked less than the cancellation deadline ahead: the summary says so plainly before the
client confirms, and the confirmation e-mail never offers "move or cancel online until" a past time."""

from datetime import timedelta

import pytest
from django.utils import timezone

from bookings.models import BookingPolicy
from bookings.rules import online_change_deadline
from bookings.tasks import send_booking_confirmation
from tests.bookings.factories import at
from tests.bookings.web.flow_support import book, make_studio, ready_client, slot_token

pytestmark = pytest.mark.django_db

SUMMARY = "/book/summary/"


@pytest.fixture
def studio(set_policy, settings):
    settings.SITE_URL = "https://studio.example"
    return make_studio(set_policy)  # cancellation deadline 24 hours, minimum notice 2 hours


@pytest.fixture
def morning_of(studio, monkeypatch):
    """The clock at 08:00 on the studio's day: a 10:00 session that day is inside the 24 hours."""
    moment = at(studio["day"], "08:00")
    monkeypatch.setattr(timezone, "now", lambda: moment)
    return moment


def test_the_deadline_is_none_once_it_has_passed(studio):
    policy = BookingPolicy.current()
    start = at(studio["day"], "10:00")

    assert online_change_deadline(
        start=start, policy=policy, now=start - timedelta(hours=25)
    ) == start - timedelta(hours=24)
    assert online_change_deadline(start=start, policy=policy, now=start - timedelta(hours=24)) is None
    assert online_change_deadline(start=start, policy=policy, now=start - timedelta(hours=3)) is None


def test_the_summary_says_when_online_changes_end(client, studio):
    ready_client(client)
    page = client.get(
        SUMMARY, {"slot": slot_token(studio["service"], at(studio["day"], "10:00"))}
    ).content.decode()

    assert "You can move or cancel free of charge online until" in page
    assert "(24 hours before the session)" in page
    assert "cannot be moved or cancelled online" not in page


def test_a_late_booking_says_plainly_before_confirming_that_it_cannot_be_changed_online(
    client, studio, morning_of
):
    ready_client(client)
    response = client.get(SUMMARY, {"slot": slot_token(studio["service"], at(studio["day"], "10:00"))})

    assert response.status_code == 200
    page = response.content.decode()
    assert (
        "This session starts in less than 24 hours, so once booked it cannot be moved or cancelled online"
        in page
    )
    assert "free of charge online until" not in page
    # Said before the button, not after it.
    assert page.index("cannot be moved or cancelled online") < page.index("Confirm booking")


def test_the_confirmation_for_a_late_booking_does_not_offer_a_time_that_has_passed(
    studio, morning_of, mailoutbox, settings
):
    appointment = book(studio, start=at(studio["day"], "10:00"))
    send_booking_confirmation.enqueue(appointment.pk)

    (message,) = mailoutbox
    assert "move or cancel online until" not in message.body
    assert "less than 24 hours, so it can no longer be moved or cancelled online" in message.body
    assert settings.STUDIO_PHONE in message.body


def test_the_confirmation_made_in_good_time_gives_the_deadline(studio, mailoutbox):
    appointment = book(studio, start=at(studio["day"], "10:00"))
    send_booking_confirmation.enqueue(appointment.pk)

    (message,) = mailoutbox
    assert "You can move or cancel online until" in message.body
    assert "can no longer be moved" not in message.body
