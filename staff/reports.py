"""Reports for managers: bookings, revenue, utilisation and no-shows per week and per therapist.

    report = build_report(first_week=monday, last_week=monday)      5 queries whatever the range
    chart = bar_chart(report, metric="revenue")                      an SVG drawn by the template
    rows = csv_rows(report)                                          for the CSV export (cells made safe)

The figures, for sessions starting in the week (local dates, weeks from Monday):
- bookings: sessions that took or take the time (booked, done, missed); cancellations apart;
- revenue: the prices copied onto the sessions marked done, in the studio's currency (Decimal; a
  session booked in another currency is counted apart, never added in);
- utilisation: booked session time over working time, where working time is the weekly hours of
  the therapists taking bookings, minus their time off and the studio's closure days. The hours
  are today's rows (the studio keeps no history of past hours), so old weeks are an estimate;
- no-show rate: missed sessions over sessions marked done or missed.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from bookings.availability import closed_days, local_midnight, monday_of, studio_zone
from bookings.models import (
    Appointment,
    AppointmentStatus,
    Therapist,
    TimeOff,
    WorkingHours,
)
from bookings.money import format_money
from common.dates import format_day

WEEK = timedelta(days=7)
MAX_WEEKS = 53
METRICS = {
    "bookings": gettext_lazy("Bookings"),
    "revenue": gettext_lazy("Revenue"),
    "utilisation": gettext_lazy("Utilisation"),
    "no_show_rate": gettext_lazy("No-show rate"),
}


@dataclass
class Figures:
    bookings: int = 0
    completed: int = 0
    no_shows: int = 0
    cancelled: int = 0
    revenue: Decimal = field(default_factory=lambda: Decimal("0.00"))
    other_currency: int = 0
    booked_minutes: int = 0
    working_minutes: int = 0

    def add(self, other: Figures) -> None:
        self.bookings += other.bookings
        self.completed += other.completed
        self.no_shows += other.no_shows
        self.cancelled += other.cancelled
        self.revenue += other.revenue
        self.other_currency += other.other_currency
        self.booked_minutes += other.booked_minutes
        self.working_minutes += other.working_minutes

    @property
    def utilisation(self) -> Decimal | None:
        """Booked over working time, as a percentage with one decimal; None without working time."""
        if not self.working_minutes:
            return None
        return _percent(self.booked_minutes, self.working_minutes)

    @property
    def no_show_rate(self) -> Decimal | None:
        marked = self.completed + self.no_shows
        return _percent(self.no_shows, marked) if marked else None

    @property
    def booked_hours(self) -> Decimal:
        return _hours(self.booked_minutes)

    @property
    def working_hours(self) -> Decimal:
        return _hours(self.working_minutes)

    def value(self, metric: str) -> Decimal:
        """The figure a chart draws; missing rates count as zero there (the table shows a dash)."""
        raw = getattr(self, metric)
        return Decimal(raw) if raw is not None else Decimal(0)


def _percent(part: int, whole: int) -> Decimal:
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def _hours(minutes: int) -> Decimal:
    return (Decimal(minutes) / 60).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


@dataclass
class TherapistFigures:
    therapist: Therapist
    figures: Figures


@dataclass
class WeekFigures:
    monday: date
    figures: Figures

    @property
    def sunday(self) -> date:
        return self.monday + timedelta(days=6)


@dataclass
class Report:
    first_week: date
    last_week: date
    currency: str
    weeks: list[WeekFigures]
    therapists: list[TherapistFigures]
    cells: dict[tuple[date, int], Figures]
    total: Figures

    @property
    def last_day(self) -> date:
        return self.last_week + timedelta(days=6)


def build_report(*, first_week: date, last_week: date) -> Report:
    """Figures for the weeks from `first_week` to `last_week` (any day in each; snapped to Mondays)."""
    first_week, last_week = monday_of(first_week), monday_of(last_week)
    if last_week < first_week:
        raise ValueError("the report's last week is before its first")
    if (last_week - first_week) // WEEK + 1 > MAX_WEEKS:
        raise ValueError(f"a report covers at most {MAX_WEEKS} weeks")
    tz = studio_zone()
    currency = settings.STUDIO_CURRENCY
    start, end = local_midnight(first_week, tz), local_midnight(last_week + WEEK, tz)
    mondays = [first_week + WEEK * index for index in range((last_week - first_week) // WEEK + 1)]
    cells = _session_figures(start=start, end=end, tz=tz, currency=currency)

    booked_ids = {therapist_id for _week, therapist_id in cells}
    therapists = list(
        Therapist.objects.filter(Q(active=True) | Q(pk__in=booked_ids)).order_by("order", "name")
    )
    working = [t.pk for t in therapists if t.active]
    _add_working_time(
        cells, therapist_ids=working, first=first_week, last=last_week + timedelta(days=6), tz=tz
    )

    def cell(monday: date, therapist) -> Figures:
        return cells.get((monday, therapist.pk), Figures())

    weeks = [WeekFigures(monday=m, figures=_sum(cell(m, t) for t in therapists)) for m in mondays]
    by_therapist = [
        TherapistFigures(therapist=t, figures=_sum(cell(m, t) for m in mondays)) for t in therapists
    ]
    total = _sum(week.figures for week in weeks)
    return Report(
        first_week=first_week,
        last_week=last_week,
        currency=currency,
        weeks=weeks,
        therapists=by_therapist,
        cells=dict(cells),
        total=total,
    )


def _sum(parts) -> Figures:
    total = Figures()
    for part in parts:
        total.add(part)
    return total


def _session_figures(*, start: datetime, end: datetime, tz, currency: str) -> dict[tuple[date, int], Figures]:
    """Bookings, minutes, cancellations, no-shows and revenue per (week, therapist), from the sessions."""
    cells: dict[tuple[date, int], Figures] = defaultdict(Figures)
    rows = Appointment.objects.filter(start__gte=start, start__lt=end).values_list(
        "therapist_id", "start", "end", "status", "price", "currency"
    )
    for therapist_id, session_start, session_end, status, price, booked_currency in rows:
        figures = cells[monday_of(session_start.astimezone(tz).date()), therapist_id]
        if status == AppointmentStatus.CANCELLED:
            figures.cancelled += 1
            continue
        figures.bookings += 1
        figures.booked_minutes += int((session_end - session_start).total_seconds()) // 60
        if status == AppointmentStatus.NO_SHOW:
            figures.no_shows += 1
        elif status == AppointmentStatus.COMPLETED:
            figures.completed += 1
            if booked_currency == currency:
                figures.revenue += price
            else:
                figures.other_currency += 1
    return cells


def _add_working_time(cells, *, therapist_ids: list[int], first: date, last: date, tz) -> None:
    """Working minutes per (week, therapist): weekly hours minus time off, none on closure days."""
    hours: dict[tuple[int, int], list[tuple[time, time]]] = defaultdict(list)
    for therapist_id, weekday, start, end in WorkingHours.objects.filter(
        therapist_id__in=therapist_ids
    ).values_list("therapist_id", "weekday", "start", "end"):
        hours[therapist_id, weekday].append((start, end))
    range_start, range_end = local_midnight(first, tz), local_midnight(last + timedelta(days=1), tz)
    away: dict[int, list[tuple[datetime, datetime]]] = defaultdict(list)
    for therapist_id, start, end in (
        TimeOff.objects.filter(therapist_id__in=therapist_ids)
        .overlapping(range_start, range_end)
        .values_list("therapist_id", "start", "end")
    ):
        away[therapist_id].append((start, end))
    closed = set(closed_days(first, last))
    day = first
    while day <= last:
        if day not in closed:
            for therapist_id in therapist_ids:
                minutes = 0
                for start, end in hours.get((therapist_id, day.weekday()), ()):
                    period_start = datetime.combine(day, start, tzinfo=tz)
                    period_end = datetime.combine(day, end, tzinfo=tz)
                    minutes += _minutes_free(period_start, period_end, away.get(therapist_id, ()))
                if minutes:
                    cells[monday_of(day), therapist_id].working_minutes += minutes
        day += timedelta(days=1)


def _minutes_free(start: datetime, end: datetime, away) -> int:
    """Minutes of [start, end) not covered by any of the `away` periods (which may overlap)."""
    cuts = sorted((max(a, start), min(b, end)) for a, b in away if a < end and b > start)
    free, cursor = timedelta(0), start
    for cut_start, cut_end in cuts:
        if cut_start > cursor:
            free += cut_start - cursor
        cursor = max(cursor, cut_end)
    if end > cursor:
        free += end - cursor
    return int(free.total_seconds()) // 60


# --- The chart ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    label: str
    value: str
    show_label: bool = True


@dataclass(frozen=True)
class Tick:
    y: float
    label: str


@dataclass
class Chart:
    metric: str
    title: str
    description: str
    width: int
    height: int
    bars: list[Bar]
    ticks: list[Tick]
    baseline: float
    left: float
    right: float


CHART_WIDTH, CHART_HEIGHT = 640, 280
PLOT_LEFT, PLOT_RIGHT, PLOT_TOP, PLOT_BOTTOM = 64, 16, 16, 48


def format_metric(metric: str, value, currency: str) -> str:
    if value is None:
        return "\u2013"
    if metric == "revenue":
        return format_money(value, currency)
    if metric in ("utilisation", "no_show_rate"):
        return f"{value}%"
    return str(value)


def _nice_ceiling(value: Decimal) -> Decimal:
    """A round number at or above `value` for the top of the axis (1, 2, 2.5, 5 times a power of ten)."""
    if value <= 0:
        return Decimal(1)
    exponent = value.adjusted()
    for step in (Decimal(1), Decimal(2), Decimal("2.5"), Decimal(5), Decimal(10)):
        candidate = step.scaleb(exponent)
        if candidate >= value:
            return candidate
    return Decimal(10).scaleb(exponent)


def bar_chart(report: Report, *, metric: str) -> Chart:
    """Bars of `metric` per week, positions computed here so the template only writes attributes."""
    if metric not in METRICS:
        raise ValueError(f"unknown metric {metric!r}")
    values = [week.figures.value(metric) for week in report.weeks]
    top = Decimal(100) if metric in ("utilisation", "no_show_rate") else _nice_ceiling(max(values, default=0))
    top = max(top, max(values, default=Decimal(0)))
    plot_width = CHART_WIDTH - PLOT_LEFT - PLOT_RIGHT
    plot_height = CHART_HEIGHT - PLOT_TOP - PLOT_BOTTOM
    slot = plot_width / max(len(values), 1)
    width = slot * 0.6
    baseline = PLOT_TOP + plot_height
    # Every week keeps its bar and its value (in the bar's <title> and the table); the axis names
    # at most about a dozen of them, so that the labels never run into each other.
    label_every = -(-len(values) // 13) or 1
    bars = []
    for index, (week, value) in enumerate(zip(report.weeks, values, strict=True)):
        height = float(value / top) * plot_height if top else 0.0
        bars.append(
            Bar(
                x=round(PLOT_LEFT + slot * index + (slot - width) / 2, 1),
                y=round(baseline - height, 1),
                width=round(width, 1),
                height=round(height, 1),
                label=format_day(week.monday, "short_day_month"),
                value=format_metric(metric, getattr(week.figures, metric), report.currency),
                show_label=index % label_every == 0,
            )
        )
    ticks = [
        Tick(
            y=round(baseline - plot_height * step / 4, 1),
            label=format_metric(metric, _tick_value(top * step / 4, metric), report.currency),
        )
        for step in range(5)
    ]
    name = str(METRICS[metric])
    first = format_day(report.first_week, "short_day_month_year")
    last = format_day(report.last_day, "short_day_month_year")
    description = "; ".join(f"{bar.label}: {bar.value}" for bar in bars)
    return Chart(
        metric=metric,
        title=_("%(metric)s per week, %(first)s to %(last)s")
        % {"metric": name, "first": first, "last": last},
        description=description,
        width=CHART_WIDTH,
        height=CHART_HEIGHT,
        bars=bars,
        ticks=ticks,
        baseline=baseline,
        left=PLOT_LEFT,
        right=CHART_WIDTH - PLOT_RIGHT,
    )


def _tick_value(value: Decimal, metric: str):
    """An axis label's value: whole (money, percent), or with one decimal for a few bookings."""
    if metric == "bookings":
        return value.quantize(Decimal("0.1")).normalize() if value % 1 else int(value)
    return value.quantize(Decimal("1"), rounding=ROUND_HALF_UP)


# --- CSV ----------------------------------------------------------------------------------------

# A spreadsheet runs a cell that starts like a formula; a leading apostrophe makes it text.
FORMULA_START = re.compile(r"^[=+\-@\t\r]")


def csv_safe(value) -> str:
    """`value` as CSV cell text that no spreadsheet will run as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if FORMULA_START.match(text) else text


CSV_HEADER = [
    "week_start",
    "week_end",
    "therapist",
    "bookings",
    "completed",
    "no_shows",
    "cancelled",
    "revenue",
    "currency",
    "booked_hours",
    "working_hours",
    "utilisation_percent",
    "no_show_rate_percent",
]


def csv_rows(report: Report) -> list[list[str]]:
    """A header, then per week a line per therapist and one for the whole studio; all cells safe."""
    rows = [CSV_HEADER]
    everyone = _("All therapists")
    for week in report.weeks:
        lines = [
            (
                therapist_figures.therapist.name,
                report.cells.get((week.monday, therapist_figures.therapist.pk)),
            )
            for therapist_figures in report.therapists
        ]
        lines.append((everyone, week.figures))
        for name, figures in lines:
            figures = figures or Figures()
            rows.append(
                [
                    csv_safe(cell)
                    for cell in (
                        week.monday.isoformat(),
                        week.sunday.isoformat(),
                        name,
                        figures.bookings,
                        figures.completed,
                        figures.no_shows,
                        figures.cancelled,
                        f"{figures.revenue:.2f}",
                        report.currency,
                        figures.booked_hours,
                        figures.working_hours,
                        "" if figures.utilisation is None else figures.utilisation,
                        "" if figures.no_show_rate is None else figures.no_show_rate,
                    )
                ]
            )
    return rows
