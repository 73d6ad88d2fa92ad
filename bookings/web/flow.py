"""The client's booking flow, the parts that know nothing of HTTP: state, pickers, suggestions.

The steps of /book/ (views in `bookings.web.flow_views`):

    1 /book/                 choose a session (?service= ?technique= ?therapist=)
    2 /book/time/            choose a day and a time, and optionally a therapist
    3 /book/details/         contact details                       ?slot=<signed slot>
    4 /intake/?next=...      the health questionnaire, when this browser has no proven valid one
    5 /book/summary/         check and confirm (POST /book/confirm/) ?slot=<signed slot>
      /book/done/<link>/     booked

State between the steps:
- What is being booked travels as a *slot token*: the service, the start and the therapist asked
  for ("" for any therapist), signed and timestamped with `django.core.signing` (`sign_slot`,
  `read_slot`). It holds nothing personal, so it can sit in URLs (and in `/intake/?next=`). Every
  step re-validates it against the database with the availability engine (`resolve_slot`): a
  tampered token is `StateInvalid`, an old one `StateExpired`, a time no longer free `SlotUnavailable`.
- Contact details are personal, so they stay server-side in the session between the details
  step and the confirmation (never in a URL or a log); the questionnaire is the intake's
  `proven_questionnaire(request)`, also in the session.
- The summary renders a *confirmation token* (`sign_confirmation`): the slot, a fresh random
  idempotency key, and the therapist and price shown. Confirming twice (double click, resubmit,
  two tabs) sends the same key, and `book_appointment` returns the first booking instead of making
  a second one. If the price would differ from the one shown (another therapist is free by now,
  or the price list changed), the client is shown the new price before anything is booked.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core import signing
from django.db.models import prefetch_related_objects
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from bookings.availability import (
    Slot,
    choose_therapist,
    compute_slots,
    load_availability_data,
    monday_of,
    slots_by_day,
    studio_zone,
)
from bookings.booking import check_screening
from bookings.errors import BookingError, ServiceUnavailable, SlotUnavailable, StateExpired, StateInvalid
from bookings.models import Appointment, BookingPolicy, Service, Therapist
from bookings.pricing import PriceFor, booking_prices, move_prices
from bookings.selectors import price_list

SLUG = re.compile(r"[-a-zA-Z0-9_]+")
SLOT_SALT = "bookings.web.flow.slot"
CONFIRM_SALT = "bookings.web.flow.confirm"
WINDOW_DAYS = 14
NEAREST_COUNT = 6
# Tokens are a few hundred characters; refuse anything far bigger before unsigning it.
LONGEST_TOKEN = 1000

PARTS_OF_DAY = [
    (0, gettext_lazy("Morning")),
    (12, gettext_lazy("Afternoon")),
    (17, gettext_lazy("Evening")),
]


# --- Signed state -----------------------------------------------------------------------------


@dataclass(frozen=True)
class SlotRef:
    """What the client asked for: a service, a start (aware, UTC), a therapist slug or "" for anyone."""

    service: str
    start: datetime
    therapist: str = ""

    def payload(self) -> dict:
        return {"v": self.service, "s": int(self.start.timestamp()), "t": self.therapist}

    @classmethod
    def from_payload(cls, payload) -> SlotRef:
        if not isinstance(payload, dict):
            raise StateInvalid(_invalid_message())
        service, start, therapist = payload.get("v"), payload.get("s"), payload.get("t", "")
        if not isinstance(service, str) or not isinstance(therapist, str) or type(start) is not int:
            raise StateInvalid(_invalid_message())
        try:
            moment = datetime.fromtimestamp(start, UTC)
        except (OverflowError, OSError, ValueError) as error:
            raise StateInvalid(_invalid_message()) from error
        return cls(service=service, start=moment, therapist=therapist)


def _invalid_message() -> str:
    return _(
        "This booking link is incomplete or has been changed, so we cannot tell which time you chose. "
        "Please choose your time again."
    )


def _expired_message() -> str:
    return _("This page was open for a long time, and free times change. Please choose your time again.")


def sign_slot(*, service: str, start: datetime, therapist: str = "") -> str:
    return signing.dumps(SlotRef(service, start, therapist).payload(), salt=SLOT_SALT, compress=True)


def _load(token, *, salt: str) -> object:
    if not isinstance(token, str) or not token or len(token) > LONGEST_TOKEN:
        raise StateInvalid(_invalid_message())
    try:
        return signing.loads(token, salt=salt, max_age=settings.BOOKING_FLOW_MAX_AGE)
    except signing.SignatureExpired as error:
        # Genuine but old: read it anyway (signature checked, age not) for a helpful way back.
        payload = signing.loads(token, salt=salt)
        if isinstance(payload, dict) and isinstance(payload.get("slot"), dict):
            payload = payload["slot"]
        service = payload.get("v") if isinstance(payload, dict) else ""
        raise StateExpired(_expired_message(), service=service if isinstance(service, str) else "") from error
    except (signing.BadSignature, ValueError, TypeError) as error:
        raise StateInvalid(_invalid_message()) from error


def read_slot(token) -> SlotRef:
    return SlotRef.from_payload(_load(token, salt=SLOT_SALT))


@dataclass(frozen=True)
class Confirmation:
    """What the summary showed: the slot, the idempotency key, and the therapist and price shown."""

    slot: SlotRef
    key: str
    therapist: str
    price: Decimal

    @property
    def slot_token(self) -> str:
        return sign_slot(service=self.slot.service, start=self.slot.start, therapist=self.slot.therapist)


def sign_confirmation(*, slot: SlotRef, key: str, therapist: str, price: Decimal) -> str:
    payload = {"slot": slot.payload(), "k": key, "w": therapist, "p": str(price)}
    return signing.dumps(payload, salt=CONFIRM_SALT, compress=True)


def read_confirmation(token) -> Confirmation:
    payload = _load(token, salt=CONFIRM_SALT)
    if not isinstance(payload, dict):
        raise StateInvalid(_invalid_message())
    key, therapist, price = payload.get("k"), payload.get("w"), payload.get("p")
    if not (isinstance(key, str) and 16 <= len(key) <= 64 and isinstance(therapist, str)):
        raise StateInvalid(_invalid_message())
    try:
        amount = Decimal(price)
    except (InvalidOperation, TypeError) as error:
        raise StateInvalid(_invalid_message()) from error
    return Confirmation(
        slot=SlotRef.from_payload(payload.get("slot")), key=key, therapist=therapist, price=amount
    )


# --- Looking things up ------------------------------------------------------------------------


def bookable_services():
    """Services a client may book online: active, of a published technique. Prices prefetched."""
    return Service.objects.bookable().select_related("technique").prefetch_related("level_prices")


def is_slug(value, *, longest: int = 80) -> bool:
    """A plausible slug: anything else (NUL bytes, quotes, 3 000 characters) never reaches a query."""
    return isinstance(value, str) and bool(SLUG.fullmatch(value)) and len(value) <= longest


def find_service(slug) -> Service | None:
    """The bookable service called `slug`, or None (for anything that is not one). Two queries."""
    if not is_slug(slug):
        return None
    return bookable_services().filter(slug=slug).first()


def therapists_for(service: Service):
    """Active therapists who give `service`, in the team's order."""
    return Therapist.objects.active().performing(service).order_by("order", "name")


def find_therapist(slug, service: Service) -> Therapist | None:
    if not is_slug(slug, longest=60):
        return None
    return therapists_for(service).filter(slug=slug).first()


def local(moment: datetime) -> datetime:
    return timezone.localtime(moment, studio_zone())


def today(now: datetime | None = None) -> date:
    return local(now or timezone.now()).date()


# --- Re-validating a chosen time ----------------------------------------------------------------


@dataclass(frozen=True)
class ResolvedSlot:
    """A slot that can be booked right now: who would give it, and what it costs."""

    ref: SlotRef
    service: Service
    preference: Therapist | None
    therapist: Therapist
    start: datetime
    end: datetime
    price: Decimal

    @property
    def token(self) -> str:
        return sign_slot(service=self.ref.service, start=self.ref.start, therapist=self.ref.therapist)

    @property
    def any_therapist(self) -> bool:
        return self.preference is None


def _free_times(service: Service, days: tuple[date, date], preference, *, appointment, now, policy=None):
    """What is free for `service` on `days` (first, last) with `preference` (None: anyone), as the client
    sees it; the appointment being moved does not block its own time."""
    return load_availability_data(
        service=service,
        first_day=days[0],
        last_day=days[1],
        therapist=preference,
        now=now,
        policy=policy,
        exclude_appointment_id=appointment.pk if appointment is not None else None,
    )


def resolve_slot(
    ref: SlotRef,
    *,
    service: Service | None = None,
    appointment: Appointment | None = None,
    now: datetime | None = None,
    policy: BookingPolicy | None = None,
) -> ResolvedSlot:
    """Check `ref` against today's data, as `book_appointment` will; ServiceUnavailable / SlotUnavailable.

    `service`: `ref`'s service when the caller has already looked it up (`find_service`).
    `appointment`: the booking being moved (its own time does not block it, and it prices the move).
    """
    if service is None or service.slug != ref.service:
        service = find_service(ref.service)
    if service is None or (appointment is not None and service.pk != appointment.service_id):
        raise ServiceUnavailable(_("That session is not available for booking online any more."))
    start = local(ref.start)
    preference = None
    if ref.therapist:
        preference = find_therapist(ref.therapist, service)
        if preference is None:
            raise SlotUnavailable(
                _("That therapist is not taking bookings for this session at the moment."),
                service=service,
                preference=None,
                start=start,
            )
    day = start.date()
    data = _free_times(service, (day, day), preference, appointment=appointment, now=now, policy=policy)
    therapist, reason = choose_therapist(data, therapist=preference, start=start)  # as booking will
    if therapist is None:
        raise SlotUnavailable(reason, service=service, preference=preference, start=start)
    price_for = move_prices(appointment, service) if appointment is not None else booking_prices(service)
    price = price_for(therapist)
    return ResolvedSlot(
        ref=ref,
        service=service,
        preference=preference,
        therapist=therapist,
        start=start,
        end=start + service.duration,
        price=price,
    )


# --- The day and time picker ---------------------------------------------------------------------


@dataclass(frozen=True)
class TimeOption:
    start: datetime
    therapist: Therapist
    price: Decimal
    token: str


@dataclass
class TimeGroup:
    label: str
    times: list[TimeOption]


@dataclass(frozen=True)
class DayCell:
    day: date
    free: int
    selected: bool
    in_range: bool  # from today to the end of the booking window

    @property
    def offered(self) -> bool:
        return self.free > 0


@dataclass(frozen=True)
class TherapistOption:
    therapist: Therapist
    price: Decimal
    selected: bool


@dataclass
class Picker:
    service: Service
    preference: Therapist | None
    therapists: list[TherapistOption]
    window_start: date
    days: list[DayCell]
    day: date | None
    groups: list[TimeGroup] = field(default_factory=list)
    previous_window: date | None = None
    next_window: date | None = None
    lowest_price: Decimal | None = None
    highest_price: Decimal | None = None

    @property
    def weeks(self) -> list[list[DayCell]]:
        return [self.days[i : i + 7] for i in range(0, len(self.days), 7)]

    @property
    def window_end(self) -> date:
        return self.window_start + timedelta(days=WINDOW_DAYS - 1)

    @property
    def free_days(self) -> int:
        return sum(1 for cell in self.days if cell.offered)

    @property
    def time_count(self) -> int:
        return sum(len(group.times) for group in self.groups)

    @property
    def price(self) -> Decimal | None:
        """The price once it is certain: one therapist, or every therapist at the same price."""
        if self.preference is not None:
            return next(option.price for option in self.therapists if option.selected)
        return self.lowest_price if self.lowest_price == self.highest_price else None


def build_picker(
    *,
    service: Service,
    preference: Therapist | None,
    therapists: list[Therapist],
    window: date | None,
    day: date | None,
    price_for: PriceFor,
    appointment: Appointment | None = None,
    now: datetime | None = None,
    policy: BookingPolicy | None = None,
) -> Picker:
    """Two weeks (Monday to Sunday) of days with their free times, and the times of the chosen day.

    `window`: a day of the fortnight to show (clamped to today .. the end of the booking window);
    `day`: the chosen day, kept when it has free times in the fortnight, else the first that has.
    One availability load (a fixed number of queries) whatever the number of days or therapists.
    """
    now = now or timezone.now()
    policy = policy or BookingPolicy.current()
    first_day = today(now)
    last_day = first_day + timedelta(days=policy.booking_window_days)
    wanted = min(max(window or day or first_day, first_day), last_day)
    start = monday_of(wanted)
    end = start + timedelta(days=WINDOW_DAYS - 1)
    data = _free_times(service, (start, end), preference, appointment=appointment, now=now, policy=policy)
    by_day = slots_by_day(compute_slots(data))
    if day not in by_day:
        day = next(iter(by_day), None)
    options = [
        TherapistOption(
            therapist=t, price=price_for(t), selected=preference is not None and t.pk == preference.pk
        )
        for t in therapists
    ]
    prices = [option.price for option in options]
    picker = Picker(
        service=service,
        preference=preference,
        therapists=options,
        window_start=start,
        days=_day_cells(start, by_day, chosen=day, bookable=(first_day, last_day)),
        day=day,
        previous_window=start - timedelta(days=WINDOW_DAYS) if start > first_day else None,
        next_window=end + timedelta(days=1) if end < last_day else None,
        lowest_price=min(prices) if prices else None,
        highest_price=max(prices) if prices else None,
    )
    if day is not None:
        picker.groups = _group_times(by_day[day], service=service, preference=preference, price_for=price_for)
    return picker


def _day_cells(
    start: date, by_day: dict, *, chosen: date | None, bookable: tuple[date, date]
) -> list[DayCell]:
    """The fortnight from `start`, each day with its number of free times."""
    first_day, last_day = bookable
    return [
        DayCell(
            day=cell_day,
            free=len(by_day.get(cell_day, ())),
            selected=cell_day == chosen,
            in_range=first_day <= cell_day <= last_day,
        )
        for cell_day in (start + timedelta(days=offset) for offset in range(WINDOW_DAYS))
    ]


def _time_option(slot: Slot, *, service: Service, preference: Therapist | None, price_for) -> TimeOption:
    """A free time to choose: who gives it, its price, and the signed slot that books it."""
    therapist_slug = preference.slug if preference is not None else ""
    return TimeOption(
        start=slot.start,
        therapist=slot.therapist,
        price=price_for(slot.therapist),
        token=sign_slot(service=service.slug, start=slot.start, therapist=therapist_slug),
    )


def _group_times(slots: list[Slot], *, service, preference, price_for) -> list[TimeGroup]:
    groups: list[TimeGroup] = []
    for slot in slots:
        label = next(str(label) for hour, label in reversed(PARTS_OF_DAY) if slot.start.hour >= hour)
        if not groups or groups[-1].label != label:
            groups.append(TimeGroup(label=label, times=[]))
        groups[-1].times.append(
            _time_option(slot, service=service, preference=preference, price_for=price_for)
        )
    return groups


def nearest_times(
    *,
    service: Service,
    preference: Therapist | None,
    around: datetime,
    price_for: PriceFor,
    appointment: Appointment | None = None,
    count: int = NEAREST_COUNT,
    now: datetime | None = None,
) -> list[TimeOption]:
    """The free times closest to `around` (a few days either side), in order. One availability load.

    A time in the past looks for the nearest from now.
    """
    now = now or timezone.now()
    around = max(around, now)
    day = local(around).date()
    data = _free_times(
        service,
        (day - timedelta(days=3), day + timedelta(days=7)),
        preference,
        appointment=appointment,
        now=now,
    )
    slots = sorted(compute_slots(data), key=lambda slot: abs((slot.start - around).total_seconds()))[:count]
    return [
        _time_option(slot, service=service, preference=preference, price_for=price_for)
        for slot in sorted(slots, key=lambda slot: slot.start)
    ]


# --- Screening: what this client can book instead ------------------------------------------------


@dataclass(frozen=True)
class Suggestion:
    technique: object
    rows: list  # bookings.selectors.ServicePriceRow: a service and its lowest price

    @property
    def services(self) -> list[Service]:
        return [row.service for row in self.rows]

    @property
    def lowest_price(self) -> Decimal:
        return min(row.price for row in self.rows)


def possible_techniques(questionnaire, *, exclude=None) -> list[Suggestion]:
    """Techniques with bookable services that this questionnaire's screening allows, in order.

    Uses the same test as booking (`check_screening`), doctor's notes included; prices as on the
    price list. Four queries.
    """
    prefetch_related_objects([questionnaire], "clearances")
    suggestions = []
    for group in price_list():
        if exclude is not None and group.technique.pk == exclude.pk:
            continue
        try:
            check_screening(questionnaire=questionnaire, technique=group.technique)
        except BookingError:
            continue
        suggestions.append(Suggestion(technique=group.technique, rows=group.rows))
    return suggestions
