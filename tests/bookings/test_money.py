"""Money formatting: Decimal in, the way people write prices out; never floats."""

from decimal import Decimal

import pytest
from django.utils import translation

from bookings.money import currency_name, format_money

NBSP = "\u00a0"


@pytest.mark.parametrize(
    ("amount", "currency", "expected"),
    [
        (Decimal("1800"), "RUB", "₽1,800"),
        (Decimal("800.00"), "RUB", "₽800"),
        (Decimal("1234567.5"), "RUB", "₽1,234,567.50"),
        (Decimal("60"), "EUR", "€60.00"),
        (Decimal("1800.5"), "EUR", "€1,800.50"),
        (Decimal("0.005"), "USD", "$0.01"),  # half up, not banker's rounding
        (Decimal("0.004"), "GBP", "£0.00"),
        (Decimal("-15"), "EUR", "-€15.00"),
        (Decimal("99.99"), "CHF", f"CHF{NBSP}99.99"),
        (1800, "rub", "₽1,800"),
        ("2500.00", "RUB", "₽2,500"),
    ],
)
def test_format_money(amount, currency, expected):
    """In English (the suite's language): the symbol first, a comma between thousands."""
    assert format_money(amount, currency) == expected


@pytest.mark.parametrize(
    ("amount", "currency", "expected"),
    [
        (Decimal("2500"), "RUB", f"2{NBSP}500{NBSP}₽"),
        (Decimal("800.00"), "RUB", f"800{NBSP}₽"),
        (Decimal("1234567.5"), "RUB", f"1{NBSP}234{NBSP}567,50{NBSP}₽"),
        (Decimal("-2500"), "RUB", f"-2{NBSP}500{NBSP}₽"),
        (Decimal("60"), "EUR", f"60,00{NBSP}€"),
        (Decimal("99.99"), "CHF", f"99,99{NBSP}CHF"),
    ],
)
def test_format_money_in_russian(amount, currency, expected):
    """In Russian: spaces between thousands, a decimal comma, the symbol last; whole roubles without ",00"."""
    assert format_money(amount, currency, language="ru") == expected
    with translation.override("ru"):
        assert format_money(amount, currency) == expected


def test_the_studio_currency_is_the_default(settings):
    settings.STUDIO_CURRENCY = "EUR"
    assert format_money(Decimal("60")) == "€60.00"
    assert currency_name() == "euros (EUR)"
    settings.STUDIO_CURRENCY = "CHF"
    assert currency_name() == "CHF"


def test_floats_are_refused():
    with pytest.raises(TypeError, match="never a float"):
        format_money(0.1 + 0.2, "EUR")


def test_garbage_is_refused():
    with pytest.raises(ValueError, match="not an amount"):
        format_money("twelve", "EUR")
