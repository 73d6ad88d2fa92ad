"""Prices: the one place that decides what a session costs. Every page, e-mail and booking asks here.

    level_price(service, level) -> Decimal            a level's own price, else the service's base price
    price_with(service, therapist) -> Decimal         what booking `service` with `therapist` costs now
    price_after_move(appointment, therapist, service=None) -> Decimal
                                                      the agreed price, unless the level changes
    level_prices(service, levels) -> list[LevelPrice] the price list's line: a price per level offered
    booking_prices(service) -> PriceFor               price_with, as a function of the therapist
    move_prices(appointment, service=None) -> PriceFor
                                                      price_after_move, as a function of the therapist
    course_offer(product) -> CourseOffer              a course's price, per session, and the saving
    certificate_value(*, amount=None, service=None) -> Decimal
                                                      what a gift certificate is worth when sold

`service.level_prices` is read with `.all()`, so prefetch `level_prices` when pricing many services
(or many therapists of another level). Amounts are Decimal in the studio's currency; showing them is
`bookings.money.format_money`'s business.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import prefetch_related_objects

from bookings.models import LEVEL_RANK, Appointment, CourseProduct, Level, Service, Therapist

PriceFor = Callable[[Therapist], Decimal]
CENT = Decimal("0.01")


@dataclass(frozen=True)
class LevelPrice:
    level: str
    label: str
    price: Decimal


def level_price(service: Service, level: str) -> Decimal:
    """The price of `service` with a therapist of `level`: its own row if there is one, else the base."""
    for row in service.level_prices.all():
        if row.level == level:
            return row.price
    return service.price


def price_with(service: Service, therapist: Therapist) -> Decimal:
    """What booking `service` with `therapist` costs now: their level's price (what booking charges)."""
    return level_price(service, therapist.level)


def price_after_move(
    appointment: Appointment, therapist: Therapist, service: Service | None = None
) -> Decimal:
    """What `appointment` costs once moved to `therapist`: the agreed price, unless the level changes."""
    if therapist.level == appointment.therapist.level:
        return appointment.price
    return price_with(service or appointment.service, therapist)


def level_prices(service: Service, levels: Iterable[str]) -> list[LevelPrice]:
    """Prices for the offered levels (every level if nobody gives the service yet), in rank order."""
    offered = sorted(set(levels), key=LEVEL_RANK.__getitem__) or list(Level)
    return [LevelPrice(level, Level(level).label, level_price(service, level)) for level in offered]


def booking_prices(service: Service) -> PriceFor:
    """`price_with(service, therapist)` as a function of the therapist, for pickers and suggestions."""
    return lambda therapist: price_with(service, therapist)


def move_prices(appointment: Appointment, service: Service | None = None) -> PriceFor:
    """`price_after_move` as a function of the therapist, for the move picker.

    `service`: the appointment's service with its prices prefetched, when the caller has it. If not,
    they are fetched once, the first time a therapist of another level is priced.
    """
    service = service or appointment.service

    def price(therapist: Therapist) -> Decimal:
        if therapist.level != appointment.therapist.level:
            prefetch_related_objects([service], "level_prices")  # a no-op once fetched
        return price_after_move(appointment, therapist, service)

    return price


@dataclass(frozen=True)
class CourseOffer:
    """A course on the price list: its price, per session, and what it saves against single sessions.

    `single` and `saving` are None for a course of a technique (any length: no one single price)."""

    product: CourseProduct
    price: Decimal
    per_session: Decimal
    single: Decimal | None
    saving: Decimal | None

    @property
    def technique_id(self) -> int:
        product = self.product
        return product.technique_id if product.service_id is None else product.service.technique_id


def course_offer(product: CourseProduct) -> CourseOffer:
    """The price line of `product`: against its service's base price (prefetch `service`)."""
    per_session = (product.price / product.sessions).quantize(CENT, rounding=ROUND_HALF_UP)
    single = saving = None
    if product.service_id is not None:
        single = product.service.price * product.sessions
        saving = max(single - product.price, Decimal("0.00"))
    return CourseOffer(product, price=product.price, per_session=per_session, single=single, saving=saving)


def certificate_value(*, amount: Decimal | None = None, service: Service | None = None) -> Decimal:
    """What a gift certificate is worth when sold: the `amount`, or one session of `service` at its
    base price now (it then pays one whole session of that service, whatever it costs later)."""
    if service is not None:
        return service.price
    if isinstance(amount, float):
        raise TypeError("money is never a float; use Decimal")
    return Decimal(amount).quantize(CENT, rounding=ROUND_HALF_UP)
