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


def build_studio(first_day: date):
    """20 therapists (hours with breaks, two days off each), rooms, and 500 non-overlapping bookings."""
    from django.conf import settings

    from bookings.availability import studio_zone
    from bookings.models import Appointment, BookingPolicy, Level, Room, Service, Therapist, WorkingHours
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
    rooms = [Room.objects.create(slug=f"room-{i}", name=f"Room {i}", order=i) for i in range(ROOMS)]
    therapists = []
    for index in range(THERAPISTS):
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

    tz = studio_zone()
    taken_by_therapist: dict[tuple[int, date], set[int]] = {}
    room_busy: dict[int, list[tuple[datetime, datetime]]] = {room.pk: [] for room in rooms}
    appointments = []
    while len(appointments) < BOOKINGS:
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
                client_email=f"client{len(appointments)}@example.com",
                start=start,
                end=start + timedelta(minutes=60),
                blocked_until=blocked_until,
                price=service.price,
                currency=settings.STUDIO_CURRENCY,
            )
        )
    Appointment.objects.bulk_create(appointments)
    return service, therapists


def measure(label: str, compute) -> tuple[int, float, int]:
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        slots = compute()
    queries = len(captured.captured_queries)
    reset_queries()
    timings = []
    for _ in range(RUNS):
        started = clock.perf_counter()
        compute()
        timings.append((clock.perf_counter() - started) * 1000)
    ms = statistics.median(timings)
    print(f"  {label}: {len(slots)} slots, {queries} queries, median {ms:.1f} ms (min {min(timings):.1f})")
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
        print(
            f"availability: days={DAYS} therapists={len(therapists)} bookings={bookings} "
            f"queries={queries} ms={ms:.0f}"
        )
    finally:
        from django.db import connections

        connections.close_all()
        cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main())
