"""A client's details as a booking takes them: name, e-mail, phone (E.164) and the e-mails' language."""

from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from bookings.errors import BookingError
from bookings.models import AppointmentSource
from common.locale import client_language
from common.phones import INVALID as INVALID_PHONE
from common.phones import InvalidPhone, to_e164


@dataclass(frozen=True)
class ClientDetails:
    name: str
    email: str
    phone: str
    language: str


def clean_client(name: str, email: str, phone: str, *, language: str, source: str) -> ClientDetails:
    """The client's details checked and tidied (BookingError says what to fix). `language`: the e-mails'
    language; by default an online booking's is the page's, the desk's the site's default."""
    language = language or (
        client_language() if source == AppointmentSource.ONLINE else settings.LANGUAGE_CODE
    )
    name, email, phone = (name or "").strip(), (email or "").strip(), (phone or "").strip()
    if not name:
        raise BookingError(_("Please tell us your name."))
    if len(name) > 150:
        raise BookingError(_("Please shorten your name to 150 characters."))
    try:
        validate_email(email)
    except ValidationError:
        raise BookingError(
            _("Please enter a valid e-mail address, so that we can send your booking.")
        ) from None
    if len(phone) > 40:
        raise BookingError(_("Please enter a shorter phone number."))
    try:
        phone = to_e164(phone)  # stored in E.164 (common/phones.py)
    except InvalidPhone:
        raise BookingError(str(INVALID_PHONE)) from None
    if language not in dict(settings.LANGUAGES):
        raise BookingError(_("Please choose one of the languages we write in."))
    return ClientDetails(name=name, email=email, phone=phone, language=language)
