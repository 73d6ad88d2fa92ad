"""Signed links to a client's questionnaire: the result link and the "confirm or update" link.

Both carry the questionnaire's public id, signed with the project's secret (Django signing,
timestamped and salted per purpose, so one kind of link can never be used as the other). The
"confirm or update" link also carries the submission time, so it stops working once the
client has updated their answers, and an optional `next` URL from the booking flow.
"""

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from intake.models import Questionnaire
from intake.screening import ScreeningError

RESULT_SALT = "intake.links.result"
RETURNING_SALT = "intake.links.returning"


class LinkInvalid(ScreeningError):
    """Tampered, truncated, or pointing at nothing we hold: a 404."""


class LinkExpired(ScreeningError):
    """Genuine but too old, or the questionnaire is no longer current: a 410."""


def result_token(questionnaire: Questionnaire) -> str:
    return signing.dumps({"q": str(questionnaire.public_id)}, salt=RESULT_SALT, compress=True)


def returning_token(questionnaire: Questionnaire, *, next_url: str = "") -> str:
    payload = {"q": str(questionnaire.public_id), "s": questionnaire.submitted_at.isoformat()}
    if next_url:
        payload["n"] = next_url
    return signing.dumps(payload, salt=RETURNING_SALT, compress=True)


def _load(token: str, *, salt: str, max_age: int) -> dict:
    try:
        payload = signing.loads(token, salt=salt, max_age=max_age)
    except signing.SignatureExpired as error:
        raise LinkExpired(_("This link has expired.")) from error
    except signing.BadSignature as error:
        raise LinkInvalid(_("This link is not valid.")) from error
    if not isinstance(payload, dict) or not isinstance(payload.get("q"), str):
        raise LinkInvalid(_("This link is not valid."))
    return payload


def _questionnaire(public_id: str) -> Questionnaire:
    try:
        questionnaire = Questionnaire.objects.prefetch_related("clearances").get(
            public_id=public_id, anonymised_at__isnull=True
        )
    except (Questionnaire.DoesNotExist, ValidationError) as error:
        raise LinkInvalid(_("This link is not valid.")) from error
    return questionnaire


def open_result_link(token: str) -> Questionnaire:
    payload = _load(token, salt=RESULT_SALT, max_age=settings.INTAKE_RESULT_LINK_MAX_AGE)
    questionnaire = _questionnaire(payload["q"])
    if not questionnaire.is_valid():
        raise LinkExpired(_("This questionnaire is no longer current."))
    return questionnaire


def open_returning_link(token: str) -> tuple[Questionnaire, str]:
    """The questionnaire to confirm or update, and where to send the client afterwards."""
    payload = _load(token, salt=RETURNING_SALT, max_age=settings.INTAKE_RETURNING_LINK_MAX_AGE)
    questionnaire = _questionnaire(payload["q"])
    if not questionnaire.is_valid() or payload.get("s") != questionnaire.submitted_at.isoformat():
        raise LinkExpired(_("This questionnaire is no longer current."))
    next_url = payload.get("n", "")
    return questionnaire, next_url if isinstance(next_url, str) else ""
