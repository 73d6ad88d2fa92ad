"""Rough edges a first walk through the staff area found (issue 18), each pinned by a test."""

import pytest
from django.urls import reverse

from staff.schedule import AppointmentItem
from tests.bookings.factories import MONDAY, at, make_appointment, make_questionnaire

pytestmark = pytest.mark.django_db


def test_the_desk_is_not_pointed_at_screening_flags_that_are_not_there(studio, login):
    clear = make_questionnaire(email="clear@example.com", screening={"classical": {"outcome": "proceed"}})
    appointment = make_appointment(service=studio.service, therapist=studio.boris, start=at(MONDAY, "16:00"))
    appointment.questionnaire = clear
    appointment.save()

    page = (
        login(studio.user("reception"))
        .get(reverse("staff:appointment", args=[appointment.pk]))
        .content.decode()
    )

    assert 'class="flags"' not in page
    assert "flags above" not in page
    assert "The screening raised nothing the front desk needs to act on" in page


def test_the_desk_is_pointed_at_the_flags_when_there_are_some(studio, login):
    page = (
        login(studio.user("reception"))
        .get(reverse("staff:appointment", args=[studio.appointment.pk]))
        .content.decode()
    )

    assert 'class="flags"' in page
    assert "The screening flags above are what the front desk needs" in page


@pytest.mark.parametrize(
    ("minutes", "size"), [(15, "xs"), (20, "xs"), (30, "sm"), (40, "sm"), (45, "lg"), (60, "lg")]
)
def test_a_block_from_45_minutes_has_a_line_for_each_thing(minutes, size):
    item = AppointmentItem(appointment=None, flags=[], start=None, end=None, span=minutes // 5)

    assert item.size == size
