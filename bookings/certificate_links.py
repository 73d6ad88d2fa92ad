"""The gift certificate's own page, by a signed link: `/certificates/<link token>/`.

The link signs the certificate's code (60 random bits, `bookings.prepaid.new_code`) with the
project's secret, so a guessed or mangled link is refused before any query. Whoever holds the link
sees what the printed certificate shows (value, recipient, message, code, expiry), nothing else.

    certificate_link_token(certificate) -> str
    open_certificate_link(token) -> Certificate     raises LinkInvalid (a friendly 404)
    certificate_path(certificate) / certificate_url(certificate)   (the latter for e-mails)
    notify_certificate_sold(certificate)   e-mails the buyer the link, after the commit (if an e-mail)
"""

import logging

from django.core import signing
from django.db import transaction
from django.tasks import task
from django.urls import reverse
from django.utils.formats import date_format

from bookings.errors import LinkInvalid
from bookings.links import absolute
from bookings.models import Certificate
from bookings.money import format_money
from common.mail import send_templated_mail

logger = logging.getLogger(__name__)

CERTIFICATE_SALT = "bookings.certificate_links"
SEPARATOR = "."
LONGEST_TOKEN = 120


def _signer() -> signing.Signer:
    return signing.Signer(salt=CERTIFICATE_SALT, sep=SEPARATOR)


def certificate_link_token(certificate: Certificate) -> str:
    return _signer().sign(certificate.code)


def open_certificate_link(token: str, *, queryset=None) -> Certificate:
    """The certificate a link token points at: one query for a genuine token, none for a forged one."""
    if not isinstance(token, str) or not token or len(token) > LONGEST_TOKEN:
        raise LinkInvalid("not a certificate link")
    try:
        code = _signer().unsign(token)
    except signing.BadSignature as error:
        raise LinkInvalid("bad signature") from error
    queryset = queryset if queryset is not None else Certificate.objects.select_related("service")
    certificate = queryset.filter(code=code).first()
    if certificate is None:
        raise LinkInvalid("no such certificate")
    return certificate


def certificate_path(certificate: Certificate) -> str:
    return reverse("bookings:certificate", kwargs={"token": certificate_link_token(certificate)})


def certificate_url(certificate: Certificate) -> str:
    return absolute(certificate_path(certificate))


def notify_certificate_sold(certificate: Certificate) -> None:
    """E-mail the buyer the certificate's link once the sale commits (nothing without an e-mail)."""
    if not certificate.buyer_email:
        return
    pk = certificate.pk
    transaction.on_commit(lambda: send_certificate.enqueue(pk), robust=True)


@task
def send_certificate(certificate_pk: int) -> None:
    certificate = Certificate.objects.select_related("service").filter(pk=certificate_pk).first()
    if certificate is None or not certificate.buyer_email:
        logger.info("bookings: certificate mail for %s skipped", certificate_pk)
        return
    context = {
        "buyer": certificate.buyer_name,
        "recipient": certificate.recipient_name,
        "value": certificate.service.name if certificate.service else format_money(certificate.amount),
        "code": certificate.code,
        "expires": date_format(certificate.expires_on, "j F Y"),
        "url": certificate_url(certificate),
    }
    send_templated_mail(template="bookings/email/certificate", to=[certificate.buyer_email], context=context)
    logger.info("bookings: certificate mail for %s sent", certificate_pk)
