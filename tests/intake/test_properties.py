"""Laws the screening must obey whatever the answers (hypothesis).

- One more "yes" never makes any technique's outcome less strict, and never removes an area,
  a modifier or a condition needing a doctor's note (R2, R3, R7 only ever add).
- "Not sure" is never looser than "no" (R6).
Checked under both policies, with random answers to every other question and follow-up.
"""

from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from intake.models import SEVERITY, FollowUp, Outcome
from intake.screening import screen
from tests.intake.conftest import RECOMMENDED_RULES, SEED_RULES

RULE_SETS = {"seed": SEED_RULES, "recommended": RECOMMENDED_RULES}
ASKED = sorted(key for key, condition in SEED_RULES.conditions.items() if condition.asked)
TODAY = date(2026, 11, 21)


def follow_up_answer(spec):
    if spec.kind == FollowUp.Kind.TEXT:
        return st.text(max_size=10)
    if spec.kind == FollowUp.Kind.MULTI:
        return st.lists(st.sampled_from(spec.values), max_size=3, unique=True)
    return st.sampled_from(spec.values)


@st.composite
def answer_sets(draw):
    # Mostly "no", as real clients answer: a handful of yes / not sure makes the interesting cases.
    answers = dict.fromkeys(ASKED, "no")
    for key in draw(st.lists(st.sampled_from(ASKED), max_size=8, unique=True)):
        answers[key] = draw(st.sampled_from(["yes", "not_sure"]))
    for key, spec in SEED_RULES.follow_ups.items():
        if spec.condition_key in ASKED and draw(st.booleans()):
            answers[key] = draw(follow_up_answer(spec))
    if draw(st.booleans()):
        answers["date_of_birth"] = draw(st.dates(min_value=date(1920, 1, 1), max_value=TODAY))
    return answers


def details(screening):
    return {
        kind: (
            SEVERITY[Outcome(result.outcome)],
            set(result.areas),
            set(result.modifiers),
            set(result.clearance_conditions),
        )
        for kind, result in screening.results.items()
    }


def assert_not_looser(before, after):
    for kind, (severity, areas, modifiers, holds) in before.items():
        later_severity, later_areas, later_modifiers, later_holds = after[kind]
        assert later_severity >= severity, kind
        assert later_areas >= areas, kind
        assert later_modifiers >= modifiers, kind
        if later_severity == SEVERITY[Outcome.NEEDS_CLEARANCE] == severity:
            assert later_holds >= holds, kind


@settings(max_examples=300, deadline=None)
@given(
    answers=answer_sets(),
    condition=st.sampled_from(ASKED),
    policy=st.sampled_from(sorted(RULE_SETS)),
    worse=st.sampled_from(["yes", "not_sure"]),
)
def test_answering_yes_or_not_sure_to_one_more_question_is_never_looser(answers, condition, policy, worse):
    rules = RULE_SETS[policy]
    without = {**answers, condition: "no"}
    with_it = {**answers, condition: worse}

    before = details(screen(without, rules=rules, techniques=[], today=TODAY))
    after = details(screen(with_it, rules=rules, techniques=[], today=TODAY))

    assert_not_looser(before, after)


@settings(max_examples=100, deadline=None)
@given(answers=answer_sets(), policy=st.sampled_from(sorted(RULE_SETS)))
def test_every_answer_no_is_the_loosest_possible_screening(answers, policy):
    rules = RULE_SETS[policy]
    nothing = details(screen({}, rules=rules, techniques=[], today=TODAY))

    assert_not_looser(nothing, details(screen(answers, rules=rules, techniques=[], today=TODAY)))
