"""Fixtures for the staff-area tests: the roles, users for each of them, a frozen clock, a small studio.

The studio (`studio` fixture), on MONDAY (tests/bookings/factories.py) with the clock at 12:00:
- Anna (linked to the "therapist" user) and Boris (linked to "other_therapist"), 09:00-18:00 daily;
- Anna's 10:00 session (started, so it can be marked) with a questionnaire whose stored screening
  says: avoid an area, adapt, a therapist note; Boris's 14:00 session with no questionnaire.
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from staff.roles import Role, assign_role, ensure_roles
from tests.bookings.factories import (
    MONDAY,
    at,
    make_appointment,
    make_questionnaire,
    make_service,
    make_therapist,
)

PASSWORD = "a-long-test-password"
ROLE_NAMES = ["anonymous", "therapist", "other_therapist", "reception", "manager"]
SECRET_MEDICINE = "Warfarin 5 mg, evenings"

SCREENING = {
    "outcome": "avoid_area",
    "reasons": ["We will leave your left heel out this time."],
    "areas": ["heel", "affected_site", "solar-plexus"],
    "gentle_areas": [],
    "modifiers": ["gentle_pressure", "gloves"],
    "therapist_notes": ["Bruise on the left heel: keep well away."],
    "clearance_conditions": [],
}


class Clock:
    """A settable `timezone.now` for the tests (the views and the booking functions read it)."""

    def __init__(self, moment: datetime):
        self.moment = moment

    def __call__(self):
        return self.moment

    def set(self, moment: datetime) -> None:
        self.moment = moment

    def advance(self, **delta) -> None:
        self.moment += timedelta(**delta)


@pytest.fixture
def clock(monkeypatch):
    frozen = Clock(at(MONDAY, "12:00"))
    monkeypatch.setattr(timezone, "now", frozen)
    return frozen


@pytest.fixture
def roles(db):
    ensure_roles()


def make_user(username: str, role: str | None = None, **fields):
    user = get_user_model().objects.create_user(username, password=PASSWORD, **fields)
    if role:
        assign_role(user, role)
    return get_user_model().objects.get(pk=user.pk)  # a fresh permission cache


@dataclass
class Studio:
    service: object
    anna: object
    boris: object
    appointment: object
    boris_appointment: object
    questionnaire: object
    users: dict = field(default_factory=dict)

    def user(self, role: str):
        return self.users.get(role)


def build_studio() -> Studio:
    service = make_service(technique="classical", slug="classical-60", minutes=60, price="2500.00")
    anna = make_therapist("anna", name="Anna Example", services=[service])
    boris = make_therapist("boris", name="Boris Example", services=[service])
    users = {
        "therapist": make_user("anna", Role.THERAPIST, first_name="Anna"),
        "other_therapist": make_user("boris", Role.THERAPIST, first_name="Boris"),
        "reception": make_user("desk", Role.RECEPTION, first_name="Desk"),
        "manager": make_user("boss", Role.MANAGER, first_name="Boss"),
    }
    anna.user = users["therapist"]
    anna.save(update_fields=["user"])
    boris.user = users["other_therapist"]
    boris.save(update_fields=["user"])
    questionnaire = make_questionnaire(email="client@example.com", screening={"classical": SCREENING})
    type(questionnaire).objects.filter(pk=questionnaire.pk).update(medicines=SECRET_MEDICINE)
    appointment = make_appointment(service=service, therapist=anna, start=at(MONDAY, "10:00"))
    appointment.questionnaire = questionnaire
    appointment.client_name = "Clara Client"
    appointment.client_email = "client@example.com"
    appointment.client_phone = "+7 900 123-45-67"
    appointment.save()
    boris_appointment = make_appointment(service=service, therapist=boris, start=at(MONDAY, "14:00"))
    return Studio(
        service=service,
        anna=anna,
        boris=boris,
        appointment=appointment,
        boris_appointment=boris_appointment,
        questionnaire=questionnaire,
        users=users,
    )


@pytest.fixture
def studio(roles, clock):
    return build_studio()


@pytest.fixture
def login(client):
    """login(user) -> the test client signed in as `user` (None: anonymous)."""

    def sign_in(user):
        client.logout()
        if user is not None:
            client.force_login(user)
        return client

    return sign_in
