"""The calendar file: a stable UID, times in UTC, SEQUENCE bumped by moves and the cancellation,
REQUEST / CANCEL / PUBLISH, and nothing from the health questionnaire; the download view."""

from datetime import UTC

import pytest
from icalendar import Calendar

from bookings.booking import cancel_appointment, reschedule_appointment
from bookings.ics import Method, appointment_calendar, event_uid
from bookings.links import manage_link_token
from tests.bookings.factories import at, make_questionnaire
from tests.bookings.web.flow_support import book, make_studio, manage_path

pytestmark = pytest.mark.django_db


@pytest.fixture
def studio(set_policy, settings):
    settings.SITE_URL = "https://studio.example"
    return make_studio(set_policy)


def event_of(data: bytes):
    calendar = Calendar.from_ical(data)
    (event,) = calendar.walk("VEVENT")
    return calendar, event


def test_times_are_in_utc_and_the_event_says_what_and_where(studio):
    appointment = book(studio, therapist=studio["boris"])
    raw = appointment_calendar(appointment, Method.REQUEST)
    calendar, event = event_of(raw)

    assert calendar["VERSION"] == "2.0"
    assert calendar["METHOD"] == "REQUEST"
    assert event.decoded("DTSTART") == appointment.start.astimezone(UTC)
    assert event.decoded("DTEND") == appointment.end.astimezone(UTC)
    assert b"DTSTART:" in raw and raw.split(b"DTSTART:")[1][:16].endswith(b"Z")  # 07:00Z is 10:00 in Moscow
    assert event.decoded("DTSTART").hour == 7
    assert event["STATUS"] == "CONFIRMED"
    assert "Classical, 60 minutes" in str(event["SUMMARY"])
    description = str(event["DESCRIPTION"])
    assert "Boris Orlov" in description
    assert "₽2,900" in description
    assert f"https://studio.example/appointments/{manage_link_token(appointment)}/" in description
    assert str(event["ATTENDEE"]) == "mailto:maria@example.com"
    assert "studio.example" in str(event["UID"])


def test_the_uid_is_stable_and_the_sequence_grows_with_each_change(studio):
    appointment = book(studio, therapist=studio["anna"])
    other = book(studio, therapist=studio["boris"], email="other@example.com")
    uid = event_uid(appointment)
    assert uid != event_uid(other)

    assert event_of(appointment_calendar(appointment))[1]["SEQUENCE"] == 0
    moved = reschedule_appointment(appointment=appointment, new_start=at(studio["day"], "12:00"))
    _, event = event_of(appointment_calendar(moved))
    assert (str(event["UID"]), event["SEQUENCE"]) == (uid, 1)
    moved = reschedule_appointment(appointment=moved, new_start=at(studio["day"], "13:00"))
    cancelled = cancel_appointment(appointment=moved)
    calendar, event = event_of(appointment_calendar(cancelled, Method.CANCEL))
    assert (str(event["UID"]), event["SEQUENCE"], event["STATUS"]) == (uid, 3, "CANCELLED")
    assert calendar["METHOD"] == "CANCEL"


def test_a_cancel_calendar_is_only_for_a_cancelled_session(studio):
    with pytest.raises(ValueError, match="cancelled"):
        appointment_calendar(book(studio), Method.CANCEL)


def test_no_health_detail_reaches_the_calendar(studio):
    questionnaire = make_questionnaire(
        screening={"classical": {"outcome": "modify", "reasons": ["Gentle pressure because of diabetes."]}}
    )
    raw = appointment_calendar(book(studio, questionnaire=questionnaire)).decode()
    assert "diabetes" not in raw.lower()
    assert "Gentle" not in raw


def test_the_download_is_a_calendar_file(client, studio):
    appointment = book(studio)
    response = client.get(manage_path(appointment, "calendar.ics"))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="session-')
    calendar, event = event_of(response.content)
    assert calendar["METHOD"] == "PUBLISH"
    assert "ATTENDEE" not in event


def test_the_download_of_a_cancelled_session_cancels_it_in_the_calendar(client, studio):
    appointment = cancel_appointment(appointment=book(studio))
    calendar, event = event_of(client.get(manage_path(appointment, "calendar.ics")).content)
    assert (calendar["METHOD"], event["STATUS"]) == ("CANCEL", "CANCELLED")


@pytest.mark.parametrize("token", ["nothing", "a.b", "x" * 500])
def test_a_bad_link_to_the_calendar_is_a_friendly_404(client, studio, token):
    response = client.get(f"/appointments/{token}/calendar.ics")
    assert response.status_code == 404
    assert "We could not find this booking" in response.content.decode()
