"""Money shown the way people write it: "1 800 ₽", "€60.00". Decimal in, text out, no floats.

    format_money(Decimal("1800"), "RUB")  -> "1 800 ₽"   (no-break spaces)
    format_money(Decimal("60"), "EUR")    -> "€60.00"

Templates use the `money` filter from `booking_tags`: `{{ service.price|money }}` (the studio's
currency) or `{{ appointment.price|money:appointment.currency }}` (the currency it was booked in).
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.conf import settings
from django.utils.translation import gettext_lazy as _

NBSP = "\u00a0"
CENT = Decimal("0.01")


@dataclass(frozen=True)
class CurrencyStyle:
    symbol: str
    symbol_first: bool
    group: str
    decimal: str
    drop_zero_cents: bool
    gap: str


STYLES = {
    "RUB": CurrencyStyle("₽", symbol_first=False, group=NBSP, decimal=",", drop_zero_cents=True, gap=NBSP),
    "EUR": CurrencyStyle("€", symbol_first=True, group=",", decimal=".", drop_zero_cents=False, gap=""),
    "USD": CurrencyStyle("$", symbol_first=True, group=",", decimal=".", drop_zero_cents=False, gap=""),
    "GBP": CurrencyStyle("£", symbol_first=True, group=",", decimal=".", drop_zero_cents=False, gap=""),
}


CURRENCY_NAMES = {
    "RUB": _("Russian roubles"),
    "EUR": _("euros"),
    "USD": _("US dollars"),
    "GBP": _("pounds sterling"),
}


def currency_name(code: str | None = None) -> str:
    """ "Russian roubles (RUB)" for the price list's small print; just the code when we have no name."""
    code = (code or settings.STUDIO_CURRENCY).upper()
    name = CURRENCY_NAMES.get(code)
    return f"{name} ({code})" if name else code


def currency_style(code: str) -> CurrencyStyle:
    code = (code or "").upper()
    return STYLES.get(
        code, CurrencyStyle(code, symbol_first=False, group=",", decimal=".", drop_zero_cents=False, gap=NBSP)
    )


def to_decimal(amount) -> Decimal:
    """A Decimal from a Decimal, int or numeric string (never a float: it cannot hold cents exactly)."""
    if isinstance(amount, float):
        raise TypeError("money is never a float; use Decimal")
    try:
        return Decimal(amount)
    except (InvalidOperation, TypeError, ValueError) as error:
        raise ValueError(f"not an amount of money: {amount!r}") from error


def format_money(amount, currency: str | None = None) -> str:
    """`amount` in `currency` (default: settings.STUDIO_CURRENCY), rounded half up to cents."""
    style = currency_style(currency or settings.STUDIO_CURRENCY)
    value = to_decimal(amount).quantize(CENT, rounding=ROUND_HALF_UP)
    sign = "-" if value < 0 else ""
    whole, cents = f"{abs(value):.2f}".split(".")
    groups = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    groups.insert(0, whole)
    number = style.group.join(groups)
    if not (style.drop_zero_cents and cents == "00"):
        number = f"{number}{style.decimal}{cents}"
    if style.symbol_first:
        return f"{sign}{style.symbol}{style.gap}{number}"
    return f"{sign}{number}{style.gap}{style.symbol}"
