"""Signed links to a client's own booking: `/appointments/<link token>/`.

The appointment's `manage_token` (256 random bits) is the client's handle; the link token signs it
on top with the project's secret, so a guessed or mangled link is refused before any database query
and every link in circulation stops working if the secret is ever rotated. The signature does not
expire: the link works for as long as the booking exists (what a client may still do with it is the
booking rules' business, see `bookings.booking.client_can_change`).

    manage_link_token(appointment) -> str         "<manage token>.<signature>"
    open_manage_link(token) -> Appointment        raises LinkInvalid (a friendly 404)
    manage_path(appointment) -> str               "/appointments/<link token>/"
    manage_url(appointment) -> str                absolute, from settings.SITE_URL (for e-mails)
"""

from django.conf import settings
from django.core import signing
from django.urls import reverse

from bookings.errors import LinkInvalid
from bookings.models import Appointment

MANAGE_SALT = "bookings.links.manage"
# "." never occurs in a token_urlsafe() value, and reads better in a URL than Django's ":".
SEPARATOR = "."
# A link token is the 43-character manage token, the separator and a 43-character signature;
# anything much longer is not ours and is refused without unsigning it.
LONGEST_TOKEN = 200


def _signer() -> signing.Signer:
    return signing.Signer(salt=MANAGE_SALT, sep=SEPARATOR)


def manage_link_token(appointment: Appointment) -> str:
    return _signer().sign(appointment.manage_token)


def open_manage_link(token: str, *, queryset=None) -> Appointment:
    """The appointment a link token points at. One query for a genuine token, none for a forged one."""
    if not isinstance(token, str) or not token or len(token) > LONGEST_TOKEN:
        raise LinkInvalid("not a link token")
    try:
        manage_token = _signer().unsign(token)
    except signing.BadSignature as error:
        raise LinkInvalid("bad signature") from error
    queryset = queryset if queryset is not None else Appointment.objects.all()
    appointment = queryset.filter(manage_token=manage_token).first()
    if appointment is None:
        raise LinkInvalid("no such appointment")
    return appointment


def manage_path(appointment: Appointment) -> str:
    return reverse("bookings:manage", kwargs={"token": manage_link_token(appointment)})


def calendar_path(appointment: Appointment) -> str:
    return reverse("bookings:manage_calendar", kwargs={"token": manage_link_token(appointment)})


def absolute(path: str) -> str:
    """An absolute URL on the site, for e-mails (which are sent outside any request)."""
    return settings.SITE_URL.rstrip("/") + path


def manage_url(appointment: Appointment) -> str:
    return absolute(manage_path(appointment))
