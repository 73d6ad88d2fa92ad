"""bookings.pricing: the one place prices are decided."""

from decimal import Decimal

import pytest

from bookings.models import Level
from bookings.pricing import booking_prices, level_price, level_prices, move_prices, price_after_move
from tests.bookings.factories import MONDAY, at, make_appointment, make_service, make_therapist

pytestmark = pytest.mark.django_db


def test_price_for_a_level_falls_back_to_the_base_price():
    service = make_service(price="2500.00", level_prices={Level.MASTER: "3300.00"})
    assert level_price(service, Level.MASTER) == Decimal("3300.00")
    assert level_price(service, Level.SENIOR) == Decimal("2500.00")
    assert level_price(service, Level.THERAPIST) == Decimal("2500.00")


def test_level_prices_are_in_rank_order_and_cover_every_level_when_nobody_gives_it():
    service = make_service(price="2500.00", level_prices={Level.MASTER: "3300.00"})
    assert [row.level for row in level_prices(service, [Level.MASTER, Level.THERAPIST])] == [
        Level.THERAPIST,
        Level.MASTER,
    ]
    assert [row.price for row in level_prices(service, [])] == [
        Decimal("2500.00"),
        Decimal("2500.00"),
        Decimal("3300.00"),
    ]


def test_a_move_keeps_the_agreed_price_unless_the_level_changes():
    service = make_service(price="2500.00", level_prices={Level.MASTER: "3300.00"})
    anna = make_therapist("anna", level=Level.THERAPIST, services=[service])
    boris = make_therapist("boris", level=Level.THERAPIST, services=[service])
    vera = make_therapist("vera", level=Level.MASTER, services=[service])
    appointment = make_appointment(service=service, therapist=anna, start=at(MONDAY, "10:00"))
    appointment.price = Decimal("2000.00")  # agreed before the price list changed
    assert price_after_move(appointment, boris) == Decimal("2000.00")
    assert price_after_move(appointment, vera) == Decimal("3300.00")
    assert move_prices(appointment)(vera) == Decimal("3300.00")
    assert booking_prices(service)(boris) == Decimal("2500.00")
