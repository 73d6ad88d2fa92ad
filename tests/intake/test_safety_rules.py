"""R12-R14 of contraindications.md §5, named cases: more never means milder, absolute stays
absolute, and answers and notes count on the day of the session."""

from datetime import date, datetime, timedelta
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest

from intake.models import Clearance, Outcome, PolicyVariant
from intake.models.questionnaires import trimester_end
from intake.screening import screen
from tests.intake.conftest import RECOMMENDED_RULES, SEED_RULES, STRICT_RULES
from tests.intake.factories import make_questionnaire

TODAY = date(2026, 11, 21)
ALL_POLICIES = pytest.mark.parametrize(
    "rules", [SEED_RULES, RECOMMENDED_RULES, STRICT_RULES], ids=list(PolicyVariant.values)
)
HOT_VEIN_AND_OLD_CLOT = {
    "varicose_veins": "yes",
    "veins_marked": "no",
    "veins_hot": "yes",
    "blood_clot_current": "yes",
    "clot_cleared": "yes",
}


def note(condition_key, **fields):
    return SimpleNamespace(
        condition_key=condition_key, limit_outcome="", limit_modifiers=[], clinician_limits="", **fields
    )


def run(answers, rules=SEED_RULES, **kwargs):
    return screen(answers, rules=rules, techniques=[], today=TODAY, **kwargs)


# --- R12: more never means milder -----------------------------------------------------------------


@ALL_POLICIES
def test_a_hot_red_vein_today_declines_whatever_is_said_about_an_old_clot(rules):
    screening = run(HOT_VEIN_AND_OLD_CLOT, rules)

    for kind in ("classical", "therapeutic", "relaxing", "reflexology", "thai_sticks", "devices"):
        assert screening.outcome_for(kind) == "decline", kind
        assert "blood_clot_current" in screening.result_for(kind).absolute_conditions


@ALL_POLICIES
def test_a_note_for_the_old_clot_does_not_cover_a_clot_sign_now(rules):
    notes = [note("blood_clot_history"), note("blood_clot_current"), note("varicose_veins")]

    screening = run(HOT_VEIN_AND_OLD_CLOT, rules, clearances=notes)

    assert {screening.outcome_for(kind) for kind in ("classical", "therapeutic", "relaxing")} == {"decline"}


def test_an_old_clot_that_has_cleared_alone_still_needs_a_note_and_the_note_then_counts():
    answers = {"blood_clot_current": "yes", "clot_cleared": "yes", "clot_thinners": "no"}

    assert run(answers).outcome_for("classical") == "needs_clearance"
    assert run(answers, clearances=[note("blood_clot_history")]).outcome_for("classical") == "modify"


@ALL_POLICIES
def test_a_red_swollen_painful_calf_declines_even_with_a_cleared_clot(rules):
    answers = {
        "blood_clot_current": "yes",
        "clot_cleared": "yes",
        "foot_swelling": "yes",
        "swelling_side": "one",
        "swelling_painful": "yes",
    }

    assert run(answers, rules).outcome_for("relaxing") == "decline"


@pytest.mark.parametrize(
    ("kinds", "policy_rules", "expected"),
    [
        (["small_covered", "open", "infected"], SEED_RULES, ["decline", "decline", "decline"]),
        (["small_covered", "open", "infected"], RECOMMENDED_RULES, ["avoid_area", "avoid_area", "decline"]),
    ],
    ids=["seed", "recommended"],
)
def test_wounds_covered_then_open_then_infected_never_get_milder(kinds, policy_rules, expected):
    outcomes = [
        run({"open_wound": "yes", "wound_kind": kind, "wound_side": "left"}, policy_rules).outcome_for(
            "classical"
        )
        for kind in kinds
    ]

    assert outcomes == expected


@pytest.mark.parametrize(
    ("policy_rules", "expected"),
    [
        (SEED_RULES, ["decline", "decline", "decline"]),
        (RECOMMENDED_RULES, ["modify", "avoid_area", "decline"]),
    ],
    ids=["seed", "recommended"],
)
def test_skin_calm_then_legs_then_feet_never_get_milder(policy_rules, expected):
    outcomes = [
        run({"skin_condition": "yes", "skin_state": state}, policy_rules).outcome_for("relaxing")
        for state in ("calm", "flare_legs", "flare_feet")
    ]

    assert outcomes == expected


def test_not_sure_whether_a_condition_is_flaring_declines_and_advises_the_doctor():
    result = run({"chronic_flare": "not_sure"}).result_for("classical")

    assert result.outcome == Outcome.DECLINE
    assert any("doctor" in step for step in result.next_steps)


def test_the_stricter_pregnancy_reading_declines_the_second_trimester_for_every_technique():
    answers = {
        "pregnancy": "yes",
        "pregnancy_weeks": "t2",
        "pregnancy_complications": ["none"],
        "pregnancy_midwife_knows": "yes",
    }

    assert run(answers, SEED_RULES).outcome_for("classical") == "needs_clearance"
    assert {run(answers, STRICT_RULES).outcome_for(kind) for kind in ("classical", "relaxing")} == {"decline"}
    # Not absolute: it is a policy, a note for the first trimester rule stays impossible.
    assert run(answers, STRICT_RULES).result_for("classical").absolute_conditions == ()


# --- R13: absolute stays absolute -------------------------------------------------------------------


@pytest.mark.parametrize(
    "answers",
    [
        {"fever": "yes", "fever_symptoms": "no"},
        {"alcohol_or_drugs": "yes"},
        {"active_bleeding": "yes"},
        {"chronic_flare": "yes"},
        {"pregnancy": "yes", "pregnancy_weeks": "t1"},
        {"pregnancy": "yes", "pregnancy_weeks": "t3", "pregnancy_complications": ["placenta"]},
    ],
    ids=["fever", "alcohol", "bleeding", "flare", "first-trimester", "pregnancy-complication"],
)
def test_absolute_rows_are_marked_and_no_note_lifts_them(answers):
    key = next(iter(answers))
    result = run(answers, clearances=[note(key)]).result_for("classical")

    assert result.outcome == Outcome.DECLINE
    assert result.absolute_conditions == (key,)


def test_a_conditional_refusal_is_not_absolute():
    result = run({"diabetes": "yes", "diabetes_numb": "no", "diabetes_sores": "no"}).result_for("reflexology")

    assert result.outcome == Outcome.DECLINE
    assert result.absolute_conditions == ()


# --- R14: valid on the day of the session --------------------------------------------------------


def test_today_answers_decline_now_but_not_a_session_three_days_later():
    screening = run(
        {
            "fever": "yes",
            "fever_symptoms": "no",
            "diabetes": "yes",
            "diabetes_numb": "no",
            "diabetes_sores": "no",
        }
    )

    assert screening.outcome_for("classical") == "decline"
    assert screening.later["classical"].outcome == Outcome.NEEDS_CLEARANCE  # diabetes still counts
    assert screening.later["classical"].checkin == ("fever",)
    assert screening.as_json()["classical"]["later"]["checkin"] == ["fever"]


def test_no_today_answer_no_later_screening():
    assert run({"diabetes": "yes"}).later is None


MOSCOW = ZoneInfo("Europe/Moscow")


@pytest.mark.django_db
@pytest.mark.parametrize(("days", "expected"), [(0, "decline"), (2, "decline"), (3, "proceed")])
def test_a_stored_fever_refuses_sessions_within_two_days_only(days, expected, settings):
    settings.TIME_ZONE = "Europe/Moscow"
    answered = datetime(2026, 11, 21, 9, 0, tzinfo=MOSCOW)
    screening = run({"fever": "yes", "fever_symptoms": "no"})
    questionnaire = make_questionnaire(
        submitted_at=answered, valid_until=answered + timedelta(days=180), screening=screening.as_json()
    )
    session = datetime(2026, 11, 21, 18, 0, tzinfo=MOSCOW) + timedelta(days=days)

    assert questionnaire.effective_outcome_for("classical", session) == expected
    assert questionnaire.checkin_for("classical", session) == ([] if days < 3 else ["fever"])


@pytest.mark.django_db
def test_a_note_counts_only_until_its_end_on_the_session_day(django_user_model):
    user = django_user_model.objects.create(username="desk")
    answers = {"blood_clot_current": "yes", "clot_cleared": "yes", "clot_thinners": "no"}
    questionnaire = make_questionnaire(screening=run(answers).as_json())
    issued = date.today()
    Clearance.objects.create(
        questionnaire=questionnaire,
        condition_key="blood_clot_history",
        issued_on=issued,
        valid_until=issued + timedelta(days=2),
        recorded_by=user,
    )
    now = datetime.now(tz=MOSCOW)

    assert questionnaire.effective_outcome_for("classical", now + timedelta(days=1)) == Outcome.MODIFY
    assert (
        questionnaire.effective_outcome_for("classical", now + timedelta(days=10)) == Outcome.NEEDS_CLEARANCE
    )


def test_a_pregnancy_note_ends_with_its_trimester():
    issued = date(2026, 11, 2)

    assert trimester_end(issued, 20) == issued + timedelta(weeks=7)  # week 27 is the last of T2
    assert trimester_end(issued, 27) == issued
    assert trimester_end(issued, 30) == issued + timedelta(weeks=12)


@pytest.mark.django_db
def test_a_pregnancy_note_does_not_cover_the_next_trimester(django_user_model):
    user = django_user_model.objects.create(username="desk")
    answers = {
        "pregnancy": "yes",
        "pregnancy_weeks": "t2",
        "pregnancy_complications": ["none"],
        "pregnancy_midwife_knows": "yes",
    }
    questionnaire = make_questionnaire(screening=run(answers).as_json())
    issued = date.today()
    Clearance.objects.create(
        questionnaire=questionnaire,
        condition_key="pregnancy",
        issued_on=issued,
        valid_until=issued + timedelta(days=180),
        pregnancy_week=25,
        recorded_by=user,
    )
    now = datetime.now(tz=MOSCOW)

    assert questionnaire.effective_outcome_for("classical", now + timedelta(days=7)) in {"avoid_area"}
    assert questionnaire.effective_outcome_for("classical", now + timedelta(weeks=4)) == "needs_clearance"
