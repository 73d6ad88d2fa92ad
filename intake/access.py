"""Staff reads of clients' health answers: permission checked, every read logged (invariant 6).

`read_answers()` is the one way staff code (the admin, and the staff area later) gets at a
questionnaire's health content. It refuses anyone without `intake.view_health_answers` and
writes a `HealthAccessLog` row for every read it allows.
"""

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db.models import prefetch_related_objects
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from intake.models import Answer, Area, Group, HealthAccessLog, Modifier, Questionnaire
from intake.rules import KINDS, RuleSet, load_rules
from reflexology.models import Technique

PERMISSION = "intake.view_health_answers"
ANSWER_LABELS = {
    Answer.YES: gettext_lazy("Yes"),
    Answer.NO: gettext_lazy("No"),
    Answer.NOT_SURE: gettext_lazy("Not sure"),
}


@dataclass(frozen=True)
class AnsweredFollowUp:
    question: str
    answer: str


@dataclass(frozen=True)
class AnsweredQuestion:
    key: str
    question: str
    answer: str
    flagged: bool  # answered yes or not sure
    follow_ups: tuple[AnsweredFollowUp, ...] = ()


@dataclass(frozen=True)
class TechniqueScreening:
    technique: str
    outcome: str
    areas: tuple[str, ...]
    gentle_areas: tuple[str, ...]
    modifiers: tuple[str, ...]
    therapist_notes: tuple[str, ...]
    clearance_conditions: tuple[str, ...]


@dataclass(frozen=True)
class HealthRecord:
    """What a permitted staff member sees of one questionnaire."""

    questionnaire: Questionnaire
    sections: tuple[tuple[str, tuple[AnsweredQuestion, ...]], ...]
    medicines: str
    allergies: str
    areas_to_avoid: str
    other_notes: str
    screening: tuple[TechniqueScreening, ...] = field(default=())

    @property
    def flagged(self) -> list[AnsweredQuestion]:
        return [q for _group, questions in self.sections for q in questions if q.flagged]


def can_read_answers(user) -> bool:
    return bool(user and user.is_active and user.is_staff and user.has_perm(PERMISSION))


def read_answers(
    user, questionnaire: Questionnaire, *, via: str, rules: RuleSet | None = None
) -> HealthRecord:
    """The questionnaire's health answers for `user`, logged; PermissionDenied without the permission."""
    if not can_read_answers(user):
        raise PermissionDenied(_("You do not have permission to read clients' health answers."))
    log_read(user, questionnaire, via=via)
    return _record(questionnaire, rules or load_rules())


def log_read(user, questionnaire: Questionnaire, *, via: str) -> HealthAccessLog:
    """Record one staff read of a questionnaire's health content (the answers, or a session sheet)."""
    if via not in HealthAccessLog.Via.values:
        raise ValueError(f"Unknown access route {via!r}")
    return HealthAccessLog.objects.create(
        user=user,
        username=user.get_username(),
        questionnaire=questionnaire,
        questionnaire_ref=questionnaire.public_id,
        via=via,
    )


def _answer_label(spec, value) -> str:
    if isinstance(value, list):
        return ", ".join(spec.label_for(v) for v in value) if value else "—"
    if spec.kind == "text":
        return value or "—"
    return spec.label_for(value)


def _record(questionnaire: Questionnaire, rules: RuleSet) -> HealthRecord:
    answers = questionnaire.answers
    by_group: dict[str, list[AnsweredQuestion]] = {}
    for condition in sorted(rules.conditions.values(), key=lambda c: (c.order, c.key)):
        if condition.key not in answers:
            continue
        value = answers[condition.key]
        follow_ups = tuple(
            AnsweredFollowUp(spec.question, _answer_label(spec, answers[spec.key]))
            for spec in condition.follow_ups
            if spec.key in answers
        )
        by_group.setdefault(condition.group, []).append(
            AnsweredQuestion(
                key=condition.key,
                question=condition.question,
                answer=str(ANSWER_LABELS.get(value, value)),
                flagged=value in (Answer.YES, Answer.NOT_SURE),
                follow_ups=follow_ups,
            )
        )
    sections = tuple((str(Group(group).label), tuple(items)) for group, items in by_group.items())
    area_labels = dict(Area.choices)
    modifier_labels = dict(Modifier.choices)
    kind_labels = dict(Technique.Kind.choices)
    prefetch_related_objects([questionnaire], "clearances")  # a no-op when the caller fetched them
    screening = tuple(
        TechniqueScreening(
            technique=str(kind_labels[kind]),
            outcome=str(questionnaire.outcome_for(kind).label),
            areas=tuple(str(area_labels.get(a, a)) for a in questionnaire.areas_for(kind)),
            gentle_areas=tuple(str(area_labels.get(a, a)) for a in questionnaire.gentle_areas_for(kind)),
            # With what valid doctor's notes add (R8).
            modifiers=tuple(str(modifier_labels.get(m, m)) for m in questionnaire.modifiers_for(kind)),
            therapist_notes=tuple(questionnaire.therapist_notes_for(kind)),
            clearance_conditions=tuple(questionnaire.entry_for(kind).get("clearance_conditions", [])),
        )
        for kind in KINDS
        if questionnaire.entry_for(kind)
    )
    return HealthRecord(
        questionnaire=questionnaire,
        sections=sections,
        medicines=questionnaire.medicines,
        allergies=questionnaire.allergies,
        areas_to_avoid=questionnaire.areas_to_avoid,
        other_notes=questionnaire.other_notes,
        screening=screening,
    )
