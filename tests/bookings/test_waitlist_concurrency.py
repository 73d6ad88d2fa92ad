"""The waitlist under load, with real threads and transactions (PostgreSQL row locks; SQLite's IMMEDIATE).

- Two clients confirm the same held time at once: only the holder books.
- A cancellation storm (20 at once): each freed time is offered exactly once, to the first 20 entries.
"""

import threading
from datetime import time, timedelta

import pytest
from django.db import connection
from django.utils import timezone

from bookings.booking import book_appointment, cancel_appointment
from bookings.errors import BookingError
from bookings.models import Appointment, AppointmentStatus, OfferStatus, WaitlistOffer
from bookings.waitlist import HoldExpired, confirm_hold, join_waitlist
from tests.bookings.factories import at, clear_questionnaire, make_appointment, make_service, make_therapist

pytestmark = pytest.mark.django_db(transaction=True)


def soon():
    return timezone.localdate() + timedelta(days=7)


def race(attempts) -> tuple[list, list, list]:
    """Run every attempt in its own thread, all released at once: (results, refusals, other errors)."""
    barrier = threading.Barrier(len(attempts))
    done, refused, errors = [], [], []
    lock = threading.Lock()

    def run(attempt):
        try:
            barrier.wait(timeout=30)
            result = attempt()
            with lock:
                done.append(result)
        except BookingError as error:
            with lock:
                refused.append(error)
        except Exception as error:
            with lock:
                errors.append(repr(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(attempt,)) for attempt in attempts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=180)
    assert not any(thread.is_alive() for thread in threads), "a thread hung"
    return done, refused, errors


@pytest.fixture
def service(set_policy):
    set_policy(slot_step_minutes=60, min_notice_hours=2)
    return make_service(minutes=60)


def join(service, email):
    return join_waitlist(
        service=service,
        first_day=soon(),
        last_day=soon(),
        client_name="Waiting",
        client_email=email,
        questionnaire=clear_questionnaire(email),
    )


def test_two_clients_confirm_the_same_held_time_only_the_holder_books(service):
    anna = make_therapist("anna", services=[service], hours={soon().weekday(): [(time(10), time(11))]})
    first = make_appointment(service=service, therapist=anna, start=at(soon(), "10:00"))
    earlier, holder = join(service, "earlier@example.com"), join(service, "holder@example.com")
    cancel_appointment(appointment=first, by="staff", notify=False)
    expired = earlier.offers.get()
    WaitlistOffer.objects.filter(pk=expired.pk).update(status=OfferStatus.EXPIRED)  # passed on...
    offer = WaitlistOffer.objects.create(  # ...to the holder
        entry=holder,
        therapist=anna,
        start=expired.start,
        end=expired.end,
        blocked_until=expired.blocked_until,
        expires_at=timezone.now() + timedelta(minutes=30),
    )
    walk_in = clear_questionnaire("walkin@example.com")

    def reload(pk):
        return WaitlistOffer.objects.select_related("entry__service__technique", "entry__appointment").get(
            pk=pk
        )

    attempts = [
        lambda: confirm_hold(offer=reload(offer.pk)),
        lambda: confirm_hold(offer=reload(expired.pk)),  # the earlier client's old link
        lambda: book_appointment(  # someone booking the same time online
            service=service,
            start=offer.start,
            client_name="Walk In",
            client_email="walkin@example.com",
            questionnaire=walk_in,
        ),
    ]
    booked, refused, errors = race(attempts)
    assert errors == []
    assert [appointment.client_email for appointment in booked] == ["holder@example.com"]
    assert len(refused) == 2 and any(isinstance(error, HoldExpired) for error in refused)
    active = Appointment.objects.filter(status=AppointmentStatus.BOOKED, start=offer.start)
    assert [a.client_email for a in active] == ["holder@example.com"]


def test_a_cancellation_storm_offers_each_freed_time_exactly_once(service):
    hours = {soon().weekday(): [(time(8), time(18))]}
    therapists = [make_therapist(slug, services=[service], hours=hours) for slug in ("anna", "bea")]
    booked = [
        make_appointment(service=service, therapist=therapist, start=at(soon(), f"{hour}:00"))
        for therapist in therapists
        for hour in range(8, 18)
    ]
    entries = [join(service, f"w{number:02}@example.com") for number in range(25)]
    attempts = [
        lambda appointment=appointment: cancel_appointment(appointment=appointment, by="staff", notify=False)
        for appointment in booked
    ]
    cancelled, refused, errors = race(attempts)
    assert (len(cancelled), refused, errors) == (20, [], [])
    held = list(WaitlistOffer.objects.filter(status=OfferStatus.HELD))
    freed = {(appointment.therapist_id, appointment.start) for appointment in booked}
    assert sorted((offer.therapist_id, offer.start) for offer in held) == sorted(freed)
    assert sorted(offer.entry_id for offer in held) == [entry.pk for entry in entries[:20]]


def test_the_holder_confirming_twice_at_once_books_once(service):
    anna = make_therapist("anna", services=[service], hours={soon().weekday(): [(time(10), time(11))]})
    first = make_appointment(service=service, therapist=anna, start=at(soon(), "10:00"))
    holder = join(service, "holder@example.com")
    cancel_appointment(appointment=first, by="staff", notify=False)
    offer = holder.offers.get()

    def confirm():
        fresh = WaitlistOffer.objects.select_related("entry__service__technique", "entry__appointment")
        return confirm_hold(offer=fresh.get(pk=offer.pk))

    booked, refused, errors = race([confirm, confirm])
    assert (refused, errors) == ([], [])
    assert len({appointment.pk for appointment in booked}) == 1
    assert Appointment.objects.filter(client_email="holder@example.com").count() == 1
