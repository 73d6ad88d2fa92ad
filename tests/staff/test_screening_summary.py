"""The staff screening summary and flags with a doctor's note on file (R8 on the stored result)."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bookings.models import Appointment
from intake.models import Clearance
from staff.screening import screening_flags, screening_summary
from tests.bookings.factories import MONDAY, make_questionnaire

pytestmark = pytest.mark.django_db

ON_HOLD = {
    "outcome": "needs_clearance",
    "outcome_after_clearance": "modify",
    "reasons": ["Please bring a short note from your doctor."],
    "areas": [],
    "gentle_areas": [],
    "modifiers": ["gentle_pressure"],
    "therapist_notes": ["Diabetes: check both feet."],
    "clearance_conditions": ["diabetes"],
}
TOES = "No work on the toes, says Dr Example."


def on_hold(studio, *, note_until=None, **entry) -> Appointment:
    questionnaire = make_questionnaire(
        email="held@example.com", screening={"classical": {**ON_HOLD, **entry}}
    )
    Appointment.objects.filter(pk=studio.appointment.pk).update(questionnaire=questionnaire)
    if note_until is not None:
        Clearance.objects.create(
            questionnaire=questionnaire,
            condition_key="diabetes",
            issued_on=MONDAY - timedelta(days=3),
            valid_until=note_until,
            clinician_limits=TOES,
            limit_modifiers=["short_session"],
            recorded_by=studio.user("manager"),
        )
    return Appointment.objects.select_related("service__technique", "questionnaire").get(
        pk=studio.appointment.pk
    )


def test_the_summary_shows_what_a_valid_doctors_note_adds(studio):
    appointment = on_hold(studio, note_until=MONDAY + timedelta(days=30))

    summary = screening_summary(appointment)

    assert summary.outcome == "needs_clearance"  # what was screened; the flag says it is cleared
    assert summary.modifiers == ["gentle pressure", "a shorter session"]
    assert summary.therapist_notes == ["Diabetes: check both feet.", TOES]
    assert [flag.code for flag in summary.flags] == ["cleared", "note", "modify"]


def test_a_note_that_ran_out_before_the_session_adds_nothing(studio):
    appointment = on_hold(studio, note_until=MONDAY - timedelta(days=1))

    summary = screening_summary(appointment)

    assert summary.modifiers == ["gentle pressure"]
    assert summary.therapist_notes == ["Diabetes: check both feet."]
    assert [flag.code for flag in screening_flags(appointment)] == ["clearance", "note", "modify"]


def test_the_therapist_reads_the_clinicians_limits_on_the_appointment_page(client, studio):
    on_hold(studio, note_until=MONDAY + timedelta(days=30))
    client.force_login(studio.user("therapist"))

    html = client.get(reverse("staff:appointment", args=[studio.appointment.pk])).content.decode()

    assert TOES in html
    assert "Keep the session short." in html  # the clinician's modifier, as an instruction


def test_a_cleared_hold_costs_the_appointment_page_no_extra_query(client, studio):
    client.force_login(studio.user("therapist"))
    url = reverse("staff:appointment", args=[studio.appointment.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as plain:
        client.get(url)
    # A foot zone to leave out, as in the studio's own questionnaire (one query for zone names).
    on_hold(studio, note_until=MONDAY + timedelta(days=30), areas=["solar-plexus"])
    with CaptureQueriesContext(connection) as cleared:
        html = client.get(url).content.decode()

    assert TOES in html
    assert len(cleared.captured_queries) == len(plain.captured_queries)
