"""Dates as people write them in the page's language, by name: one table, every page and e-mail.

    format_day(start, "weekday_date")   ru "понедельник, 1 марта 2027"   en "Monday 1 March 2027"
    format_day(start, "day_month")      ru "1 марта"                     en "1 March"
    format_day(start, "time")           "10:00" (both)

Templates: `{% load locale_tags %}{{ appointment.start|day:"weekday_date" }}`. An aware datetime is
shown in the studio's time zone (invariant 5), a date as it is. The language is the active one
(`translation.override(...)` for e-mails sent later; see bookings/tasks.py).

Why not Django's `date` filter: its Russian weekday names are capitalised ("Понедельник, 1 марта"),
which is wrong inside a sentence, and its format characters have no per-language word order. These
are CLDR patterns (Babel), where "MMMM" after a day is the genitive month ("марта").
"""

from __future__ import annotations

from datetime import date, datetime, time

from babel.dates import format_datetime
from django.conf import settings
from django.utils import timezone, translation

PATTERNS = {
    "ru": {
        "weekday_date": "EEEE, d MMMM y",
        "weekday_day_month": "EEEE, d MMMM",
        "weekday_day_month_time": "EEEE, d MMMM, HH:mm",
        "day_month": "d MMMM",
        "day_month_year": "d MMMM y",
        "month_name": "MMMM",
        "short_weekday": "EEE",
        "short_weekday_day": "EEE, d",
        "short_day_month": "d MMM",
        "short_day_month_year": "d MMM y",
        "short_day_month_time": "d MMM, HH:mm",
        "short_day_month_year_time": "d MMM y, HH:mm",
        "short_weekday_day_month": "EEE, d MMM",
        "short_weekday_day_month_year": "EEE, d MMM y",
        "short_weekday_day_month_time": "EEE, d MMM, HH:mm",
        "time": "HH:mm",
    },
    "en": {
        "weekday_date": "EEEE d MMMM y",
        "weekday_day_month": "EEEE d MMMM",
        "weekday_day_month_time": "EEEE d MMMM, HH:mm",
        "day_month": "d MMMM",
        "day_month_year": "d MMMM y",
        "month_name": "MMMM",
        "short_weekday": "EEE",
        "short_weekday_day": "EEE d",
        "short_day_month": "d MMM",
        "short_day_month_year": "d MMM y",
        "short_day_month_time": "d MMM, HH:mm",
        "short_day_month_year_time": "d MMM y, HH:mm",
        "short_weekday_day_month": "EEE d MMM",
        "short_weekday_day_month_year": "EEE d MMM y",
        "short_weekday_day_month_time": "EEE d MMM, HH:mm",
        "time": "HH:mm",
    },
}


def current_language() -> str:
    language = (translation.get_language() or settings.LANGUAGE_CODE).split("-")[0]
    return language if language in PATTERNS else settings.LANGUAGE_CODE


def format_day(value: date | datetime | time | None, name: str, *, language: str | None = None) -> str:
    """`value` written with the named pattern in `language` (default: the active one); "" for None."""
    if value is None or value == "":
        return ""
    language = language or current_language()
    pattern = PATTERNS[language][name]
    if isinstance(value, datetime):
        moment = timezone.localtime(value) if timezone.is_aware(value) else value
    elif isinstance(value, date):
        moment = datetime.combine(value, time())
    else:
        moment = datetime.combine(date(2000, 1, 3), value)
    return format_datetime(moment, pattern, locale=language)


def when(moment: datetime, *, language: str | None = None) -> str:
    """ "понедельник, 1 марта 2027, 10:00" / "Monday 1 March 2027, 10:00": e-mails' and notes' dates."""
    day = format_day(moment, "weekday_date", language=language)
    return f"{day}, {format_day(moment, 'time', language=language)}"
