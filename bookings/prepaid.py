"""Prepaid sessions: selling courses and gift certificates at the desk, spending them on bookings.

    sell_course(*, product, client_name, client_email, client_phone="", payment_method, user=None,
                now=None) -> Course
    sell_certificate(*, payment_method, buyer_name, amount=None, service=None, buyer_email="",
                     buyer_phone="", recipient_name="", message="", valid_months=12, user=None,
                     now=None) -> Certificate
    usable_courses(*, email, service, on=None) -> list[Course]   what the booking flow offers
    find_certificate(code, *, on=None) -> Certificate              PrepaidRefused if wrong/expired/spent
    quote_certificate(certificate, *, service, price) -> CertificateQuote
                                                          what it covers, the balance after, what is due
    apply_choice(*, appointment, choice, by, user=None, now)   inside book_appointment's transaction
    reserve_course_session(*, course_id, appointment, by, user=None, now) -> CourseEntry
    redeem_certificate(*, code, appointment=None, amount=None, by, user=None, now=None)
                                                          -> CertificateEntry  (booking flow or desk)
    settle_cancellation(*, appointment, by, user=None, now, policy=None)   inside cancel_appointment
    settle_attendance(*, appointment, user=None, now)       inside mark_attendance
    paid_with(appointment) -> Prepaid                        what an appointment was paid with
    prefetch_payments(appointments)                          its entries for paid_with, in two queries
    payment_note(appointment) -> str                         "" or what paid it, for the e-mails
    course_offers() -> list[CourseOffer]                     the courses on sale, for /prices/ (one query)
    new_code() / normalise_code(typed) / normalise_email(email)

The rules (the issue "Clients come back"): payment stays at the studio; the site records what was
sold at the desk and lets clients spend it online. A course session is reserved (-1) when booked;
a cancellation before the clients' cancellation deadline (`BookingPolicy.cancellation_deadline_hours`,
`bookings.rules.change_deadline`) gives it back (+1); a session that took place, was missed or was
cancelled later (only staff can) uses it (a 0 line that says so). A certificate pays part or all of
a session (`covers`); a cancellation in time refunds what it paid, a late one or a no-show does not.

Concurrency: every spend locks the course or certificate row (`select_for_update`, after the
booking's therapist and room locks: one global order), re-checks, then moves the denormalised
balance with F() and writes the ledger entry in the same transaction; the CheckConstraints
(balance >= 0) are the last guard. Called inside `book_appointment`'s transaction, a refused
spend rolls the booking back, and a failed booking spends nothing.

Every refusal is `PrepaidRefused` (a BookingError) with a message a client can read.
"""

from __future__ import annotations

import calendar
import secrets
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Prefetch, prefetch_related_objects
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from bookings.availability import studio_zone
from bookings.errors import PrepaidRefused
from bookings.models import (
    Actor,
    Appointment,
    AppointmentStatus,
    BookingPolicy,
    Certificate,
    CertificateEntry,
    CertificateEntryKind,
    Course,
    CourseEntry,
    CourseEntryKind,
    CourseProduct,
    PaymentMethod,
    Service,
)
from bookings.money import format_money, to_decimal
from bookings.pricing import CourseOffer, certificate_value, course_offer
from bookings.rules import change_deadline
from common.emails import normalise_email

# No 0/O, 1/I: nothing to misread on a printed card. 32 symbols, 12 of them: 60 random bits.
CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
CODE_GROUPS, CODE_GROUP_LENGTH = 3, 4
ZERO = Decimal("0.00")


@dataclass(frozen=True)
class PrepaidChoice:
    """What the client chose to pay with on the confirm step: a course (its id) or a certificate code."""

    course_id: int | None = None
    certificate_code: str = ""

    def __bool__(self):
        return self.course_id is not None or bool(self.certificate_code)


@dataclass(frozen=True)
class CertificateQuote:
    """What a certificate would pay towards a session of `price`."""

    certificate: Certificate
    covers: Decimal
    balance_after: Decimal
    due_at_studio: Decimal

    @property
    def whole_session(self) -> bool:
        return self.due_at_studio == ZERO


@dataclass(frozen=True)
class Prepaid:
    """What an appointment was paid with: a course, a certificate (and how much), or nothing."""

    course: Course | None = None
    certificate: Certificate | None = None
    covers: Decimal = ZERO
    due_at_studio: Decimal = ZERO


# --- Codes and e-mails ------------------------------------------------------------------------


def new_code() -> str:
    """A random certificate code such as "7KQM-3XWD-PH9A" (secrets: cannot be guessed)."""
    groups = (
        "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_GROUP_LENGTH)) for _ in range(CODE_GROUPS)
    )
    return "-".join(groups)


def normalise_code(typed: str) -> str:
    """The code as stored ("XXXX-XXXX-XXXX") from what someone typed (any case, spaces, dashes);
    "" if it cannot be a code at all."""
    letters = "".join(ch for ch in (typed or "").upper() if ch.isalnum())
    if len(letters) != CODE_GROUPS * CODE_GROUP_LENGTH or any(ch not in CODE_ALPHABET for ch in letters):
        return ""
    size = CODE_GROUP_LENGTH
    return "-".join(letters[i : i + size] for i in range(0, len(letters), size))


def add_months(day: date, months: int) -> date:
    """`day` plus `months` calendar months (31 January + 1 month = 28 or 29 February)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _local_date(moment: datetime) -> date:
    return timezone.localtime(moment, studio_zone()).date()


# --- Selling (the desk) -----------------------------------------------------------------------


def sell_course(
    *,
    product: CourseProduct,
    client_name: str,
    client_email: str,
    client_phone: str = "",
    payment_method: str,
    user=None,
    now: datetime | None = None,
) -> Course:
    """Record a course sold at the desk (paid there by `payment_method`): the course and its `sale` line.

    The product's name, service or technique, sessions and price are copied; it is valid until the
    same day `product.validity_months` later. PrepaidRefused for a product no longer on sale, a
    missing name or e-mail, an unknown payment method."""
    now = now or timezone.now()
    _check_payment_method(payment_method)
    name, email = (client_name or "").strip(), normalise_email(client_email)
    if not name or not email:
        raise PrepaidRefused(_("Please give the client's name and e-mail."))
    with transaction.atomic():
        product = CourseProduct.objects.select_for_update().get(pk=product.pk)
        if not product.active:
            raise PrepaidRefused(_("This course is not on sale any more."))
        course = Course.objects.create(
            product=product,
            name=product.name,
            service_id=product.service_id,
            technique_id=product.technique_id,
            sessions_total=product.sessions,
            sessions_left=product.sessions,
            price=product.price,
            currency=settings.STUDIO_CURRENCY,
            payment_method=payment_method,
            client_name=name[:150],
            client_email=email,
            client_phone=(client_phone or "").strip()[:40],
            sold_at=now,
            expires_on=add_months(_local_date(now), product.validity_months),
            sold_by=_staff(user),
        )
        CourseEntry.objects.create(
            course=course,
            kind=CourseEntryKind.SALE,
            sessions=product.sessions,
            **_who(Actor.STAFF, user, now),
        )
    return course


def sell_certificate(
    *,
    payment_method: str,
    buyer_name: str,
    amount: Decimal | None = None,
    service: Service | None = None,
    buyer_email: str = "",
    buyer_phone: str = "",
    recipient_name: str = "",
    message: str = "",
    valid_months: int = 12,
    user=None,
    now: datetime | None = None,
) -> Certificate:
    """Record a gift certificate sold at the desk, for an `amount` or for one session of `service`.

    A certificate for a service is worth that service's base price now (`bookings.pricing`) and
    pays one whole session of it later. The code is new and random. PrepaidRefused for neither or
    both of amount and service, an amount that is not positive, a missing buyer's name."""
    now = now or timezone.now()
    _check_payment_method(payment_method)
    if (amount is None) == (service is None):
        raise PrepaidRefused(_("Choose either an amount or a session for the certificate."))
    value = certificate_value(amount=amount, service=service)
    if value <= ZERO:
        raise PrepaidRefused(_("A certificate must be worth more than nothing."))
    if not (buyer_name or "").strip():
        raise PrepaidRefused(_("Please give the buyer's name."))
    if not 1 <= valid_months <= 60:
        raise PrepaidRefused(_("A certificate is valid for between 1 and 60 months."))
    with transaction.atomic():
        certificate = _create_certificate(
            service=service,
            amount=value,
            payment_method=payment_method,
            buyer_name=buyer_name.strip()[:150],
            buyer_email=normalise_email(buyer_email),
            buyer_phone=(buyer_phone or "").strip()[:40],
            recipient_name=(recipient_name or "").strip()[:150],
            message=(message or "").strip()[:300],
            sold_at=now,
            expires_on=add_months(_local_date(now), valid_months),
            sold_by=_staff(user),
        )
        CertificateEntry.objects.create(
            certificate=certificate,
            kind=CertificateEntryKind.SALE,
            amount=value,
            **_who(Actor.STAFF, user, now),
        )
    return certificate


def _create_certificate(**fields) -> Certificate:
    """A new certificate with a fresh code (another one on the rare clash with an existing code)."""
    for _attempt in range(5):
        try:
            with transaction.atomic():
                return Certificate.objects.create(
                    code=new_code(), balance=fields["amount"], currency=settings.STUDIO_CURRENCY, **fields
                )
        except IntegrityError:
            continue
    raise RuntimeError("could not find a free certificate code")


# --- Looking up (the booking flow, the desk) --------------------------------------------------


def usable_courses(*, email: str, service: Service, on: date | None = None) -> list[Course]:
    """The client's courses a session of `service` on `on` (a local date; today) can be taken from,
    the one that expires first first. One query."""
    on = on or _local_date(timezone.now())
    return list(Course.objects.for_email(email).covering(service).usable(on).order_by("expires_on", "pk"))


def course_offers() -> list[CourseOffer]:
    """The courses on sale with their price per session and saving (`bookings.pricing.course_offer`)."""
    products = CourseProduct.objects.active().select_related("service", "technique")
    return [course_offer(product) for product in products]


def find_certificate(code: str, *, on: date | None = None) -> Certificate:
    """The certificate with this code, usable on `on` (a local date; today). PrepaidRefused if the
    code is wrong, the certificate has expired or nothing is left on it. Callers rate-limit tries."""
    on = on or _local_date(timezone.now())
    normalised = normalise_code(code)
    certificate = (
        Certificate.objects.select_related("service").filter(code=normalised).first() if normalised else None
    )
    if certificate is None:
        raise PrepaidRefused(_("We do not know this certificate code. Please check it and try again."))
    _check_certificate_usable(certificate, on)
    return certificate


def quote_certificate(certificate: Certificate, *, service: Service, price: Decimal) -> CertificateQuote:
    """What `certificate` pays towards a session of `service` costing `price`: the part it covers,
    its balance after, and the rest due at the studio. PrepaidRefused if it is for another service."""
    price = to_decimal(price)
    if certificate.service_id is not None:
        if certificate.service_id != service.pk:
            raise PrepaidRefused(
                _("This certificate is for “%(service)s”, not for this session.")
                % {"service": certificate.service.name}
            )
        return CertificateQuote(certificate, covers=price, balance_after=ZERO, due_at_studio=ZERO)
    covers = min(certificate.balance, price)
    return CertificateQuote(
        certificate, covers=covers, balance_after=certificate.balance - covers, due_at_studio=price - covers
    )


def prefetch_payments(appointments) -> None:
    """Fetch the ledger entries `paid_with` reads for `appointments`, in two queries however many."""
    prefetch_related_objects(
        list(appointments),
        Prefetch("course_entries", queryset=CourseEntry.objects.select_related("course")),
        Prefetch("certificate_entries", queryset=CertificateEntry.objects.select_related("certificate")),
    )


def paid_with(appointment: Appointment) -> Prepaid:
    """What `appointment` was paid with. Reads `course_entries` and `certificate_entries` with
    `.all()`: prefetch them (with their course / certificate) for a list of appointments."""
    for entry in appointment.course_entries.all():
        if entry.kind == CourseEntryKind.RESERVE:
            return Prepaid(course=entry.course, covers=appointment.price, due_at_studio=ZERO)
    for entry in appointment.certificate_entries.all():
        if entry.kind == CertificateEntryKind.REDEEM:
            covers = entry.covers if entry.covers is not None else -entry.amount
            return Prepaid(
                certificate=entry.certificate,
                covers=covers,
                due_at_studio=max(ZERO, appointment.price - covers),
            )
    return Prepaid(due_at_studio=appointment.price)


def payment_note(appointment: Appointment) -> str:
    """What paid `appointment`, in words for the e-mails ("" when it is paid at the studio)."""
    prefetch_payments([appointment])
    paid = paid_with(appointment)
    if paid.course is not None:
        return _("your course “%(name)s” (%(left)s of %(total)s left)") % {
            "name": paid.course.name,
            "left": paid.course.sessions_left,
            "total": paid.course.sessions_total,
        }
    if paid.certificate is None:
        return ""
    values = {"covers": format_money(paid.covers, appointment.currency)}
    if not paid.due_at_studio:
        return _("a gift certificate, %(covers)s") % values
    values["rest"] = format_money(paid.due_at_studio, appointment.currency)
    return _("a gift certificate, %(covers)s; the rest, %(rest)s, is paid at the studio") % values


# --- Spending (inside the booking functions' transactions) ------------------------------------


def apply_choice(
    *, appointment: Appointment, choice: PrepaidChoice | None, by: str, user=None, now: datetime
) -> None:
    """Pay the just-saved `appointment` with what the client chose, inside the booking's transaction
    (so a refusal here books nothing). Nothing to do without a choice."""
    if not choice:
        return
    if choice.course_id is not None:
        reserve_course_session(course_id=choice.course_id, appointment=appointment, by=by, user=user, now=now)
    else:
        redeem_certificate(code=choice.certificate_code, appointment=appointment, by=by, user=user, now=now)


def reserve_course_session(
    *, course_id: int, appointment: Appointment, by: str, user=None, now: datetime
) -> CourseEntry:
    """Take one session of course `course_id` for `appointment` (a `reserve` line, -1).

    Must run in a transaction (the booking's). PrepaidRefused if the course is not the client's
    (e-mail), is for another service, has expired by the session's day, or has no session left."""
    _check_payable(appointment)
    course = Course.objects.select_for_update().filter(pk=course_id).first()
    if course is None or course.client_email != normalise_email(appointment.client_email):
        raise PrepaidRefused(_("This course is not registered to your e-mail address."))
    if not course.covers(appointment.service):
        raise PrepaidRefused(_("Your course “%(course)s” is for another session.") % {"course": course.name})
    if course.expires_on < _local_date(appointment.start):
        raise PrepaidRefused(
            _("Your course was valid until %(date)s.") % {"date": _format_date(course.expires_on)}
        )
    taken = Course.objects.filter(pk=course.pk, sessions_left__gte=1).update(
        sessions_left=F("sessions_left") - 1
    )
    if not taken:
        raise PrepaidRefused(_("There are no sessions left on your course."))
    return CourseEntry.objects.create(
        course=course,
        kind=CourseEntryKind.RESERVE,
        sessions=-1,
        appointment=appointment,
        **_who(by, user, now),
    )


def redeem_certificate(
    *,
    code: str,
    appointment: Appointment | None = None,
    amount: Decimal | None = None,
    by: str,
    user=None,
    now: datetime | None = None,
) -> CertificateEntry:
    """Spend a certificate: on `appointment` (its price, or as much as is left), or at the desk for
    `amount` without an appointment. A `redeem` line; the balance goes down in the same transaction.

    PrepaidRefused: a wrong or expired code, nothing left, a certificate for another service, an
    amount larger than the balance or not positive. Never spends twice: the row is locked and the
    balance may not go below zero (database constraint)."""
    now = now or timezone.now()
    with transaction.atomic():
        if appointment is not None:
            _check_payable(appointment)
        found = find_certificate(code, on=_local_date(appointment.start if appointment else now))
        certificate = (
            Certificate.objects.select_for_update(of=("self",)).select_related("service").get(pk=found.pk)
        )
        _check_certificate_usable(certificate, _local_date(appointment.start if appointment else now))
        debit, covers = _debit_for(certificate, appointment=appointment, amount=amount)
        spent = Certificate.objects.filter(pk=certificate.pk, balance__gte=debit).update(
            balance=F("balance") - debit
        )
        if not spent:
            raise PrepaidRefused(_("This certificate has already been spent."))
        return CertificateEntry.objects.create(
            certificate=certificate,
            kind=CertificateEntryKind.REDEEM,
            amount=-debit,
            covers=covers,
            appointment=appointment,
            **_who(by, user, now),
        )


def settle_cancellation(
    *, appointment: Appointment, by: str, user=None, now: datetime, policy: BookingPolicy | None = None
) -> None:
    """On cancelling `appointment` (inside cancel_appointment's transaction): before the clients'
    cancellation deadline the course session is given back and the certificate refunded; after it
    (staff only) the session is used and the certificate stays spent."""
    if now < change_deadline(appointment, policy=policy):
        _release_course_session(appointment=appointment, by=by, user=user, now=now)
        _refund_certificate(appointment=appointment, by=by, user=user, now=now)
    else:
        _consume_course_session(appointment=appointment, by=by, user=user, now=now)


def settle_attendance(*, appointment: Appointment, user=None, now: datetime) -> None:
    """On marking `appointment` done or missed (inside mark_attendance's transaction): its course
    session is used (once, however often the mark is corrected)."""
    _consume_course_session(appointment=appointment, by=Actor.STAFF, user=user, now=now)


# --- Helpers ----------------------------------------------------------------------------------


def _release_course_session(*, appointment: Appointment, by: str, user, now: datetime) -> CourseEntry | None:
    reserve = _open_reservation(appointment)
    if reserve is None:
        return None
    Course.objects.filter(pk=reserve.course_id).update(sessions_left=F("sessions_left") + 1)
    return CourseEntry.objects.create(
        course_id=reserve.course_id,
        kind=CourseEntryKind.RELEASE,
        sessions=1,
        appointment=appointment,
        **_who(by, user, now),
    )


def _consume_course_session(*, appointment: Appointment, by: str, user, now: datetime) -> CourseEntry | None:
    reserve = _open_reservation(appointment)
    if reserve is None:
        return None
    return CourseEntry.objects.create(
        course_id=reserve.course_id,
        kind=CourseEntryKind.USE,
        sessions=0,
        appointment=appointment,
        **_who(by, user, now),
    )


def _open_reservation(appointment: Appointment) -> CourseEntry | None:
    """The appointment's `reserve` line if nothing settled it yet (the course row locked), else None."""
    entries = list(CourseEntry.objects.filter(appointment=appointment).order_by("pk"))
    reserve = next((e for e in entries if e.kind == CourseEntryKind.RESERVE), None)
    if reserve is None or any(e.kind in (CourseEntryKind.RELEASE, CourseEntryKind.USE) for e in entries):
        return None
    Course.objects.select_for_update().filter(pk=reserve.course_id).values_list("pk").first()
    return reserve


def _refund_certificate(*, appointment: Appointment, by: str, user, now: datetime) -> CertificateEntry | None:
    entries = list(CertificateEntry.objects.filter(appointment=appointment).order_by("pk"))
    redeem = next((e for e in entries if e.kind == CertificateEntryKind.REDEEM), None)
    if redeem is None or any(e.kind == CertificateEntryKind.REFUND for e in entries):
        return None
    Certificate.objects.select_for_update().filter(pk=redeem.certificate_id).values_list("pk").first()
    Certificate.objects.filter(pk=redeem.certificate_id).update(balance=F("balance") - redeem.amount)
    return CertificateEntry.objects.create(
        certificate_id=redeem.certificate_id,
        kind=CertificateEntryKind.REFUND,
        amount=-redeem.amount,
        appointment=appointment,
        **_who(by, user, now),
    )


def _debit_for(
    certificate: Certificate, *, appointment: Appointment | None, amount: Decimal | None
) -> tuple[Decimal, Decimal | None]:
    """(what comes off the balance, what of the session it pays) for a redemption."""
    if appointment is not None:
        quote = quote_certificate(certificate, service=appointment.service, price=appointment.price)
        debit = certificate.balance if certificate.service_id is not None else quote.covers
        if amount is not None:
            debit = min(debit, to_decimal(amount))
        covers = quote.covers if amount is None else min(quote.covers, debit)
        if debit <= ZERO:
            raise PrepaidRefused(_("There is nothing to pay for this session."))
        return debit, covers
    if amount is None:
        raise PrepaidRefused(_("Please say how much to take from the certificate."))
    if certificate.service_id is not None:
        raise PrepaidRefused(
            _("This certificate is for one session of “%(service)s”.") % {"service": certificate.service.name}
        )
    debit = to_decimal(amount)
    if debit <= ZERO:
        raise PrepaidRefused(_("Please enter an amount greater than zero."))
    if debit > certificate.balance:
        raise PrepaidRefused(
            _("Only %(balance)s is left on this certificate.")
            % {"balance": format_money(certificate.balance)}
        )
    return debit, None


def _check_payable(appointment: Appointment) -> None:
    """PrepaidRefused for a cancelled session, or one a course or certificate already pays."""
    if appointment.status == AppointmentStatus.CANCELLED:
        raise PrepaidRefused(_("This session was cancelled."))
    course_paid = CourseEntry.objects.filter(appointment=appointment, kind=CourseEntryKind.RESERVE)
    certificate_paid = CertificateEntry.objects.filter(
        appointment=appointment, kind=CertificateEntryKind.REDEEM
    )
    if course_paid.exists() or certificate_paid.exists():
        raise PrepaidRefused(_("This session is already paid with a course or a gift certificate."))


def _check_certificate_usable(certificate: Certificate, on: date) -> None:
    if certificate.expires_on < on:
        raise PrepaidRefused(
            _("This certificate was valid until %(date)s.") % {"date": _format_date(certificate.expires_on)}
        )
    if certificate.balance <= ZERO:
        raise PrepaidRefused(_("This certificate has already been spent."))


def _check_payment_method(method: str) -> None:
    if method not in PaymentMethod.values:
        raise PrepaidRefused(_("Please choose how it was paid."))


def _format_date(day: date) -> str:
    return date_format(day, "DATE_FORMAT")


def _staff(user):
    return user if getattr(user, "is_authenticated", False) else None


def _who(by: str, user, now: datetime) -> dict:
    return {"actor": by, "user": _staff(user), "at": now}
