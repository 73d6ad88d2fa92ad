"""The client account: signing in by an e-mailed link, without a password.

    normalise_email(value) -> str                 how an address is compared ("  Anna@X.ru " -> "anna@x.ru")
    request_sign_in(*, email, origin) -> None     e-mails a link if we know the address; the same either way
    sign_in_token(email, *, nonce=None) -> str    the link's token (signed, timestamped)
    read_sign_in_token(token) -> SignInLink       checks signature and age; no query
    use_sign_in_token(token) -> str               single use: the normalised e-mail, once per link
    forget_used_links(*, now=None) -> int         drops nonces older than any link could be

A link is `TimestampSigner(salt=...).sign_object({"e": email, "n": nonce})`: it is valid for
ACCOUNT_LINK_MAX_AGE seconds (15 minutes) and its nonce is stored in `UsedSignInLink` when used (a
unique constraint, so two tabs racing on one link let exactly one in). Asking for a link always
answers the same, whether or not the address is known, and each address gets at most
ACCOUNT_LINKS_PER_ADDRESS links per window: the form cannot be used to find out who our clients
are, or to flood someone's inbox. The e-mail is built in a task from the address alone, so no link
is stored in the task queue.

Who may see what: a signed-in client is their normalised e-mail, nothing more; every account page
filters by it (`client_appointments`, `client_questionnaire`), so no client reaches another's data.
"""

import datetime
import logging
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.tasks import task
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from bookings.errors import BookingError
from bookings.models import Appointment, Course, UsedSignInLink
from common.emails import normalise_email
from common.logging import log_event
from common.mail import send_templated_mail
from common.ratelimit import hit
from intake.models import Questionnaire

logger = logging.getLogger(__name__)

SALT = "bookings.accounts.sign_in"
LONGEST_TOKEN = 400


class SignInRefused(BookingError):
    """A sign-in link that cannot be used: tampered with, too old, or used already."""


class SignInExpired(SignInRefused):
    pass


class SignInUsed(SignInRefused):
    pass


@dataclass(frozen=True)
class SignInLink:
    email: str
    nonce: str


def email_pseudonym(email: str) -> str:
    """A short stable stand-in for an address, for logs and counters (keyed on SECRET_KEY)."""
    return salted_hmac("bookings.accounts", normalise_email(email), algorithm="sha256").hexdigest()[:16]


def _signer() -> signing.TimestampSigner:
    return signing.TimestampSigner(salt=SALT)


def sign_in_token(email: str, *, nonce: str | None = None) -> str:
    return _signer().sign_object({"e": normalise_email(email), "n": nonce or secrets.token_urlsafe(24)})


def read_sign_in_token(token: str) -> SignInLink:
    """The link's address and nonce, if genuine and young enough; SignInRefused / SignInExpired if not."""
    if not isinstance(token, str) or not token or len(token) > LONGEST_TOKEN:
        raise SignInRefused(_("This sign-in link is not valid. Please ask for a new one."))
    try:
        payload = _signer().unsign_object(token, max_age=settings.ACCOUNT_LINK_MAX_AGE)
    except signing.SignatureExpired as error:
        raise SignInExpired(_("This sign-in link has expired. Please ask for a new one.")) from error
    except (signing.BadSignature, ValueError) as error:
        raise SignInRefused(_("This sign-in link is not valid. Please ask for a new one.")) from error
    if not isinstance(payload, dict) or not all(isinstance(payload.get(k), str) for k in ("e", "n")):
        raise SignInRefused(_("This sign-in link is not valid. Please ask for a new one."))
    return SignInLink(email=payload["e"], nonce=payload["n"])


def use_sign_in_token(token: str, *, now: datetime.datetime | None = None) -> str:
    """Use the link once: the normalised e-mail it signs in. A second use raises SignInUsed."""
    link = read_sign_in_token(token)
    try:
        with transaction.atomic():
            UsedSignInLink.objects.create(nonce=link.nonce, used_at=now or timezone.now())
    except IntegrityError as error:
        raise SignInUsed(
            _("This sign-in link has already been used. Please ask for a new one if you need it.")
        ) from error
    log_event("account.signed_in", client=email_pseudonym(link.email))
    return link.email


def forget_used_links(*, now: datetime.datetime | None = None) -> int:
    """Delete used nonces older than any link can be (a link past its age is refused anyway)."""
    cutoff = (now or timezone.now()) - datetime.timedelta(seconds=settings.ACCOUNT_LINK_MAX_AGE * 2)
    deleted, _kinds = UsedSignInLink.objects.filter(used_at__lt=cutoff).delete()
    return deleted


def is_known(email: str) -> bool:
    """We hold a booking, a current questionnaire or a course (sold at the desk) for the address."""
    email = normalise_email(email)
    return (
        Appointment.objects.filter(client_email__iexact=email).exists()
        or Questionnaire.objects.filter(client_email__iexact=email, anonymised_at__isnull=True).exists()
        or Course.objects.for_email(email).exists()
    )


def request_sign_in(*, email: str, origin: str) -> None:
    """Queue the sign-in e-mail (sent only if we know the address, and not too often). Says nothing back."""
    email = normalise_email(email)
    limit, seconds = settings.ACCOUNT_LINKS_PER_ADDRESS
    try:
        allowed, _wait = hit(
            scope="account-link", address=email_pseudonym(email), limit=limit, seconds=seconds
        )
    except Exception:  # a counter that is down must not stop people signing in
        logger.warning("account: link counter unavailable", exc_info=True)
        allowed = True
    if not allowed:
        log_event("account.link_refused", client=email_pseudonym(email))
        return
    transaction.on_commit(lambda: send_sign_in_link.enqueue(email, origin))


@task
def send_sign_in_link(email: str, origin: str) -> None:
    if not is_known(email):
        logger.info("account: sign-in link asked for an address we do not hold; nothing sent")
        return
    url = origin + reverse("bookings:account_sign_in", kwargs={"token": sign_in_token(email)})
    send_templated_mail(
        template="bookings/email/sign_in_link",
        to=[email],
        context={"url": url, "minutes": settings.ACCOUNT_LINK_MAX_AGE // 60},
    )
    log_event("account.link_sent", client=email_pseudonym(email))


# --- What a signed-in client sees (always filtered by their own address) --------------------------


def client_appointments(email: str):
    return (
        Appointment.objects.filter(client_email__iexact=normalise_email(email))
        .select_related("service", "service__technique", "therapist")
        .order_by("-start", "-pk")
    )


def client_courses(email: str, *, on: datetime.date | None = None) -> list[Course]:
    """The client's courses still valid on `on` (a local date; today), with or without sessions left,
    the one that expires first first. One query."""
    on = on or timezone.localdate()
    return list(
        Course.objects.for_email(normalise_email(email))
        .filter(expires_on__gte=on)
        .order_by("expires_on", "pk")
    )


def client_questionnaire(email: str) -> Questionnaire | None:
    """The client's current questionnaire, else their newest one still holding data (to say it expired)."""
    email = normalise_email(email)
    current = Questionnaire.objects.latest_valid_for_email(email)
    if current is not None:
        return current
    return (
        Questionnaire.objects.filter(
            client_email__iexact=email, anonymised_at__isnull=True, replaced_by__isnull=True
        )
        .order_by("-submitted_at")
        .first()
    )
