"""Services (a technique at a length) and their prices by therapist level."""

from datetime import timedelta
from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from bookings.models.choices import MONEY, Level

# --- Services and prices ----------------------------------------------------------------------


class ServiceQuerySet(models.QuerySet):
    def active(self):
        return self.filter(active=True)

    def bookable(self):
        """What clients may book online: active, of a published technique."""
        return self.active().filter(technique__published=True)


class ServiceManager(models.Manager.from_queryset(ServiceQuerySet)):
    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


class Service(models.Model):
    """A technique at a given length, as clients book and pay for it."""

    technique = models.ForeignKey(
        "reflexology.Technique",
        on_delete=models.PROTECT,
        related_name="services",
        verbose_name=_("technique"),
    )
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    name = models.CharField(_("name"), max_length=120)
    description = models.CharField(_("what is included"), max_length=300, blank=True)
    duration_minutes = models.PositiveSmallIntegerField(
        _("duration (minutes)"), validators=[MinValueValidator(5), MaxValueValidator(480)]
    )
    buffer_minutes = models.PositiveSmallIntegerField(
        _("buffer after (minutes)"),
        default=10,
        validators=[MaxValueValidator(120)],
        help_text=_("Time to air the room and wash hands before the therapist's next client."),
    )
    price = models.DecimalField(
        _("base price"),
        **MONEY,
        validators=[MinValueValidator(Decimal("0"))],
        help_text=_("In the studio's currency. Prices by level below override it."),
    )
    needs_room = models.BooleanField(
        _("needs a room"), default=True, help_text=_("Offered only when a treatment room is free.")
    )
    active = models.BooleanField(_("bookable"), default=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    objects = ServiceManager()

    class Meta:
        verbose_name = _("service")
        verbose_name_plural = _("services")
        ordering = ["order", "duration_minutes", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(duration_minutes__gte=5, duration_minutes__lte=480),
                name="service_duration_sensible",
                violation_error_message=_("A session lasts between 5 minutes and 8 hours."),
            ),
            models.CheckConstraint(
                condition=Q(buffer_minutes__lte=120),
                name="service_buffer_sensible",
                violation_error_message=_("The buffer after a session is at most two hours."),
            ),
            models.CheckConstraint(
                condition=Q(price__gte=0),
                name="service_price_not_negative",
                violation_error_message=_("A price cannot be negative."),
            ),
        ]

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.slug,)

    def get_booking_url(self) -> str:
        return reverse("bookings:book") + f"?service={self.slug}"

    @property
    def duration(self) -> timedelta:
        return timedelta(minutes=self.duration_minutes)

    @property
    def buffer(self) -> timedelta:
        return timedelta(minutes=self.buffer_minutes)


class ServicePrice(models.Model):
    """The price of a service with a therapist of one level (e.g. more with a master)."""

    service = models.ForeignKey(
        Service, on_delete=models.CASCADE, related_name="level_prices", verbose_name=_("service")
    )
    level = models.CharField(_("therapist level"), max_length=12, choices=Level.choices)
    price = models.DecimalField(_("price"), **MONEY, validators=[MinValueValidator(Decimal("0"))])

    class Meta:
        verbose_name = _("price by level")
        verbose_name_plural = _("prices by level")
        ordering = ["service", "level"]
        constraints = [
            models.UniqueConstraint(
                fields=["service", "level"],
                name="service_price_one_per_level",
                violation_error_message=_("This service already has a price for that level."),
            ),
            models.CheckConstraint(condition=Q(price__gte=0), name="service_price_level_not_negative"),
            models.CheckConstraint(condition=Q(level__in=Level.values), name="service_price_level_valid"),
        ]

    def __str__(self):
        return f"{self.service} · {self.get_level_display()}"
