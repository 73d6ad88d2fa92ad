"""The screening engine's resolution rules (contraindications.md §5), its inputs and outputs."""

import re
from datetime import date
from types import SimpleNamespace

import pytest

from intake.models import Outcome, PolicyChoice, PolicyVariant
from intake.rules import load_rules
from intake.screening import ScreeningError, screen
from tests.intake.conftest import RECOMMENDED_RULES, SEED_RULES
from tests.intake.factories import STUDIO_TECHNIQUES

STUDIO = [(slug, kind) for slug, _name, kind in STUDIO_TECHNIQUES]
T2_PREGNANCY = {
    "pregnancy": True,
    "pregnancy_weeks": "t2",
    "pregnancy_complications": ["none"],
    "pregnancy_midwife_knows": "yes",
}


def run(answers, rules=SEED_RULES, **kwargs):
    kwargs.setdefault("techniques", STUDIO)
    return screen(answers, rules=rules, today=date(2026, 11, 21), **kwargs)


# --- The named examples -----------------------------------------------------------------


def test_first_trimester_pregnancy_declines_every_technique():
    screening = run({**T2_PREGNANCY, "pregnancy_weeks": "t1"})

    assert {screening.outcome_for(slug) for slug, _kind in STUDIO} == {"decline"}


def test_diabetes_declines_reflexology():
    screening = run(
        {"diabetes": True, "diabetes_insulin": "no", "diabetes_numb": "no", "diabetes_sores": "no"}
    )

    assert screening.outcome_for("reflexology") == "decline"
    assert screening.outcome_for("classical") == "needs_clearance"


def test_a_current_clot_declines_everything():
    screening = run({"blood_clot_current": True, "clot_cleared": "no"})

    assert {screening.outcome_for(slug) for slug, _kind in STUDIO} == {"decline"}


def test_a_wound_on_one_foot_avoids_that_foot_and_offers_a_one_foot_session():
    screening = run({"open_wound": True, "wound_kind": "open", "wound_side": "left"}, RECOMMENDED_RULES)

    assert screening.outcome_for("classical") == "avoid_area"
    assert screening.areas_for("classical") == ["foot_left"]
    assert any("other foot" in step for step in screening.next_steps_for("classical"))


def test_wounds_on_both_soles_decline_with_a_kind_reason():
    screening = run({"open_wound": True, "wound_kind": "open", "wound_side": "both"}, RECOMMENDED_RULES)

    assert screening.outcome_for("relaxing") == "decline"
    assert "Both of your feet need a rest" in screening.reasons_for("relaxing")[0]
    assert screening.result_for("relaxing").one_foot_only is False


def test_contagious_skin_on_the_soles_covers_both_soles():
    screening = run({"contagious_skin_feet": True, "contagious_small_top": "no"})

    assert screening.areas_for("classical") == ["plantar_both"]
    assert screening.outcome_for("classical") == "decline"


# --- Technique names: slug, kind, instance --------------------------------------------------------


def test_outcome_for_accepts_a_slug_a_kind_key_and_a_technique():
    screening = run({"blood_thinners": True, "thinners_reason": "heart", "thinners_bruise": "no"})
    technique = SimpleNamespace(slug="thai-sticks", kind="thai_sticks")

    assert screening.outcome_for("thai-sticks") == "decline"
    assert screening.outcome_for("thai_sticks") == "decline"
    assert screening.outcome_for(technique) == "decline"
    assert screening.outcome_for("therapeutic-flat-feet") == "modify"
    assert screening.outcome_for("vacuum") == screening.outcome_for("devices") == "decline"


def test_an_unknown_technique_is_a_screening_error():
    with pytest.raises(ScreeningError):
        run({}).outcome_for("hot-stones")


def test_stored_json_has_every_slug_and_kind():
    stored = run({"nail_fungus": True}).as_json()

    assert set(stored) == {slug for slug, _ in STUDIO} | {
        "classical",
        "relaxing",
        "reflexology",
        "thai_sticks",
        "therapeutic",
        "devices",
    }
    assert stored["vacuum"]["outcome"] == "avoid_area"
    assert stored["vacuum"]["modifiers"] == ["gloves"]


# --- R3: details accumulate even when the headline is stricter ---------------------------------


def test_areas_and_modifiers_accumulate_under_a_stricter_headline():
    screening = run(
        {
            **T2_PREGNANCY,
            "recent_injury": True,
            "injury_stage": "healing",
            "injury_where": "right_foot",
            "blood_thinners": True,
            "thinners_reason": "heart",
            "thinners_bruise": "no",
        }
    )

    assert screening.outcome_for("classical") == "needs_clearance"
    assert {"foot_right", "ankle_medial", "heel-centre", "dorsal-1-2"} <= set(
        screening.areas_for("classical")
    )
    assert {"gentle_pressure", "no_point_pressure", "skin_check"} <= set(screening.modifiers_for("classical"))
    # Declined for reflexology (seed), yet the pregnancy modifiers of other rows are kept for the therapist.
    assert screening.outcome_for("reflexology") == "decline"
    assert "gentle_pressure" in screening.modifiers_for("reflexology")


def test_pregnancy_avoid_set_uses_zone_slugs():
    areas = set(run(T2_PREGNANCY).areas_for("relaxing"))

    assert areas == {
        "ankle_medial",
        "ankle_lateral",
        "uterus-prostate",
        "ovary-testis",
        "heel-centre",
        "lower_leg_above_inner_ankle",
        "dorsal-1-2",
    }


def test_a_stable_heart_condition_keeps_the_heart_zone_light():
    screening = run(
        {"heart_condition": True, "heart_recent": "no", "heart_at_rest": "no", "heart_device": "yes"}
    )

    assert screening.gentle_areas_for("reflexology") == ["heart"]
    assert "no_electric_device" in screening.modifiers_for("vacuum")
    assert "no_electric_device" not in screening.modifiers_for("classical")


def test_therapist_notes_and_clearance_conditions_are_there_for_the_therapist():
    screening = run(
        {
            "diabetes": True,
            "diabetes_insulin": "yes",
            "diabetes_numb": "no",
            "diabetes_sores": "no",
            "recent_surgery": True,
        }
    )

    assert screening.clearance_conditions_for("classical") == ["diabetes", "recent_surgery"]
    notes = " ".join(screening.therapist_notes_for("classical"))
    assert "insulin" in notes
    assert "surgical site" in notes


# --- R6: not sure ----------------------------------------------------------------------------------


def test_not_sure_on_an_advisory_row_asks_the_therapist_to_check():
    screening = run({"product_allergy": "not_sure"})

    assert screening.outcome_for("classical") == "proceed_with_note"
    assert "not sure" in screening.therapist_notes_for("classical")[0]
    assert any("weren't sure" in reason for reason in screening.reasons_for("classical"))
    assert screening.unsure == ("product_allergy",)


def test_not_sure_on_an_absolute_row_says_we_took_the_careful_route():
    reasons = run({"fever": "not_sure", "fever_symptoms": "no"}).reasons_for("classical")

    assert any("careful route" in reason for reason in reasons)


def test_an_unanswered_follow_up_takes_the_careful_branch():
    # High blood pressure with no answer about control counts as "unknown" (§3.3): decline.
    assert run({"high_blood_pressure": True}, rules=RECOMMENDED_RULES).outcome_for("classical") == "decline"


# --- R8: clearance -----------------------------------------------------------------------------------


def note(condition_key, limit_outcome="", limit_modifiers=(), clinician_limits=""):
    return SimpleNamespace(
        condition_key=condition_key,
        limit_outcome=limit_outcome,
        limit_modifiers=list(limit_modifiers),
        clinician_limits=clinician_limits,
    )


DIABETES = {"diabetes": True, "diabetes_insulin": "no", "diabetes_numb": "no", "diabetes_sores": "no"}


def test_a_doctors_note_lifts_needs_clearance_to_the_rows_outcome():
    screening = run(DIABETES, clearances=[note("diabetes")])

    assert screening.outcome_for("classical") == "modify"
    assert screening.outcome_for("reflexology") == "decline"  # a note does not change a decline
    assert all("note from your doctor" not in reason for reason in screening.reasons_for("classical"))


def test_the_clinicians_stricter_limit_wins():
    screening = run(
        DIABETES, clearances=[note("diabetes", "avoid_area", ["short_session"], "No work on the toes.")]
    )

    assert screening.outcome_for("classical") == "avoid_area"
    assert "short_session" in screening.modifiers_for("classical")
    assert "No work on the toes." in screening.therapist_notes_for("classical")


def test_every_condition_that_asked_for_a_note_must_be_covered():
    screening = run({**DIABETES, "recent_surgery": True}, clearances=[note("diabetes")])

    assert screening.outcome_for("classical") == "needs_clearance"
    assert screening.result_for("classical").outcome_after_clearance == Outcome.AVOID_AREA


# --- R9: temporary declines --------------------------------------------------------------------------


def test_a_temporary_decline_carries_the_waiting_time_and_a_rebooking_suggestion():
    screening = run({"fever": True, "fever_symptoms": "no"})

    assert screening.result_for("classical").rebook_after_hours == 24
    assert screening.next_steps_for("classical") == [
        "Book again once you've had 24 hours without a temperature."
    ]


def test_no_waiting_time_when_a_decline_is_not_temporary():
    screening = run({"fever": True, "fever_symptoms": "no", **DIABETES})

    assert screening.result_for("reflexology").rebook_after_hours is None
    assert screening.result_for("classical").rebook_after_hours == 24


def test_chemotherapy_in_the_last_three_days_waits_72_hours():
    screening = run(
        {
            "cancer": True,
            "cancer_last_treatment": "within_72h",
            "cancer_in_treatment": "yes",
            "cancer_nodes": "no",
            "cancer_numb": "no",
            "cancer_platelets": "no",
            "cancer_legs": "no",
        },
        rules=RECOMMENDED_RULES,
    )

    assert screening.result_for("classical").rebook_after_hours == 72


def test_a_recent_meal_delays_the_start():
    screening = run({"recent_meal": True, "meal_large": "yes"})

    assert screening.result_for("reflexology").rebook_after_hours == 2
    assert screening.result_for("classical").rebook_after_hours == 1
    assert "delay_start" in screening.modifiers_for("classical")


# --- R11: client-facing words --------------------------------------------------------------------

CODES = re.compile(
    r"contraindicat|needs_clearance|avoid_area|proceed_with_note|\babsolute\b|\bconditional\b|\badvisory\b|"
    r"\b[a-z]+_[a-z_]+\b"
)


@pytest.mark.parametrize("rules", [SEED_RULES, RECOMMENDED_RULES], ids=["seed", "recommended"])
def test_no_client_message_uses_codes_categories_or_contraindicated(rules):
    texts = [r.client_message for r in rules.rules] + [r.next_step for r in rules.rules]
    texts += [c.question for c in rules.conditions.values()] + [
        c.short_label for c in rules.conditions.values()
    ]
    texts += [f.question for f in rules.follow_ups.values()]

    offending = [text for text in texts if CODES.search(text)]
    assert offending == []


def test_every_refusal_or_hold_tells_the_client_why_and_what_next():
    for rules in (SEED_RULES, RECOMMENDED_RULES):
        for rule in rules.rules:
            if rule.outcome in ("decline", "needs_clearance"):
                assert rule.client_message.strip(), rule
                assert rule.next_step.strip(), rule


# --- Malformed input ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "answers",
    [
        {"no_such_question": True},
        {"fever": "perhaps"},
        {"fever": 3},
        {"pregnancy": True, "pregnancy_weeks": "t9"},
        {"pregnancy": True, "pregnancy_weeks": 70},
        {"pregnancy": True, "pregnancy_complications": ["none", "aliens"]},
        {"open_wound": True, "wound_where": 42},
        {"date_of_birth": date(2030, 1, 1)},
        {"date_of_birth": "not a date"},
        ["fever"],
    ],
    ids=repr,
)
def test_malformed_answers_raise_a_screening_error(answers):
    with pytest.raises(ScreeningError) as error:
        run(answers)
    assert error.value.message


def test_true_false_and_words_mean_the_same():
    as_words = run({"nail_fungus": "yes", "fever": "no"})
    as_booleans = run({"nail_fungus": True, "fever": False})

    assert as_words.as_json() == as_booleans.as_json()
    assert as_words.answers == {"nail_fungus": "yes", "fever": "no"}


# --- Loading the rules -----------------------------------------------------------------------------


def test_rules_load_in_four_queries_and_match_the_fixture_build(rules_in_db, django_assert_num_queries):
    with django_assert_num_queries(4):
        rules = load_rules()

    assert rules.version == SEED_RULES.version
    assert len(rules.rules) == len(SEED_RULES.rules)


def test_screen_loads_rules_and_techniques_in_a_fixed_number_of_queries(
    rules_in_db, techniques, django_assert_num_queries
):
    with django_assert_num_queries(5):
        screening = screen({"diabetes": True, "diabetes_numb": "no", "diabetes_sores": "no"})

    assert screening.outcome_for("therapeutic-arthrosis") == "needs_clearance"


def test_the_managers_policy_switch_changes_outcomes_and_the_rules_version(rules_in_db):
    veins = {"varicose_veins": True, "veins_marked": "no", "veins_hot": "no"}
    seed = screen(veins, techniques=STUDIO)
    PolicyChoice.objects.create(
        condition_id=_condition_id("varicose_veins"), variant=PolicyVariant.RECOMMENDED
    )
    recommended = screen(veins, techniques=STUDIO)

    assert seed.outcome_for("classical") == "decline"
    assert recommended.outcome_for("classical") == "avoid_area"
    assert recommended.outcome_for("reflexology") == "decline"
    assert seed.rules_version != recommended.rules_version
    # Other conditions keep the seed-strict default.
    assert (
        screen({"menstruation": True, "period_heavy": "no"}, techniques=STUDIO).outcome_for("classical")
        == "decline"
    )


def _condition_id(key):
    from intake.models import Condition

    return Condition.objects.get(key=key).pk


# --- R8 on the stored result (what bookings use) -------------------------------------------------


@pytest.fixture
def diabetic(db, admin_user):
    from tests.intake.factories import make_questionnaire

    return make_questionnaire(screening=run(DIABETES).as_json()), admin_user


def add_note(questionnaire, user, *, days=30, condition="diabetes", limit_outcome=""):
    from datetime import timedelta

    from django.utils import timezone

    from intake.models import Clearance

    today = timezone.localdate()
    return Clearance.objects.create(
        questionnaire=questionnaire,
        condition_key=condition,
        issued_on=today - timedelta(days=1),
        valid_until=today + timedelta(days=days),
        recorded_by=user,
        limit_outcome=limit_outcome,
    )


def test_a_stored_hold_is_lifted_by_a_valid_note(diabetic):
    questionnaire, user = diabetic
    assert not questionnaire.has_clearance_for("classical")
    add_note(questionnaire, user)

    assert questionnaire.has_clearance_for("classical")
    assert questionnaire.effective_outcome_for("classical") == Outcome.MODIFY
    assert questionnaire.outcome_for("classical") == Outcome.NEEDS_CLEARANCE  # what was screened
    assert questionnaire.effective_outcome_for("reflexology") == Outcome.DECLINE
    assert not questionnaire.has_clearance_for("reflexology")


def test_an_expired_note_or_a_note_for_something_else_does_not_count(diabetic):
    questionnaire, user = diabetic
    add_note(questionnaire, user, days=-1)
    add_note(questionnaire, user, condition="pregnancy")

    assert not questionnaire.has_clearance_for("classical")
    assert questionnaire.effective_outcome_for("classical") == Outcome.NEEDS_CLEARANCE


def test_a_note_whose_clinician_says_no_does_not_clear(diabetic):
    questionnaire, user = diabetic
    add_note(questionnaire, user, limit_outcome="decline")

    assert not questionnaire.has_clearance_for("classical")
    assert questionnaire.effective_outcome_for("classical") == Outcome.DECLINE
