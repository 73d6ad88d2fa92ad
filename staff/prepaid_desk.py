"""What the desk looks up about prepaid sessions (reads only; `bookings.prepaid` writes).

    find_clients(text, access) -> list[ClientMatch]     by part of an e-mail, name or phone: 1 query
    find_courses(text) -> list[Course]                  the courses of the clients that match: 1 query
    certificate_by_code(typed) -> Certificate | None    with its ledger and who wrote it: 2 queries
    prepaid_for(email) -> (courses, certificates)       a client's, for the card: 2 queries
    sell_gift_certificate(**sale) -> Certificate        `bookings.prepaid.sell_certificate`, then the
                                                        buyer is e-mailed the link (after the commit)

A client is their e-mail, normalised as `bookings.prepaid.normalise_email` does.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.db.models import Prefetch, Q

from bookings.certificate_links import notify_certificate_sold
from bookings.models import Appointment, Certificate, CertificateEntry, Course
from bookings.prepaid import normalise_code, normalise_email, sell_certificate
from staff.permissions import StaffAccess

MAX_MATCHES = 10
SCANNED_ROWS = 200  # appointments read to find up to MAX_MATCHES different clients


@dataclass(frozen=True)
class ClientMatch:
    name: str
    email: str
    phone: str


def _digits(text: str) -> str:
    return "".join(ch for ch in text if ch.isdigit())


def _matching(text: str, *, name: str, email: str, phone: str) -> Q:
    condition = Q(**{f"{email}__icontains": text}) | Q(**{f"{name}__icontains": text})
    digits = _digits(text)
    if len(digits) >= 4:  # phones are stored as E.164 ("+79001234567")
        condition |= Q(**{f"{phone}__contains": digits[1:] if digits[0] in "78" else digits})
    return condition


def find_clients(text: str, access: StaffAccess) -> list[ClientMatch]:
    """Up to ten clients (newest booking first) whose e-mail, name or phone contains `text`."""
    text = (text or "").strip()
    if len(text) < 2:
        return []
    rows = (
        access.scope(
            Appointment.objects.filter(
                _matching(text, name="client_name", email="client_email", phone="client_phone")
            )
        )
        .order_by("-start")
        .values_list("client_name", "client_email", "client_phone")[:SCANNED_ROWS]
    )
    found: dict[str, ClientMatch] = {}
    for name, email, phone in rows:
        key = normalise_email(email)
        if key not in found:
            found[key] = ClientMatch(name=name, email=key, phone=phone)
        if len(found) == MAX_MATCHES:
            break
    return list(found.values())


def find_courses(text: str) -> list[Course]:
    """The courses whose client's e-mail, name or phone contains `text`, newest first (at most 50)."""
    text = (text or "").strip()
    if len(text) < 2:
        return []
    courses = Course.objects.filter(
        _matching(text, name="client_name", email="client_email", phone="client_phone")
    )
    return list(courses.select_related("service", "technique").order_by("-sold_at", "-pk")[:50])


def certificate_by_code(typed: str) -> Certificate | None:
    """The certificate with this code however it was typed (case, spaces), with its entries."""
    code = normalise_code(typed)
    if not code:
        return None
    entries = Prefetch(
        "entries",
        queryset=CertificateEntry.objects.select_related("user", "appointment").order_by("at", "pk"),
    )
    return Certificate.objects.select_related("service").prefetch_related(entries).filter(code=code).first()


def prepaid_for(email: str) -> tuple[list[Course], list[Certificate]]:
    """A client's courses (by their e-mail) and the certificates they bought (by the buyer's e-mail)."""
    key = normalise_email(email)
    if not key:
        return [], []
    courses = Course.objects.for_email(key).select_related("service", "technique").order_by("-sold_at")
    certificates = Certificate.objects.filter(buyer_email=key).select_related("service").order_by("-sold_at")
    return list(courses), list(certificates)


def sell_gift_certificate(**sale) -> Certificate:
    """Sell (see `bookings.prepaid.sell_certificate`) and e-mail the buyer the certificate's link."""
    with transaction.atomic():
        certificate = sell_certificate(**sale)
        notify_certificate_sold(certificate)
    return certificate
