"""The screening gate: every way into a booking passes here (DESIGN.md invariants 3 and 7).

    gate_booking(*, technique, start, client_email, questionnaire, source, user, reason) -> Gate
    gate_move(*, appointment, new_start, by) -> None          (the appointment is updated in place)
    check_screening(*, questionnaire, technique, at=None, for_staff=False) -> None
    settle_questionnaire_needed(*, appointment, questionnaire=None, now=None) -> bool
    questionnaire_link(appointment) -> str      the client's link to the questionnaire (e-mails)
    checkin_questions(appointment) -> list[str] "today" questions to confirm on the day (reminder)

The rules (contraindications.md R10-R14):
- Online, a questionnaire valid on the session's day is required; its stored screening for that
  day decides (R14: a note that ends before the session does not count, "today" answers such as
  a fever refuse only sessions within two days).
- At the desk, the client's questionnaire on file (by e-mail, valid on the session's day) is
  always used: staff cannot leave it out. With none, the booking is made and marked
  `questionnaire_needed`; the confirmation sends the link, and the flag stays on the day view
  until a questionnaire that allows the technique is attached (`settle_questionnaire_needed`).
- A manager may override a refusal with a reason, never an absolute one (R13).
- A move is screened again for the new day; a manager's earlier override of a conditional
  refusal still stands, an absolute refusal never does.
Refusals shown to staff name the technique and the conditions ("The screening declines
reflexology: a blood clot now"); the client's wording stays kind (R11).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlencode

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from bookings.errors import BookingError, NotSuitable
from bookings.links import absolute, manage_path
from bookings.models import Actor, Appointment, AppointmentSource, EventKind
from common.logging import log_event
from intake.models import BOOKABLE, Condition, Outcome, Questionnaire

OVERRIDE_PERMISSION = "bookings.override_screening"


@dataclass(frozen=True)
class Gate:
    questionnaire: Questionnaire | None  # the one to attach
    overridden: NotSuitable | None = None  # the refusal a manager overrode, for the history
    questionnaire_needed: bool = False


def questionnaire_on_file(email: str, *, at: datetime) -> Questionnaire | None:
    """The client's newest questionnaire still valid at `at` (with its notes), or None."""
    return Questionnaire.objects.prefetch_related("clearances").latest_valid_for_email(email, at=at)


def gate_booking(
    *, technique, start: datetime, client_email: str, questionnaire, source: str, user, reason: str
):
    """What a new booking may be made with; raises NotSuitable / BookingError when it may not."""
    staff = source == AppointmentSource.STAFF
    if questionnaire is None and staff:
        questionnaire = questionnaire_on_file(client_email, at=start)
    if questionnaire is None:
        if staff:
            return Gate(questionnaire=None, questionnaire_needed=True)
        raise BookingError(_("Please fill in the short health questionnaire before booking."))
    try:
        check_screening(questionnaire=questionnaire, technique=technique, at=start, for_staff=staff)
    except NotSuitable as refusal:
        return Gate(
            questionnaire=questionnaire,
            overridden=_override(refusal, source=source, user=user, reason=reason),
        )
    return Gate(questionnaire=questionnaire)


def _override(refusal: NotSuitable, *, source: str, user, reason: str) -> NotSuitable:
    """The refusal, if a permitted manager overrides it with a reason; else raise it (R13)."""
    if not (reason or "").strip():
        raise refusal
    allowed = (
        source == AppointmentSource.STAFF
        and getattr(user, "is_active", False)
        and user.has_perm(OVERRIDE_PERMISSION)
    )
    if not allowed:
        raise BookingError(_("Only a manager can book a session the screening has refused.")) from refusal
    if refusal.absolute:
        raise NotSuitable(
            _(
                "%(refusal)s No override is possible: this reason is absolute, "
                "and no doctor's note lifts it either."
            )
            % {"refusal": refusal.message},
            outcome=refusal.outcome,
            reasons=refusal.reasons,
            absolute=True,
        )
    return refusal


def gate_move(*, appointment: Appointment, new_start: datetime, by: str) -> None:
    """Screen `appointment` again for `new_start` (R14); attach a newer questionnaire if need be."""
    staff = by == Actor.STAFF
    technique = appointment.service.technique
    questionnaire = appointment.questionnaire
    if questionnaire is None and not appointment.questionnaire_needed:
        return  # booked before questionnaires were required at the desk: nothing to re-check
    if questionnaire is None or not questionnaire.is_valid(new_start):
        questionnaire = questionnaire_on_file(appointment.client_email, at=new_start)
    if questionnaire is None:
        if staff:
            appointment.questionnaire_needed = True
            return
        raise BookingError(
            _(
                "Your health questionnaire will be out of date by then. Please update it first; "
                "then you can move your session."
            )
        )
    try:
        check_screening(questionnaire=questionnaire, technique=technique, at=new_start, for_staff=staff)
    except NotSuitable as refusal:
        overridden = appointment.events.filter(kind=EventKind.OVERRIDE).exists()
        if refusal.absolute or not overridden:
            raise
    appointment.questionnaire = questionnaire
    appointment.questionnaire_needed = False


def check_screening(*, questionnaire, technique, at: datetime | None = None, for_staff: bool = False) -> None:
    """Invariant 3: refuse (NotSuitable) when the screening stored for the session's day rules it out.

    `at`: the session's start (default now); the questionnaire and the doctor's notes must be
    valid then, and "today" answers count only for sessions within two days (R14). No
    questionnaire means nothing to check here (`gate_booking` decides whether one is needed).
    `for_staff`: the message names the conditions, for reception; otherwise it is the client's.
    """
    if questionnaire is None:
        return
    at = at or timezone.now()
    if not questionnaire.is_valid(at):
        if for_staff:
            raise BookingError(
                _(
                    "The client's questionnaire is out of date on the day of this session; "
                    "they need to update it."
                )
            )
        raise BookingError(
            _(
                "Your health questionnaire will be out of date by the day of your session. "
                "Please fill it in again."
            )
        )
    if questionnaire.effective_outcome_for(technique, at) in BOOKABLE:  # doctor's notes on file count (R8)
        return
    outcome = Outcome(questionnaire.outcome_for(technique, at))
    reasons = [str(reason) for reason in questionnaire.reasons_for(technique, at)]
    absolute = bool(questionnaire.absolute_conditions_for(technique, at))
    message = _staff_message if for_staff else _client_message
    raise NotSuitable(
        message(questionnaire, technique, outcome, reasons, at),
        outcome=outcome,
        reasons=reasons,
        absolute=absolute,
    )


def _client_message(questionnaire, technique, outcome: Outcome, reasons: list[str], at) -> str:
    values = {"technique": technique.name, "because": " ".join(reasons)}
    if outcome == Outcome.NEEDS_CLEARANCE:
        message = _("Before we can book %(technique)s for you we need a note from your doctor. %(because)s")
    else:
        message = _("%(technique)s is not possible for you at the moment. %(because)s")
    return (message % values).strip()


def _staff_message(questionnaire, technique, outcome: Outcome, reasons: list[str], at) -> str:
    """For reception: the technique and the conditions behind the refusal, in the rules' own words."""
    entry = questionnaire.entry_for(technique, at)
    keys = entry.get("deciding_conditions") or entry.get("conditions") or []
    labels = dict(Condition.objects.filter(key__in=keys).values_list("key", "short_label"))
    named = ", ".join(labels.get(key, key) for key in keys) or " ".join(reasons).rstrip(".")
    values = {"technique": technique.name, "conditions": named}
    if outcome == Outcome.NEEDS_CLEARANCE:
        return (
            _("The screening holds %(technique)s until a doctor's note is on file: %(conditions)s.") % values
        )
    return _("The screening declines %(technique)s: %(conditions)s.") % values


def settle_questionnaire_needed(*, appointment: Appointment, questionnaire=None, now=None) -> bool:
    """Attach a questionnaire that allows the session to a booking marked "questionnaire needed".

    `questionnaire`: one the client has just proven (e.g. through the manage link), else the
    newest on file. True when the flag was cleared. No queries when the flag is not set.
    """
    if not appointment.questionnaire_needed:
        return False
    email = appointment.client_email.strip().lower()
    if questionnaire is None or questionnaire.client_email.strip().lower() != email:
        questionnaire = questionnaire_on_file(email, at=appointment.start)
    try:
        check_screening(
            questionnaire=questionnaire, technique=appointment.service.technique, at=appointment.start
        )
    except BookingError:
        return False
    if questionnaire is None:
        return False
    updated = Appointment.objects.filter(pk=appointment.pk, questionnaire_needed=True).update(
        questionnaire=questionnaire, questionnaire_needed=False, updated_at=now or timezone.now()
    )
    appointment.questionnaire, appointment.questionnaire_needed = questionnaire, False
    if updated:
        log_event("appointment.questionnaire_attached", appointment=appointment.pk)
    return bool(updated)


def questionnaire_link(appointment: Appointment) -> str:
    """The questionnaire, returning to the client's booking (which then attaches it)."""
    return absolute(reverse("intake:questionnaire") + "?" + urlencode({"next": manage_path(appointment)}))


def checkin_questions(appointment: Appointment) -> list[str]:
    """The "today" questions (fever, alcohol, a meal...) the client confirms on the day (R14)."""
    questionnaire = appointment.questionnaire
    if questionnaire is None or questionnaire.anonymised_at is not None:
        return []
    keys = questionnaire.checkin_for(appointment.service.technique, appointment.start)
    if not keys:
        return []
    questions = dict(Condition.objects.filter(key__in=keys).values_list("key", "question"))
    return [questions[key] for key in keys if key in questions]
