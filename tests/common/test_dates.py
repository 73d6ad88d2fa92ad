"""Dates, times and plurals in both languages: Russian "понедельник, 1 марта 2027" (lower-case
weekday, genitive month), English "Monday 1 March 2027"; times in the studio's zone, 24-hour."""

from datetime import UTC, date, datetime, time

import pytest
from django.template import Context, Template
from django.utils import translation
from django.utils.translation import ngettext

from common.dates import PATTERNS, format_day, when

MONDAY = date(2027, 3, 1)
TEN_IN_MOSCOW = datetime(2027, 3, 1, 7, 0, tzinfo=UTC)  # Europe/Moscow is UTC+3


@pytest.mark.parametrize(
    ("name", "russian", "english"),
    [
        ("weekday_date", "понедельник, 1 марта 2027", "Monday 1 March 2027"),
        ("weekday_day_month", "понедельник, 1 марта", "Monday 1 March"),
        ("day_month", "1 марта", "1 March"),
        ("day_month_year", "1 марта 2027", "1 March 2027"),
        ("short_weekday_day_month", "пн, 1 мар.", "Mon 1 Mar"),
        ("time", "10:00", "10:00"),
    ],
)
def test_named_dates_in_both_languages(name, russian, english):
    assert format_day(TEN_IN_MOSCOW, name, language="ru") == russian
    assert format_day(TEN_IN_MOSCOW, name, language="en") == english
    with translation.override("ru"):
        assert format_day(TEN_IN_MOSCOW, name) == russian


def test_every_name_exists_in_every_language():
    assert PATTERNS["ru"].keys() == PATTERNS["en"].keys()


def test_dates_times_and_nothing():
    assert format_day(MONDAY, "day_month", language="ru") == "1 марта"
    assert format_day(time(9, 5), "time", language="en") == "09:05"
    assert format_day(None, "day_month") == ""


def test_when_is_in_the_studio_time_zone():
    assert when(TEN_IN_MOSCOW, language="ru") == "понедельник, 1 марта 2027, 10:00"
    assert when(TEN_IN_MOSCOW, language="en") == "Monday 1 March 2027, 10:00"


def test_the_day_filter_follows_the_active_language():
    template = Template('{% load locale_tags %}{{ start|day:"weekday_date" }}')
    with translation.override("ru"):
        assert template.render(Context({"start": TEN_IN_MOSCOW})) == "понедельник, 1 марта 2027"
    with translation.override("en"):
        assert template.render(Context({"start": TEN_IN_MOSCOW})) == "Monday 1 March 2027"


def test_django_formats_are_corrected_for_russian():
    """A bare |date (the admin) says "1 марта", not Django's "1 март"."""
    with translation.override("ru"):
        assert Template('{{ d|date:"MONTH_DAY_FORMAT" }}').render(Context({"d": MONDAY})) == "1 марта"
        assert Template("{{ t|time }}").render(Context({"t": time(10)})) == "10:00"
    with translation.override("en"):
        assert Template("{{ t|time }}").render(Context({"t": time(10)})) == "10:00"


@pytest.mark.parametrize(("count", "form"), [(1, 0), (2, 1), (5, 2), (11, 2), (21, 0), (22, 1), (25, 2)])
def test_russian_has_three_plural_forms(count, form):
    """Django's own Russian catalog: "%(num)d minute" has three forms, by the rule our catalog uses too."""
    with translation.override("ru"):
        words = ngettext("%(num)d minute", "%(num)d minutes", count) % {"num": count}
    assert words.split()[-1] == ["минута", "минуты", "минут"][form]
    with translation.override("en"):
        assert ngettext("%(num)d minute", "%(num)d minutes", count).endswith(
            "minute" if count == 1 else "minutes"
        )
