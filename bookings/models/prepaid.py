"""Prepaid sessions: courses ("абонементы") and gift certificates, each with a ledger of entries.

- `CourseProduct`: what a manager offers: N sessions of one service (or of any length of one
  technique) for a price, valid for some months. Shown on /prices/ with the saving
  (`bookings.pricing.course_saving`).
- `Course`: one product sold to one client (by e-mail, normalised: stripped, lower case) at the
  desk. What was sold is copied (name, service/technique, sessions, price), so editing the product
  changes no course already sold. `sessions_left` is the balance in sessions.
- `CourseEntry`: one immutable line of a course's ledger: `sale` (+N), `reserve` (-1, a booking),
  `release` (+1, a timely cancellation gives the session back), `use` (0: the reserved session
  happened, was missed, or was cancelled late), `adjust` (a staff correction, with a note).
- `Certificate`: a gift certificate sold at the desk for an `amount` of money, or for one session
  of a named `service` (then `amount` is that session's price when sold, and it covers one session of
  that service in full whatever its price later). `code` is random (bookings.prepaid.new_code);
  `balance` is what is left.
- `CertificateEntry`: one immutable line of a certificate's ledger: `sale` (+amount), `redeem`
  (-x, for an appointment or at the desk), `refund` (+x, a timely cancellation), `adjust`.

The balances (`Course.sessions_left`, `Certificate.balance`) are denormalised sums of the ledger,
updated with F() in the same transaction as the entry is written (bookings.prepaid does both), and
CheckConstraints keep them between 0 and what was sold: two redemptions at once can never spend
more than there is. Entries are never updated or deleted through the ORM (`LedgerQuerySet`,
`LedgerEntry.save/delete` refuse). Write all of this only through `bookings.prepaid`.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bookings.models.appointments import Actor, Appointment
from bookings.models.choices import MONEY
from bookings.models.services import Service
from common.emails import normalise_email


class PaymentMethod(models.TextChoices):
    CASH = "cash", _("Cash")
    CARD = "card", _("Card")
    TRANSFER = "transfer", _("Bank transfer")


class ImmutableEntry(Exception):
    """A ledger entry was about to be changed or deleted: entries are only ever added."""


class LedgerQuerySet(models.QuerySet):
    """Entries are only ever added: bulk updates and deletes are refused."""

    def update(self, **kwargs):
        raise ImmutableEntry("ledger entries are immutable")

    def delete(self):
        raise ImmutableEntry("ledger entries are immutable")

    update.queryset_only = True
    delete.queryset_only = True


class LedgerEntry(models.Model):
    """What both ledgers' lines share: when, by whom, about which appointment, a note."""

    at = models.DateTimeField(_("when"), default=timezone.now, editable=False)
    actor = models.CharField(_("by"), max_length=8, choices=Actor.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("staff member"),
    )
    note = models.CharField(_("note"), max_length=300, blank=True)

    objects = LedgerQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ["at", "pk"]

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ImmutableEntry("ledger entries are immutable")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ImmutableEntry("ledger entries are immutable")


# --- Courses ----------------------------------------------------------------------------------


class CourseProductQuerySet(models.QuerySet):
    def active(self):
        return self.filter(active=True)


class CourseProduct(models.Model):
    """A course a manager offers: `sessions` sessions of a service (or a technique) for `price`."""

    name = models.CharField(_("name"), max_length=120)
    service = models.ForeignKey(
        Service,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="course_products",
        verbose_name=_("service"),
        help_text=_("Sessions of this service only. Leave empty to choose a technique instead."),
    )
    technique = models.ForeignKey(
        "reflexology.Technique",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="course_products",
        verbose_name=_("technique"),
        help_text=_("Sessions of any length of this technique."),
    )
    sessions = models.PositiveSmallIntegerField(_("sessions"))
    price = models.DecimalField(_("price"), **MONEY)
    validity_months = models.PositiveSmallIntegerField(_("valid for (months)"), default=6)
    active = models.BooleanField(_("on sale"), default=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = CourseProductQuerySet.as_manager()

    class Meta:
        verbose_name = _("course")
        verbose_name_plural = _("courses")
        ordering = ["order", "sessions", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(service__isnull=False, technique__isnull=True)
                | Q(service__isnull=True, technique__isnull=False),
                name="course_product_service_or_technique",
                violation_error_message=_("Choose either a service or a technique."),
            ),
            models.CheckConstraint(
                condition=Q(sessions__gte=1, sessions__lte=100),
                name="course_product_sessions_sensible",
                violation_error_message=_("A course has between 1 and 100 sessions."),
            ),
            models.CheckConstraint(
                condition=Q(price__gte=0),
                name="course_product_price_not_negative",
                violation_error_message=_("A price cannot be negative."),
            ),
            models.CheckConstraint(
                condition=Q(validity_months__gte=1, validity_months__lte=60),
                name="course_product_validity_sensible",
                violation_error_message=_("A course is valid for between 1 and 60 months."),
            ),
        ]

    def __str__(self):
        return self.name

    def covers(self, service: Service) -> bool:
        """Whether a session of `service` can be taken from this course."""
        if self.service_id is not None:
            return self.service_id == service.pk
        return self.technique_id == service.technique_id


class CourseQuerySet(models.QuerySet):
    def for_email(self, email: str):
        return self.filter(client_email=normalise_email(email))

    def usable(self, on):
        """Courses with a session left, not expired on the local date `on`."""
        return self.filter(sessions_left__gt=0, expires_on__gte=on)

    def covering(self, service: Service):
        return self.filter(Q(service=service) | Q(service__isnull=True, technique_id=service.technique_id))


class Course(models.Model):
    """A course sold to a client: what was sold (copied from the product) and the sessions left."""

    product = models.ForeignKey(
        CourseProduct, on_delete=models.PROTECT, related_name="courses", verbose_name=_("course")
    )
    name = models.CharField(_("name"), max_length=120)
    service = models.ForeignKey(
        Service,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="courses",
        verbose_name=_("service"),
    )
    technique = models.ForeignKey(
        "reflexology.Technique",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="courses",
        verbose_name=_("technique"),
    )
    sessions_total = models.PositiveSmallIntegerField(_("sessions bought"))
    sessions_left = models.SmallIntegerField(_("sessions left"))
    price = models.DecimalField(_("price paid"), **MONEY)
    currency = models.CharField(_("currency"), max_length=3)
    payment_method = models.CharField(_("paid by"), max_length=8, choices=PaymentMethod.choices)
    client_name = models.CharField(_("client's name"), max_length=150)
    client_email = models.EmailField(_("client's e-mail"), db_index=True)
    client_phone = models.CharField(_("client's phone"), max_length=40, blank=True)
    sold_at = models.DateTimeField(_("sold"), default=timezone.now)
    expires_on = models.DateField(_("valid until"), help_text=_("The last day a session can take place."))
    sold_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("sold by"),
    )

    objects = CourseQuerySet.as_manager()

    class Meta:
        verbose_name = _("client's course")
        verbose_name_plural = _("clients' courses")
        ordering = ["-sold_at", "-pk"]
        permissions = [("sell_prepaid", _("Can sell courses and gift certificates"))]
        constraints = [
            models.CheckConstraint(
                condition=Q(sessions_left__gte=0), name="course_sessions_left_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(sessions_left__lte=F("sessions_total")), name="course_sessions_left_at_most_sold"
            ),
            models.CheckConstraint(
                condition=Q(service__isnull=False, technique__isnull=True)
                | Q(service__isnull=True, technique__isnull=False),
                name="course_service_or_technique",
            ),
            models.CheckConstraint(condition=Q(price__gte=0), name="course_price_not_negative"),
            models.CheckConstraint(
                condition=Q(payment_method__in=PaymentMethod.values), name="course_payment_method_valid"
            ),
        ]

    def __str__(self):
        return f"{self.name} · {self.client_name}"

    def covers(self, service: Service) -> bool:
        """Whether a session of `service` can be taken from this course."""
        if self.service_id is not None:
            return self.service_id == service.pk
        return self.technique_id == service.technique_id


class CourseEntryKind(models.TextChoices):
    SALE = "sale", _("Sold")
    RESERVE = "reserve", _("Booked")
    RELEASE = "release", _("Given back (cancelled in time)")
    USE = "use", _("Used")
    ADJUST = "adjust", _("Corrected")


class CourseEntry(LedgerEntry):
    """One line of a course's ledger; `sessions` is the change (the balance is their sum)."""

    Kind = CourseEntryKind

    course = models.ForeignKey(
        Course, on_delete=models.PROTECT, related_name="entries", verbose_name=_("course")
    )
    kind = models.CharField(_("what"), max_length=8, choices=Kind.choices)
    sessions = models.SmallIntegerField(_("sessions"))
    appointment = models.ForeignKey(
        Appointment,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="course_entries",
        verbose_name=_("appointment"),
    )

    class Meta(LedgerEntry.Meta):
        verbose_name = _("course entry")
        verbose_name_plural = _("course entries")
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=CourseEntryKind.values), name="course_entry_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(kind=CourseEntryKind.SALE, sessions__gt=0, appointment__isnull=True)
                | Q(kind=CourseEntryKind.RESERVE, sessions=-1, appointment__isnull=False)
                | Q(kind=CourseEntryKind.RELEASE, sessions=1, appointment__isnull=False)
                | Q(kind=CourseEntryKind.USE, sessions=0, appointment__isnull=False)
                | Q(kind=CourseEntryKind.ADJUST),
                name="course_entry_sessions_fit_kind",
            ),
            # An appointment takes at most one session, given back or used at most once.
            models.UniqueConstraint(
                fields=["appointment"],
                condition=Q(kind=CourseEntryKind.RESERVE),
                name="course_entry_one_reserve_per_appointment",
            ),
            models.UniqueConstraint(
                fields=["appointment"],
                condition=Q(kind__in=[CourseEntryKind.RELEASE, CourseEntryKind.USE]),
                name="course_entry_one_settlement_per_appointment",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.sessions:+d}"


# --- Gift certificates ------------------------------------------------------------------------


class CertificateQuerySet(models.QuerySet):
    def usable(self, on):
        """Certificates with something left, not expired on the local date `on`."""
        return self.filter(balance__gt=0, expires_on__gte=on)


class Certificate(models.Model):
    """A gift certificate: for an amount of money, or for one session of `service`."""

    code = models.CharField(_("code"), max_length=14, editable=False)
    service = models.ForeignKey(
        Service,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="certificates",
        verbose_name=_("for the session"),
        help_text=_("Empty: a certificate for an amount, to spend on any session."),
    )
    amount = models.DecimalField(_("value"), **MONEY)
    balance = models.DecimalField(_("left"), **MONEY)
    currency = models.CharField(_("currency"), max_length=3)
    payment_method = models.CharField(_("paid by"), max_length=8, choices=PaymentMethod.choices)
    buyer_name = models.CharField(_("bought by"), max_length=150)
    buyer_email = models.EmailField(_("buyer's e-mail"), blank=True)
    buyer_phone = models.CharField(_("buyer's phone"), max_length=40, blank=True)
    recipient_name = models.CharField(_("for whom"), max_length=150, blank=True)
    message = models.CharField(_("message on the certificate"), max_length=300, blank=True)
    sold_at = models.DateTimeField(_("sold"), default=timezone.now)
    expires_on = models.DateField(_("valid until"), help_text=_("The last day it can be used."))
    sold_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("sold by"),
    )

    objects = CertificateQuerySet.as_manager()

    class Meta:
        verbose_name = _("gift certificate")
        verbose_name_plural = _("gift certificates")
        ordering = ["-sold_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["code"], name="certificate_code_unique"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="certificate_amount_positive"),
            models.CheckConstraint(condition=Q(balance__gte=0), name="certificate_balance_not_negative"),
            models.CheckConstraint(
                condition=Q(balance__lte=F("amount")), name="certificate_balance_at_most_amount"
            ),
            models.CheckConstraint(
                condition=Q(payment_method__in=PaymentMethod.values), name="certificate_payment_method_valid"
            ),
        ]

    def __str__(self):
        return self.code

    @property
    def for_service(self) -> bool:
        return self.service_id is not None


class CertificateEntryKind(models.TextChoices):
    SALE = "sale", _("Sold")
    REDEEM = "redeem", _("Spent")
    REFUND = "refund", _("Given back (cancelled in time)")
    ADJUST = "adjust", _("Corrected")


class CertificateEntry(LedgerEntry):
    """One line of a certificate's ledger; `amount` is the change (the balance is their sum).

    `covers`: for a redemption, the part of the session's price it paid (for a certificate for a
    named service, the whole session, whatever the certificate was sold for)."""

    Kind = CertificateEntryKind

    certificate = models.ForeignKey(
        Certificate, on_delete=models.PROTECT, related_name="entries", verbose_name=_("gift certificate")
    )
    kind = models.CharField(_("what"), max_length=8, choices=Kind.choices)
    amount = models.DecimalField(_("amount"), **MONEY)
    covers = models.DecimalField(_("pays for"), **MONEY, null=True, blank=True)
    appointment = models.ForeignKey(
        Appointment,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="certificate_entries",
        verbose_name=_("appointment"),
    )

    class Meta(LedgerEntry.Meta):
        verbose_name = _("gift certificate entry")
        verbose_name_plural = _("gift certificate entries")
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=CertificateEntryKind.values), name="certificate_entry_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(kind=CertificateEntryKind.SALE, amount__gt=0, appointment__isnull=True)
                | Q(kind=CertificateEntryKind.REDEEM, amount__lt=0)
                | Q(kind=CertificateEntryKind.REFUND, amount__gt=0, appointment__isnull=False)
                | Q(kind=CertificateEntryKind.ADJUST),
                name="certificate_entry_amount_fits_kind",
            ),
            models.UniqueConstraint(
                fields=["appointment"],
                condition=Q(kind=CertificateEntryKind.REDEEM),
                name="certificate_entry_one_redeem_per_appointment",
            ),
            models.UniqueConstraint(
                fields=["appointment"],
                condition=Q(kind=CertificateEntryKind.REFUND),
                name="certificate_entry_one_refund_per_appointment",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.amount}"
