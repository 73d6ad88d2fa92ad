"""A schedule change holds the same therapist row locks as a booking while it checks and saves.

`book_appointment` locks the therapists' rows before it re-reads availability. A change to working
hours, time off or closures must take those locks before it lists the sessions it strands, or a
booking in flight (it read the old hours) commits inside the new time off unseen. Each test looks
from a second connection, while the change is inside its transaction, at which therapist rows can
still be locked (`FOR UPDATE NOWAIT`).

PostgreSQL only: on SQLite `select_for_update()` does nothing and the IMMEDIATE transaction locks
the whole database from BEGIN instead, so there is no row lock to look at.
"""

import threading
from datetime import timedelta

import pytest
from django.db import OperationalError, connection, transaction
from django.urls import reverse

from bookings.models import StudioClosure, Therapist, TimeOff
from staff import scheduling
from staff.views import hours as hours_views
from tests.bookings.factories import MONDAY, make_therapist
from tests.staff.test_hours import formset_data

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="row locks are PostgreSQL's; on SQLite the IMMEDIATE transaction locks the whole database",
    ),
]

TUESDAY = MONDAY + timedelta(days=1)


def rows_locked_elsewhere(therapists) -> set[str]:
    """The slugs of the therapists whose rows another connection cannot lock at this moment."""
    locked: set[str] = set()
    problems: list[str] = []

    def probe():
        try:
            for therapist in therapists:
                try:
                    with transaction.atomic():
                        list(Therapist.objects.select_for_update(nowait=True).filter(pk=therapist.pk))
                except OperationalError:
                    locked.add(therapist.slug)
        except Exception as error:  # reported below, in the test's own thread
            problems.append(repr(error))
        finally:
            connection.close()

    thread = threading.Thread(target=probe)
    thread.start()
    thread.join(timeout=30)
    assert not thread.is_alive(), "the probe hung"
    assert problems == []
    return locked


@pytest.fixture
def carla(studio):
    return make_therapist("carla", services=[studio.service], active=False)


@pytest.fixture
def manager(client, studio):
    client.force_login(studio.user("manager"))
    return client


@pytest.fixture
def seen_in_transaction(monkeypatch, studio, carla):
    """Wrap the view's stranded-session finder: each call records the locks held elsewhere then."""
    seen: list[tuple[bool, set[str]]] = []

    def watching(finder):
        def find(**kwargs):
            seen.append(
                (
                    connection.in_atomic_block,
                    rows_locked_elsewhere([studio.anna, studio.boris, carla]),
                )
            )
            return finder(**kwargs)

        return find

    for name in ("outside_hours", "during_time_off", "on_closed_days"):
        monkeypatch.setattr(hours_views, name, watching(getattr(scheduling, name)))
    return seen


def inside_the_change(seen) -> set[str]:
    """The locks held while the change re-checked its sessions inside its transaction."""
    in_transaction = [locked for atomic, locked in seen if atomic]
    assert len(in_transaction) == 1
    return in_transaction[0]


def test_working_hours_lock_that_therapist(manager, studio, seen_in_transaction):
    data = formset_data(studio.anna, [(6, "19:00", "21:00")])
    response = manager.post(reverse("staff:working_hours", args=[studio.anna.slug]), data)

    assert response.status_code == 302
    assert inside_the_change(seen_in_transaction) == {"anna"}
    assert rows_locked_elsewhere([studio.anna]) == set()  # released at the end


def test_time_off_locks_that_therapist(manager, studio, seen_in_transaction):
    response = manager.post(
        reverse("staff:time_off", args=[studio.boris.slug]),
        {"start": f"{TUESDAY}T09:00", "end": f"{TUESDAY}T13:00", "reason": "Course"},
    )

    assert response.status_code == 302
    assert TimeOff.objects.filter(therapist=studio.boris).exists()
    assert inside_the_change(seen_in_transaction) == {"boris"}


def test_a_closure_locks_every_active_therapist(manager, studio, seen_in_transaction):
    response = manager.post(
        reverse("staff:closures"), {"start_date": str(TUESDAY), "end_date": str(TUESDAY), "reason": "Repairs"}
    )

    assert response.status_code == 302
    assert StudioClosure.objects.exists()
    assert inside_the_change(seen_in_transaction) == {"anna", "boris"}  # not the inactive Carla


def test_apply_change_without_a_therapist_locks_the_whole_studio(studio, carla):
    seen = []

    scheduling.apply_change(
        save=lambda: seen.append(rows_locked_elsewhere([studio.anna, studio.boris, carla])),
        find_stranded=list,
        seen_ids=[],
        decision="",
        message="",
        change="test",
        user=None,
    )

    assert seen == [{"anna", "boris"}]


def test_a_change_that_cannot_get_the_lock_in_time_is_refused_and_saves_nothing(studio, settings):
    settings.BOOKINGS_LOCK_TIMEOUT_SECONDS = 1
    holding, release = threading.Event(), threading.Event()

    def booking_in_flight():  # holds Anna's row as book_appointment does, until told to stop
        try:
            with transaction.atomic():
                list(Therapist.objects.select_for_update().filter(pk=studio.anna.pk))
                holding.set()
                release.wait(timeout=30)
        finally:
            connection.close()

    thread = threading.Thread(target=booking_in_flight)
    thread.start()
    saved = []
    try:
        assert holding.wait(timeout=30)
        with pytest.raises(scheduling.ScheduleChangeError, match="try again"):
            scheduling.apply_change(
                save=lambda: saved.append(1),
                find_stranded=list,
                seen_ids=[],
                decision="",
                message="",
                change="test",
                user=None,
                therapist=studio.anna,
            )
    finally:
        release.set()
        thread.join(timeout=30)
    assert saved == []
