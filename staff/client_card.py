"""A client's card for the staff area: who they are, what they booked, their questionnaire, notes,
and what they have paid for in advance.

    card = client_card(appointment=appointment, access=request.staff, now=now)

The client is known by the e-mail on the appointment, compared without case or surrounding spaces
(the way the questionnaire look-up and the prepaid ledgers find a client). What a staff member sees
follows `staff.permissions`: the history is the appointments they may see (a therapist: their own
sessions with this client), the screening as flags for everyone and per technique for those who may
see screening details; the answers themselves are only a link to the logged page.

Query budget, whatever the length of the history: the appointments (1), the questionnaire on file
with its doctor's notes (2), the notes (1), and what they paid for in advance (their courses, the
gift certificates they bought: 2).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.db.models.functions import Lower, Trim

from bookings.models import Appointment, AppointmentEvent, EventKind
from bookings.prepaid import normalise_email
from intake.models import Questionnaire
from reflexology.models import Technique
from staff.permissions import StaffAccess
from staff.prepaid_desk import prepaid_for
from staff.screening import Flag, flags_for


@dataclass(frozen=True)
class TechniqueStatus:
    label: str
    outcome_label: str


@dataclass
class ClientCard:
    appointment: Appointment  # the one the card was opened from
    email: str
    name: str
    phone: str
    history: list[Appointment]
    questionnaire: Questionnaire | None
    flags: list[Flag]
    outcomes: list[TechniqueStatus] = field(default_factory=list)
    notes: list[AppointmentEvent] = field(default_factory=list)
    courses: list = field(default_factory=list)
    certificates: list = field(default_factory=list)
    can_read_answers: bool = False

    @property
    def visits(self) -> int:
        return sum(1 for appointment in self.history if appointment.status == Appointment.Status.COMPLETED)


def client_appointments(email: str, access: StaffAccess):
    """The client's appointments this person may see (by e-mail, case-insensitive), newest first."""
    queryset = Appointment.objects.alias(email_key=Lower(Trim("client_email"))).filter(
        email_key=normalise_email(email)
    )
    return access.scope(queryset).select_related("service", "therapist").order_by("-start", "-pk")


def _outcomes(questionnaire: Questionnaire | None) -> list[TechniqueStatus]:
    if questionnaire is None or questionnaire.anonymised_at is not None:
        return []
    return [
        TechniqueStatus(label=str(label), outcome_label=str(questionnaire.outcome_for(kind).label))
        for kind, label in Technique.Kind.choices
        if questionnaire.entry_for(kind)
    ]


def client_card(*, appointment: Appointment, access: StaffAccess, now: datetime) -> ClientCard:
    """The card of `appointment`'s client, as `access` may see it (see the module docstring)."""
    email = normalise_email(appointment.client_email)
    history = list(client_appointments(email, access))
    questionnaire = (
        Questionnaire.objects.prefetch_related("clearances").latest_valid_for_email(email, at=now)
        if email
        else None
    )
    notes = AppointmentEvent.objects.filter(
        appointment__in=client_appointments(email, access).values("pk"), kind=EventKind.NOTE
    ).select_related("user", "appointment")
    card = ClientCard(
        appointment=appointment,
        email=email,
        name=appointment.client_name,
        phone=appointment.client_phone,
        history=history,
        questionnaire=questionnaire,
        flags=flags_for(questionnaire, appointment.service.technique, at=now, session=appointment.start),
        outcomes=_outcomes(questionnaire) if access.can_see_screening_details(appointment) else [],
        notes=list(notes.order_by("-at", "-pk")),
        can_read_answers=access.can_read_answers(appointment),
    )
    card.courses, card.certificates = prepaid_for(email)
    return card
