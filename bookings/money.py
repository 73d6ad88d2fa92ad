"""Money written the way people write it in the page's language: Decimal in, text out, no floats.

    format_money(Decimal("1800"), "RUB")            ru "1 800 ₽"     en "₽1,800"   (no-break spaces)
    format_money(Decimal("1800.5"), "RUB")          ru "1 800,50 ₽"  en "₽1,800.50"
    format_money(Decimal("60"), "EUR")              ru "60,00 €"     en "€60.00"

The locale's own currency pattern (CLDR, through Babel) in the active language, or `language=`;
amounts are rounded half up to cents, and whole roubles are written without ",00". Where the
language has no symbol of its own for the currency (English says "RUB"), the symbol used in the
studio's country (settings.STUDIO_COUNTRY) is ("₽"). Templates use the `money` filter from `booking_tags`:
`{{ service.price|money }}` (the studio's currency) or `{{ appointment.price|money:appointment.currency }}`.
"""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from babel import Locale
from babel.numbers import format_currency, get_currency_symbol
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from common.dates import current_language

NBSP = "\u00a0"
CENT = Decimal("0.01")
# Currencies whose whole amounts are written without cents ("2 500 ₽", not "2 500,00 ₽").
WHOLE_AMOUNTS_WITHOUT_CENTS = {"RUB"}


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


def _symbol_pattern(code: str, language: str) -> str:
    """The language's currency pattern; the studio country's symbol where the language has only the code."""
    pattern = Locale.parse(language).currency_formats["standard"].pattern
    if get_currency_symbol(code, language) == code:
        home = get_currency_symbol(code, Locale.parse(f"und_{settings.STUDIO_COUNTRY}"))
        if home != code:
            return pattern.replace("¤", f"'{home}'")
        # A code written before the number is kept apart from it (CLDR's currency spacing): "CHF 99.99".
        pattern = pattern.replace("¤#", f"¤{NBSP}#").replace("¤0", f"¤{NBSP}0")
    return pattern


def to_decimal(amount) -> Decimal:
    """A Decimal from a Decimal, int or numeric string (never a float: it cannot hold cents exactly)."""
    if isinstance(amount, float):
        raise TypeError("money is never a float; use Decimal")
    try:
        return Decimal(amount)
    except (InvalidOperation, TypeError, ValueError) as error:
        raise ValueError(f"not an amount of money: {amount!r}") from error


def format_money(amount, currency: str | None = None, *, language: str | None = None) -> str:
    """`amount` in `currency` (default: settings.STUDIO_CURRENCY), rounded half up to cents."""
    code = (currency or settings.STUDIO_CURRENCY).upper()
    language = language or current_language()
    value = to_decimal(amount).quantize(CENT, rounding=ROUND_HALF_UP)
    pattern = _symbol_pattern(code, language)
    if code in WHOLE_AMOUNTS_WITHOUT_CENTS and value == value.to_integral_value():
        pattern = pattern.replace("0.00", "0")
    return format_currency(value, code, format=pattern, locale=language, currency_digits=False)
