"""Invariant 1 under load: many clients booking the same time at the same moment.

Real transactions and real threads, each with its own database connection: on PostgreSQL the
row locks (and the exclusion constraints behind them) decide, on SQLite the IMMEDIATE transaction.
Every loser must get a clean SlotUnavailable: no deadlock, no IntegrityError, no "database is locked".
"""

import threading
from datetime import time, timedelta
from itertools import pairwise

import pytest
from django.db import connection

from bookings.booking import book_appointment
from bookings.errors import SlotUnavailable
from bookings.models import Appointment, Level
from tests.bookings.factories import MONDAY, at, clear_questionnaire, make_room, make_service, make_therapist

pytestmark = pytest.mark.django_db(transaction=True)

THREADS = 30


def race(attempts) -> tuple[list, list, list]:
    """Run every attempt in its own thread, all released at once; (booked, refused, other errors)."""
    barrier = threading.Barrier(len(attempts))
    booked, refused, errors = [], [], []
    lock = threading.Lock()

    def run(attempt):
        try:
            barrier.wait(timeout=30)
            appointment = attempt()
            with lock:
                booked.append(appointment)
        except SlotUnavailable as error:
            with lock:
                refused.append(error)
        except Exception as error:  # anything else is what the test looks for
            with lock:
                errors.append(repr(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(attempt,)) for attempt in attempts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a booking thread hung"
    return booked, refused, errors


def attempt(**kwargs):
    now = at(MONDAY - timedelta(days=2), "09:00")
    if "questionnaire" not in kwargs:  # online bookings need one; made here, not in the racing thread
        kwargs["questionnaire"] = clear_questionnaire(kwargs.get("client_email", "racer@example.com"))

    def book():
        return book_appointment(now=now, client_name="Racer", **kwargs)

    return book


@pytest.fixture
def service(set_policy):
    set_policy(slot_step_minutes=15)
    return make_service(minutes=60, buffer=15)


def test_thirty_clients_one_slot_one_appointment(service):
    anna = make_therapist("anna", services=[service], hours={0: [(time(9), time(18))]})
    attempts = [
        attempt(service=service, therapist=anna, start=at(MONDAY, "10:00"), client_email=f"c{i}@example.com")
        for i in range(THREADS)
    ]
    booked, refused, errors = race(attempts)
    assert errors == []
    assert (len(booked), len(refused)) == (1, THREADS - 1)
    assert Appointment.objects.count() == 1
    assert all("just taken" in str(error) for error in refused)


def test_overlapping_times_are_refused_too_not_only_the_same_start(service):
    anna = make_therapist("anna", services=[service], hours={0: [(time(9), time(18))]})
    starts = ["10:00", "10:15", "10:30", "10:45", "11:00"] * 6
    attempts = [
        attempt(service=service, therapist=anna, start=at(MONDAY, hhmm), client_email=f"c{i}@example.com")
        for i, hhmm in enumerate(starts)
    ]
    booked, _refused, errors = race(attempts)
    assert errors == []
    blocked = sorted((a.start, a.blocked_until) for a in Appointment.objects.all())
    assert len(blocked) == len(booked) >= 1
    for (_start, until), (next_start, _until) in pairwise(blocked):
        assert until <= next_start


def test_any_therapist_fills_each_therapist_once(service):
    team = [make_therapist(f"t{i}", services=[service], hours={0: [(time(9), time(18))]}) for i in range(3)]
    attempts = [
        attempt(service=service, therapist=None, start=at(MONDAY, "10:00"), client_email=f"c{i}@example.com")
        for i in range(THREADS)
    ]
    booked, refused, errors = race(attempts)
    assert errors == []
    assert (len(booked), len(refused)) == (3, THREADS - 3)
    assert {a.therapist_id for a in Appointment.objects.all()} == {t.pk for t in team}


def test_a_room_is_never_double_booked(set_policy):
    set_policy(slot_step_minutes=15)
    service = make_service(minutes=60, buffer=15, needs_room=True)
    anna = make_therapist("anna", services=[service], hours={0: [(time(9), time(18))]})
    boris = make_therapist("boris", services=[service], level=Level.SENIOR, hours={0: [(time(9), time(18))]})
    make_room("linden")
    attempts = [
        attempt(
            service=service,
            therapist=anna if i % 2 else boris,
            start=at(MONDAY, "10:00" if i % 3 else "10:30"),
            client_email=f"c{i}@example.com",
        )
        for i in range(THREADS)
    ]
    booked, refused, errors = race(attempts)
    assert errors == []
    assert len(booked) == 1 and len(refused) == THREADS - 1
    assert Appointment.objects.filter(room__isnull=False).count() == 1


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the exclusion constraints exist on PostgreSQL only"
)
def test_without_the_locks_the_exclusion_constraint_still_turns_losers_away(service, monkeypatch):
    """The last guard: even if the locking were broken, the database refuses the overlap cleanly."""
    import bookings.booking

    def no_locks(*, therapist_ids, rooms):
        return {t.pk: t for t in bookings.booking.Therapist.objects.filter(pk__in=therapist_ids)}

    monkeypatch.setattr(bookings.booking, "lock_therapists", no_locks)
    anna = make_therapist("anna", services=[service], hours={0: [(time(9), time(18))]})
    attempts = [
        attempt(service=service, therapist=anna, start=at(MONDAY, "10:00"), client_email=f"c{i}@example.com")
        for i in range(THREADS)
    ]
    booked, refused, errors = race(attempts)
    assert errors == []
    assert (len(booked), len(refused)) == (1, THREADS - 1)
