"""The booking e-mails are written in the client's language (the page they booked on), whenever a
task sends them: the dates, the price and the links. Django ships Russian month names, so "марта"
proves the Russian rendering before the project's own catalog exists."""

import pytest
from django.utils import translation

from bookings.links import manage_link_token
from bookings.tasks import send_booking_confirmation, send_reminder
from tests.bookings.web.flow_support import book, make_studio

pytestmark = pytest.mark.django_db


@pytest.fixture
def studio(set_policy, russian_default):
    russian_default.SITE_URL = "https://studio.example"
    return make_studio(set_policy)


def booked_in(studio, language: str, **kwargs):
    """An online booking made on a page in `language`; no mail yet (the test sends it)."""
    with translation.override(language):
        return book(studio, notify=False, **kwargs)


def test_an_online_booking_keeps_the_language_of_the_page(studio):
    assert booked_in(studio, "en").language == "en"
    assert booked_in(studio, "ru", email="olga@example.com").language == "ru"


def test_a_desk_booking_is_in_the_default_language_unless_the_staff_picks_one(studio):
    with translation.override("en"):  # a receptionist reading the staff area in English
        assert book(studio, source="staff", notify=False).language == "ru"
        assert (
            book(studio, source="staff", language="en", notify=False, email="x@example.com").language == "en"
        )


def test_an_english_confirmation_and_reminder_are_in_english(studio, mailoutbox):
    appointment = booked_in(studio, "en")
    with translation.override("ru"):  # whatever the worker's language
        send_booking_confirmation.call(appointment.pk)
        send_reminder.call(appointment.pk)
    for message in mailoutbox:
        assert studio["day"].strftime("%B") in message.body  # "March"
        assert f"https://studio.example/en/appointments/{manage_link_token(appointment)}/" in message.body
        assert "₽2,500" in message.body or "₽2,900" in message.body
    assert len(mailoutbox) == 2


def test_a_russian_confirmation_and_reminder_are_in_russian(studio, mailoutbox):
    appointment = booked_in(studio, "ru")
    with translation.override("en"):
        send_booking_confirmation.call(appointment.pk)
        send_reminder.call(appointment.pk)
    with translation.override("ru"):  # Django's own Russian: "марта", the month after a day
        genitive = translation.pgettext("alt. month", studio["day"].strftime("%B"))
    assert genitive != studio["day"].strftime("%B")
    for message in mailoutbox:
        assert genitive in message.body
        assert studio["day"].strftime("%B") not in message.body
        assert f"https://studio.example/appointments/{manage_link_token(appointment)}/" in message.body
        assert "\u00a0₽" in message.body  # "2 500 ₽"
    assert len(mailoutbox) == 2
