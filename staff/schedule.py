"""The day and week schedules the staff area draws: read-only, in a fixed number of queries.

    day_schedule(access=..., day=..., now=...) -> DaySchedule     6 queries whatever the data
    week_schedule(access=..., day=..., now=...) -> WeekSchedule   6 queries

The day view is a CSS grid: a time gutter, then one column per therapist; a row is ROW_MINUTES of
wall-clock time, row 1 is the column heads. Items carry their grid position as numbers that the
template turns into classes (`r-<row> s-<span> c-<column>`, defined in static/css/staff.css by
`grid_css()`), because the Content-Security-Policy allows no style attributes.

Who is shown follows `StaffAccess`: everyone for those who see all schedules, otherwise only the
therapist linked to the login. Cancelled sessions are listed apart (they no longer take the time).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import Q
from django.utils import timezone

from bookings.availability import local_midnight, monday_of, studio_zone
from bookings.models import (
    Appointment,
    AppointmentStatus,
    StudioClosure,
    Therapist,
    TimeOff,
    WorkingHours,
)
from staff.screening import Flag, screening_flags

ROW_MINUTES = 5
DAY_MINUTES = 24 * 60
HEADER_ROWS = 1
MAX_COLUMNS = 40  # the time gutter and up to 39 therapists get a column class
DEFAULT_DAY = (9 * 60, 18 * 60)


def grid_css() -> str:
    """The position classes the day grid uses; static/css/staff.css holds this text (a test checks)."""
    rows = DAY_MINUTES // ROW_MINUTES
    lines = [f".r-{n}{{grid-row-start:{n}}}" for n in range(1, rows + HEADER_ROWS + 1)]
    lines += [f".s-{n}{{grid-row-end:span {n}}}" for n in range(1, rows + 1)]
    lines += [f".c-{n}{{grid-column-start:{n}}}" for n in range(1, MAX_COLUMNS + 1)]
    lines += [
        f".cols-{n}{{grid-template-columns:var(--gutter) repeat({n},minmax(var(--column-min),1fr))}}"
        for n in range(1, MAX_COLUMNS)
    ]
    return "\n".join(lines) + "\n"


# --- Shared pieces ----------------------------------------------------------------------------


@dataclass
class AppointmentItem:
    appointment: Appointment
    flags: list[Flag]
    start: datetime  # local
    end: datetime  # local
    row: int = 0
    span: int = 0
    column: int = 0

    @property
    def position(self) -> str:
        """The grid classes (row, span, column) that place the block."""
        return f"r-{self.row} s-{self.span} c-{self.column}"

    @property
    def size(self) -> str:
        """How much fits in the block: "xs" (one line), "sm" (two: the service beside the flags) or "lg"
        (time, client, service and flags each on a line, which a 45-minute block has room for)."""
        minutes = self.span * ROW_MINUTES
        return "xs" if minutes <= 20 else "sm" if minutes < 45 else "lg"


@dataclass
class Period:
    start: datetime  # local
    end: datetime  # local
    label: str = ""
    row: int = 0
    span: int = 0
    column: int = 0

    @property
    def position(self) -> str:
        return f"r-{self.row} s-{self.span} c-{self.column}"


def _wall_minute(moment: datetime, day: date, tz) -> int:
    """Minutes since local midnight of `day`, clipped to the day (0..1440)."""
    local = timezone.localtime(moment, tz)
    if local.date() < day:
        return 0
    if local.date() > day:
        return DAY_MINUTES
    return local.hour * 60 + local.minute


def _appointments(access, *, therapist_ids, start: datetime, end: datetime):
    """Appointments of these therapists overlapping [start, end), with what the blocks show. 2 queries."""
    return list(
        access.scope(Appointment.objects.filter(therapist_id__in=therapist_ids))
        .filter(start__lt=end, end__gt=start)
        .select_related("service__technique", "therapist", "questionnaire")
        .prefetch_related("questionnaire__clearances")
        .order_by("start", "pk")
    )


def _therapists(access, *, start: datetime, end: datetime) -> list[Therapist]:
    """Active therapists, and inactive ones who still have sessions in the range. 1 query."""
    busy = Q(appointments__start__lt=end, appointments__end__gt=start)
    ids = Therapist.objects.filter(Q(active=True) | busy).values("pk")
    return list(access.scope_therapists(Therapist.objects.filter(pk__in=ids)).order_by("order", "name"))


def hours_label(periods) -> str:
    return ", ".join(f"{start:%H:%M}\u2013{end:%H:%M}" for start, end in periods)


# --- The day ----------------------------------------------------------------------------------


@dataclass
class Column:
    therapist: Therapist
    column: int
    hours: list[tuple[time, time]]
    working: list[Period] = field(default_factory=list)
    breaks: list[Period] = field(default_factory=list)
    time_off: list[Period] = field(default_factory=list)
    items: list[AppointmentItem] = field(default_factory=list)
    cancelled: list[AppointmentItem] = field(default_factory=list)
    now_index: int | None = None  # where "now" falls in `items` (the phone list marks it), today only

    @property
    def hours_text(self) -> str:
        return hours_label(self.hours)

    @property
    def now_at_end(self) -> bool:
        return self.now_index is not None and self.now_index == len(self.items)


@dataclass
class HourMark:
    label: str
    row: int
    span: int


@dataclass
class DaySchedule:
    day: date
    today: date
    first_minute: int
    last_minute: int
    columns: list[Column]
    hour_marks: list[HourMark]
    closure: StudioClosure | None
    now_row: int | None
    now_label: str
    body_rows: int

    @property
    def is_today(self) -> bool:
        return self.day == self.today

    @property
    def previous(self) -> date:
        return self.day - timedelta(days=1)

    @property
    def next(self) -> date:
        return self.day + timedelta(days=1)

    @property
    def appointment_count(self) -> int:
        return sum(len(column.items) for column in self.columns)

    @property
    def column_count(self) -> int:
        return len(self.columns)

    @property
    def body_span(self) -> str:
        """Classes for something covering every row under the heads."""
        return f"r-{HEADER_ROWS + 1} s-{self.body_rows}"


def _row(minute: int, first: int) -> int:
    return HEADER_ROWS + 1 + (minute - first) // ROW_MINUTES


def _span(start_minute: int, end_minute: int, first: int) -> int:
    start_index = (start_minute - first) // ROW_MINUTES
    end_index = -(-(end_minute - first) // ROW_MINUTES)
    return max(1, end_index - start_index)


def _place(item, start_minute: int, end_minute: int, first: int, last: int, column: int) -> bool:
    """Give `item` its grid position, clipped to the visible hours; False when it is outside them."""
    start_minute, end_minute = max(start_minute, first), min(end_minute, last)
    if end_minute <= start_minute:
        return False
    item.row = _row(start_minute, first)
    item.span = _span(start_minute, end_minute, first)
    item.column = column
    return True


def day_schedule(*, access, day: date, now: datetime | None = None) -> DaySchedule:
    """Everything the day view draws for `day` (a local date)."""
    now = now or timezone.now()
    tz = studio_zone()
    start, end = local_midnight(day, tz), local_midnight(day + timedelta(days=1), tz)
    therapists = _therapists(access, start=start, end=end)
    ids = [therapist.pk for therapist in therapists]
    hours = _working_hours(ids, day)
    time_off = list(TimeOff.objects.filter(therapist_id__in=ids).overlapping(start, end).order_by("start"))
    closure = StudioClosure.objects.overlapping_dates(day, day).first()
    appointments = _appointments(access, therapist_ids=ids, start=start, end=end)
    frame = _Frame(day, tz, *_visible_minutes(hours, appointments, day, tz))

    columns = [
        Column(therapist=t, column=index + 2, hours=hours.get(t.pk, [])) for index, t in enumerate(therapists)
    ]
    by_id = {column.therapist.pk: column for column in columns}
    for column in columns:
        _place_hours(column, frame)
    for off in time_off:
        _place_time_off(by_id[off.therapist_id], off, frame)
    for appointment in appointments:
        _place_appointment(by_id[appointment.therapist_id], appointment, frame, now=now)
    today, now_row = _mark_now(columns, frame, now)
    first, last = frame.first, frame.last
    hour_marks = [
        HourMark(label=f"{minute // 60:02d}:00", row=_row(minute, first), span=60 // ROW_MINUTES)
        for minute in range(first, last, 60)
    ]
    return DaySchedule(
        day=day,
        today=today,
        first_minute=first,
        last_minute=last,
        columns=columns,
        hour_marks=hour_marks,
        closure=closure,
        now_row=now_row,
        now_label=f"{timezone.localtime(now, tz):%H:%M}",
        body_rows=(last - first) // ROW_MINUTES,
    )


@dataclass(frozen=True)
class _Frame:
    """The day drawn: its date and zone, and the visible minutes [first, last) after midnight."""

    day: date
    tz: object
    first: int
    last: int

    def place(self, item, start_minute: int, end_minute: int, column: int) -> bool:
        return _place(item, start_minute, end_minute, self.first, self.last, column)

    def wall(self, moment: datetime) -> int:
        return _wall_minute(moment, self.day, self.tz)


def _working_hours(therapist_ids: list[int], day: date) -> dict[int, list[tuple[time, time]]]:
    """Each therapist's working periods on `day`'s weekday, in order."""
    hours: dict[int, list[tuple[time, time]]] = {}
    for therapist_id, period_start, period_end in (
        WorkingHours.objects.filter(therapist_id__in=therapist_ids, weekday=day.weekday())
        .order_by("start")
        .values_list("therapist_id", "start", "end")
    ):
        hours.setdefault(therapist_id, []).append((period_start, period_end))
    return hours


def _visible_minutes(hours, appointments, day: date, tz) -> tuple[int, int]:
    """The visible hours: whole hours around the working hours and the sessions of the day."""
    minutes = [m for periods in hours.values() for a, b in periods for m in (_minute(a), _minute(b))]
    for appointment in appointments:
        if appointment.status != AppointmentStatus.CANCELLED:
            minutes += [_wall_minute(appointment.start, day, tz), _wall_minute(appointment.end, day, tz)]
    low, high = (min(minutes), max(minutes)) if minutes else DEFAULT_DAY
    first = max(0, low // 60 * 60)
    return first, min(DAY_MINUTES, max(-(-high // 60) * 60, first + 60))


def _place_hours(column: Column, frame: _Frame) -> None:
    """The column's working blocks, and the breaks between them."""
    day, tz = frame.day, frame.tz
    previous_end = None
    for period_start, period_end in column.hours:
        a, b = _minute(period_start), _minute(period_end)
        block = Period(start=_at(day, a, tz), end=_at(day, b, tz))
        if frame.place(block, a, b, column.column):
            column.working.append(block)
        if previous_end is not None and a > previous_end:
            gap = Period(start=_at(day, previous_end, tz), end=_at(day, a, tz))
            if frame.place(gap, previous_end, a, column.column):
                column.breaks.append(gap)
        previous_end = b


def _place_time_off(column: Column, off, frame: _Frame) -> None:
    start, end = timezone.localtime(off.start, frame.tz), timezone.localtime(off.end, frame.tz)
    block = Period(start=start, end=end, label=off.reason)
    if frame.place(block, frame.wall(off.start), frame.wall(off.end), column.column):
        column.time_off.append(block)


def _place_appointment(column: Column, appointment, frame: _Frame, *, now: datetime) -> None:
    """A session in its column (with its screening flags); cancelled ones are listed, not drawn."""
    item = AppointmentItem(
        appointment=appointment,
        flags=screening_flags(appointment, at=min(now, appointment.start)),
        start=timezone.localtime(appointment.start, frame.tz),
        end=timezone.localtime(appointment.end, frame.tz),
    )
    if appointment.status == AppointmentStatus.CANCELLED:
        column.cancelled.append(item)
        return
    frame.place(item, frame.wall(appointment.start), frame.wall(appointment.end), column.column)
    column.items.append(item)


def _mark_now(columns: list[Column], frame: _Frame, now: datetime) -> tuple[date, int | None]:
    """Today's date, and on today's schedule the row of "now" and each column's first session to come."""
    today = timezone.localtime(now, frame.tz).date()
    if frame.day != today:
        return today, None
    for column in columns:
        column.now_index = next(
            (index for index, item in enumerate(column.items) if item.appointment.end > now),
            len(column.items),
        )
    now_minute = frame.wall(now)
    return today, _row(now_minute, frame.first) if frame.first <= now_minute < frame.last else None


def _minute(moment: time) -> int:
    return moment.hour * 60 + moment.minute


def _at(day: date, minute: int, tz) -> datetime:
    if minute >= DAY_MINUTES:
        return local_midnight(day + timedelta(days=1), tz)
    return datetime.combine(day, time(minute // 60, minute % 60), tzinfo=tz)


# --- The week ---------------------------------------------------------------------------------


@dataclass
class WeekCell:
    day: date
    hours: list[tuple[time, time]]
    items: list[AppointmentItem] = field(default_factory=list)
    time_off: list[Period] = field(default_factory=list)
    closed: bool = False

    @property
    def hours_text(self) -> str:
        return hours_label(self.hours)


@dataclass
class WeekRow:
    therapist: Therapist
    cells: list[WeekCell]

    @property
    def appointment_count(self) -> int:
        return sum(len(cell.items) for cell in self.cells)


@dataclass
class WeekDay:
    day: date
    closure: StudioClosure | None
    is_today: bool
    items: list[AppointmentItem] = field(default_factory=list)  # everyone's, in time order


@dataclass
class WeekSchedule:
    monday: date
    today: date
    days: list[WeekDay]
    rows: list[WeekRow]

    @property
    def sunday(self) -> date:
        return self.monday + timedelta(days=6)

    @property
    def previous(self) -> date:
        return self.monday - timedelta(days=7)

    @property
    def next(self) -> date:
        return self.monday + timedelta(days=7)

    @property
    def appointment_count(self) -> int:
        return sum(row.appointment_count for row in self.rows)


def week_schedule(*, access, day: date, now: datetime | None = None) -> WeekSchedule:
    """Monday to Sunday of the week holding `day`: a row per therapist, a cell per day."""
    now = now or timezone.now()
    tz = studio_zone()
    monday = monday_of(day)
    days = [monday + timedelta(days=offset) for offset in range(7)]
    start, end = local_midnight(monday, tz), local_midnight(monday + timedelta(days=7), tz)
    therapists = _therapists(access, start=start, end=end)
    ids = [therapist.pk for therapist in therapists]
    hours: dict[tuple[int, int], list[tuple[time, time]]] = {}
    for therapist_id, weekday, period_start, period_end in (
        WorkingHours.objects.filter(therapist_id__in=ids)
        .order_by("start")
        .values_list("therapist_id", "weekday", "start", "end")
    ):
        hours.setdefault((therapist_id, weekday), []).append((period_start, period_end))
    closures = list(StudioClosure.objects.overlapping_dates(days[0], days[-1]))
    closed = {d: next((c for c in closures if c.start_date <= d <= c.end_date), None) for d in days}
    rows = [
        WeekRow(
            therapist=t,
            cells=[
                WeekCell(day=d, hours=hours.get((t.pk, d.weekday()), []), closed=bool(closed[d]))
                for d in days
            ],
        )
        for t in therapists
    ]
    by_id = {row.therapist.pk: row for row in rows}
    for off in TimeOff.objects.filter(therapist_id__in=ids).overlapping(start, end).order_by("start"):
        local_start, local_end = timezone.localtime(off.start, tz), timezone.localtime(off.end, tz)
        for cell in by_id[off.therapist_id].cells:
            day_start = local_midnight(cell.day, tz)
            if local_start < day_start + timedelta(days=1) and local_end > day_start:
                cell.time_off.append(Period(start=local_start, end=local_end, label=off.reason))
    for appointment in _appointments(access, therapist_ids=ids, start=start, end=end):
        if appointment.status == AppointmentStatus.CANCELLED:
            continue
        local_start = timezone.localtime(appointment.start, tz)
        row = by_id[appointment.therapist_id]
        cell = row.cells[(local_start.date() - monday).days] if local_start.date() >= monday else row.cells[0]
        cell.items.append(
            AppointmentItem(
                appointment=appointment,
                flags=screening_flags(appointment, at=min(now, appointment.start)),
                start=local_start,
                end=timezone.localtime(appointment.end, tz),
            )
        )
    today = timezone.localtime(now, tz).date()
    week_days = [WeekDay(day=d, closure=closed[d], is_today=d == today) for d in days]
    for row in rows:
        for week_day, cell in zip(week_days, row.cells, strict=True):
            week_day.items.extend(cell.items)
    for week_day in week_days:
        week_day.items.sort(key=lambda item: (item.start, item.appointment.pk))
    return WeekSchedule(monday=monday, today=today, days=week_days, rows=rows)
