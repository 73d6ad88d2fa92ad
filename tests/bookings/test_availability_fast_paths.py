"""The availability engine's fast paths agree with the slow, obvious ones.

- Free starts come as whole runs of the grid between blockers, and room occupancy is worked out once
  per start for all therapists: on a busy studio with rooms in use, each therapist's starts are
  exactly the grid times `unavailable_reason` (one start at a time) finds free, DST days included.
- The API's JSON is written from integers with a per-day offset: it is exactly `json.dumps` of the
  slots with `isoformat()` times, in Moscow and on both of Paris's clock-change days.
"""

import json
import random
from datetime import UTC, date, datetime, time, timedelta

import pytest

from bookings.availability import compute_slots, load_availability_data, studio_zone, unavailable_reason
from bookings.web.slots_json import availability_json
from tests.bookings.factories import (
    MONDAY,
    at,
    make_appointment,
    make_room,
    make_service,
    make_therapist,
    make_time_off,
)

pytestmark = pytest.mark.django_db

SPRING_FORWARD, FALL_BACK = date(2027, 3, 28), date(2026, 10, 25)  # Sundays, in Paris


def busy_studio(first: date, days: int, *, seed: int = 13):
    """Four therapists with breaks, two rooms, time off, and bookings in both rooms."""
    rng = random.Random(seed)
    service = make_service(minutes=60, buffer=10, needs_room=True)
    rooms = [make_room("linden"), make_room("garden")]
    hours = {weekday: [(time(9), time(13)), (time(14), time(19))] for weekday in range(7)}
    therapists = [make_therapist(slug=f"t{index}", services=[service], hours=hours) for index in range(4)]
    busy = {room.pk: [] for room in rooms}  # the database refuses two bookings in a room at once
    for offset in range(days):
        day = first + timedelta(days=offset)
        for index, therapist in enumerate(therapists):
            taken = set()
            for _ in range(3):
                hour = rng.choice([9, 10, 11, 14, 15, 16, 17])
                if taken & {hour - 1, hour, hour + 1}:
                    continue
                start = at(day, f"{hour:02d}:{rng.choice([0, 15, 30]):02d}")
                until = start + timedelta(minutes=70)
                order = rooms if (index + hour) % 2 == 0 else rooms[::-1]
                room = next((r for r in order if all(e <= start or s >= until for s, e in busy[r.pk])), None)
                if room is None:
                    continue
                taken.add(hour)
                busy[room.pk].append((start, until))
                make_appointment(service=service, therapist=therapist, start=start, room=room)
        make_time_off(therapists[offset % 4], at(day, "15:20"), at(day, "16:40"))
    return service, therapists


def grid_starts(first: date, days: int, step: int):
    tz = studio_zone()
    for offset in range(days):
        day = first + timedelta(days=offset)
        for minute in range(0, 24 * 60, step):
            wall = datetime.combine(day, time(minute // 60, minute % 60))
            aware = wall.replace(tzinfo=tz)
            if aware.astimezone(UTC).astimezone(tz).replace(tzinfo=None) == wall:  # the hour skipped
                yield aware


def check_against_one_start_at_a_time(service, therapists, first, days, now):
    for therapist in therapists:
        data = load_availability_data(
            service=service,
            first_day=first,
            last_day=first + timedelta(days=days - 1),
            therapist=therapist,
            now=now,
        )
        fast = {slot.start for slot in compute_slots(data)}
        slow = {
            start
            for start in grid_starts(first, days, data.policy.slot_step_minutes)
            if unavailable_reason(data, therapist=therapist, start=start) is None
        }
        assert fast == slow, therapist.slug
        assert fast  # the comparison is about something


def test_runs_of_the_grid_and_shared_room_answers_match_one_start_at_a_time(set_policy):
    set_policy(slot_step_minutes=15)
    service, therapists = busy_studio(MONDAY, 4)
    check_against_one_start_at_a_time(
        service, therapists, MONDAY, 4, now=at(MONDAY - timedelta(days=2), "09:00")
    )


def test_rooms_shared_by_therapists_limit_the_any_therapist_answer(set_policy):
    set_policy(slot_step_minutes=15)
    service, _therapists = busy_studio(MONDAY, 2)
    data = load_availability_data(
        service=service, first_day=MONDAY, last_day=MONDAY + timedelta(days=1), now=at(MONDAY, "00:00")
    )
    merged = compute_slots(data)
    # Every start offered has a room free for its whole blocked time (both rooms are busy at times).
    for slot in merged:
        blocked_until = slot.end + service.buffer
        assert any(
            all(end <= slot.start.timestamp() or start >= blocked_until.timestamp() for start, end in busy)
            for busy in data.room_busy.values()
        )
    assert len({slot.start for slot in merged}) == len(merged)


@pytest.mark.parametrize("day", [SPRING_FORWARD, FALL_BACK])
def test_the_fast_paths_on_both_dst_days(settings, set_policy, day):
    settings.TIME_ZONE = "Europe/Paris"
    set_policy(slot_step_minutes=30, booking_window_days=365)
    service = make_service(minutes=60, buffer=10, needs_room=True)
    room = make_room("linden")
    night = {day.weekday(): [(time(0), time(6)), (time(9), time(12))]}  # across the changed hour
    anna = make_therapist(slug="anna", services=[service], hours=night)
    boris = make_therapist(slug="boris", services=[service], hours=night)
    make_appointment(service=service, therapist=anna, start=at(day, "04:00"), room=room)
    now = at(day - timedelta(days=3), "09:00")
    check_against_one_start_at_a_time(service, [anna, boris], day - timedelta(days=1), 3, now=now)


def old_json(data) -> str:
    """The API's answer as it used to be made: a Slot per start, isoformat() twice, json.dumps."""
    slots = [
        {"start": slot.start.isoformat(), "end": slot.end.isoformat(), "therapist": slot.therapist.slug}
        for slot in compute_slots(data)
    ]
    return json.dumps({"service": data.service.slug, "timezone": data.tz.key, "slots": slots})


@pytest.mark.parametrize("therapist_index", [None, 0])
def test_the_json_is_what_isoformat_and_json_dumps_give(set_policy, therapist_index):
    set_policy(slot_step_minutes=15)
    service, therapists = busy_studio(MONDAY, 3)
    data = load_availability_data(
        service=service,
        first_day=MONDAY,
        last_day=MONDAY + timedelta(days=2),
        therapist=None if therapist_index is None else therapists[therapist_index],
        now=at(MONDAY - timedelta(days=1), "09:00"),
    )
    written = availability_json(data)
    assert written == old_json(data)
    assert json.loads(written)["slots"]


@pytest.mark.parametrize("day", [SPRING_FORWARD, FALL_BACK])
def test_the_json_on_both_dst_days(settings, set_policy, day):
    settings.TIME_ZONE = "Europe/Paris"
    set_policy(slot_step_minutes=30, booking_window_days=365)
    service = make_service(minutes=60)
    make_therapist(services=[service], hours={weekday: [(time(0), time(23, 30))] for weekday in range(7)})
    data = load_availability_data(
        service=service,
        first_day=day - timedelta(days=1),
        last_day=day + timedelta(days=1),
        now=at(day - timedelta(days=3), "09:00"),
    )
    written = availability_json(data)
    assert written == old_json(data)
    offsets = {slot["start"][-6:] for slot in json.loads(written)["slots"]}
    assert offsets == {"+01:00", "+02:00"}


def test_the_api_answers_the_fast_json(client, set_policy):
    set_policy(slot_step_minutes=15)
    service, _therapists = busy_studio(MONDAY, 1)
    answer = client.get(
        "/api/availability/", {"service": service.slug, "from": MONDAY.isoformat(), "to": MONDAY.isoformat()}
    )
    assert answer.status_code == 200
    assert answer["Content-Type"] == "application/json"
    data = load_availability_data(service=service, first_day=MONDAY, last_day=MONDAY)
    assert answer.json() == json.loads(old_json(data))
