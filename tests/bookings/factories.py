"""Small factories for the bookings tests: plain functions with sensible defaults."""

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone

from bookings.models import (
    Appointment,
    Level,
    Room,
    Service,
    ServicePrice,
    Therapist,
    TimeOff,
    WorkingHours,
)
from intake.models import Questionnaire
from reflexology.models import Technique

# The brief's bookable technique slugs and their kinds (the screening engine's keys).
TECHNIQUE_KINDS = {
    "classical": "classical",
    "relaxing": "relaxing",
    "reflexology": "reflexology",
    "thai-sticks": "thai_sticks",
    "therapeutic-flat-feet": "therapeutic",
    "therapeutic-hallux-valgus": "therapeutic",
    "therapeutic-arthrosis": "therapeutic",
    "vacuum": "devices",
}

MONDAY = date(2027, 3, 1)  # a Monday, far enough ahead for every test that passes `now`
NINE_TO_SIX = {weekday: [(time(9), time(18))] for weekday in range(7)}


def zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def at(day: date, hhmm: str) -> datetime:
    """An aware datetime at wall-clock `hhmm` on `day`, in the studio's zone."""
    hour, minute = (int(part) for part in hhmm.split(":"))
    return datetime.combine(day, time(hour, minute), tzinfo=zone())


def make_technique(slug: str = "classical", **fields) -> Technique:
    existing = Technique.objects.filter(slug=slug).first()
    if existing is not None:
        return existing
    values = {
        "name": slug.replace("-", " ").capitalize(),
        "kind": TECHNIQUE_KINDS.get(slug, "classical"),
        "summary": "A technique for the tests.",
        "body": "How it goes.",
        "intensity": "moderate",
        "suits": "Most people.",
    }
    values.update(fields)
    return Technique.objects.create(slug=slug, **values)


def make_service(
    *,
    technique: str | Technique = "classical",
    slug: str | None = None,
    minutes: int = 60,
    price: str = "2500.00",
    buffer: int = 0,
    needs_room: bool = False,
    active: bool = True,
    level_prices: dict | None = None,
    name: str | None = None,
) -> Service:
    if not isinstance(technique, Technique):
        technique = make_technique(technique)
    service = Service.objects.create(
        technique=technique,
        slug=slug or f"{technique.slug}-{minutes}",
        name=name or f"{technique.name}, {minutes} minutes",
        duration_minutes=minutes,
        price=Decimal(price),
        buffer_minutes=buffer,
        needs_room=needs_room,
        active=active,
    )
    for level, amount in (level_prices or {}).items():
        ServicePrice.objects.create(service=service, level=level, price=Decimal(amount))
    return service


def make_therapist(
    slug: str = "anna",
    *,
    name: str | None = None,
    level: str = Level.THERAPIST,
    services=(),
    hours: dict | None = None,
    active: bool = True,
    **fields,
) -> Therapist:
    therapist = Therapist.objects.create(
        slug=slug, name=name or slug.replace("-", " ").title(), level=level, active=active, **fields
    )
    therapist.services.set(services)
    for weekday, periods in (NINE_TO_SIX if hours is None else hours).items():
        for start, end in periods:
            WorkingHours.objects.create(therapist=therapist, weekday=weekday, start=start, end=end)
    return therapist


def make_room(slug: str = "linden", *, active: bool = True) -> Room:
    return Room.objects.create(slug=slug, name=slug.title(), active=active)


def make_time_off(therapist: Therapist, start: datetime, end: datetime, reason: str = "") -> TimeOff:
    return TimeOff.objects.create(therapist=therapist, start=start, end=end, reason=reason)


def make_appointment(
    *,
    service: Service,
    therapist: Therapist,
    start: datetime,
    room: Room | None = None,
    status: str = Appointment.Status.BOOKED,
    email: str = "someone@example.com",
) -> Appointment:
    """An existing appointment inserted directly (test set-up only; real code uses bookings.booking)."""
    end = start + service.duration
    return Appointment.objects.create(
        service=service,
        therapist=therapist,
        room=room,
        client_name="Someone Else",
        client_email=email,
        start=start,
        end=end,
        blocked_until=end + service.buffer,
        status=status,
        price=service.price,
        currency=settings.STUDIO_CURRENCY,
    )


def make_questionnaire(
    *, email: str = "client@example.com", screening: dict | None = None, valid_days: int = 180
) -> Questionnaire:
    """A questionnaire with a stored screening: {technique slug: {"outcome": ..., "reasons": [...]}}."""
    now = timezone.now()
    valid_until = now + timedelta(days=valid_days)
    return Questionnaire.objects.create(
        client_name="Client Person",
        client_email=email,
        signature="Client Person",
        consent_health_data=True,
        consent_terms=True,
        submitted_at=min(now, valid_until) - timedelta(days=1),
        valid_until=valid_until,
        screening=screening or {},
    )


def clear_questionnaire(email: str = "client@example.com", *, valid_days: int = 180) -> Questionnaire:
    """A healthy adult's questionnaire: valid, and every technique kind may be booked."""
    screening = {kind: {"outcome": "proceed", "reasons": []} for kind in Technique.Kind.values}
    return make_questionnaire(email=email, screening=screening, valid_days=valid_days)
