"""Keeping health answers no longer than needed: delete or anonymise expired questionnaires.

A questionnaire whose validity ended more than `older_than_days` ago is deleted, unless another
part of the site still points at it (an appointment keeps its questionnaire as a business
record): then it is anonymised instead, which removes every personal and health detail and its
doctor's notes but keeps the row the appointment refers to. Idempotent: anonymised
questionnaires are left alone, so a second run finds nothing to do. A client's own erasure request
(`erase_for_email`, from their account) follows the same rule for all of their questionnaires.
"""

import datetime
from dataclasses import dataclass

from django.db import models, transaction
from django.utils import timezone

from intake.models import Clearance, HealthAccessLog, Questionnaire

# Relations that belong to the questionnaire itself: they never keep it alive.
OWN_RELATIONS = {Clearance, HealthAccessLog, Questionnaire}


@dataclass(frozen=True)
class PurgeReport:
    deleted: int
    anonymised: int
    dry_run: bool
    cutoff: datetime.datetime


def linking_fields() -> list[models.ForeignKey]:
    """Foreign keys from other models (e.g. bookings' appointments) to questionnaires."""
    return [
        relation.field
        for relation in Questionnaire._meta.related_objects
        if relation.related_model not in OWN_RELATIONS and (relation.one_to_many or relation.one_to_one)
    ]


def _linked(candidates: models.QuerySet, links) -> set[int]:
    linked: set[int] = set()
    for link in links:
        rows = link.model._base_manager.filter(**{f"{link.name}__in": candidates.values("pk")})
        linked |= set(rows.values_list(link.attname, flat=True))
    return linked


def anonymised_fields(at: datetime.datetime) -> dict:
    return {
        "client_name": "",
        "client_email": "",
        "client_phone": "",
        "date_of_birth": None,
        "guardian_name": "",
        "emergency_contact": "",
        "answers": {},
        "medicines": "",
        "allergies": "",
        "areas_to_avoid": "",
        "other_notes": "",
        "signature": "",
        "screening": {},
        "anonymised_at": at,
    }


def purge_expired(
    *, older_than_days: int, dry_run: bool = False, at: datetime.datetime | None = None, links=None
) -> PurgeReport:
    if older_than_days < 0:
        raise ValueError("older_than_days must not be negative")
    at = at or timezone.now()
    cutoff = at - datetime.timedelta(days=older_than_days)
    links = linking_fields() if links is None else links
    with transaction.atomic():
        candidates = Questionnaire.objects.select_for_update().expired_before(cutoff)
        ids = set(candidates.values_list("pk", flat=True))
        keep = _linked(Questionnaire.objects.filter(pk__in=ids), links) & ids
        remove = ids - keep
        if not dry_run:
            _erase(keep=keep, remove=remove, at=at)
    return PurgeReport(deleted=len(remove), anonymised=len(keep), dry_run=dry_run, cutoff=cutoff)


def _erase(*, keep: set[int], remove: set[int], at: datetime.datetime) -> None:
    Clearance.objects.filter(questionnaire_id__in=keep).delete()
    Questionnaire.objects.filter(pk__in=keep).update(**anonymised_fields(at))
    Questionnaire.objects.filter(pk__in=remove).delete()


def erase_for_email(email: str, *, at: datetime.datetime | None = None, links=None) -> tuple[int, int]:
    """A client's erasure request: the same rule as the purge, for every questionnaire of `email`
    whatever its age (deleted, or anonymised where an appointment keeps it). (deleted, anonymised)."""
    at = at or timezone.now()
    links = linking_fields() if links is None else links
    with transaction.atomic():
        candidates = Questionnaire.objects.select_for_update().filter(
            client_email__iexact=email.strip(), anonymised_at__isnull=True
        )
        ids = set(candidates.values_list("pk", flat=True))
        keep = _linked(Questionnaire.objects.filter(pk__in=ids), links) & ids
        remove = ids - keep
        _erase(keep=keep, remove=remove, at=at)
    return len(remove), len(keep)
