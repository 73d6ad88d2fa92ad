"""The screening engine: a client's answers in, an outcome per technique out.

    screen(answers, *, techniques=None, rules=None, clearances=(), today=None) -> Screening

A pure function over a `RuleSet` (`intake.rules.load_rules()`, four queries, or rules handed in by
a test). It follows contraindications.md §5:

- R1/R2: every triggered rule is evaluated for each of the six technique kinds; the strictest
  outcome wins. R3: areas, gentle areas and modifiers accumulate from every triggered rule, even
  when the headline is stricter, so they are ready once a doctor's note arrives.
- R6: "not sure" counts as yes for absolute, local and conditional questions (a follow-up left
  unanswered counts as "not_sure", which the rules treat as the careful branch); for advisory
  questions it gives `proceed_with_note` and asks the therapist to check in person.
- R7: when the areas to leave out cover both soles (or both whole feet), the technique is
  declined; when one whole foot is left out, the client is offered a one-foot session.
- R8: with valid doctor's notes (`clearances`) covering every condition that asked for one, a
  `needs_clearance` becomes the rules' post-clearance outcome, or the clinician's stricter limit,
  and the notes' modifiers and written limits join the therapist's. `apply_clearances()` is that
  rule, shared with the stored result (`Questionnaire.effective_outcome_for`, `modifiers_for`, ...).
- R9: temporary declines carry a waiting time (`rebook_after_hours`) and a rebooking suggestion.
- R11: `reasons_for()` are the rules' own client messages: kind words, no codes.

Follow-up answers may count as a yes to another condition (`ScreeningRule.implies`, e.g.
one-sided painful swelling -> `leg_red_flag`); that closure only ever adds conditions, which is
why one more "yes" can never make an outcome less strict (tests/intake/test_properties.py).

- R12: an implied *absolute* condition (a hot, red vein implies a clot now) is judged on the sign
  alone: the condition's own follow-up answers (say, that an earlier clot has cleared) are not
  applied to it, so nothing said about one condition softens another. Follow-up choices carry a
  `rank` (mildest first); a more serious answer is never milder, under every policy mix.
- R13: a refusal from an absolute row (`RuleSpec.absolute`: every decline of an absolute
  condition, and rules marked absolute such as the first trimester) is listed in
  `absolute_conditions`; no note lifts it, and the booking gate refuses any override of it.
- R14: answers to "today" conditions (`Condition.about_today`: fever, alcohol, a meal, a flare)
  are screened apart: `Screening.later` is the result without them, with those conditions under
  `checkin`, for sessions more than two days after the answers (`Questionnaire.entry_for(at=)`).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from intake.models import BOOKABLE, SEVERITY, Answer, Area, Category, FollowUp, Outcome
from intake.rules import KINDS, NOT_SURE, RuleSet, RuleSpec, load_rules

AGE_MINOR = "age_minor"
AGE_OLDER_ADULT = "age_older_adult"
AGE_BAND = "age_band"
DATE_OF_BIRTH = "date_of_birth"

_BY_SEVERITY = {severity: outcome for outcome, severity in SEVERITY.items()}


class ScreeningError(Exception):
    """Something in the intake cannot be accepted; the message can be shown to the client."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class TechniqueResult:
    """The screening of one technique kind (what is stored per technique slug)."""

    kind: str
    outcome: Outcome
    outcome_after_clearance: Outcome | None = None
    reasons: tuple[str, ...] = ()
    next_steps: tuple[str, ...] = ()
    areas: tuple[str, ...] = ()
    gentle_areas: tuple[str, ...] = ()
    modifiers: tuple[str, ...] = ()
    therapist_notes: tuple[str, ...] = ()
    clearance_conditions: tuple[str, ...] = ()
    conditions: tuple[str, ...] = ()
    rebook_after_hours: int | None = None
    one_foot_only: bool = False
    cleared: bool = False
    absolute_conditions: tuple[str, ...] = ()  # R13: refusals no note or override lifts
    deciding_conditions: tuple[str, ...] = ()  # what a refusal or a hold comes from (for staff)
    checkin: tuple[str, ...] = ()  # R14: "today" answers to confirm on the day of a later session

    @property
    def bookable(self) -> bool:
        return self.outcome in BOOKABLE

    def as_json(self) -> dict:
        return {
            "outcome": self.outcome.value,
            "outcome_after_clearance": self.outcome_after_clearance.value
            if self.outcome_after_clearance
            else "",
            "reasons": list(self.reasons),
            "next_steps": list(self.next_steps),
            "areas": list(self.areas),
            "gentle_areas": list(self.gentle_areas),
            "modifiers": list(self.modifiers),
            "therapist_notes": list(self.therapist_notes),
            "clearance_conditions": list(self.clearance_conditions),
            "conditions": list(self.conditions),
            "rebook_after_hours": self.rebook_after_hours,
            "one_foot_only": self.one_foot_only,
            "absolute_conditions": list(self.absolute_conditions),
            "deciding_conditions": list(self.deciding_conditions),
            "checkin": list(self.checkin),
        }


@dataclass(frozen=True)
class Screening:
    results: Mapping[str, TechniqueResult]  # by technique kind
    technique_kinds: Mapping[str, str]  # technique slug -> kind
    rules_version: str
    conditions: tuple[str, ...] = ()  # conditions that counted (answered, implied or derived)
    unsure: tuple[str, ...] = ()  # conditions answered "not sure"
    matched_rules: tuple[str, ...] = ()  # "condition/rule" keys, for the therapist and the tests
    answers: Mapping[str, object] = field(default_factory=dict)  # normalised, for storing
    # R14: by kind, the screening without the "today" answers, for sessions more than two days
    # later (None when no "today" answer counted).
    later: Mapping[str, TechniqueResult] | None = None

    def result_for(self, technique) -> TechniqueResult:
        """By technique slug (`thai-sticks`), kind key (`thai_sticks`) or Technique instance."""
        if hasattr(technique, "kind"):
            return self.results[technique.kind]
        if technique in self.technique_kinds:
            return self.results[self.technique_kinds[technique]]
        if technique in self.results:
            return self.results[technique]
        raise ScreeningError(_("We do not know the technique “%s”.") % technique)

    def outcome_for(self, technique) -> str:
        return self.result_for(technique).outcome.value

    def reasons_for(self, technique) -> list[str]:
        return list(self.result_for(technique).reasons)

    def next_steps_for(self, technique) -> list[str]:
        return list(self.result_for(technique).next_steps)

    def areas_for(self, technique) -> list[str]:
        return list(self.result_for(technique).areas)

    def gentle_areas_for(self, technique) -> list[str]:
        return list(self.result_for(technique).gentle_areas)

    def modifiers_for(self, technique) -> list[str]:
        return list(self.result_for(technique).modifiers)

    def therapist_notes_for(self, technique) -> list[str]:
        return list(self.result_for(technique).therapist_notes)

    def clearance_conditions_for(self, technique) -> list[str]:
        return list(self.result_for(technique).clearance_conditions)

    def as_json(self) -> dict:
        """What `Questionnaire.screening` stores: one entry per technique slug and per kind."""
        stored = {kind: result.as_json() for kind, result in self.results.items()}
        if self.later is not None:
            for kind, result in self.later.items():
                stored[kind]["later"] = result.as_json()
        for slug, kind in self.technique_kinds.items():
            stored[slug] = stored[kind]
        return stored


# --- Client-facing sentences the engine adds itself (the rest come from the rules) -------------


def _both_feet_reason() -> str:
    return _(
        "Both of your feet need a rest from massage for now, so we can't offer a session this time. "
        "We'd love to see you once they have healed."
    )


def _one_foot_step() -> str:
    return _(
        "We can work on your other foot only (a shorter, gentler session), or you may prefer to "
        "rebook once both feet are ready. Either is fine with us."
    )


def _unsure_reason() -> str:
    return _(
        "You weren't sure about one or more questions, so we have taken the careful route. "
        "Your therapist will happily go through them with you."
    )


def _unsure_note(question: str) -> str:
    return _("Client was not sure about: “%s”. Please ask in person before starting.") % question


# --- The engine ---------------------------------------------------------------------------------


def screen(
    answers: Mapping[str, object],
    *,
    techniques: Iterable | None = None,
    rules: RuleSet | None = None,
    clearances: Iterable = (),
    today: datetime.date | None = None,
) -> Screening:
    """Screen `answers` (condition key -> True/False/"not_sure"; follow-up key -> its value).

    `techniques`: Technique instances, (slug, kind) pairs or kind keys; by default the techniques
    in the database (one query). `clearances`: valid doctor's notes (objects with
    `condition_key`, `limit_outcome`, `limit_modifiers`, `clinician_limits`).
    Raises ScreeningError for answers it cannot read.
    """
    if not isinstance(answers, Mapping):
        raise ScreeningError(_("The answers could not be read."))
    rules = rules if rules is not None else load_rules()
    technique_kinds = _technique_kinds(techniques)
    today = today or timezone.localdate()
    condition_answers, follow_up_answers, normalised = _normalise(answers, rules, today)

    clearances = list(clearances)
    results, state, hits = _evaluate(condition_answers, follow_up_answers, rules, clearances)
    today_only = tuple(sorted(key for key in state if rules.conditions[key].about_today))
    later = None
    if today_only:  # R14: what a session more than two days later gets, with a check-in on the day
        later_answers = {
            key: answer for key, answer in condition_answers.items() if not rules.conditions[key].about_today
        }
        later_results = _evaluate(later_answers, follow_up_answers, rules, clearances)[0]
        later = {kind: replace(result, checkin=today_only) for kind, result in later_results.items()}
    return Screening(
        results=results,
        technique_kinds=technique_kinds,
        rules_version=rules.version,
        conditions=tuple(sorted(state)),
        unsure=tuple(sorted(key for key, answer in state.items() if answer == NOT_SURE)),
        matched_rules=tuple(f"{rule.condition_key}/{rule.key}" for rule in hits),
        answers=normalised,
        later=later,
    )


def _evaluate(condition_answers, follow_up_answers, rules: RuleSet, clearances: list):
    state, implied = _close_implications(condition_answers, follow_up_answers, rules)
    hits, unsure_hits = _triggered(state, implied, condition_answers, follow_up_answers, rules)
    results = {kind: _resolve(kind, hits, unsure_hits, state, clearances) for kind in KINDS}
    return results, state, hits


def _technique_kinds(techniques) -> dict[str, str]:
    if techniques is None:
        from reflexology.models import Technique

        techniques = Technique.objects.values_list("slug", "kind")
    kinds = {}
    for technique in techniques:
        if isinstance(technique, str):
            slug, kind = technique, technique
        elif isinstance(technique, tuple | list):
            slug, kind = technique
        else:
            slug, kind = technique.slug, technique.kind
        if kind not in KINDS:
            raise ScreeningError(_("We do not know the technique “%s”.") % slug)
        kinds[slug] = kind
    return kinds


def _as_answer(key: str, value) -> str:
    if value is True or value == Answer.YES:
        return Answer.YES.value
    if value is False or value is None or value == "" or value == Answer.NO:
        return Answer.NO.value
    if value == Answer.NOT_SURE:
        return Answer.NOT_SURE.value
    raise ScreeningError(_("Please answer yes, no or not sure (%s).") % key)


def _normalise(answers: Mapping[str, object], rules: RuleSet, today: datetime.date):
    conditions: dict[str, str] = {}
    follow_ups: dict[str, object] = {}
    normalised: dict[str, object] = {}
    for key, value in answers.items():
        if key == DATE_OF_BIRTH:
            continue
        if key in rules.conditions:
            conditions[key] = normalised[key] = _as_answer(key, value)
        elif key in rules.follow_ups:
            follow_ups[key] = normalised[key] = _follow_up_value(rules.follow_ups[key], value)
        else:
            raise ScreeningError(_("We do not know the question “%s”.") % key)
    if answers.get(DATE_OF_BIRTH):
        conditions_from_age, follow_ups_from_age = _derive_from_age(answers[DATE_OF_BIRTH], today, rules)
        conditions.update(conditions_from_age)
        follow_ups.update(follow_ups_from_age)
    return conditions, follow_ups, normalised


def _follow_up_value(spec, value):
    if spec.kind == FollowUp.Kind.TEXT:
        if value is None:
            return ""
        if not isinstance(value, str):
            raise ScreeningError(_("Please write your answer in words (%s).") % spec.key)
        return value.strip()
    if spec.kind == FollowUp.Kind.MULTI:
        if value is None or value == "":
            return []
        values = [value] if isinstance(value, str) else value
        if not isinstance(values, list | tuple | set | frozenset) or not all(
            v in spec.values for v in values
        ):
            raise ScreeningError(_("Please choose from the options given (%s).") % spec.key)
        return sorted(set(values))
    if value is None or value == "":
        return NOT_SURE
    if isinstance(value, bool):
        value = Answer.YES.value if value else Answer.NO.value
    if isinstance(value, int):
        chosen = spec.value_for_number(value)
        if chosen is None:
            raise ScreeningError(_("That number is outside what we can accept (%s).") % spec.key)
        return chosen
    if value not in spec.values:
        raise ScreeningError(_("Please choose from the options given (%s).") % spec.key)
    return value


def age_on(date_of_birth: datetime.date, today: datetime.date) -> tuple[int, int]:
    """Whole years and whole months of age on `today`."""
    months = (today.year - date_of_birth.year) * 12 + today.month - date_of_birth.month
    if today.day < date_of_birth.day:
        months -= 1
    return months // 12, months


def _derive_from_age(value, today: datetime.date, rules: RuleSet):
    if isinstance(value, str):
        try:
            value = datetime.date.fromisoformat(value)
        except ValueError as error:
            raise ScreeningError(_("Please give the date of birth as a date.")) from error
    if not isinstance(value, datetime.date) or value > today:
        raise ScreeningError(_("The date of birth cannot be in the future."))
    years, months = age_on(value, today)
    conditions, follow_ups = {}, {}
    if AGE_MINOR in rules.conditions:
        conditions[AGE_MINOR] = Answer.YES.value if years < settings.INTAKE_ADULT_AGE else Answer.NO.value
        if AGE_BAND in rules.follow_ups:
            follow_ups[AGE_BAND] = "infant" if months < settings.INTAKE_INFANT_MONTHS else "child"
    if AGE_OLDER_ADULT in rules.conditions:
        older = years >= settings.INTAKE_OLDER_ADULT_AGE
        conditions[AGE_OLDER_ADULT] = Answer.YES.value if older else Answer.NO.value
    return conditions, follow_ups


def _instances(key: str, conditions: Mapping[str, str], implied: set[str], follow_ups: Mapping, rules):
    """The ways a condition counts, each with the follow-up answers that describe it (R12).

    As answered by the client, with their follow-up answers. As implied by another answer, with
    the same answers, except for an absolute condition: a sign of it now (a hot, red vein implies
    a clot now) is judged on the sign alone, with none of the condition's own follow-up answers
    (which the rules read as the careful branch), so that what the client said about an earlier
    clot never softens it.
    """
    instances = []
    answer = conditions.get(key, Answer.NO.value)
    if answer != Answer.NO:
        instances.append((answer, follow_ups))
    if key in implied:
        absolute = rules.conditions[key].category == Category.ABSOLUTE
        instances.append((Answer.YES.value, {} if absolute else follow_ups))
    return instances


def _close_implications(conditions: dict[str, str], follow_ups: Mapping, rules: RuleSet):
    """Conditions that count: answered yes / not sure, plus what matching rules say they imply.

    Returns the state (condition -> strongest answer) and the set of implied conditions.
    """
    state = {key: answer for key, answer in conditions.items() if answer != Answer.NO}
    implied: set[str] = set()
    changed = True
    while changed:
        changed = False
        for key in list(state):
            for answer, given in _instances(key, conditions, implied, follow_ups, rules):
                if answer == NOT_SURE and rules.conditions[key].category == Category.ADVISORY:
                    continue
                for rule in rules.rules_by_condition.get(key, ()):
                    if rule.implies and rule.implies not in implied and rule.matches(answer, given):
                        implied.add(rule.implies)
                        state[rule.implies] = Answer.YES.value
                        changed = True
    return state, implied


@dataclass(frozen=True)
class _UnsureHit:
    condition_key: str
    kinds: frozenset[str]
    note: str


def _triggered(state: Mapping[str, str], implied: set[str], conditions: Mapping, follow_ups: Mapping, rules):
    hits: dict[RuleSpec, None] = {}
    unsure: list[_UnsureHit] = []
    for key in state:
        condition = rules.conditions[key]
        condition_rules = rules.rules_by_condition.get(key, ())
        for answer, given in _instances(key, conditions, implied, follow_ups, rules):
            if answer == NOT_SURE and condition.category == Category.ADVISORY:
                # R6: an advisory question answered "not sure" is a note for the therapist, nothing more.
                unsure.append(_UnsureHit(key, _kinds_of(condition_rules), _unsure_note(condition.question)))
                continue
            hits.update(dict.fromkeys(rule for rule in condition_rules if rule.matches(answer, given)))
    return list(hits), unsure


def _kinds_of(condition_rules) -> frozenset[str]:
    if any(not rule.kinds for rule in condition_rules):
        return frozenset()
    return frozenset().union(*(rule.kinds for rule in condition_rules))


def _unique(items: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(item for item in items if item))


_WHOLE_FEET = {Area.PLANTAR_BOTH.value, Area.FOOT_LEFT.value, Area.FOOT_RIGHT.value}


def covers_both_soles(areas: Iterable[str]) -> bool:
    areas = set(areas)
    return Area.PLANTAR_BOTH in areas or {Area.FOOT_LEFT, Area.FOOT_RIGHT} <= areas


def outcome_once_cleared(after_clearance, limits: Iterable) -> Outcome:
    """R8: the rules' post-clearance outcome, or the clinician's stricter limit."""
    outcome = Outcome(after_clearance)
    for limit in limits:
        limit_outcome = getattr(limit, "limit_outcome", "") or ""
        if limit_outcome and SEVERITY[Outcome(limit_outcome)] > SEVERITY[outcome]:
            outcome = Outcome(limit_outcome)
    return outcome


@dataclass(frozen=True)
class Cleared:
    """What valid doctor's notes make of a `needs_clearance` (R8)."""

    outcome: Outcome
    modifiers: tuple[str, ...] = ()  # the ones the notes add
    therapist_notes: tuple[str, ...] = ()  # the clinicians' written limits


def apply_clearances(after_clearance, needed: Iterable[str], clearances: Iterable) -> Cleared | None:
    """R8, the one place it is written: None unless the notes cover every condition in `needed`.

    `after_clearance`: the rules' outcome once cleared (empty means `proceed_with_note`);
    `clearances`: valid notes (objects with `condition_key`, `limit_outcome`, `limit_modifiers`,
    `clinician_limits`). Notes for other conditions are ignored.
    """
    needed = set(needed)
    covering = [c for c in clearances if c.condition_key in needed]
    if not needed or not needed <= {c.condition_key for c in covering}:
        return None
    return Cleared(
        outcome=outcome_once_cleared(after_clearance or Outcome.PROCEED_WITH_NOTE, covering),
        modifiers=_unique(m for c in covering for m in (c.limit_modifiers or [])),
        therapist_notes=_unique(c.clinician_limits for c in covering),
    )


def _strictest(outcomes: Iterable[str]) -> Outcome:
    return _BY_SEVERITY[max((SEVERITY[Outcome(o)] for o in outcomes), default=0)]


def _resolve(kind: str, hits, unsure_hits, state, clearances) -> TechniqueResult:
    mine = [rule for rule in hits if rule.applies_to(kind)]
    unsure_mine = [hit for hit in unsure_hits if not hit.kinds or kind in hit.kinds]
    outcome = _strictest([rule.outcome for rule in mine] + [Outcome.PROCEED_WITH_NOTE] * bool(unsure_mine))
    areas = _unique(area for rule in mine for area in rule.areas)
    modifiers = _unique(modifier for rule in mine for modifier in rule.modifiers)
    notes = list(_unique([rule.therapist_note for rule in mine] + [hit.note for hit in unsure_mine]))
    holds = [rule for rule in mine if rule.outcome == Outcome.NEEDS_CLEARANCE]
    clearance_conditions = _unique(rule.condition_key for rule in holds)

    both_feet = covers_both_soles(areas) and outcome != Outcome.DECLINE
    if both_feet:
        outcome = Outcome.DECLINE  # R7
    after_clearance, once_cleared = None, None
    if outcome == Outcome.NEEDS_CLEARANCE:
        after_clearance = _strictest(
            [rule.outcome_after_clearance or Outcome.PROCEED_WITH_NOTE for rule in holds]
            + [rule.outcome for rule in mine if rule.outcome != Outcome.NEEDS_CLEARANCE]
        )
        once_cleared = apply_clearances(after_clearance, clearance_conditions, clearances)  # R8
        if once_cleared is not None:
            outcome = once_cleared.outcome
            modifiers = _unique([*modifiers, *once_cleared.modifiers])
            notes.extend(once_cleared.therapist_notes)
    cleared = once_cleared is not None
    reasons, next_steps, one_foot, deciding = _explain(
        mine, unsure_mine, state, outcome, areas, both_feet, cleared
    )
    return TechniqueResult(
        kind=kind,
        outcome=outcome,
        outcome_after_clearance=after_clearance,
        reasons=reasons,
        next_steps=next_steps,
        areas=areas,
        gentle_areas=_unique(area for rule in mine for area in rule.gentle_areas),
        modifiers=modifiers,
        therapist_notes=_unique(notes),
        clearance_conditions=clearance_conditions,
        conditions=_unique(
            [rule.condition_key for rule in mine] + [hit.condition_key for hit in unsure_mine]
        ),
        rebook_after_hours=_rebook_after(outcome, mine),
        one_foot_only=one_foot,
        cleared=cleared,
        absolute_conditions=_unique(rule.condition_key for rule in mine if rule.absolute),
        deciding_conditions=deciding,
    )


def _explain(mine, unsure_mine, state, outcome, areas, both_feet: bool, cleared: bool):
    """R11: the client's reasons and next steps, and whether a one-foot session is offered."""
    # For a refusal, the rules that caused it; otherwise what we will adapt, strictest first.
    if both_feet:
        telling = [rule for rule in mine if set(rule.areas) & _WHOLE_FEET]
    elif outcome == Outcome.DECLINE:
        telling = [rule for rule in mine if rule.outcome == outcome]
    elif outcome == Outcome.NEEDS_CLEARANCE and not cleared:
        # Why we need a note first; then what we will adapt once it is here (R3).
        telling = [rule for rule in mine if rule.outcome == outcome]
        telling += sorted((rule for rule in mine if rule.outcome != outcome), key=lambda rule: -rule.severity)
    else:
        telling = sorted(
            (rule for rule in mine if not (cleared and rule.outcome == Outcome.NEEDS_CLEARANCE)),
            key=lambda rule: -rule.severity,
        )
    reasons = [_both_feet_reason()] if both_feet else [rule.client_message for rule in telling]
    next_steps = [rule.next_step for rule in telling]
    one_foot = (
        outcome != Outcome.DECLINE and len({Area.FOOT_LEFT.value, Area.FOOT_RIGHT.value} & set(areas)) == 1
    )
    if one_foot:
        next_steps.append(_one_foot_step())
    if any(state.get(rule.condition_key) == NOT_SURE for rule in telling) or (
        unsure_mine and outcome == Outcome.PROCEED_WITH_NOTE
    ):
        reasons.append(_unsure_reason())
    deciding = ()
    if outcome in (Outcome.DECLINE, Outcome.NEEDS_CLEARANCE) and not cleared:
        deciding = _unique(rule.condition_key for rule in telling if both_feet or rule.outcome == outcome)
    return _unique(reasons), _unique(next_steps), one_foot, deciding


def _rebook_after(outcome: Outcome, rules: list[RuleSpec]) -> int | None:
    """R9: how long to wait, when every reason for waiting is temporary."""
    if outcome == Outcome.DECLINE:
        declines = [rule for rule in rules if rule.outcome == Outcome.DECLINE]
        if declines and all(rule.rebook_after_hours for rule in declines):
            return max(rule.rebook_after_hours for rule in declines)
        return None
    waits = [rule.rebook_after_hours for rule in rules if rule.rebook_after_hours]
    return max(waits) if waits else None
