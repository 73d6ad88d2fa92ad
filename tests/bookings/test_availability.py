"""The availability engine: hours and breaks, time off, closures, buffers, notice, window, rooms,
skills, the "any therapist" merge, both DST days, and a constant number of queries."""

from datetime import UTC, datetime, time, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bookings.availability import compute_slots, load_availability_data, pick_room, unavailable_reason
from bookings.models import Appointment, Level, StudioClosure
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


def now_before(day, days=3):
    return at(day - timedelta(days=days), "09:00")


def times(slots):
    return [slot.start.strftime("%H:%M") for slot in slots]


def available(service, day, *, last=None, therapist=None, now=None, **kwargs):
    data = load_availability_data(
        service=service,
        first_day=day,
        last_day=last or day,
        therapist=therapist,
        now=now or now_before(day),
        **kwargs,
    )
    return compute_slots(data)


@pytest.fixture
def step30(set_policy):
    return set_policy(slot_step_minutes=30)


def test_working_hours_give_starts_on_the_grid(step30):
    service = make_service(minutes=60)
    make_therapist(services=[service], hours={0: [(time(9), time(12))]})
    assert times(available(service, MONDAY)) == ["09:00", "09:30", "10:00", "10:30", "11:00"]
    assert available(service, MONDAY + timedelta(days=1)) == []  # no hours on Tuesday


def test_the_grid_starts_at_midnight_not_at_the_start_of_work(set_policy):
    set_policy(slot_step_minutes=30)
    service = make_service(minutes=30)
    make_therapist(services=[service], hours={0: [(time(9, 10), time(10, 30))]})
    assert times(available(service, MONDAY)) == ["09:30", "10:00"]


def test_a_break_between_two_periods_has_no_sessions(set_policy):
    set_policy(slot_step_minutes=60)
    service = make_service(minutes=60)
    make_therapist(services=[service], hours={0: [(time(9), time(12)), (time(13), time(15))]})
    assert times(available(service, MONDAY)) == ["09:00", "10:00", "11:00", "13:00", "14:00"]


def test_a_session_never_straddles_a_break(step30):
    service = make_service(minutes=90)
    make_therapist(services=[service], hours={0: [(time(9), time(12)), (time(12, 30), time(15))]})
    assert times(available(service, MONDAY)) == [
        "09:00",
        "09:30",
        "10:00",
        "10:30",
        "12:30",
        "13:00",
        "13:30",
    ]


def test_existing_appointments_block_their_buffer_and_ours(set_policy):
    set_policy(slot_step_minutes=15)
    service = make_service(minutes=60, buffer=15)
    anna = make_therapist(services=[service], hours={0: [(time(9), time(13))]})
    make_appointment(service=service, therapist=anna, start=at(MONDAY, "10:00"))  # blocks 10:00-11:15
    # Before it: our own 75 blocked minutes must end by 10:00, so nothing from 09:00 fits but 08:45.
    # After it: from 11:15; the last session ends at 13:00 and its buffer may run past closing.
    assert times(available(service, MONDAY)) == ["11:15", "11:30", "11:45", "12:00"]


def test_our_buffer_may_touch_the_next_appointment_but_not_overlap_it(set_policy):
    set_policy(slot_step_minutes=15)
    service = make_service(minutes=60, buffer=15)
    anna = make_therapist(services=[service], hours={0: [(time(9), time(12))]})
    make_appointment(service=service, therapist=anna, start=at(MONDAY, "11:00"))
    assert times(available(service, MONDAY)) == ["09:00", "09:15", "09:30", "09:45"]


def test_cancelled_appointments_free_their_time(step30):
    service = make_service(minutes=60)
    anna = make_therapist(services=[service], hours={0: [(time(9), time(11))]})
    make_appointment(
        service=service, therapist=anna, start=at(MONDAY, "09:00"), status=Appointment.Status.CANCELLED
    )
    assert times(available(service, MONDAY)) == ["09:00", "09:30", "10:00"]


@pytest.mark.parametrize("status", [Appointment.Status.COMPLETED, Appointment.Status.NO_SHOW])
def test_completed_and_missed_sessions_still_occupy_their_time(step30, status):
    service = make_service(minutes=60)
    anna = make_therapist(services=[service], hours={0: [(time(9), time(11))]})
    make_appointment(service=service, therapist=anna, start=at(MONDAY, "09:00"), status=status)
    assert times(available(service, MONDAY)) == ["10:00"]


def test_time_off_blocks_the_session_but_not_the_buffer(step30):
    service = make_service(minutes=60, buffer=20)
    anna = make_therapist(services=[service], hours={0: [(time(9), time(14))]})
    make_time_off(anna, at(MONDAY, "10:00"), at(MONDAY, "12:00"), "dentist")
    # 09:00 ends at 10:00 (buffer into the time off is fine); 09:30 would overlap it.
    assert times(available(service, MONDAY)) == ["09:00", "12:00", "12:30", "13:00"]


def test_time_off_over_several_days(step30):
    service = make_service(minutes=60)
    anna = make_therapist(services=[service])
    make_time_off(anna, at(MONDAY, "00:00"), at(MONDAY + timedelta(days=2), "00:00"), "holiday")
    slots = available(service, MONDAY, last=MONDAY + timedelta(days=2))
    assert {slot.start.date() for slot in slots} == {MONDAY + timedelta(days=2)}


def test_studio_closures_shut_whole_days(step30):
    service = make_service(minutes=60)
    make_therapist(services=[service])
    StudioClosure.objects.create(start_date=MONDAY, end_date=MONDAY + timedelta(days=1), reason="Repairs")
    slots = available(service, MONDAY, last=MONDAY + timedelta(days=2))
    assert {slot.start.date() for slot in slots} == {MONDAY + timedelta(days=2)}


def test_minimum_notice_counts_from_now(set_policy):
    set_policy(slot_step_minutes=30, min_notice_hours=2)
    service = make_service(minutes=60)
    make_therapist(services=[service])
    slots = available(service, MONDAY, now=at(MONDAY, "09:40"))
    assert times(slots)[0] == "12:00"  # the first grid time after 11:40
    assert all(slot.start >= at(MONDAY, "11:40") for slot in slots)


def test_nothing_in_the_past(step30):
    service = make_service(minutes=60)
    make_therapist(services=[service])
    assert available(service, MONDAY - timedelta(days=1), now=at(MONDAY, "09:00")) == []


def test_the_booking_window_ends_on_a_local_date(set_policy):
    set_policy(slot_step_minutes=60, booking_window_days=3)
    service = make_service(minutes=60)
    make_therapist(services=[service])
    now = at(MONDAY, "08:00")
    slots = available(service, MONDAY, last=MONDAY + timedelta(days=10), now=now)
    assert max(slot.start.date() for slot in slots) == MONDAY + timedelta(days=3)


def test_a_service_that_needs_a_room_waits_for_a_free_room(step30):
    service = make_service(minutes=60, needs_room=True)
    anna = make_therapist("anna", services=[service], hours={0: [(time(9), time(12))]})
    boris = make_therapist("boris", services=[service], hours={0: [(time(9), time(12))]})
    room = make_room("linden")
    make_appointment(service=service, therapist=boris, start=at(MONDAY, "10:00"), room=room)
    # Anna is free all morning, but the only room is taken 10:00-11:00.
    assert times(available(service, MONDAY, therapist=anna)) == ["09:00", "11:00"]
    make_room("garden")
    assert times(available(service, MONDAY, therapist=anna)) == ["09:00", "09:30", "10:00", "10:30", "11:00"]


def test_no_active_room_means_no_slots_for_a_service_that_needs_one(step30):
    service = make_service(minutes=60, needs_room=True)
    make_therapist(services=[service])
    make_room("linden", active=False)
    assert available(service, MONDAY) == []
    chair = make_service(minutes=30, slug="express", needs_room=False)
    make_therapist("boris", services=[chair])
    assert available(chair, MONDAY) != []


def test_an_inactive_rooms_old_bookings_do_not_block_active_rooms(step30):
    service = make_service(minutes=60, needs_room=True)
    anna = make_therapist("anna", services=[service], hours={0: [(time(9), time(11))]})
    boris = make_therapist("boris", services=[service], hours={0: [(time(9), time(11))]})
    old = make_room("old")
    make_appointment(service=service, therapist=boris, start=at(MONDAY, "09:00"), room=old)
    old.active = False
    old.save()
    make_room("linden")
    assert times(available(service, MONDAY, therapist=anna)) == ["09:00", "09:30", "10:00"]


def test_pick_room_takes_the_first_free_room_in_order(step30):
    service = make_service(minutes=60, needs_room=True)
    make_therapist("anna", services=[service])
    boris = make_therapist("boris", services=[service])
    first, second = make_room("a-first"), make_room("b-second")
    make_appointment(service=service, therapist=boris, start=at(MONDAY, "10:00"), room=first)
    data = load_availability_data(service=service, first_day=MONDAY, last_day=MONDAY, now=now_before(MONDAY))
    assert pick_room(data, at(MONDAY, "10:30")) == second.pk
    assert pick_room(data, at(MONDAY, "12:00")) == first.pk


def test_only_active_therapists_who_give_the_service(step30):
    service = make_service(minutes=60)
    other = make_service(technique="relaxing", minutes=60)
    make_therapist("anna", services=[other])
    make_therapist("boris", services=[service], active=False)
    assert available(service, MONDAY) == []
    carla = make_therapist("carla", services=[service])
    assert {slot.therapist for slot in available(service, MONDAY)} == {carla}


def test_an_inactive_service_has_no_slots(step30):
    service = make_service(minutes=60, active=False)
    make_therapist(services=[service])
    assert available(service, MONDAY) == []


def test_any_therapist_merges_one_slot_per_start_with_the_least_busy_therapist(set_policy):
    set_policy(slot_step_minutes=60)
    service = make_service(minutes=60)
    anna = make_therapist("anna", services=[service], hours={0: [(time(9), time(13))]})
    boris = make_therapist("boris", services=[service], hours={0: [(time(9), time(13))]})
    make_appointment(service=service, therapist=anna, start=at(MONDAY, "09:00"))
    slots = available(service, MONDAY)
    assert times(slots) == ["09:00", "10:00", "11:00", "12:00"]
    # Anna already has an hour booked that day, so Boris takes every start he can.
    assert [slot.therapist for slot in slots] == [boris, boris, boris, boris]
    assert available(service, MONDAY) == slots  # deterministic


def test_any_therapist_breaks_ties_by_the_lowest_id(set_policy):
    set_policy(slot_step_minutes=60)
    service = make_service(minutes=60)
    anna = make_therapist("anna", services=[service], hours={0: [(time(9), time(11))]})
    boris = make_therapist("boris", services=[service], hours={0: [(time(10), time(12))]})
    slots = available(service, MONDAY)
    assert [(s.start.strftime("%H:%M"), s.therapist) for s in slots] == [
        ("09:00", anna),
        ("10:00", anna),
        ("11:00", boris),
    ]


def test_slot_ends_are_the_service_length_after_the_start(step30):
    service = make_service(minutes=45)
    make_therapist(services=[service], hours={0: [(time(9), time(10))]})
    (slot,) = available(service, MONDAY)
    assert slot.end - slot.start == timedelta(minutes=45)


# --- Daylight-saving days (Europe/Paris: forward 2027-03-28 02:00, back 2027-10-31 03:00) ----


@pytest.fixture
def paris(settings, set_policy):
    settings.TIME_ZONE = "Europe/Paris"
    return set_policy(slot_step_minutes=60)


@pytest.mark.parametrize(
    ("day", "first_utc_hour", "offset_hours"),
    [
        (datetime(2027, 3, 28).date(), 7, 2),  # clocks went forward at night: CEST, UTC+2
        (datetime(2027, 10, 31).date(), 8, 1),  # clocks went back at night: CET, UTC+1
    ],
)
def test_a_nine_to_six_day_is_right_on_both_dst_days(paris, day, first_utc_hour, offset_hours):
    service = make_service(minutes=60)
    make_therapist(services=[service], hours={6: [(time(9), time(18))]})  # Sundays
    slots = available(service, day)
    assert times(slots) == [f"{hour:02d}:00" for hour in range(9, 18)]
    assert [slot.start.astimezone(UTC).hour for slot in slots] == list(
        range(first_utc_hour, first_utc_hour + 9)
    )
    assert {slot.start.utcoffset() for slot in slots} == {timedelta(hours=offset_hours)}
    assert slots[0].start.isoformat() == f"{day.isoformat()}T09:00:00+0{offset_hours}:00"
    assert all(slot.end - slot.start == timedelta(hours=1) for slot in slots)


def test_no_slot_in_the_hour_that_does_not_exist(paris, set_policy):
    set_policy(slot_step_minutes=30)
    day = datetime(2027, 3, 28).date()
    service = make_service(minutes=30)
    make_therapist(services=[service], hours={6: [(time(1), time(5))]})
    slots = available(service, day)
    assert times(slots) == ["01:00", "01:30", "03:00", "03:30", "04:00", "04:30"]
    utc = [slot.start.astimezone(UTC).strftime("%H:%M") for slot in slots]
    assert utc == ["00:00", "00:30", "01:00", "01:30", "02:00", "02:30"]


def test_no_duplicate_in_the_hour_that_happens_twice(paris, set_policy):
    set_policy(slot_step_minutes=30)
    day = datetime(2027, 10, 31).date()
    service = make_service(minutes=30)
    make_therapist(services=[service], hours={6: [(time(1), time(4))]})
    slots = available(service, day)
    assert times(slots) == ["01:00", "01:30", "02:00", "02:30", "03:00", "03:30"]
    instants = [slot.start.astimezone(UTC) for slot in slots]
    assert len(set(instants)) == len(instants) == 6
    assert instants == sorted(instants)


def test_the_days_around_a_dst_change_are_unaffected(paris):
    service = make_service(minutes=60)
    make_therapist(services=[service], hours={5: [(time(9), time(11))], 0: [(time(9), time(11))]})
    saturday, monday = datetime(2027, 3, 27).date(), datetime(2027, 3, 29).date()
    slots = available(service, saturday, last=monday)
    assert [s.start.isoformat() for s in slots] == [
        "2027-03-27T09:00:00+01:00",
        "2027-03-27T10:00:00+01:00",
        "2027-03-29T09:00:00+02:00",
        "2027-03-29T10:00:00+02:00",
    ]


def test_the_zone_is_read_at_call_time(settings, set_policy):
    set_policy(slot_step_minutes=60)
    service = make_service(minutes=60)
    make_therapist(services=[service], hours={0: [(time(9), time(10))]})
    settings.TIME_ZONE = "Asia/Tokyo"
    (slot,) = available(service, MONDAY)
    assert slot.start.isoformat() == "2027-03-01T09:00:00+09:00"


# --- The explanation agrees with the engine --------------------------------------------------


def test_unavailable_reason_is_none_exactly_for_the_offered_starts(set_policy):
    set_policy(slot_step_minutes=15, min_notice_hours=2)
    service = make_service(minutes=45, buffer=15, needs_room=True)
    anna = make_therapist("anna", services=[service], hours={0: [(time(9), time(13)), (time(14), time(18))]})
    boris = make_therapist("boris", services=[service])
    room = make_room("linden")
    make_appointment(service=service, therapist=anna, start=at(MONDAY, "11:00"), room=room)
    make_appointment(service=service, therapist=boris, start=at(MONDAY, "15:00"), room=room)
    make_time_off(anna, at(MONDAY, "16:10"), at(MONDAY, "16:50"))
    now = at(MONDAY, "08:20")
    data = load_availability_data(service=service, first_day=MONDAY, last_day=MONDAY, therapist=anna, now=now)
    offered = {slot.start for slot in compute_slots(data)}
    assert offered
    moment = at(MONDAY, "07:00")
    while moment < at(MONDAY, "19:00"):
        reason = unavailable_reason(data, therapist=anna, start=moment)
        assert (reason is None) == (moment in offered), (moment, reason)
        moment += timedelta(minutes=5)


@pytest.mark.parametrize(
    ("hhmm", "expected"),
    [
        ("08:00", "not working"),
        ("09:00", "away"),
        ("10:05", "every 15 minutes"),
        ("11:30", "just taken"),
        ("12:30", None),
    ],
)
def test_unavailable_reason_says_why(step30, set_policy, hhmm, expected):
    set_policy(slot_step_minutes=15)
    service = make_service(minutes=60)
    anna = make_therapist(services=[service], hours={0: [(time(9), time(14))]})
    make_time_off(anna, at(MONDAY, "09:00"), at(MONDAY, "10:00"))
    make_appointment(service=service, therapist=anna, start=at(MONDAY, "11:00"))
    data = load_availability_data(service=service, first_day=MONDAY, last_day=MONDAY, now=now_before(MONDAY))
    reason = unavailable_reason(data, therapist=anna, start=at(MONDAY, hhmm))
    assert (reason is None) if expected is None else (expected in reason)


# --- Queries -------------------------------------------------------------------------------------


def count_queries(function) -> int:
    with CaptureQueriesContext(connection) as captured:
        function()
    return len(captured.captured_queries)


def test_loading_takes_the_same_few_queries_for_1_or_30_days_and_1_or_10_therapists(step30):
    service = make_service(minutes=60, needs_room=True)
    make_room("linden")
    make_therapist("t0", services=[service])
    now = now_before(MONDAY)

    def load(days):
        return load_availability_data(
            service=service, first_day=MONDAY, last_day=MONDAY + timedelta(days=days - 1), now=now
        )

    one_day = count_queries(lambda: compute_slots(load(1)))
    month = count_queries(lambda: compute_slots(load(30)))
    for index in range(1, 10):
        therapist = make_therapist(f"t{index}", services=[service], level=Level.SENIOR)
        make_appointment(service=service, therapist=therapist, start=at(MONDAY, "10:00"))
        make_time_off(therapist, at(MONDAY, "15:00"), at(MONDAY, "16:00"))
    ten = count_queries(lambda: compute_slots(load(30)))
    assert one_day == month == ten == 6


def test_slot_therapists_are_complete_enough_to_show(step30):
    service = make_service(minutes=60)
    anna = make_therapist(
        "anna", name="Anna Sokolova", level=Level.MASTER, headline="Calm", services=[service], bio="About."
    )
    (slot, *_rest) = available(service, MONDAY)
    shown = slot.therapist
    assert (shown.pk, shown.slug, shown.name, shown.level, shown.headline, shown.active) == (
        anna.pk,
        "anna",
        "Anna Sokolova",
        Level.MASTER,
        "Calm",
        True,
    )
    assert shown.bio == "About."  # deferred fields still load on access
    assert shown == anna
