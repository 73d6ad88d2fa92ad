"""Benchmark the availability engine: 20 therapists, 500 bookings, 62 days, one service.

    .venv/bin/python bench/availability.py                      # SQLite file in a temporary folder
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/studio .venv/bin/python bench/availability.py
                                                                # a temporary database on that server

Builds a throw-away studio (never touches your data: a temporary SQLite file, or a temporary
database created next to the one DATABASE_URL names and dropped afterwards), then times loading and
computing 62 days of availability for one therapist and for "any therapist". Prints figures; never
fails on time. The last line is

    availability: days=62 therapists=20 bookings=500 queries=Q ms=T

for the "any therapist" case (queries for one computation; milliseconds the median of several runs).
Goal: Q constant and at most 8, T under 150.

Before it, a scaling table (BENCH_NO_SCALING=1 skips it): 30 more therapists join (with bookings at
the same rate), and services taken by the first 3, 10, 20 or 50 of them are asked for 7, 31 and 62
days ("any therapist": loading plus `bookable_starts`, as the API computes them). Each cell is the
median milliseconds and the microseconds per candidate start (a grid time inside one therapist's
working hours): that figure should stay flat as therapists are added; 50 x 62 under 100 ms.
Beside wall-clock milliseconds it prints the CPU time of this process (on SQLite all the work; on
PostgreSQL without the server's share), which a machine shared with other work disturbs far less.
"""

import os
import random
import statistics
import sys
import time as clock
from datetime import date, datetime, time, timedelta
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT))

from bench.site import throwaway_database  # noqa: E402 (needs the project on the path)

DAYS = 62
THERAPISTS = 20
BOOKINGS = 500
ROOMS = 8
RUNS = 7
SCALE_THERAPISTS = (3, 10, 20, 50)
SCALE_DAYS = (7, 31, 62)


def build_studio(first_day: date):
    """20 therapists (hours with breaks, two days off each), rooms, and 500 non-overlapping bookings."""
    from bookings.models import BookingPolicy, Room, Service
    from reflexology.models import Technique

    rng = random.Random(62)
    BookingPolicy(slot_step_minutes=15, min_notice_hours=2, booking_window_days=90, max_range_days=62).save()
    technique = Technique.objects.create(
        slug="classical",
        name="Classical foot massage",
        kind="classical",
        summary="Bench.",
        body="Bench.",
        intensity="moderate",
        suits="Bench.",
    )
    service = Service.objects.create(
        technique=technique,
        slug="classical-60",
        name="Classical foot massage",
        duration_minutes=60,
        buffer_minutes=10,
        price="2500.00",
        needs_room=True,
    )
    for i in range(ROOMS):
        Room.objects.create(slug=f"room-{i}", name=f"Room {i}", order=i)
    therapists = add_therapists(range(THERAPISTS), service, rng)
    add_bookings(service, therapists, BOOKINGS, first_day, rng)
    return service, therapists


def add_therapists(indexes, service, rng) -> list:
    """Therapists who perform `service`, with hours (a break, two days off a week), numbered `indexes`."""
    from bookings.models import Level, Therapist, WorkingHours

    therapists = []
    for index in indexes:
        therapist = Therapist.objects.create(
            slug=f"therapist-{index}", name=f"Therapist {index}", level=rng.choice(Level.values)
        )
        therapist.services.add(service)
        days_off = {index % 7, (index + 3) % 7}
        opens = 9 + index % 3
        for weekday in set(range(7)) - days_off:
            WorkingHours.objects.create(
                therapist=therapist, weekday=weekday, start=time(opens), end=time(opens + 4)
            )
            WorkingHours.objects.create(
                therapist=therapist, weekday=weekday, start=time(opens + 5), end=time(opens + 10)
            )
        therapists.append(therapist)
    return therapists


def add_bookings(service, therapists, count: int, first_day: date, rng) -> None:
    """`count` bookings of 60 (+10) minutes among `therapists`, never overlapping, each in a free room."""
    from django.conf import settings

    from bookings.availability import studio_zone
    from bookings.models import Appointment, Room

    tz = studio_zone()
    rooms = list(Room.objects.order_by("order"))
    room_busy: dict[int, list[tuple[datetime, datetime]]] = {room.pk: [] for room in rooms}
    for room_id, start, blocked_until in Appointment.objects.values_list("room_id", "start", "blocked_until"):
        room_busy[room_id].append((start, blocked_until))
    taken_by_therapist: dict[tuple[int, date], set[int]] = {}
    appointments = []
    while len(appointments) < count:
        therapist = rng.choice(therapists)
        day = first_day + timedelta(days=rng.randrange(DAYS))
        periods = [(h.start, h.end) for h in therapist.working_hours.all() if h.weekday == day.weekday()]
        if not periods:
            continue
        start_time, end_time = rng.choice(periods)
        hour = rng.randrange(start_time.hour, end_time.hour - 1)
        taken = taken_by_therapist.setdefault((therapist.pk, day), set())
        if taken & {hour - 1, hour, hour + 1}:  # 70 blocked minutes: keep neighbouring hours free
            continue
        start = datetime.combine(day, time(hour), tzinfo=tz)
        blocked_until = start + timedelta(minutes=70)
        room = next(
            (r for r in rooms if all(e <= start or s >= blocked_until for s, e in room_busy[r.pk])), None
        )
        if room is None:
            continue
        taken.add(hour)
        room_busy[room.pk].append((start, blocked_until))
        appointments.append(
            Appointment(
                service=service,
                therapist=therapist,
                room=room,
                client_name="Bench Client",
                client_email=f"client{len(appointments)}-{therapist.pk}@example.com",
                start=start,
                end=start + timedelta(minutes=60),
                blocked_until=blocked_until,
                price=service.price,
                currency=settings.STUDIO_CURRENCY,
            )
        )
    Appointment.objects.bulk_create(appointments)


def candidate_starts(data) -> int:
    """Grid times inside some therapist's working hours, counted per therapist, on the open days."""
    step, duration = data.policy.slot_step_minutes, data.service.duration_minutes
    count, day = 0, data.first_day
    while day <= data.last_day:
        if day not in data.closed_days:
            for periods in data.hours.values():
                for start, end in periods.get(day.weekday(), ()):
                    first = -(-(start.hour * 60 + start.minute) // step) * step
                    count += len(range(first, end.hour * 60 + end.minute - duration + 1, step))
        day += timedelta(days=1)
    return count


def scaling_table(service, therapists, first_day: date, now) -> None:
    """30 more therapists; services for the first 3, 10, 20, 50; each asked for 7, 31 and 62 days."""
    from bookings.availability import bookable_starts, load_availability_data
    from bookings.models import Service

    rng = random.Random(50)
    more = add_therapists(range(THERAPISTS, max(SCALE_THERAPISTS)), service, rng)
    add_bookings(service, more, BOOKINGS * len(more) // THERAPISTS, first_day, rng)
    everyone = therapists + more
    print(
        f"\nScaling ({len(everyone)} therapists, {ROOMS} rooms; ms median of {RUNS}, us per candidate start):"
    )
    print("  each cell: wall ms (this process's CPU ms), CPU microseconds per candidate start")
    print(f"  {'therapists':>10} " + " ".join(f"{f'{days} days':>29}" for days in SCALE_DAYS))
    for count in SCALE_THERAPISTS:
        group = Service.objects.create(
            technique=service.technique,
            slug=f"classical-60-for-{count}",
            name=f"Classical foot massage ({count})",
            duration_minutes=60,
            buffer_minutes=10,
            price="2500.00",
            needs_room=True,
        )
        for therapist in everyone[:count]:
            therapist.services.add(group)
        cells = []
        for days in SCALE_DAYS:
            last_day = first_day + timedelta(days=days - 1)

            def compute(group=group, last_day=last_day):
                data = load_availability_data(service=group, first_day=first_day, last_day=last_day, now=now)
                return data, bookable_starts(data)

            data, _starts = compute()
            timings, cpu = [], []
            for _ in range(RUNS):
                started, started_cpu = clock.perf_counter(), clock.process_time()
                compute()
                timings.append((clock.perf_counter() - started) * 1000)
                cpu.append((clock.process_time() - started_cpu) * 1000)
            ms, cpu_ms = statistics.median(timings), statistics.median(cpu)
            candidates = candidate_starts(data)
            cells.append(f"{ms:6.1f} ({cpu_ms:5.1f}) ms {cpu_ms * 1000 / candidates:5.2f} us")
        print(f"  {count:>10} " + " ".join(f"{cell:>29}" for cell in cells), flush=True)


def measure(label: str, compute) -> tuple[int, float, int]:
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        slots = compute()
    queries = len(captured.captured_queries)
    reset_queries()
    timings, cpu = [], []
    for _ in range(RUNS):
        started, started_cpu = clock.perf_counter(), clock.process_time()
        compute()
        timings.append((clock.perf_counter() - started) * 1000)
        cpu.append((clock.process_time() - started_cpu) * 1000)
    ms = statistics.median(timings)
    print(
        f"  {label}: {len(slots)} slots, {queries} queries, median {ms:.1f} ms (min {min(timings):.1f}; "
        f"CPU of this process {statistics.median(cpu):.1f} ms)"
    )
    return queries, ms, len(slots)


def main() -> int:
    url, cleanup = throwaway_database()
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "studio.settings")
    os.environ.setdefault("DEBUG", "1")
    try:
        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connection
        from django.utils import timezone

        from bookings.availability import compute_slots, load_availability_data

        print(f"Building a studio on {connection.vendor} ({url.split('@')[-1]})...")
        call_command("migrate", verbosity=0)
        now = timezone.now()
        first_day = timezone.localdate(now) + timedelta(days=1)
        last_day = first_day + timedelta(days=DAYS - 1)
        service, therapists = build_studio(first_day)
        from bookings.models import Appointment

        bookings = Appointment.objects.count()
        print(f"  {len(therapists)} therapists, {bookings} bookings, {DAYS} days from {first_day}")

        def one_therapist():
            data = load_availability_data(
                service=service, first_day=first_day, last_day=last_day, therapist=therapists[0], now=now
            )
            return compute_slots(data)

        def any_therapist():
            data = load_availability_data(service=service, first_day=first_day, last_day=last_day, now=now)
            return compute_slots(data)

        measure("one therapist", one_therapist)
        queries, ms, _slots = measure("any therapist", any_therapist)
        summary = (
            f"availability: days={DAYS} therapists={len(therapists)} bookings={bookings} "
            f"queries={queries} ms={ms:.0f}"
        )
        if not os.environ.get("BENCH_NO_SCALING"):
            scaling_table(service, therapists, first_day, now)
        print(summary)
    finally:
        from django.db import connections

        connections.close_all()
        cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main())
