"""The availability engine: the start times at which a service can be booked.

Two steps, so that the rules are a pure function over plain data:

    data = load_availability_data(service=service, first_day=date1, last_day=date2, therapist=None)
    slots = compute_slots(data)   # [Slot(start, end, therapist), ...] sorted by start

`load_availability_data` runs at most six queries whatever the number of days or therapists
(booking rules, working hours with their therapists, time off, closures, rooms, appointments and
unexpired waitlist holds in one UNION);
`compute_slots` runs none. With `therapist=None` ("any therapist") the slots are merged: one per
start time, with the therapist who would take it chosen fairly and deterministically (the one
with the fewest minutes already booked that day, then the lowest id). `book_appointment` uses the
same choice, so the therapist a client is shown is the one they get.

The rules, all in the studio's time zone (`settings.TIME_ZONE`, read at call time):
- sessions start on a grid of `BookingPolicy.slot_step_minutes` from local midnight, in wall-clock
  time; on the day clocks go forward the missing hour has no slots, on the day they go back the
  repeated hour is offered once (its first occurrence);
- the session [start, end) lies inside one working-hours period and outside time off; its buffer
  may run past the end of the period (tidying up at closing time or before a break);
- the blocked time [start, end + buffer) overlaps no active appointment of the therapist, and, for a
  service that needs a room, some active room is free for all of it (invariant 1);
- not on a studio closure day; at least the minimum notice from now; no later than the booking
  window (today + `booking_window_days`, in local dates); only active therapists who perform the
  service, only an active service (invariant 2).

`unavailable_reason(data, therapist=..., start=...)` says in words a client can read why a given
start is not bookable with that therapist (None when it is), `any_therapist_reason(data, start=...)`
the same for "any therapist" without naming anyone; `book_appointment` shows them when refusing.
Inside the engine instants are integer seconds since the epoch (the appointments are read from the
database that way), free starts are whole runs of the grid between blockers (a `range` each, not a
test per start), and room occupancy is worked out once per start, whoever asks. `bookable_starts`
gives the starts as plain integers (the availability API writes its JSON from them); `compute_slots`
wraps them in `Slot`s for the pages. The cost per candidate start stays flat in the number of
therapists (bench/availability.py prints it).
"""

from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from bookings.intervals import EpochSeconds, Intervals
from bookings.models import (
    Appointment,
    BookingPolicy,
    Room,
    Service,
    StudioClosure,
    Therapist,
    TimeOff,
    WaitlistOffer,
    WorkingHours,
)
from common.dates import format_day

DAY = timedelta(days=1)
# The therapist fields loaded with the slots (others load on access): enough to show and price them.
# In the model's field order, as Model.from_db expects.
THERAPIST_FIELDS = [
    field.attname
    for field in Therapist._meta.concrete_fields
    if field.attname in {"slug", "name", "level", "headline", "photo", "active", "order", "user_id"}
]


def studio_zone() -> ZoneInfo:
    """The studio's time zone, read now so that tests (and a changed setting) take effect."""
    return ZoneInfo(settings.TIME_ZONE)


@dataclass(frozen=True)
class Slot:
    """A bookable start: aware datetimes in the studio's zone, and who would give the session."""

    start: datetime
    end: datetime
    therapist: Therapist


@dataclass
class AvailabilityData:
    """Everything the rules need, loaded once. Instants are aware datetimes, but the appointments'
    are epoch seconds (the engine's unit; there are many of them)."""

    service: Service
    policy: BookingPolicy
    tz: ZoneInfo
    now: datetime
    first_day: date
    last_day: date
    therapists: list[Therapist] = field(default_factory=list)
    # therapist id -> weekday -> [(start, end)] wall-clock periods
    hours: dict[int, dict[int, list[tuple[time, time]]]] = field(default_factory=dict)
    time_off: dict[int, list[tuple[datetime, datetime]]] = field(default_factory=dict)
    closed_days: frozenset[date] = frozenset()
    # therapist id -> [(start, end, blocked_until)] of their active appointments, in epoch seconds
    appointments: dict[int, list[tuple[int, int, int]]] = field(default_factory=dict)
    room_ids: list[int] = field(default_factory=list)
    # room id -> [(start, blocked_until)] of active appointments in that room, in epoch seconds
    room_busy: dict[int, list[tuple[int, int]]] = field(default_factory=dict)
    # The minimum notice in force: the policy's for clients online, none for the front desk.
    min_notice: timedelta | None = None

    def __post_init__(self):
        if self.min_notice is None:
            self.min_notice = self.policy.min_notice

    @property
    def today(self) -> date:
        return self.now.astimezone(self.tz).date()

    @property
    def last_bookable_day(self) -> date:
        return self.today + timedelta(days=self.policy.booking_window_days)


def load_availability_data(
    *,
    service: Service,
    first_day: date,
    last_day: date,
    therapist: Therapist | None = None,
    now: datetime | None = None,
    policy: BookingPolicy | None = None,
    exclude_appointment_id: int | None = None,
    min_notice: timedelta | None = None,
) -> AvailabilityData:
    """Load what `compute_slots` needs for `service` from `first_day` to `last_day` (local dates).

    `therapist=None` loads every active therapist who performs the service. Days before today or
    past the booking window are dropped before querying. `exclude_appointment_id` leaves one
    appointment out (the one being moved, so it does not block its own new time). `min_notice`
    replaces the policy's minimum notice: the front desk books walk-ins with none
    (`timedelta(0)`: any time still to come).
    """
    now = now or timezone.now()
    policy = policy or BookingPolicy.current()
    tz = studio_zone()
    data = AvailabilityData(
        service=service,
        policy=policy,
        tz=tz,
        now=now,
        first_day=first_day,
        last_day=last_day,
        min_notice=min_notice,
    )
    # Only days from today to the end of the booking window can have slots; clamping first also
    # keeps absurd dates (year 1 or 9999) away from any date arithmetic.
    data.first_day = max(first_day, data.today)
    data.last_day = min(last_day, data.last_bookable_day)
    if (
        data.first_day > data.last_day
        or not service.active
        or (therapist is not None and not therapist.active)
    ):
        return data

    therapists = _load_hours(data, therapist)
    if not therapists:
        return data
    # Appointments and time off are fetched with a day of margin on either side: a session on the
    # last day may end after midnight, and yesterday's late appointment may still block today.
    range_start = local_midnight(data.first_day, tz) - DAY
    range_end = local_midnight(data.last_day + DAY, tz) + DAY
    time_off = TimeOff.objects.filter(therapist_id__in=therapists).overlapping(range_start, range_end)
    for therapist_id, start, end in time_off.order_by().values_list("therapist_id", "start", "end"):
        data.time_off.setdefault(therapist_id, []).append((start, end))
    data.closed_days = frozenset(closed_days(data.first_day, data.last_day))
    if service.needs_room:
        data.room_ids = list(Room.objects.active().values_list("pk", flat=True))
    _load_appointments(data, range_start, range_end, exclude_appointment_id)
    return data


def _load_hours(data: AvailabilityData, therapist: Therapist | None) -> dict[int, Therapist]:
    """One query for the hours and their therapists, into `data`; the therapists by id.

    Rows come back as plain values and each therapist is built once (other fields stay deferred),
    which is much cheaper than select_related's model instance per row.
    """
    hours = WorkingHours.objects.filter(therapist__active=True, therapist__services=data.service)
    if therapist is not None:
        hours = hours.filter(therapist=therapist)
    columns = [f"therapist__{name}" for name in THERAPIST_FIELDS]
    therapists: dict[int, Therapist] = {}
    db = hours.db
    for therapist_id, weekday, start, end, *values in hours.order_by(
        "therapist_id", "weekday", "start"
    ).values_list("therapist_id", "weekday", "start", "end", *columns):
        if therapist_id not in therapists:
            therapists[therapist_id] = Therapist.from_db(
                db, ["id", *THERAPIST_FIELDS], [therapist_id, *values]
            )
        data.hours.setdefault(therapist_id, {}).setdefault(weekday, []).append((start, end))
    data.therapists = list(therapists.values())
    return therapists


def _load_appointments(
    data: AvailabilityData, range_start: datetime, range_end: datetime, exclude_id
) -> None:
    """The active appointments of the therapists (and, for a room, of the rooms), as epoch seconds."""
    busy = Appointment.objects.active().overlapping(range_start, range_end).order_by()
    busy = busy.filter(Q(therapist_id__in=data.hours) | Q(room_id__in=data.room_ids))
    if exclude_id is not None:
        busy = busy.exclude(pk=exclude_id)
    # A waitlist hold keeps its time from everyone (its holder books after closing it): same query.
    held = WaitlistOffer.objects.blocking(data.now).overlapping(range_start, range_end).order_by()
    held = held.filter(Q(therapist_id__in=data.hours) | Q(room_id__in=data.room_ids))
    columns = ("therapist_id", "room_id", "start_s", "end_s", "blocked_s")
    epochs = {"start_s": EpochSeconds("start"), "end_s": EpochSeconds("end")}
    epochs["blocked_s"] = EpochSeconds("blocked_until")
    busy = busy.annotate(**epochs).values_list(*columns)
    for therapist_id, room_id, start, end, blocked_until in busy.union(
        held.annotate(**epochs).values_list(*columns), all=True
    ).order_by():
        if therapist_id in data.hours:
            data.appointments.setdefault(therapist_id, []).append((start, end, blocked_until))
        if room_id is not None:
            data.room_busy.setdefault(room_id, []).append((start, blocked_until))


def closed_days(first: date, last: date):
    """The local days from `first` to `last` (both included) on which the studio is closed."""
    for start_date, end_date in StudioClosure.objects.overlapping_dates(first, last).values_list(
        "start_date", "end_date"
    ):
        day = max(start_date, first)
        while day <= min(end_date, last):
            yield day
            day += DAY


def local_midnight(day: date, tz: ZoneInfo) -> datetime:
    """The instant `day` begins in `tz` (local days run from one midnight to the next)."""
    return datetime.combine(day, time.min, tzinfo=tz)


def monday_of(day: date) -> date:
    """The Monday of the week holding `day`."""
    return day - timedelta(days=day.weekday())


def _epoch(moment: datetime) -> int:
    return int(moment.timestamp())


class _Rules:
    """The data turned into integer instants and lookup structures, shared by all the questions."""

    def __init__(self, data: AvailabilityData):
        self.data = data
        self.tz = data.tz
        self.step = data.policy.slot_step_minutes
        self.duration = data.service.duration_minutes * 60
        self.blocked = (data.service.duration_minutes + data.service.buffer_minutes) * 60
        buffer = data.service.buffer_minutes * 60
        self.earliest = max(_epoch(data.now + data.min_notice), _epoch(data.now) + 1)
        self.therapists = {therapist.pk: therapist for therapist in data.therapists}
        # One structure per therapist for both appointments and time off. The blocked time
        # [s, s + duration + buffer) must miss appointments, but only the session [s, s + duration)
        # must miss time off; shifting time off later by the buffer turns both into one test.
        self.blockers = {}
        for therapist_id in self.therapists:
            intervals = [(start, blocked) for start, _end, blocked in data.appointments.get(therapist_id, ())]
            intervals += [
                (_epoch(start) + buffer, _epoch(end)) for start, end in data.time_off.get(therapist_id, ())
            ]
            self.blockers[therapist_id] = Intervals(intervals)
        self.rooms = {
            room_id: Intervals((start, blocked) for start, blocked in data.room_busy.get(room_id, ()))
            for room_id in data.room_ids
        }
        self.needs_room = data.service.needs_room
        self.a_room_is_never_busy = any(not intervals.starts for intervals in self.rooms.values())
        self.room_answers: dict[int, bool] = {}
        self.days = self._days()

    def _days(self) -> list[tuple[date, int | None]]:
        """(day, epoch of local midnight or None when the clocks change that day) for open days."""
        days = []
        day = self.data.first_day
        while day <= self.data.last_day:
            if day not in self.data.closed_days:
                midnight = local_midnight(day, self.tz)
                next_midnight = local_midnight(day + DAY, self.tz)
                steady = midnight.utcoffset() == next_midnight.utcoffset()
                days.append((day, _epoch(midnight) if steady else None))
            day += DAY
        return days

    def instant(self, day: date, minute: int, midnight: int | None) -> int | None:
        """Epoch seconds of a wall-clock minute of `day`; None when that wall time does not exist."""
        if midnight is not None:
            return midnight + minute * 60
        wall = datetime.combine(day, time(minute // 60, minute % 60))
        aware = wall.replace(tzinfo=self.tz)  # fold=0: the first of a repeated hour
        if aware.astimezone(UTC).astimezone(self.tz).replace(tzinfo=None) != wall:
            return None  # in the hour skipped when the clocks go forward
        return _epoch(aware)

    def period_end(self, day: date, end: time, midnight: int | None) -> int:
        if midnight is not None:
            return midnight + (end.hour * 60 + end.minute) * 60
        return _epoch(datetime.combine(day, end, tzinfo=self.tz))

    def room_free(self, start: int) -> bool:
        """Whether some active room is free for the blocked time from `start` (any therapist's)."""
        if not self.needs_room or self.a_room_is_never_busy:
            return True
        # Room occupancy does not depend on the therapist: answered once per start, then looked up.
        known = self.room_answers.get(start)
        if known is None:
            end = start + self.blocked
            known = any(not intervals.overlaps(start, end) for intervals in self.rooms.values())
            self.room_answers[start] = known
        return known

    def free_room(self, start: int) -> int | None:
        end = start + self.blocked
        for room_id in self.data.room_ids:
            if not self.rooms[room_id].overlaps(start, end):
                return room_id
        return None

    def starts_by_day(self, therapist_id: int) -> list[tuple[date, list[int]]]:
        """Every bookable start (epoch seconds) for one therapist, grouped by open day, in order."""
        found = []
        hours = self.data.hours.get(therapist_id, {})
        blockers = self.blockers[therapist_id]
        check_rooms = self.needs_room and not self.a_room_is_never_busy
        for day, midnight in self.days:
            starts: list[int] = []
            for period_start, period_end in hours.get(day.weekday(), ()):
                if midnight is None:
                    starts += self._clock_change_starts(day, period_start, period_end, blockers)
                else:
                    starts += self._period_starts(midnight, period_start, period_end, blockers)
            if check_rooms:
                starts = [start for start in starts if self.room_free(start)]
            if starts:
                found.append((day, starts))
        return found

    def _period_starts(self, midnight: int, period_start: time, period_end: time, blockers) -> list[int]:
        """The free grid starts of one period on a day without a clock change, segment by segment.

        A blocker [a, b) rules out exactly the starts s with a - blocked < s < b, so the free starts
        are whole runs of the grid between blockers: each run is one `range`, not a test per start.
        """
        step = self.step * 60
        grid = midnight + -(-(period_start.hour * 60 + period_start.minute) // self.step) * step
        last = midnight + (period_end.hour * 60 + period_end.minute) * 60 - self.duration
        if self.earliest > grid:
            grid += -(-(self.earliest - grid) // step) * step
        if grid > last:
            return []
        starts: list[int] = []
        cursor = grid
        index = bisect_right(blockers.max_end, cursor)  # blockers before it all end by `cursor`
        limit = last + self.blocked
        while index < len(blockers.starts) and blockers.starts[index] < limit:
            busy_from, busy_until = blockers.starts[index] - self.blocked, blockers.ends[index]
            index += 1
            if busy_until <= cursor:
                continue
            if busy_from >= cursor:
                starts.extend(range(cursor, min(busy_from, last) + 1, step))
            cursor = max(cursor, grid + -(-(busy_until - grid) // step) * step)
            if cursor > last:
                return starts
        starts.extend(range(cursor, last + 1, step))
        return starts

    def _clock_change_starts(self, day: date, period_start: time, period_end: time, blockers) -> list[int]:
        """The free starts of one period on a day the clocks change: one wall-clock minute at a time."""
        starts = []
        end_limit = self.period_end(day, period_end, None)
        first_minute = -(-(period_start.hour * 60 + period_start.minute) // self.step) * self.step
        for minute in range(first_minute, period_end.hour * 60 + period_end.minute, self.step):
            start = self.instant(day, minute, None)
            if start is None:
                continue
            if start + self.duration > end_limit:
                break
            if start >= self.earliest and not blockers.overlaps(start, start + self.blocked):
                starts.append(start)
        return starts

    def starts_for(self, therapist_id: int) -> list[tuple[date, int]]:
        """Every bookable (day, start) for one therapist, in order."""
        return [(day, start) for day, starts in self.starts_by_day(therapist_id) for start in starts]

    def booked_minutes(self) -> dict[tuple[int, date], int]:
        """Minutes each therapist already has booked on each local day (for fair merging)."""
        load = defaultdict(int)
        for therapist_id, rows in self.data.appointments.items():
            for start, end, _blocked in rows:
                load[therapist_id, datetime.fromtimestamp(start, self.tz).date()] += (end - start) // 60
        return load

    def slot(self, start: int, therapist_id: int) -> Slot:
        return Slot(
            start=datetime.fromtimestamp(start, self.tz),
            end=datetime.fromtimestamp(start + self.duration, self.tz),
            therapist=self.therapists[therapist_id],
        )


def bookable_starts(data: AvailabilityData) -> list[tuple[date, int | None, list[tuple[int, int]]]]:
    """The bookable starts as plain integers: [(day, local midnight, [(start, therapist id)])].

    One entry per open day with something free, in order; starts are epoch seconds, sorted; local
    midnight is epoch seconds too, or None on a day the clocks change. One therapist's starts, or
    merged over all of them: one per start, given to the therapist with the fewest minutes booked
    that day (then the lowest id).
    """
    return _bookable_starts(_Rules(data))


def _bookable_starts(rules: _Rules) -> list[tuple[date, int | None, list[tuple[int, int]]]]:
    midnights = dict(rules.days)
    per_therapist = {
        therapist_id: dict(rules.starts_by_day(therapist_id)) for therapist_id in rules.therapists
    }
    if len(per_therapist) == 1:
        ((therapist_id, by_day),) = per_therapist.items()
        return [
            (day, midnights[day], [(start, therapist_id) for start in starts])
            for day, starts in by_day.items()
        ]
    load = rules.booked_minutes()
    merged = []
    for day, midnight in rules.days:
        working = [therapist_id for therapist_id, by_day in per_therapist.items() if day in by_day]
        chosen: dict[int, int] = {}
        # Worst first, so that the fairest choice writes last and wins.
        for therapist_id in sorted(working, key=lambda t: (load[t, day], t), reverse=True):
            chosen.update(dict.fromkeys(per_therapist[therapist_id][day], therapist_id))
        if chosen:
            merged.append((day, midnight, sorted(chosen.items())))
    return merged


def compute_slots(data: AvailabilityData) -> list[Slot]:
    """Bookable slots, sorted by start: one therapist's, or merged over all of them (one per start)."""
    rules = _Rules(data)
    return [
        rules.slot(start, therapist_id)
        for _day, _midnight, starts in _bookable_starts(rules)
        for start, therapist_id in starts
    ]


def slots_by_day(slots: list[Slot]) -> dict[date, list[Slot]]:
    """Slots grouped by their local day, in order (for day pickers)."""
    grouped: dict[date, list[Slot]] = {}
    for slot in slots:
        grouped.setdefault(slot.start.date(), []).append(slot)
    return grouped


def pick_room(data: AvailabilityData, start: datetime) -> int | None:
    """The first active room (by order) free for the whole blocked time from `start`, or None."""
    if not data.service.needs_room:
        return None
    return _Rules(data).free_room(_epoch(start))


def general_reason(data: AvailabilityData, *, start: datetime) -> str | None:
    """Why nobody can take the service at `start` (past, notice, window, closure, inactive service)."""
    if timezone.is_naive(start):
        raise ValueError("start must be an aware datetime")
    service, policy = data.service, data.policy
    day = start.astimezone(data.tz).date()
    if not service.active:
        return _("%(service)s cannot be booked at the moment.") % {"service": service.name}
    if start <= data.now:
        return _("That time has already passed.")
    if start < data.now + data.min_notice:
        return _("Sessions can be booked online up to %(hours)s hours before they start.") % {
            "hours": policy.min_notice_hours
        }
    if day > data.last_bookable_day:
        return _("We take bookings up to %(days)s days ahead.") % {"days": policy.booking_window_days}
    if day in data.closed_days:
        return _("The studio is closed on %(day)s.") % {"day": format_day(day, "weekday_day_month")}
    return None


def unavailable_reason(data: AvailabilityData, *, therapist: Therapist, start: datetime) -> str | None:
    """Why `therapist` cannot take the service at `start`, in a client's words; None if they can.

    Agrees with `compute_slots`: None exactly for the starts it offers for that therapist.
    """
    reason = general_reason(data, start=start)
    if reason:
        return reason
    problem = _therapist_problem(data, therapist, start)
    return problem[1] if problem else None


def any_therapist_reason(data: AvailabilityData, *, start: datetime) -> str | None:
    """Why nobody can take the service at `start` ("any therapist"), naming no one; None if someone can."""
    reason = general_reason(data, start=start)
    if reason:
        return reason
    rules = _Rules(data)
    problems = [_therapist_problem(data, therapist, start, rules) for therapist in data.therapists]
    if any(problem is None for problem in problems):
        return None
    codes = {code for code, _message in problems}
    if len(codes) == 1 or "grid" in codes:
        return _neutral_reason("grid" if "grid" in codes else codes.pop(), data)
    return _("Nobody is free at that time. Please choose another.")


def choose_therapist(
    data: AvailabilityData, *, therapist: Therapist | None, start: datetime
) -> tuple[Therapist | None, str]:
    """Who takes the service at `start`: `therapist` if they can, else whoever `compute_slots` offers.

    Returns (the therapist, as loaded in `data`, "") or (None, why not in a client's words): what
    booking re-checks under its locks and what the booking flow checks before its summary.
    """
    if therapist is not None:
        reason = unavailable_reason(data, therapist=therapist, start=start)
        if reason:
            return None, reason
        return next(candidate for candidate in data.therapists if candidate.pk == therapist.pk), ""
    for slot in compute_slots(data):
        if slot.start == start:
            return slot.therapist, ""
    return None, any_therapist_reason(data, start=start) or _(
        "Nobody is free at that time. Please choose another."
    )


def _neutral_reason(code: str, data: AvailabilityData) -> str:
    if code == "grid":
        return _grid_message(data)
    if code == "taken":
        return _("That time was just taken.")
    if code == "rooms":
        return _("All our rooms are taken at that time.")
    return _("Nobody is working at that time.")


def _grid_message(data: AvailabilityData) -> str:
    return _("Sessions start every %(step)s minutes; please choose one of the times offered.") % {
        "step": data.policy.slot_step_minutes
    }


def _therapist_problem(
    data: AvailabilityData, therapist: Therapist, start: datetime, rules: _Rules | None = None
) -> tuple[str, str] | None:
    """(code, message) for what stops this therapist at `start`, past the general rules; None if nothing.

    `rules`: `_Rules(data)` when asking about several therapists (built once, not once each).
    """
    name = {"name": therapist.name}
    if not therapist.active:
        return "inactive", _("%(name)s is not taking bookings at the moment.") % name
    if therapist.pk not in data.hours:
        return "not_working", _("%(name)s is not working at that time.") % name
    rules = rules or _Rules(data)
    local = start.astimezone(data.tz)
    day, moment = local.date(), _epoch(start)
    midnight = next((m for d, m in rules.days if d == day), None)
    inside = any(
        _epoch(datetime.combine(day, period_start, tzinfo=data.tz)) <= moment
        and moment + rules.duration <= rules.period_end(day, period_end, midnight)
        for period_start, period_end in data.hours[therapist.pk].get(day.weekday(), ())
    )
    if not inside:
        return "not_working", _("%(name)s is not working at that time.") % name
    minute = local.hour * 60 + local.minute
    if local.second or local.microsecond or minute % rules.step or local.fold:
        return "grid", _grid_message(data)
    for off_start, off_end in data.time_off.get(therapist.pk, ()):
        if _epoch(off_start) < moment + rules.duration and _epoch(off_end) > moment:
            return "away", _("%(name)s is away at that time.") % name
    if rules.blockers[therapist.pk].overlaps(moment, moment + rules.blocked):
        return "taken", _("That time was just taken.")
    if not rules.room_free(moment):
        return "rooms", _("All our rooms are taken at that time.")
    return None
