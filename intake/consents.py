"""The consent to the processing of personal data: its wording (by version) and recording it.

    CURRENT_VERSION                       the version of the wording the forms show today
    consent_label() -> str                the tick box's words (translated), linking to /privacy/
    consent_text(version) -> str          the wording a client agreed to, for their data export
    record_consent(*, email, source, method=WEBSITE, by=None, at=None) -> PersonalDataConsent

A new wording is a new version here (and on the privacy page); old versions stay, so a consent
recorded years ago still says what the client agreed to.
"""

import datetime

from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from intake.models import ConsentMethod, ConsentSource, PersonalDataConsent
from intake.screening import ScreeningError

CURRENT_VERSION = "2026-12-03"

TEXTS = {
    "2026-12-03": _(
        "I agree that the studio processes my personal data (my name, e-mail, phone and my bookings) "
        "to book and hold my sessions and to contact me about them, as described in the privacy notice. "
        "I can withdraw this consent at any time."
    ),
}

MISSING = _("Please agree to the processing of your personal data: without it we cannot book a session.")


def consent_label() -> str:
    return str(TEXTS[CURRENT_VERSION])


def consent_text(version: str) -> str:
    text = TEXTS.get(version)
    return str(text) if text is not None else ""


def record_consent(
    *,
    email: str,
    source: str,
    method: str = ConsentMethod.WEBSITE,
    by=None,
    at: datetime.datetime | None = None,
) -> PersonalDataConsent:
    """Store that `email`'s owner agreed to today's wording, where and how. Call inside the
    transaction that stores what the consent is for, so neither is kept without the other."""
    email = (email or "").strip()
    if not email:
        raise ScreeningError(gettext("A consent needs the client's e-mail address."))
    if source not in ConsentSource.values or method not in ConsentMethod.values:
        raise ScreeningError(gettext("Please say how the client agreed to the processing of their data."))
    if (source == ConsentSource.DESK) == (method == ConsentMethod.WEBSITE):
        raise ScreeningError(gettext("Please say how the client agreed to the processing of their data."))
    return PersonalDataConsent.objects.create(
        email=email,
        source=source,
        method=method,
        text_version=CURRENT_VERSION,
        recorded_by=by if getattr(by, "is_authenticated", False) else None,
        given_at=at or timezone.now(),
    )
