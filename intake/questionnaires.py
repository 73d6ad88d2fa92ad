"""Taking in a questionnaire, confirming it unchanged, and asking for a returning client's link.

Each operation runs in one transaction: the questionnaire, its screening and (for an update)
the retirement of the previous one are saved together or not at all. E-mails go out from
tasks enqueued after the commit.
"""

import calendar
import datetime
import logging
from collections.abc import Mapping
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from common.logging import log_event
from common.phones import INVALID as INVALID_PHONE
from common.phones import InvalidPhone, to_e164
from intake import consents
from intake.models import ConsentSource, Questionnaire
from intake.rules import RuleSet, load_rules
from intake.screening import DATE_OF_BIRTH, ScreeningError, screen
from intake.tasks import send_result_link, send_returning_link

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ClientDetails:
    """What the client tells us besides the screening answers (contraindications.md §6)."""

    name: str
    email: str
    signature: str
    consent_health_data: bool
    consent_terms: bool
    # The separate consent to the processing of personal data (intake.consents), not bundled with the above.
    consent_personal_data: bool = False
    date_of_birth: datetime.date | None = None
    phone: str = ""
    guardian_name: str = ""
    emergency_contact: str = ""
    medicines: str = ""
    allergies: str = ""
    areas_to_avoid: str = ""
    other_notes: str = ""
    pressure_preference: str = Questionnaire.Pressure.UNSURE


def add_months(moment: datetime.datetime, months: int) -> datetime.datetime:
    month_index = moment.month - 1 + months
    year, month = moment.year + month_index // 12, month_index % 12 + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


def _screen(answers: Mapping, date_of_birth, *, rules: RuleSet | None, at: datetime.datetime):
    given = dict(answers)
    if date_of_birth:
        given[DATE_OF_BIRTH] = date_of_birth
    return screen(given, rules=rules, today=timezone.localdate(at))


def _check_consents(details: ClientDetails) -> None:
    """Both consents of the questionnaire, the separate one to process personal data, a signature."""
    if not (details.consent_health_data and details.consent_terms):
        raise ScreeningError(_("We need your consent before we can keep your answers."))
    if not details.consent_personal_data:
        raise ScreeningError(str(consents.MISSING))
    if not details.signature.strip():
        raise ScreeningError(_("Please sign by typing your name."))


def submit_questionnaire(
    *,
    details: ClientDetails,
    answers: Mapping[str, object],
    origin: str,
    replaces: Questionnaire | None = None,
    rules: RuleSet | None = None,
    at: datetime.datetime | None = None,
) -> Questionnaire:
    """Screen and store a questionnaire; e-mail the client a link to the result.

    `replaces`: the client's previous questionnaire, when they updated it through their signed
    link; it stops being valid. Raises ScreeningError when something cannot be accepted.
    """
    _check_consents(details)
    try:
        phone = to_e164(details.phone)  # stored in E.164 (common/phones.py)
    except InvalidPhone:
        raise ScreeningError(str(INVALID_PHONE)) from None
    at = at or timezone.now()
    screening = _screen(answers, details.date_of_birth, rules=rules, at=at)
    with transaction.atomic():
        questionnaire = Questionnaire.objects.create(
            client_name=details.name.strip(),
            client_email=details.email.strip(),
            client_phone=phone,
            date_of_birth=details.date_of_birth,
            guardian_name=details.guardian_name.strip(),
            emergency_contact=details.emergency_contact.strip(),
            answers=dict(screening.answers),
            medicines=details.medicines.strip(),
            allergies=details.allergies.strip(),
            areas_to_avoid=details.areas_to_avoid.strip(),
            other_notes=details.other_notes.strip(),
            pressure_preference=details.pressure_preference,
            consent_health_data=True,
            consent_terms=True,
            signature=details.signature.strip(),
            submitted_at=at,
            valid_until=add_months(at, settings.INTAKE_VALID_MONTHS),
            screening=screening.as_json(),
            rules_version=screening.rules_version,
        )
        consents.record_consent(
            email=questionnaire.client_email, source=ConsentSource.QUESTIONNAIRE, at=at
        )
        if replaces is not None:
            previous = Questionnaire.objects.select_for_update().get(pk=replaces.pk)
            if previous.is_valid(at):
                previous.valid_until = max(at, previous.submitted_at + datetime.timedelta(seconds=1))
            previous.replaced_by = questionnaire
            previous.save(update_fields=["valid_until", "replaced_by"])
        transaction.on_commit(lambda: send_result_link.enqueue(questionnaire.pk, origin))
    logger.info(
        "intake: questionnaire %s submitted (rules %s)", questionnaire.public_id, screening.rules_version
    )
    _log_outcomes("questionnaire.submitted", questionnaire, screening, replaces=bool(replaces))
    return questionnaire


def _log_outcomes(event: str, questionnaire: Questionnaire, screening, **fields) -> None:
    """The structured log: how many techniques each outcome covers. Never an answer or a reason."""
    outcomes: dict[str, int] = {}
    for result in screening.results.values():
        outcomes[result.outcome.value] = outcomes.get(result.outcome.value, 0) + 1
    log_event(
        event,
        questionnaire=str(questionnaire.public_id),
        rules=screening.rules_version,
        outcomes=outcomes,
        **fields,
    )


def confirm_unchanged(
    *, questionnaire: Questionnaire, rules: RuleSet | None = None, at: datetime.datetime | None = None
) -> Questionnaire:
    """The client says nothing has changed (R10): screen the same answers again with today's rules."""
    at = at or timezone.now()
    rules = rules if rules is not None else load_rules()
    with transaction.atomic():
        current = Questionnaire.objects.select_for_update().get(pk=questionnaire.pk)
        if not current.is_valid(at):
            raise ScreeningError(_("This questionnaire is no longer current; please fill in a new one."))
        # A question the studio no longer asks cannot count any more.
        known = set(rules.conditions) | set(rules.follow_ups)
        answers = {key: value for key, value in current.answers.items() if key in known}
        screening = _screen(answers, current.date_of_birth, rules=rules, at=at)
        current.screening = screening.as_json()
        current.rules_version = screening.rules_version
        current.confirmed_unchanged_at = at
        current.save(update_fields=["screening", "rules_version", "confirmed_unchanged_at"])
    logger.info("intake: questionnaire %s confirmed unchanged", current.public_id)
    _log_outcomes("questionnaire.confirmed", current, screening)
    return current


def request_returning_link(*, email: str, next_url: str, origin: str) -> None:
    """E-mail a "confirm or update" link if we hold a valid questionnaire for `email`.

    Always does the same thing from the caller's point of view, so the page can say the same
    neutral sentence whether or not we hold one.
    """
    transaction.on_commit(lambda: send_returning_link.enqueue(email.strip(), next_url, origin))
