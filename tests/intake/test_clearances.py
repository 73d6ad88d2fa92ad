"""R8 on the stored result: a doctor's note on file changes what staff see, exactly as the engine says.

`intake.screening.apply_clearances` is the one statement of the rule; `screen(clearances=...)` and
`Questionnaire.effective_outcome_for` / `modifiers_for` / `therapist_notes_for` must agree.
"""

from datetime import date, timedelta

import pytest
from django.contrib.auth.models import Permission, User
from django.db import IntegrityError, transaction
from django.utils import timezone

from intake.access import read_answers
from intake.models import Clearance, Condition, Outcome, Questionnaire
from intake.screening import apply_clearances, screen
from tests.intake.conftest import SEED_RULES, fixture_rows
from tests.intake.factories import STUDIO_TECHNIQUES, make_questionnaire

pytestmark = pytest.mark.django_db

STUDIO = [(slug, kind) for slug, _name, kind in STUDIO_TECHNIQUES]
TODAY = date(2026, 11, 21)
DIABETES = {"diabetes": True, "diabetes_insulin": "no", "diabetes_numb": "no", "diabetes_sores": "no"}
TOES = "No work on the toes."


def run(answers, clearances=()):
    return screen(answers, rules=SEED_RULES, techniques=STUDIO, clearances=clearances, today=TODAY)


def add_note(questionnaire, user, condition="diabetes", *, days=30, **fields) -> Clearance:
    today = timezone.localdate()
    return Clearance.objects.create(
        questionnaire=questionnaire,
        condition_key=condition,
        issued_on=today - timedelta(days=1),
        valid_until=today + timedelta(days=days),
        recorded_by=user,
        **fields,
    )


@pytest.fixture
def diabetic(admin_user):
    return make_questionnaire(screening=run(DIABETES).as_json())


def test_a_notes_modifiers_and_written_limits_reach_the_stored_result(diabetic, admin_user):
    before_modifiers = diabetic.modifiers_for("classical")
    before_notes = diabetic.therapist_notes_for("classical")
    add_note(diabetic, admin_user, limit_modifiers=["short_session", "gloves"], clinician_limits=TOES)

    assert diabetic.modifiers_for("classical") == [*before_modifiers, "short_session", "gloves"]
    assert diabetic.therapist_notes_for("classical") == [*before_notes, TOES]
    assert diabetic.effective_outcome_for("classical") == Outcome.MODIFY
    # A technique the note does not clear (reflexology is declined) gets nothing added.
    assert "short_session" not in diabetic.modifiers_for("reflexology")
    assert TOES not in diabetic.therapist_notes_for("reflexology")


def test_an_expired_note_or_one_that_does_not_cover_every_hold_adds_nothing(admin_user):
    questionnaire = make_questionnaire(screening=run({**DIABETES, "recent_surgery": True}).as_json())
    before = questionnaire.modifiers_for("classical"), questionnaire.therapist_notes_for("classical")
    add_note(questionnaire, admin_user, limit_modifiers=["short_session"], clinician_limits=TOES)
    add_note(questionnaire, admin_user, "recent_surgery", days=-1, clinician_limits="Expired.")

    assert (
        questionnaire.modifiers_for("classical"),
        questionnaire.therapist_notes_for("classical"),
    ) == before
    assert not questionnaire.has_clearance_for("classical")


def test_the_notes_count_on_the_day_asked_about(diabetic, admin_user):
    add_note(diabetic, admin_user, days=10, limit_modifiers=["short_session"])
    later = timezone.now() + timedelta(days=20)

    assert "short_session" in diabetic.modifiers_for("classical")
    assert "short_session" not in diabetic.modifiers_for("classical", at=later)
    assert diabetic.effective_outcome_for("classical", at=later) == Outcome.NEEDS_CLEARANCE


NOTES = {
    "plain": [{}],
    "modifiers and limits": [
        {"limit_modifiers": ["short_session", "gentle_pressure"], "clinician_limits": TOES}
    ],
    "stricter limit": [{"limit_outcome": "avoid_area", "limit_modifiers": ["short_session"]}],
    "clinician says no": [{"limit_outcome": "decline", "clinician_limits": "Not yet."}],
    "two notes": [
        {"clinician_limits": "First."},
        {"clinician_limits": "Second.", "limit_modifiers": ["gloves"]},
    ],
}
CASES = [
    pytest.param(DIABETES, notes, ["diabetes"], id=f"diabetes, {name}") for name, notes in NOTES.items()
] + [
    pytest.param(
        {**DIABETES, "recent_surgery": True},
        NOTES["modifiers and limits"],
        ["diabetes"],
        id="one hold uncovered",
    ),
    pytest.param(
        {**DIABETES, "recent_surgery": True},
        NOTES["two notes"],
        ["diabetes", "recent_surgery"],
        id="two holds",
    ),
    pytest.param({"recent_surgery": True}, NOTES["stricter limit"], ["recent_surgery"], id="surgery"),
    pytest.param({"fever": True}, NOTES["plain"], ["fever"], id="declined, no hold"),
    pytest.param({}, NOTES["modifiers and limits"], ["diabetes"], id="nothing to clear"),
]


@pytest.mark.parametrize(("answers", "notes", "conditions"), CASES)
def test_the_engine_and_the_stored_result_agree(admin_user, answers, notes, conditions):
    questionnaire = make_questionnaire(screening=run(answers).as_json())
    for index, fields in enumerate(notes):
        add_note(questionnaire, admin_user, conditions[min(index, len(conditions) - 1)], **fields)
    questionnaire = Questionnaire.objects.prefetch_related("clearances").get(pk=questionnaire.pk)
    engine = run(answers, clearances=list(questionnaire.clearances.all()))

    for slug, _kind in STUDIO:
        result = engine.result_for(slug)
        assert questionnaire.effective_outcome_for(slug) == result.outcome, slug
        assert questionnaire.modifiers_for(slug) == list(result.modifiers), slug
        assert questionnaire.therapist_notes_for(slug) == list(result.therapist_notes), slug
        assert questionnaire.has_clearance_for(slug) == (result.cleared and result.bookable), slug


def test_the_stored_result_reads_prefetched_notes_without_a_query(
    diabetic, admin_user, django_assert_num_queries
):
    add_note(diabetic, admin_user, limit_modifiers=["short_session"], clinician_limits=TOES)
    questionnaire = Questionnaire.objects.prefetch_related("clearances").get(pk=diabetic.pk)

    with django_assert_num_queries(0):
        for slug, _kind in STUDIO:
            questionnaire.effective_outcome_for(slug)
            questionnaire.modifiers_for(slug)
            questionnaire.therapist_notes_for(slug)


def test_apply_clearances_needs_every_condition_covered():
    class Note:
        def __init__(self, condition_key, **fields):
            self.condition_key = condition_key
            self.limit_outcome = fields.get("limit_outcome", "")
            self.limit_modifiers = fields.get("limit_modifiers", [])
            self.clinician_limits = fields.get("clinician_limits", "")

    both = ["diabetes", "recent_surgery"]

    assert apply_clearances("modify", both, [Note("diabetes")]) is None
    assert apply_clearances("modify", [], [Note("diabetes")]) is None
    cleared = apply_clearances(
        "",
        both,
        [
            Note("diabetes", limit_modifiers=["gloves"]),
            Note("recent_surgery", clinician_limits=TOES),
            Note("x"),
        ],
    )
    assert (cleared.outcome, cleared.modifiers, cleared.therapist_notes) == (
        Outcome.PROCEED_WITH_NOTE,
        ("gloves",),
        (TOES,),
    )


def test_the_health_record_shows_what_the_note_adds(diabetic, admin_user):
    reader = User.objects.create_user("reader", password="pw", is_staff=True)
    reader.user_permissions.add(Permission.objects.get(codename="view_health_answers"))
    reader = User.objects.get(pk=reader.pk)
    add_note(diabetic, admin_user, limit_modifiers=["short_session"], clinician_limits=TOES)

    record = read_answers(reader, diabetic, via="staff", rules=SEED_RULES)

    classical = next(item for item in record.screening if item.technique == "Classical massage")
    assert "a shorter session" in classical.modifiers
    assert TOES in classical.therapist_notes


# --- Constraints ----------------------------------------------------------------------------------


def test_the_database_refuses_an_unknown_pressure_preference():
    questionnaire = make_questionnaire()

    with pytest.raises(IntegrityError), transaction.atomic():
        Questionnaire.objects.filter(pk=questionnaire.pk).update(pressure_preference="crushing")


def test_the_database_refuses_a_clinicians_limit_of_proceed(diabetic, admin_user):
    add_note(diabetic, admin_user, limit_outcome="modify")

    with pytest.raises(IntegrityError), transaction.atomic():
        add_note(diabetic, admin_user, limit_outcome="proceed")


# --- Conditions under review ------------------------------------------------------------------------


def test_reviewable_conditions_are_those_with_rules_in_two_variants(rules_in_db):
    reviewable = set(Condition.objects.reviewable().values_list("key", flat=True))
    annotated = {c.key for c in Condition.objects.with_reviewable() if c.reviewable}
    rows = fixture_rows()["intake.screeningrule"]
    expected = {row["condition"][0] for row in rows if row["policy"] != "always"}

    assert reviewable == annotated == expected
    assert Condition.objects.reviewable().count() == len(reviewable)  # one row each, no duplicates
