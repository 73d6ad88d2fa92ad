"""What the staff area shows of a client's screening, read from the stored result (never recomputed).

    screening_flags(appointment) -> list[Flag]           the day view's and the list's badges
    flags_for(questionnaire, technique) -> list[Flag]    the same for a questionnaire not yet booked
    screening_summary(appointment) -> Summary | None     the appointment page, for permitted roles

Flags are what reception may see: a word for each kind of care the session needs (a note to
read, an adapted session, an area to leave out, a doctor's note), never which condition caused it.
The summary adds the outcome per technique, the areas, the adaptations and the therapist notes;
the answers themselves only ever come through `intake.access.read_answers` (logged).

Reads `questionnaire.clearances.all()`: prefetch `questionnaire__clearances` for many appointments.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from intake.models import Area, Modifier, Outcome
from reflexology.models import Technique, Zone


@dataclass(frozen=True)
class Flag:
    code: str
    label: str
    tone: str  # "info", "care", "alert", "muted": the CSS class suffix
    title: str = ""


FLAG_LABELS = {
    "note": (_("Note"), "info", _("The therapist should read the screening notes first.")),
    "modify": (_("Modify"), "care", _("The session is adapted (pressure, tools, length).")),
    "avoid_area": (_("Avoid area"), "care", _("Some areas are left out.")),
    "clearance": (_("Clearance needed"), "alert", _("A doctor's note is needed before the session.")),
    "cleared": (_("Doctor's note on file"), "info", _("A valid doctor's note covers the screening.")),
    "declined": (
        _("Screening said no"),
        "alert",
        _("Booked by a manager despite the screening; see the history."),
    ),
    "no_questionnaire": (_("No questionnaire"), "muted", _("No health questionnaire is attached.")),
    "questionnaire_needed": (
        _("Questionnaire needed"),
        "alert",
        _("Booked without a questionnaire; the client has been sent the link. Collect it first."),
    ),
    "checkin": (
        _("Check in on the day"),
        "care",
        _("Answers about the day the form was filled in (a temperature...) are confirmed on arrival."),
    ),
    "expired": (_("Questionnaire out of date"), "muted", _("Ask the client to confirm or update it.")),
    "removed": (_("Questionnaire removed"), "muted", _("The answers were erased at the client's request.")),
}


def _flag(code: str) -> Flag:
    label, tone, title = FLAG_LABELS[code]
    return Flag(code=code, label=str(label), tone=tone, title=str(title))


def flags_for(questionnaire, technique, *, at=None, session=None) -> list[Flag]:
    """The badges for `technique` from `questionnaire`'s stored screening (no queries but clearances).

    `session`: the session's start, which picks the screening for that day (R14).
    """
    if questionnaire is None:
        return [_flag("no_questionnaire")]
    if questionnaire.anonymised_at is not None:
        return [_flag("removed")]
    outcome = questionnaire.outcome_for(technique, session)
    flags = []
    if outcome == Outcome.DECLINE:
        flags.append(_flag("declined"))
    elif outcome == Outcome.NEEDS_CLEARANCE:
        flags.append(_flag("cleared" if questionnaire.has_clearance_for(technique, at) else "clearance"))
    if outcome == Outcome.PROCEED_WITH_NOTE or questionnaire.therapist_notes_for(technique, at):
        flags.append(_flag("note"))
    if outcome == Outcome.MODIFY or questionnaire.modifiers_for(technique, at):
        flags.append(_flag("modify"))
    if outcome == Outcome.AVOID_AREA or questionnaire.areas_for(technique, session):
        flags.append(_flag("avoid_area"))
    if questionnaire.checkin_for(technique, session):
        flags.append(_flag("checkin"))
    if not questionnaire.is_valid(at):
        flags.append(_flag("expired"))
    return flags


def screening_flags(appointment, *, at=None) -> list[Flag]:
    if appointment.questionnaire_needed:
        return [_flag("questionnaire_needed")]
    return flags_for(
        appointment.questionnaire,
        appointment.service.technique,
        at=at or _as_of(appointment),
        session=appointment.start,
    )


def _as_of(appointment):
    # A questionnaire that expired after the session took place was valid when it mattered; so
    # was a doctor's note.
    return min(timezone.now(), appointment.start)


@dataclass(frozen=True)
class TechniqueOutcome:
    kind: str
    label: str
    outcome: str
    outcome_label: str
    current: bool


@dataclass
class Summary:
    technique: Technique
    outcome: str
    outcome_label: str
    flags: list[Flag]
    areas: list[str] = field(default_factory=list)
    gentle_areas: list[str] = field(default_factory=list)
    modifiers: list[str] = field(default_factory=list)
    therapist_notes: list[str] = field(default_factory=list)
    outcomes: list[TechniqueOutcome] = field(default_factory=list)
    submitted_at: object = None
    valid_until: object = None


def screening_summary(appointment, *, zone_names: Mapping[str, str] | None = None) -> Summary | None:
    """The stored screening for the appointment's technique, in words; None without a questionnaire.

    The adaptations and notes include what valid doctor's notes add (R8). One query (zone names for
    the areas), on top of what `screening_flags` needs.
    """
    questionnaire = appointment.questionnaire
    if questionnaire is None or questionnaire.anonymised_at is not None:
        return None
    technique = appointment.service.technique
    at = _as_of(appointment)
    areas, gentle = questionnaire.areas_for(technique), questionnaire.gentle_areas_for(technique)
    names = dict(Area.choices)
    zone_slugs = [slug for slug in areas + gentle if slug not in names]
    if zone_names is not None:  # already fetched (the session plan's query), so not asked again
        names.update(zone_names)
    elif zone_slugs:
        names.update(Zone.objects.filter(slug__in=zone_slugs).values_list("slug", "name"))
    modifier_names = dict(Modifier.choices)
    outcome = questionnaire.outcome_for(technique)
    screened = [(kind, label) for kind, label in Technique.Kind.choices if questionnaire.entry_for(kind)]
    outcomes = [
        TechniqueOutcome(
            kind=kind,
            label=str(label),
            outcome=questionnaire.outcome_for(kind).value,
            outcome_label=str(questionnaire.outcome_for(kind).label),
            current=kind == technique.kind,
        )
        for kind, label in screened
    ]
    return Summary(
        technique=technique,
        outcome=outcome.value,
        outcome_label=str(outcome.label),
        flags=screening_flags(appointment, at=at),
        areas=[str(names.get(slug, slug)) for slug in areas],
        gentle_areas=[str(names.get(slug, slug)) for slug in gentle],
        modifiers=[
            str(modifier_names.get(code, code)) for code in questionnaire.modifiers_for(technique, at)
        ],
        therapist_notes=questionnaire.therapist_notes_for(technique, at),
        outcomes=outcomes,
        submitted_at=questionnaire.submitted_at,
        valid_until=questionnaire.valid_until,
    )
