"""The studio's opening hours as a visitor reads them, from the therapists' working hours and the closures.

    opening_hours(today=None) -> OpeningHours     two queries, whatever the number of therapists or closures

The studio is open on a weekday from the earliest start to the latest end of its active therapists'
working hours on that weekday: one therapist's break or time off does not shut the door while the
others work. A studio closure shuts it for whole days (both dates included), whatever the hours say.

`OpeningHours.today` is the studio's today (its time zone); `days` are today and the following days
up to a week; `usual_week` is the regular week, Monday first, with consecutive days of the same hours
grouped ("Monday to Friday, 10:00-21:00"); `closures` are the closures from today on within
`CLOSURE_HORIZON`, so a visitor reads "closed on 1 January" before they plan a visit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time, timedelta

from django.db.models import Max, Min
from django.utils import timezone

from bookings.models import StudioClosure, Weekday, WorkingHours

DAYS_SHOWN = 7
CLOSURE_HORIZON = timedelta(days=60)


@dataclass(frozen=True)
class DayHours:
    """One date: open from `opens` to `closes`, or closed (no one works, or a closure)."""

    day: date
    opens: time | None = None
    closes: time | None = None
    closure: StudioClosure | None = None

    @property
    def is_open(self) -> bool:
        return self.opens is not None and self.closure is None

    @property
    def weekday_label(self) -> str:
        return Weekday(self.day.weekday()).label


@dataclass(frozen=True)
class WeekRow:
    """Consecutive weekdays with the same hours (`opens` None: closed on those days)."""

    first: int
    last: int
    opens: time | None
    closes: time | None

    @property
    def first_label(self) -> str:
        return Weekday(self.first).label

    @property
    def last_label(self) -> str:
        return Weekday(self.last).label

    @property
    def is_open(self) -> bool:
        return self.opens is not None

    @property
    def single_day(self) -> bool:
        return self.first == self.last


@dataclass(frozen=True)
class OpeningHours:
    today: DayHours
    days: tuple[DayHours, ...]
    usual_week: tuple[WeekRow, ...]
    closures: tuple[StudioClosure, ...]

    @property
    def next_open(self) -> DayHours | None:
        """The first day after today the studio opens, within the days shown."""
        return next((day for day in self.days[1:] if day.is_open), None)

    @property
    def ever_open(self) -> bool:
        """False while no one has working hours yet (a new studio): pages say so instead of a table."""
        return any(row.is_open for row in self.usual_week)


def weekly_hours() -> dict[int, tuple[time, time]]:
    """Weekday -> (opens, closes) over the active therapists' working hours; closed days are absent."""
    rows = (
        WorkingHours.objects.filter(therapist__active=True)
        .values("weekday")
        .annotate(opens=Min("start"), closes=Max("end"))
        .order_by("weekday")
    )
    return {row["weekday"]: (row["opens"], row["closes"]) for row in rows}


def group_week(weekly: dict[int, tuple[time, time]]) -> tuple[WeekRow, ...]:
    """The seven weekdays, Monday first, consecutive days with the same hours in one row."""
    rows: list[WeekRow] = []
    for weekday in Weekday.values:
        opens, closes = weekly.get(weekday, (None, None))
        previous = rows[-1] if rows else None
        if previous and (previous.opens, previous.closes) == (opens, closes):
            rows[-1] = WeekRow(first=previous.first, last=weekday, opens=opens, closes=closes)
        else:
            rows.append(WeekRow(first=weekday, last=weekday, opens=opens, closes=closes))
    return tuple(rows)


def day_hours(
    day: date, *, weekly: dict[int, tuple[time, time]], closures: tuple[StudioClosure, ...]
) -> DayHours:
    closure = next((c for c in closures if c.start_date <= day <= c.end_date), None)
    opens, closes = weekly.get(day.weekday(), (None, None))
    return DayHours(day=day, opens=opens, closes=closes, closure=closure)


def opening_hours(*, today: date | None = None) -> OpeningHours:
    """The studio's hours from `today` (default: the studio's today) on. Two queries."""
    today = today or timezone.localdate()
    weekly = weekly_hours()
    closures = tuple(
        StudioClosure.objects.overlapping_dates(today, today + CLOSURE_HORIZON).order_by("start_date", "pk")
    )
    days = tuple(
        day_hours(today + timedelta(days=offset), weekly=weekly, closures=closures)
        for offset in range(DAYS_SHOWN)
    )
    return OpeningHours(today=days[0], days=days, usual_week=group_week(weekly), closures=closures)
