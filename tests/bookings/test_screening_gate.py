"""Every way into a booking is screened in the domain (DESIGN.md invariant 7; R12-R14):
online bookings, the desk, moves by the client and by staff, and the manager's override."""

from datetime import date, timedelta

import pytest
from django.contrib.auth.models import User
from django.utils import timezone

from bookings.booking import BookingError, NotSuitable, book_appointment, reschedule_appointment
from bookings.models import Appointment, EventKind
from bookings.screening_gate import checkin_questions, questionnaire_link, settle_questionnaire_needed
from intake.models import Clearance, Questionnaire
from intake.screening import screen
from tests.bookings.factories import MONDAY, at, clear_questionnaire
from tests.bookings.test_booking import now, studio  # noqa: F401 - the fixtures
from tests.intake.conftest import SEED_RULES, rules_for_the_module, rules_in_db  # noqa: F401 - fixtures
from tests.staff.conftest import make_user, roles  # noqa: F401 - a fixture

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("roles", "rules_in_db")]

EMAIL = "maria@example.com"
HOT_VEIN_AND_OLD_CLOT = {
    "varicose_veins": "yes",
    "veins_marked": "no",
    "veins_hot": "yes",
    "blood_clot_current": "yes",
    "clot_cleared": "yes",
}
OLD_CLOT = {"blood_clot_current": "yes", "clot_cleared": "yes", "clot_thinners": "no"}


def screened(answers, *, days_valid=180, submitted=None) -> Questionnaire:
    """A questionnaire whose stored screening is the real engine's, for the classical kind."""
    questionnaire = clear_questionnaire(EMAIL, valid_days=days_valid)
    questionnaire.screening = screen(
        answers, rules=SEED_RULES, techniques=[], today=date(2026, 12, 1)
    ).as_json()
    if submitted is not None:
        questionnaire.submitted_at = submitted
    questionnaire.save()
    return questionnaire


def book(studio, now, **overrides):  # noqa: F811
    values = {
        "service": studio["service"],
        "start": at(MONDAY, "10:00"),
        "client_name": "Maria Client",
        "client_email": EMAIL,
        "therapist": studio["anna"],
        "now": now,
    }
    values.update(overrides)
    return book_appointment(**values)


def note(questionnaire, condition_key, valid_until, **fields):
    return Clearance.objects.create(
        questionnaire=questionnaire,
        condition_key=condition_key,
        issued_on=timezone.localdate(),
        valid_until=valid_until,
        recorded_by=User.objects.get_or_create(username="desk")[0],
        **fields,
    )


# --- Online ----------------------------------------------------------------------------------------


def test_an_online_booking_without_a_questionnaire_is_refused(studio, now):  # noqa: F811
    with pytest.raises(BookingError, match="questionnaire"):
        book(studio, now)

    assert not Appointment.objects.exists()


def test_a_questionnaire_that_expires_before_the_session_is_refused(studio, now):  # noqa: F811
    expiring = clear_questionnaire(EMAIL, valid_days=(MONDAY - timezone.localdate()).days - 1)

    with pytest.raises(BookingError, match="out of date by the day of your session"):
        book(studio, now, questionnaire=expiring)


def test_a_hot_red_vein_with_an_old_cleared_clot_is_declined_online(studio, now):  # noqa: F811
    with pytest.raises(NotSuitable) as refusal:
        book(studio, now, questionnaire=screened(HOT_VEIN_AND_OLD_CLOT))

    assert refusal.value.outcome == "decline" and refusal.value.absolute


def test_a_note_is_checked_on_the_session_day_not_the_booking_day(studio, now):  # noqa: F811
    questionnaire = screened(OLD_CLOT)
    note(questionnaire, "blood_clot_history", timezone.localdate() + timedelta(days=2))

    with pytest.raises(NotSuitable, match="note from your doctor"):
        book(studio, now, questionnaire=questionnaire)

    note(questionnaire, "blood_clot_history", MONDAY + timedelta(days=1))
    assert book(studio, now, questionnaire=questionnaire).questionnaire == questionnaire


def test_a_pregnancy_note_covers_only_its_trimester(studio, now):  # noqa: F811
    pregnant = {
        "pregnancy": "yes",
        "pregnancy_weeks": "t2",
        "pregnancy_complications": ["none"],
        "pregnancy_midwife_knows": "yes",
    }
    questionnaire = screened(pregnant)
    # Week 26 today: the second trimester ends in about two weeks, long before the session.
    note(questionnaire, "pregnancy", timezone.localdate() + timedelta(days=180), pregnancy_week=26)

    with pytest.raises(NotSuitable):
        book(studio, now, questionnaire=questionnaire)


def test_today_answers_refuse_the_next_two_days_only(studio, now):  # noqa: F811
    fever = {"fever": "yes", "fever_symptoms": "no"}
    recent = screened(fever, submitted=at(MONDAY - timedelta(days=1), "08:00"))

    with pytest.raises(NotSuitable) as refusal:
        book(studio, now, questionnaire=recent)
    assert refusal.value.absolute

    earlier = screened(fever, submitted=at(MONDAY - timedelta(days=3), "08:00"))
    appointment = book(studio, now, questionnaire=earlier)

    assert appointment.questionnaire == earlier
    assert checkin_questions(appointment) == [SEED_RULES.conditions["fever"].question]


# --- Moving --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("by", ["client", "staff"])
def test_moving_past_the_notes_end_is_refused(studio, now, by):  # noqa: F811
    questionnaire = screened(OLD_CLOT)
    note(questionnaire, "blood_clot_history", MONDAY)
    appointment = book(studio, now, questionnaire=questionnaire)

    with pytest.raises(NotSuitable):
        reschedule_appointment(
            appointment=appointment, new_start=at(MONDAY + timedelta(days=7), "10:00"), by=by, now=now
        )

    assert Appointment.objects.get(pk=appointment.pk).start == at(MONDAY, "10:00")


def test_moving_past_the_questionnaires_end_is_refused_for_the_client(studio, now):  # noqa: F811
    questionnaire = clear_questionnaire(EMAIL, valid_days=(MONDAY - timezone.localdate()).days + 2)
    appointment = book(studio, now, questionnaire=questionnaire)

    with pytest.raises(BookingError, match="out of date"):
        reschedule_appointment(
            appointment=appointment, new_start=at(MONDAY + timedelta(days=7), "10:00"), now=now
        )


# --- The desk --------------------------------------------------------------------------------------------


def test_the_desk_always_uses_the_questionnaire_on_file(studio, now):  # noqa: F811
    screened(HOT_VEIN_AND_OLD_CLOT)

    with pytest.raises(NotSuitable) as refusal:
        book(studio, now, source="staff", user=make_user("desk-1", "Reception"))

    veins, clot = (SEED_RULES.conditions[key].short_label for key in ("varicose_veins", "blood_clot_current"))
    assert str(refusal.value) == f"The screening declines Classical: {veins}, {clot}."


def test_the_desk_without_a_questionnaire_books_it_as_needed(studio, now):  # noqa: F811
    appointment = book(studio, now, source="staff", user=make_user("desk-2", "Reception"))

    assert appointment.questionnaire is None and appointment.questionnaire_needed
    assert "/intake/?next=%2Fappointments%2F" in questionnaire_link(appointment)


def test_a_questionnaire_that_allows_the_session_clears_the_flag(studio, now):  # noqa: F811
    appointment = book(studio, now, source="staff", user=make_user("desk-3", "Reception"))
    declining = screened(HOT_VEIN_AND_OLD_CLOT)

    assert settle_questionnaire_needed(appointment=appointment, questionnaire=declining) is False
    assert Appointment.objects.get(pk=appointment.pk).questionnaire_needed

    declining.replaced_by = clear_questionnaire(EMAIL)
    declining.save()
    assert settle_questionnaire_needed(appointment=appointment) is True
    fresh = Appointment.objects.get(pk=appointment.pk)
    assert not fresh.questionnaire_needed and fresh.questionnaire == declining.replaced_by


def test_an_absolute_refusal_cannot_be_overridden_by_a_manager(studio, now):  # noqa: F811
    screened(HOT_VEIN_AND_OLD_CLOT)

    with pytest.raises(NotSuitable, match="No override is possible"):
        book(studio, now, source="staff", user=make_user("boss-1", "Manager"), override_reason="She insisted")

    assert not Appointment.objects.exists()


def test_a_conditional_refusal_can_be_overridden_with_a_reason_which_is_recorded(studio, now):  # noqa: F811
    screened({"diabetes": "yes", "diabetes_numb": "no", "diabetes_sores": "no"})

    appointment = book(
        studio, now, source="staff", user=make_user("boss-2", "Manager"), override_reason="GP letter seen"
    )

    override = appointment.events.get(kind=EventKind.OVERRIDE)
    assert override.details == {"outcome": "needs_clearance", "reason": "GP letter seen"}
