"""E-mails of the intake, sent by Django tasks after the transaction commits.

They carry links, never health details: not the answers, not the outcomes, not even whether a
technique is possible. The "confirm or update" task looks the questionnaire up itself, so the
request that asked for it does the same work whether or not we hold one for the address. Each is
written in the questionnaire's language (the page it was filled in on), links included.
"""

import logging

from django.conf import settings
from django.tasks import task
from django.urls import reverse
from django.utils import translation

from common.mail import send_templated_mail
from intake.links import result_token, returning_token
from intake.models import Questionnaire

logger = logging.getLogger(__name__)


def _days(seconds: int) -> int:
    return max(1, seconds // 86400)


@task
def send_result_link(questionnaire_pk: int, origin: str) -> None:
    questionnaire = Questionnaire.objects.filter(pk=questionnaire_pk, anonymised_at__isnull=True).first()
    if questionnaire is None:
        return
    with translation.override(questionnaire.language):
        _send_result_link(questionnaire, origin)
    logger.info("intake: result link sent for questionnaire %s", questionnaire.public_id)


def _send_result_link(questionnaire: Questionnaire, origin: str) -> None:
    url = origin + reverse("intake:result", kwargs={"token": result_token(questionnaire)})
    send_templated_mail(
        template="intake/email/result_link",
        to=[questionnaire.client_email],
        context={
            "name": questionnaire.client_name,
            "url": url,
            "link_days": _days(settings.INTAKE_RESULT_LINK_MAX_AGE),
        },
    )


@task
def send_returning_link(email: str, next_url: str, origin: str) -> None:
    questionnaire = Questionnaire.objects.latest_valid_for_email(email)
    if questionnaire is None:
        logger.info("intake: returning link requested; nothing to send")
        return
    with translation.override(questionnaire.language):
        _send_returning_link(questionnaire, next_url, origin)
    logger.info("intake: returning link sent for questionnaire %s", questionnaire.public_id)


def _send_returning_link(questionnaire: Questionnaire, next_url: str, origin: str) -> None:
    token = returning_token(questionnaire, next_url=next_url)
    url = origin + reverse("intake:returning", kwargs={"token": token})
    send_templated_mail(
        template="intake/email/returning_link",
        to=[questionnaire.client_email],
        context={
            "name": questionnaire.client_name,
            "url": url,
            "link_days": _days(settings.INTAKE_RETURNING_LINK_MAX_AGE),
        },
    )
