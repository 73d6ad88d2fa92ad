"""The screening gate through the client's pages (R12-R14): the summary screens for the session's
day, a move is screened again, and a booking made at the desk without a questionnaire is settled
when the client comes back to their booking with one."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.utils import timezone

from bookings.models import Appointment
from intake.models import Clearance
from intake.screening import screen
from tests.bookings.factories import at, clear_questionnaire, make_questionnaire
from tests.bookings.web.flow_support import (
    book,
    days_ahead,
    make_studio,
    manage_path,
    prove_questionnaire,
    ready_client,
    slot_token,
)
from tests.intake.conftest import SEED_RULES

pytestmark = pytest.mark.django_db

SUMMARY = "/book/summary/"
NEEDS_NOTE = {
    "classical": {
        "outcome": "needs_clearance",
        "outcome_after_clearance": "modify",
        "clearance_conditions": ["blood_clot_history"],
        "reasons": ["After a clot we need a short note from your doctor."],
    }
}


@pytest.fixture
def studio(set_policy):
    return make_studio(set_policy)


def html(response) -> str:
    return response.content.decode()


def test_a_fever_today_refuses_tomorrow_but_not_next_week(client, studio):
    fever = screen({"fever": "yes", "fever_symptoms": "no"}, rules=SEED_RULES, techniques=[]).as_json()
    ready_client(client, screening=fever)

    tomorrow = html(client.get(SUMMARY, {"slot": slot_token(studio["service"], at(days_ahead(1), "10:00"))}))
    next_week = client.get(SUMMARY, {"slot": slot_token(studio["service"], at(days_ahead(7), "10:00"))})

    assert "is not possible for you at the moment" in tomorrow
    assert 'name="confirmation"' not in tomorrow
    assert next_week.status_code == 200 and 'name="confirmation"' in html(next_week)


def test_a_client_cannot_move_past_the_end_of_their_doctors_note(client, studio):
    questionnaire = make_questionnaire(email="maria@example.com", screening=NEEDS_NOTE)
    Clearance.objects.create(
        questionnaire=questionnaire,
        condition_key="blood_clot_history",
        issued_on=timezone.localdate(),
        valid_until=studio["day"],
        recorded_by=User.objects.create(username="desk"),
    )
    appointment = book(studio, therapist=studio["anna"], questionnaire=questionnaire)
    later = at(studio["day"] + timedelta(days=10), "10:00")

    moved = client.post(
        manage_path(appointment, "move/"), {"slot": slot_token(studio["service"], later, studio["anna"])}
    )

    assert moved.status_code == 302
    assert "we need a note from your doctor" in html(client.get(moved.url))
    assert Appointment.objects.get(pk=appointment.pk).start == at(studio["day"], "10:00")


def test_coming_back_to_a_desk_booking_with_a_questionnaire_settles_it(client, studio):
    appointment = book(studio, therapist=studio["anna"], source="staff")
    assert appointment.questionnaire_needed

    prove_questionnaire(client, clear_questionnaire("maria@example.com"))
    response = client.get(manage_path(appointment))

    assert response.status_code == 200
    appointment.refresh_from_db()
    assert not appointment.questionnaire_needed and appointment.questionnaire is not None
