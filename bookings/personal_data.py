"""A client's personal data, all of it: "download my data" and "delete my data" (152-FZ, GDPR).

    holders() -> list[Holder]                   every model with an e-mail field, and its child tables
    export_personal_data(*, email) -> dict      everything stored about the address, JSON-ready
    erase_personal_data(*, email) -> ErasureReport

The export walks the models rather than listing them: any model with an e-mail field (an
`EmailField`, or a text field named like "*email*") is a holder, exported with its rows for the
address and the rows of tables hanging off them (an appointment's history, a questionnaire's
doctor's notes). A model added later is included without a change here. Staff accounts
(`EXCLUDED`) are not clients' data.

Erasure follows the retention rules: what must be kept for the accounts (appointments: when, what,
with whom, the price) is anonymised; the rest is deleted. Questionnaires follow the intake's own
rule (`intake.retention.erase_for_email`: deleted, or anonymised where an appointment keeps them).
Each holder needs an entry in `ERASURE` (tests/bookings/test_personal_data.py fails for one
without), so a new model with clients' addresses cannot be forgotten by the "delete my data" button.
Refused while the client has a session to come: we need their details to hold it.
"""

import datetime
import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from django.apps import apps
from django.db import models, transaction
from django.db.models import Q, Value
from django.db.models.functions import Cast, Concat
from django.utils import timezone
from django.utils.translation import gettext as _

from bookings.accounts import email_pseudonym, normalise_email
from bookings.errors import BookingError
from bookings.models import Appointment, AppointmentEvent, Certificate, Course, EventKind, WaitlistEntry
from common.logging import log_event
from intake.consents import consent_text
from intake.models import PersonalDataConsent
from intake.retention import erase_for_email

logger = logging.getLogger(__name__)

# Models with an e-mail field that hold no client's data, and why.
EXCLUDED = {"auth.User": "staff accounts"}
# Secrets and staff identities are not the client's data: never in an export.
HIDDEN_FIELDS = {"manage_token", "idempotency_key", "username"}
ANONYMOUS_NAME = "—"


@dataclass(frozen=True)
class Holder:
    model: type[models.Model]
    email_fields: tuple[str, ...]
    children: tuple[models.ForeignObjectRel, ...] = ()

    @property
    def label(self) -> str:
        return self.model._meta.label

    def rows(self, email: str) -> models.QuerySet:
        condition = Q()
        for name in self.email_fields:
            condition |= Q(**{f"{name}__iexact": email})
        return self.model._base_manager.filter(condition).order_by("pk")


def _is_email_field(model_field) -> bool:
    if not getattr(model_field, "concrete", False) or model_field.is_relation:
        return False
    return isinstance(model_field, models.EmailField) or (
        isinstance(model_field, models.CharField | models.TextField) and "email" in model_field.name
    )


def holders() -> list[Holder]:
    found = []
    for model in apps.get_models():
        if model._meta.label in EXCLUDED:
            continue
        names = tuple(f.name for f in model._meta.get_fields() if _is_email_field(f))
        if names:
            found.append((model, names))
    holding = {model for model, _names in found}
    return [
        Holder(
            model=model,
            email_fields=names,
            children=tuple(
                relation
                for relation in model._meta.related_objects
                if (relation.one_to_many or relation.one_to_one)
                and relation.related_model not in holding
                and relation.related_model._meta.label not in EXCLUDED
            ),
        )
        for model, names in found
    ]


def _row(instance: models.Model) -> dict:
    row = {}
    for model_field in instance._meta.concrete_fields:
        if model_field.name in HIDDEN_FIELDS:
            continue
        if model_field.is_relation and model_field.related_model._meta.label in EXCLUDED:
            continue  # which staff member: not the client's data
        value = model_field.value_from_object(instance)
        if isinstance(value, datetime.datetime | datetime.date):
            value = value.isoformat()
        elif not isinstance(value, str | int | float | bool | dict | list | type(None)):
            value = str(value)  # Decimal, UUID
        row[model_field.attname if model_field.is_relation else model_field.name] = value
    return row


def export_personal_data(*, email: str, now: datetime.datetime | None = None) -> dict:
    """Everything stored about `email`: {"data": {model label: [rows, each with its children]}}.
    One query per holder and per child table, however many rows."""
    email = normalise_email(email)
    data: dict[str, list[dict]] = {}
    for holder in holders():
        instances = list(holder.rows(email))
        if not instances:
            continue
        rows = {instance.pk: _row(instance) for instance in instances}
        for relation in holder.children:
            child, link = relation.related_model, relation.field
            for kid in child._base_manager.filter(**{f"{link.name}__in": list(rows)}).order_by("pk"):
                parent = rows.get(getattr(kid, link.attname))
                if parent is not None:
                    parent.setdefault(child._meta.label, []).append(_row(kid))
        data[holder.label] = list(rows.values())
    versions = {row["text_version"] for row in data.get(PersonalDataConsent._meta.label, [])}
    return {
        "email": email,
        "exported_at": (now or timezone.now()).isoformat(),
        "data": data,
        "consent_texts": {version: consent_text(version) for version in sorted(versions)},
    }


# --- Erasure ---------------------------------------------------------------------------------


@dataclass
class ErasureReport:
    counts: dict[str, int] = field(default_factory=dict)


def _anonymise_appointments(email: str, at: datetime.datetime) -> int:
    """Kept for the accounts (when, what, with whom, the price); the client's details go, and so do
    the free-text reasons and notes in their history. Their links stop working."""
    rows = Appointment.objects.filter(client_email__iexact=email)
    ids = list(rows.values_list("pk", flat=True))
    for event in AppointmentEvent.objects.filter(appointment_id__in=ids).exclude(details={}):
        kept = {key: value for key, value in event.details.items() if key not in ("reason", "text")}
        if kept != event.details:
            event.details = kept
            event.save(update_fields=["details"])
    AppointmentEvent.objects.filter(appointment_id__in=ids, kind=EventKind.NOTE).delete()
    return Appointment.objects.filter(pk__in=ids).update(
        client_name=ANONYMOUS_NAME,
        client_email="",
        client_phone="",
        cancellation_reason="",
        manage_token=Concat(Value("erased-"), Cast("pk", models.CharField())),
        updated_at=at,
    )


def _anonymise_courses(email: str, at: datetime.datetime) -> int:
    """A course is a sale the accounts keep (its ledger too); the buyer's details go."""
    rows = Course.objects.filter(client_email__iexact=email)
    return rows.update(client_name=ANONYMOUS_NAME, client_email="", client_phone="")


def _anonymise_certificates(email: str, at: datetime.datetime) -> int:
    """A gift certificate stays valid for whoever holds its code; the buyer's details and message go."""
    rows = Certificate.objects.filter(buyer_email__iexact=email)
    return rows.update(
        buyer_name=ANONYMOUS_NAME, buyer_email="", buyer_phone="", recipient_name="", message=""
    )


def _erase_questionnaires(email: str, at: datetime.datetime) -> int:
    deleted, anonymised = erase_for_email(email, at=at)
    return deleted + anonymised


def _delete(model: type[models.Model]) -> Callable[[str, datetime.datetime], int]:
    def delete(email: str, at: datetime.datetime) -> int:
        holder = next(h for h in holders() if h.model is model)
        return holder.rows(email).delete()[0]

    return delete


# What "delete my data" does with each holder (model label -> eraser(email, at) -> rows affected).
ERASURE: dict[str, Callable[[str, datetime.datetime], int]] = {
    "bookings.Appointment": _anonymise_appointments,
    "intake.Questionnaire": _erase_questionnaires,
    "intake.PersonalDataConsent": _delete(PersonalDataConsent),
    "bookings.Course": _anonymise_courses,
    "bookings.Certificate": _anonymise_certificates,
    "bookings.WaitlistEntry": _delete(WaitlistEntry),  # its offers go with it
}


def _blank_email_fields(holder: Holder, email: str) -> int:
    """For a holder nobody has registered yet: at least the address goes (the test flags the model)."""
    logger.warning("personal data: %s has no erasure rule; blanking its e-mail fields", holder.label)
    changed = 0
    for name in holder.email_fields:
        changed += holder.model._base_manager.filter(**{f"{name}__iexact": email}).update(**{name: ""})
    return changed


def erase_personal_data(*, email: str, now: datetime.datetime | None = None) -> ErasureReport:
    """Delete or anonymise everything about `email` (see the module docstring). Atomic."""
    email = normalise_email(email)
    at = now or timezone.now()
    if not email:
        raise BookingError(_("Please give the e-mail address whose data should be deleted."))
    report = ErasureReport()
    with transaction.atomic():
        if Appointment.objects.upcoming(at).filter(client_email__iexact=email).exists():
            raise BookingError(
                _(
                    "You have a session to come. Please cancel it first (or call us), and then delete "
                    "your data: until then we need your details to hold it."
                )
            )
        if Course.objects.usable(timezone.localdate(at)).filter(client_email__iexact=email).exists():
            raise BookingError(
                _(
                    "You still have sessions left on a course. Please use them first (or call us), and "
                    "then delete your data: until then we need your details to let you book with it."
                )
            )
        for holder in holders():
            eraser = ERASURE.get(holder.label)
            count = eraser(email, at) if eraser else _blank_email_fields(holder, email)
            report.counts[holder.label] = count
    log_event("account.erased", client=email_pseudonym(email), counts=report.counts)
    return report
