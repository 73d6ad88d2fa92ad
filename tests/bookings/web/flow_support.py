"""Builders shared by the booking-flow tests (test_flow*, test_manage*, test_ics*, test_notifications*,
test_reminders*): a small studio open every day, clients with a proven questionnaire, and the flow's
signed values. Times are relative to the real clock, because the views read it."""

from datetime import date, time, timedelta
from urllib.parse import parse_qs, urlsplit

from django.utils import timezone

from bookings.booking import book_appointment
from bookings.links import manage_link_token
from bookings.models import Level
from bookings.web.flow import sign_slot
from intake.session import SESSION_KEY
from tests.bookings.factories import at, clear_questionnaire, make_questionnaire, make_service, make_therapist

CLASSICAL_OK = {"classical": {"outcome": "proceed", "reasons": []}}


def days_ahead(days: int) -> date:
    return timezone.localdate() + timedelta(days=days)


def make_studio(set_policy, *, technique="classical", hours=None) -> dict:
    """One service (60 min, 2 500, 2 900 with a senior) given by Anna and Boris (senior), 09:00-18:00."""
    set_policy(
        slot_step_minutes=30,
        min_notice_hours=2,
        booking_window_days=60,
        cancellation_deadline_hours=24,
        max_range_days=62,
    )
    service = make_service(
        technique=technique, minutes=60, buffer=0, price="2500.00", level_prices={Level.SENIOR: "2900.00"}
    )
    nine_to_six = hours or {weekday: [(time(9), time(18))] for weekday in range(7)}
    anna = make_therapist("anna", name="Anna Sokolova", services=[service], hours=nine_to_six)
    boris = make_therapist(
        "boris", name="Boris Orlov", level=Level.SENIOR, services=[service], hours=nine_to_six
    )
    return {"service": service, "anna": anna, "boris": boris, "day": days_ahead(4)}


def slot_token(service, start, therapist=None) -> str:
    return sign_slot(service=service.slug, start=start, therapist=therapist.slug if therapist else "")


def prove_questionnaire(client, questionnaire):
    """What intake.session.remember does: this browser has proven it owns `questionnaire`."""
    session = client.session
    session[SESSION_KEY] = str(questionnaire.public_id)
    session.save()
    return questionnaire


def give_contact(client, name="Maria Client", email="maria@example.com", phone=""):
    session = client.session
    session["bookings.web.flow.contact"] = {"name": name, "email": email, "phone": phone, "consent": True}
    session.save()


def ready_client(client, *, screening=None, email="maria@example.com"):
    """A browser with contact details given and a proven, valid questionnaire."""
    questionnaire = make_questionnaire(email=email, screening=screening or CLASSICAL_OK)
    prove_questionnaire(client, questionnaire)
    give_contact(client, email=email)
    return questionnaire


def book(studio, *, start=None, therapist=None, email="maria@example.com", **kwargs):
    if kwargs.get("source", "online") == "online":
        kwargs.setdefault("questionnaire", clear_questionnaire(email))  # online bookings need one
    return book_appointment(
        service=studio["service"],
        start=start or at(studio["day"], "10:00"),
        client_name="Maria Client",
        client_email=email,
        therapist=therapist,
        **kwargs,
    )


def manage_path(appointment, suffix="") -> str:
    return f"/appointments/{manage_link_token(appointment)}/{suffix}"


def query_of(url: str) -> dict:
    return {key: values[0] for key, values in parse_qs(urlsplit(url).query).items()}
