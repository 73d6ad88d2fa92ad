"""The screening rules as plain, immutable values, loaded from the database in four queries.

`load_rules()` reads conditions, follow-ups, rules and the managers' policy choices once;
`build_rules()` turns rows (dicts, as `.values()` or a fixture file gives them) into a `RuleSet`
that keeps only the rules of the policy in force. The engine (`intake.screening`) computes over a
RuleSet and never touches the database, so unit tests can hand it rules built from the fixtures.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property

from django.utils.translation import gettext as _

from intake.models import (
    POLICIES_IN_FORCE,
    AnswerMatch,
    Area,
    Category,
    Condition,
    FollowUp,
    Modifier,
    Outcome,
    PolicyChoice,
    PolicyVariant,
    RulePolicy,
    ScreeningRule,
    validate_follow_up_choices,
)
from reflexology.models import Technique

KINDS: tuple[str, ...] = tuple(Technique.Kind.values)
NOT_SURE = "not_sure"


@dataclass(frozen=True)
class FollowUpSpec:
    key: str
    condition_key: str
    question: str
    kind: str
    choices: tuple[Mapping, ...] = ()
    help_text: str = ""
    order: int = 0

    @property
    def values(self) -> tuple[str, ...]:
        return tuple(choice["value"] for choice in self.choices)

    def rank_of(self, value: str) -> int | None:
        """How serious an answer is (R12: a higher rank never gives a milder outcome); None if unranked."""
        for choice in self.choices:
            if choice["value"] == value:
                return choice.get("rank")
        return None

    def label_for(self, value: str) -> str:
        for choice in self.choices:
            if choice["value"] == value:
                return choice["label"]
        return value

    def value_for_number(self, number: int) -> str | None:
        """The choice whose min/max range holds `number` (e.g. 20 weeks -> "t2")."""
        for choice in self.choices:
            ranged = "min" in choice or "max" in choice
            if ranged and choice.get("min", number) <= number <= choice.get("max", number):
                return choice["value"]
        return None


@dataclass(frozen=True)
class ConditionSpec:
    key: str
    question: str
    category: str
    group: str
    short_label: str = ""
    help_text: str = ""
    order: int = 0
    asked: bool = True
    required: bool = True
    about_today: bool = False
    follow_ups: tuple[FollowUpSpec, ...] = ()


@dataclass(frozen=True)
class RuleSpec:
    condition_key: str
    key: str
    outcome: str
    kinds: frozenset[str] = frozenset()  # empty: every kind
    answer: str = AnswerMatch.YES_OR_NOT_SURE
    when: tuple[tuple[str, frozenset[str]], ...] = ()
    outcome_after_clearance: str = ""
    areas: tuple[str, ...] = ()
    gentle_areas: tuple[str, ...] = ()
    modifiers: tuple[str, ...] = ()
    implies: str | None = None
    rebook_after_hours: int | None = None
    client_message: str = ""
    next_step: str = ""
    therapist_note: str = ""
    audience: str = ""
    policy: str = RulePolicy.ALWAYS
    order: int = 0
    absolute: bool = False  # R13: no note and no override lifts it

    @property
    def severity(self) -> int:
        return Outcome(self.outcome).severity

    def applies_to(self, kind: str) -> bool:
        return not self.kinds or kind in self.kinds

    def matches(self, answer: str, follow_up_answers: Mapping[str, object]) -> bool:
        if self.answer == AnswerMatch.YES and answer != "yes":
            return False
        if self.answer == AnswerMatch.NOT_SURE and answer != NOT_SURE:
            return False
        for key, wanted in self.when:
            given = follow_up_answers.get(key, NOT_SURE)
            given = set(given) if isinstance(given, list | tuple | set | frozenset) else {given}
            if not given & wanted:
                return False
        return True


@dataclass(frozen=True)
class RuleSet:
    conditions: Mapping[str, ConditionSpec]
    follow_ups: Mapping[str, FollowUpSpec]
    rules: tuple[RuleSpec, ...]  # the rules of the policy in force, in order
    policies: Mapping[str, str] = field(default_factory=dict)  # condition key -> variant in force
    reviewable: frozenset[str] = frozenset()  # conditions with a seed/recommended choice

    @cached_property
    def rules_by_condition(self) -> dict[str, tuple[RuleSpec, ...]]:
        grouped: dict[str, list[RuleSpec]] = {key: [] for key in self.conditions}
        for rule in self.rules:
            grouped.setdefault(rule.condition_key, []).append(rule)
        return {key: tuple(rules) for key, rules in grouped.items()}

    @cached_property
    def version(self) -> str:
        """A fingerprint of everything that decides an outcome; stored with each screening."""
        payload = {
            "conditions": sorted(
                (c.key, c.category, c.asked, c.about_today) for c in self.conditions.values()
            ),
            "follow_ups": sorted(
                # The labels are left out: they are words in the page's language, not part of a rule.
                (f.key, f.kind, json.dumps([_unlabelled(c) for c in f.choices], sort_keys=True))
                for f in self.follow_ups.values()
            ),
            "rules": sorted(
                json.dumps(
                    [
                        r.condition_key,
                        r.key,
                        r.outcome,
                        sorted(r.kinds),
                        r.answer,
                        [[k, sorted(v)] for k, v in r.when],
                        r.outcome_after_clearance,
                        list(r.areas),
                        list(r.gentle_areas),
                        list(r.modifiers),
                        r.implies,
                        r.rebook_after_hours,
                        r.absolute,
                    ]
                )
                for r in self.rules
            ),
        }
        digest = hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()
        return f"rules-{digest[:16]}"

    def asked_conditions(self) -> list[ConditionSpec]:
        return sorted((c for c in self.conditions.values() if c.asked), key=lambda c: (c.order, c.key))


def _unlabelled(choice) -> dict:
    return (
        {key: value for key, value in choice.items() if key != "label"}
        if isinstance(choice, dict)
        else choice
    )


def load_rules() -> RuleSet:
    """The rules in force, in four queries whatever the number of rows."""
    conditions = Condition.objects.values(
        "key",
        "question",
        "help_text",
        "short_label",
        "category",
        "group",
        "order",
        "asked",
        "required",
        "about_today",
    )
    follow_ups = FollowUp.objects.values(
        "key", "condition__key", "question", "help_text", "kind", "choices", "order"
    )
    rules = ScreeningRule.objects.values(
        "condition__key",
        "key",
        "order",
        "policy",
        "answer",
        "when",
        "kinds",
        "outcome",
        "outcome_after_clearance",
        "areas",
        "gentle_areas",
        "modifiers",
        "implies__key",
        "rebook_after_hours",
        "client_message",
        "next_step",
        "therapist_note",
        "audience",
        "absolute",
    )
    policies = PolicyChoice.objects.values_list("condition__key", "variant")
    return build_rules(
        conditions=list(conditions),
        follow_ups=[_rename(row, condition__key="condition") for row in follow_ups],
        rules=[_rename(row, condition__key="condition", implies__key="implies") for row in rules],
        policies=dict(policies),
    )


def _rename(row: dict, **names: str) -> dict:
    return {names.get(key, key): value for key, value in row.items()}


def build_rules(
    *,
    conditions: Iterable[Mapping],
    follow_ups: Iterable[Mapping],
    rules: Iterable[Mapping],
    policies: Mapping[str, str] | None = None,
) -> RuleSet:
    """A RuleSet from rows whose foreign keys are natural keys (condition key strings)."""
    policies = dict(policies or {})
    specs_by_condition: dict[str, list[FollowUpSpec]] = {}
    follow_up_specs = {}
    for row in follow_ups:
        spec = FollowUpSpec(
            key=row["key"],
            condition_key=_natural(row["condition"]),
            question=row["question"],
            help_text=row.get("help_text", ""),
            kind=row.get("kind", FollowUp.Kind.SINGLE),
            choices=tuple(row.get("choices") or ()),
            order=row.get("order", 0),
        )
        follow_up_specs[spec.key] = spec
        specs_by_condition.setdefault(spec.condition_key, []).append(spec)
    condition_specs = {
        row["key"]: ConditionSpec(
            key=row["key"],
            question=row["question"],
            help_text=row.get("help_text", ""),
            short_label=row.get("short_label", ""),
            category=row["category"],
            group=row["group"],
            order=row.get("order", 0),
            asked=row.get("asked", True),
            required=row.get("required", True),
            about_today=row.get("about_today", False),
            follow_ups=tuple(sorted(specs_by_condition.get(row["key"], ()), key=lambda f: (f.order, f.key))),
        )
        for row in conditions
    }
    all_rules = [_rule_spec(row, condition_specs) for row in rules]
    reviewable = frozenset(r.condition_key for r in all_rules if r.policy != RulePolicy.ALWAYS)
    in_force = {key: policies.get(key, PolicyVariant.SEED) for key in reviewable}
    active = tuple(
        sorted(
            (
                r
                for r in all_rules
                if r.policy == RulePolicy.ALWAYS or r.policy in POLICIES_IN_FORCE[in_force[r.condition_key]]
            ),
            key=lambda r: (condition_specs[r.condition_key].order, r.condition_key, r.order, r.key),
        )
    )
    return RuleSet(
        conditions=condition_specs,
        follow_ups=follow_up_specs,
        rules=active,
        policies=in_force,
        reviewable=reviewable,
    )


def _natural(value) -> str:
    return value[0] if isinstance(value, list | tuple) else value


def _rule_spec(row: Mapping, conditions: Mapping[str, ConditionSpec]) -> RuleSpec:
    condition_key = _natural(row["condition"])
    # R13: every refusal of an absolute condition is absolute; a rule may say so for itself too.
    absolute = bool(row.get("absolute")) or (
        row["outcome"] == Outcome.DECLINE and conditions[condition_key].category == Category.ABSOLUTE
    )
    return RuleSpec(
        absolute=absolute,
        condition_key=condition_key,
        key=row["key"],
        order=row.get("order", 0),
        policy=row.get("policy", RulePolicy.ALWAYS),
        answer=row.get("answer", AnswerMatch.YES_OR_NOT_SURE),
        when=tuple(sorted((key, frozenset(values)) for key, values in (row.get("when") or {}).items())),
        kinds=frozenset(row.get("kinds") or ()),
        outcome=row["outcome"],
        outcome_after_clearance=row.get("outcome_after_clearance", ""),
        areas=tuple(row.get("areas") or ()),
        gentle_areas=tuple(row.get("gentle_areas") or ()),
        modifiers=tuple(row.get("modifiers") or ()),
        implies=_natural(row["implies"]) if row.get("implies") else None,
        rebook_after_hours=row.get("rebook_after_hours"),
        client_message=row.get("client_message", ""),
        next_step=row.get("next_step", ""),
        therapist_note=row.get("therapist_note", ""),
        audience=row.get("audience", ""),
    )


@dataclass(frozen=True)
class WhoShouldWait:
    """For a technique page: who should postpone, who it is not for, who needs a doctor's note first."""

    postpone: tuple[str, ...]  # temporary reasons, on the day
    not_for: tuple[str, ...]
    note_first: tuple[str, ...]

    def __bool__(self) -> bool:
        return bool(self.postpone or self.not_for or self.note_first)


def who_should_wait(rules: RuleSet, kind: str) -> WhoShouldWait:
    """From the rules in force for `kind`, in kind words (the rules' audience or the condition's label).

    When a condition is refused (or held) as a whole, its narrower cases are not listed separately.
    """
    lists: dict[str, dict[str, list[str]]] = {"postpone": {}, "not_for": {}, "note_first": {}}
    for rule in rules.rules:
        if not rule.applies_to(kind) or rule.answer == AnswerMatch.NOT_SURE:
            continue
        if rule.outcome == Outcome.DECLINE:
            bucket = "postpone" if rule.rebook_after_hours else "not_for"
        elif rule.outcome == Outcome.NEEDS_CLEARANCE:
            bucket = "note_first"
        else:
            continue
        label = rule.audience or rules.conditions[rule.condition_key].short_label
        lists[bucket].setdefault(rule.condition_key, []).append(label)

    def labels(bucket: str, skip: set[str] = frozenset()) -> tuple[str, ...]:
        chosen = []
        for key, found in lists[bucket].items():
            if key in skip:
                continue
            whole = rules.conditions[key].short_label
            chosen += [whole] if whole in found else found
        return tuple(dict.fromkeys(chosen))

    refused_whole = {
        key for key, found in lists["not_for"].items() if rules.conditions[key].short_label in found
    }
    return WhoShouldWait(
        postpone=labels("postpone"),
        not_for=labels("not_for"),
        note_first=labels("note_first", skip=refused_whole),
    )


def rule_problems(
    *,
    kinds,
    areas,
    gentle_areas,
    modifiers,
    when,
    outcome: str,
    client_message: str,
    follow_ups: Mapping[str, FollowUpSpec | FollowUp],
    zone_slugs: set[str] | None,
) -> dict[str, list[str]]:
    """What is wrong with a rule's data, field by field, in sentences an admin user can act on.

    Used by `ScreeningRule.clean()` (the admin) and by the fixture tests.
    """
    errors: dict[str, list[str]] = {}

    def problem(name, message):
        errors.setdefault(name, []).append(message)

    if not isinstance(kinds, list) or any(kind not in KINDS for kind in kinds):
        problem("kinds", _("Technique kinds are a list chosen from: %s.") % ", ".join(KINDS))
    for name, value in (("areas", areas), ("gentle_areas", gentle_areas)):
        if not isinstance(value, list):
            problem(name, _("Areas are a list."))
            continue
        for area in value:
            known_zone = zone_slugs is None or area in zone_slugs
            if area not in Area.values and not (known_zone and "_" not in area and area == area.lower()):
                problem(name, _("Unknown area %s: use an area key or a foot-map zone slug.") % area)
    if not isinstance(modifiers, list) or any(m not in Modifier.values for m in modifiers):
        problem("modifiers", _("Modifiers are a list chosen from: %s.") % ", ".join(Modifier.values))
    if not isinstance(when, dict):
        problem("when", _('Follow-up answers are written as {"follow_up_key": ["value", ...]}.'))
    else:
        for key, values in when.items():
            follow_up = follow_ups.get(key)
            if follow_up is None:
                problem("when", _("%s is not a follow-up question of this condition.") % key)
                continue
            allowed = set(follow_up.values)
            if not isinstance(values, list) or not values or not set(values) <= allowed:
                problem(
                    "when",
                    _("Answers for %(key)s are chosen from: %(allowed)s.")
                    % {"key": key, "allowed": ", ".join(sorted(allowed))},
                )
    if outcome in (Outcome.DECLINE, Outcome.NEEDS_CLEARANCE) and not client_message.strip():
        problem("client_message", _("Tell the client, kindly, why this is not possible yet."))
    if "contraindicat" in client_message.lower():
        problem("client_message", _("Please find kinder words than 'contraindicated'."))
    return errors


__all__ = [
    "KINDS",
    "ConditionSpec",
    "FollowUpSpec",
    "RuleSet",
    "RuleSpec",
    "build_rules",
    "load_rules",
    "rule_problems",
    "validate_follow_up_choices",
    "who_should_wait",
]
