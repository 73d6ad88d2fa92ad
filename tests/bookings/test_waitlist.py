"""The waitlist domain (bookings/waitlist.py): joining, matching, order of offers, holds, expiry, confirming.

Dates are a week from the real today: the offer task runs with the real clock (as in production).
The test transaction never commits, so `on_commit` callbacks (the offer task, the e-mails) run at
once here (`run_on_commit_now`); `test_nothing_is_offered_before_the_commit` checks the real order.
"""

from datetime import time, timedelta

import pytest
from django.core import mail
from django.db import IntegrityError, transaction
from django.utils import timezone

from bookings.availability import compute_slots, load_availability_data
from bookings.booking import book_appointment, cancel_appointment, reschedule_appointment
from bookings.errors import BookingError, NotSuitable, SlotUnavailable
from bookings.models import AppointmentStatus, OfferStatus, WaitlistEntry, WaitlistOffer, WaitlistStatus
from bookings.waitlist import (
    HoldExpired,
    confirm_hold,
    end_past_entries,
    expire_holds,
    join_waitlist,
    leave_waitlist,
    offer_freed_times,
    offer_time,
    purge_ended,
    suits,
)
from tests.bookings.factories import (
    at,
    clear_questionnaire,
    make_appointment,
    make_questionnaire,
    make_service,
    make_therapist,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def run_on_commit_now(monkeypatch):
    monkeypatch.setattr(transaction, "on_commit", lambda func, using=None, robust=False: func())


def soon():
    return timezone.localdate() + timedelta(days=7)


@pytest.fixture
def service(set_policy):
    set_policy(slot_step_minutes=60, min_notice_hours=2)
    return make_service(minutes=60)


@pytest.fixture
def anna(service):
    return make_therapist("anna", services=[service], hours={soon().weekday(): [(time(10), time(13))]})


@pytest.fixture
def full_day(service, anna):
    """Anna's day a week ahead is fully booked: 10:00, 11:00, 12:00."""
    return [
        make_appointment(service=service, therapist=anna, start=at(soon(), f"{h}:00")) for h in (10, 11, 12)
    ]


def join(service, email="wait@example.com", **fields):
    values = {"first_day": soon(), "last_day": soon(), "client_name": "Wait Person", "client_email": email}
    values.update(fields)
    values.setdefault("questionnaire", clear_questionnaire(email))
    return join_waitlist(service=service, **values)


# --- Joining ------------------------------------------------------------------------------------------


def test_joining_saves_the_entry_with_language_and_mails_the_link(
    service, anna, full_day, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        entry = join(service, parts=["morning"])
    assert entry.status == WaitlistStatus.WAITING and entry.language == "en"
    assert entry.parts == ["morning"]
    (message,) = mail.outbox
    assert message.to == ["wait@example.com"]
    assert "/waitlist/" in message.body and entry.token not in message.subject


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        (
            {"first_day": soon() - timedelta(days=30), "last_day": soon() - timedelta(days=20)},
            "already passed",
        ),
        ({"first_day": soon(), "last_day": soon() - timedelta(days=1)}, "must not come before"),
        ({"first_day": soon(), "last_day": soon() + timedelta(days=100)}, "at most"),
        ({"parts": ["midnight"]}, "times of day"),
        ({"earliest": time(15), "latest": time(11)}, "earliest start"),
        ({"client_email": "not-an-address"}, "valid e-mail"),
        ({"questionnaire": None}, "questionnaire"),
    ],
)
def test_bad_input_is_refused_and_nothing_is_saved(service, anna, fields, message):
    with pytest.raises(BookingError, match=message):
        join(service, **fields)
    assert not WaitlistEntry.objects.exists()


def test_a_service_the_screening_declines_cannot_be_joined(service, anna):
    declined = make_questionnaire(
        email="no@example.com",
        screening={"classical": {"outcome": "decline", "reasons": ["a blood clot"]}},
    )
    with pytest.raises(NotSuitable):
        join(service, email="no@example.com", questionnaire=declined)
    assert not WaitlistEntry.objects.exists()


def test_joining_twice_for_the_same_dates_is_refused(service, anna):
    join(service)
    with pytest.raises(BookingError, match="already on the waitlist"):
        join(service)
    assert WaitlistEntry.objects.count() == 1


# --- Matching -----------------------------------------------------------------------------------------


def test_suits_checks_range_parts_and_hours(service):
    entry = WaitlistEntry(service=service, first_day=soon(), last_day=soon(), parts=["afternoon"])
    assert suits(entry, at(soon(), "12:00")) and suits(entry, at(soon(), "16:00"))
    assert not suits(entry, at(soon(), "11:00")) and not suits(entry, at(soon(), "17:00"))
    assert not suits(entry, at(soon() + timedelta(days=1), "14:00"))
    hours = WaitlistEntry(
        service=service, first_day=soon(), last_day=soon(), earliest=time(10, 30), latest=time(12)
    )
    assert [suits(hours, at(soon(), t)) for t in ("10:00", "11:00", "12:00", "13:00")] == [
        False,
        True,
        True,
        False,
    ]
    anytime = WaitlistEntry(service=service, first_day=soon(), last_day=soon())
    assert suits(anytime, at(soon(), "07:00"))


def test_a_freed_time_goes_to_the_entry_that_matches(service, anna, full_day):
    other = make_service(technique="relaxing", minutes=60)
    bea = make_therapist("bea", services=[service], hours={})
    join(other, email="other-service@example.com")  # another service
    join(service, email="bea-only@example.com", therapist=bea)  # another therapist
    join(service, email="afternoon@example.com", parts=["afternoon"])  # the wrong time of day
    join(
        service,
        email="later@example.com",
        first_day=soon() + timedelta(days=1),
        last_day=soon() + timedelta(days=3),
    )
    wanted = join(service, email="morning@example.com", parts=["morning"])
    cancel_appointment(appointment=full_day[0], by="staff")
    (offer,) = WaitlistOffer.objects.all()
    assert offer.entry == wanted and offer.start == at(soon(), "10:00") and offer.therapist == anna
    assert offer.status == OfferStatus.HELD
    assert offer.expires_at - offer.offered_at == timedelta(minutes=30)


def test_offers_go_in_the_order_people_joined(service, anna, full_day):
    first = join(service, email="first@example.com")
    second = join(service, email="second@example.com")
    third = join(service, email="third@example.com")
    cancel_appointment(appointment=full_day[2], by="staff")
    assert [o.entry for o in WaitlistOffer.objects.all()] == [first]
    cancel_appointment(appointment=full_day[0], by="staff")
    assert [o.entry for o in WaitlistOffer.objects.order_by("pk")] == [first, second]
    assert not third.offers.exists()


def test_the_offer_email_carries_the_hold_link(service, anna, full_day, mailoutbox):
    join(service)
    mailoutbox.clear()
    cancel_appointment(appointment=full_day[1], by="staff", notify=False)
    (message,) = mailoutbox
    assert "/waitlist/hold/" in message.body and "11:00" in message.body


def test_a_move_frees_the_old_time(service, anna, full_day, set_policy):
    entry = join(service, therapist=anna)
    make_therapist("cleo", services=[service], hours={soon().weekday(): [(time(10), time(13))]})
    cleo_time = at(soon(), "11:00")
    from bookings.models import Therapist

    reschedule_appointment(
        appointment=full_day[0], new_start=cleo_time, therapist=Therapist.objects.get(slug="cleo"), by="staff"
    )
    (offer,) = entry.offers.all()
    assert (offer.therapist, offer.start) == (anna, at(soon(), "10:00"))


# --- Holds --------------------------------------------------------------------------------------------


def test_a_hold_never_shows_in_availability(service, anna, full_day, client):
    join(service)
    cancel_appointment(appointment=full_day[1], by="staff")
    data = load_availability_data(service=service, first_day=soon(), last_day=soon())
    assert compute_slots(data) == []
    response = client.get(
        "/api/availability/", {"service": service.slug, "from": soon().isoformat(), "to": soon().isoformat()}
    )
    assert response.status_code == 200 and response.json()["slots"] == []


def test_the_database_refuses_two_holds_on_one_time(service, anna, full_day):
    first = join(service, email="a@example.com")
    second = join(service, email="b@example.com")
    start = at(soon(), "10:00")
    fields = {
        "therapist": anna,
        "start": start,
        "end": start + timedelta(hours=1),
        "blocked_until": start + timedelta(hours=1),
    }
    expires = timezone.now() + timedelta(minutes=30)
    WaitlistOffer.objects.create(entry=first, expires_at=expires, **fields)
    with pytest.raises(IntegrityError), transaction.atomic():
        WaitlistOffer.objects.create(entry=second, expires_at=expires, **fields)
    # Once the first is closed, the time may be held again.
    WaitlistOffer.objects.filter(entry=first).update(status=OfferStatus.EXPIRED)
    WaitlistOffer.objects.create(entry=second, expires_at=expires, **fields)


def test_a_booking_for_someone_else_is_refused_while_the_hold_lasts(service, anna, full_day):
    join(service)
    cancel_appointment(appointment=full_day[0], by="staff")
    with pytest.raises(SlotUnavailable):
        book_appointment(
            service=service,
            start=at(soon(), "10:00"),
            client_name="Walk In",
            client_email="walkin@example.com",
            questionnaire=clear_questionnaire("walkin@example.com"),
        )


def test_the_holder_confirms_and_books(service, anna, full_day):
    entry = join(service)
    cancel_appointment(appointment=full_day[0], by="staff")
    offer = entry.offers.get()
    appointment = confirm_hold(offer=offer)
    assert appointment.status == AppointmentStatus.BOOKED and appointment.start == offer.start
    assert appointment.client_email == "wait@example.com" and appointment.questionnaire == entry.questionnaire
    assert not appointment.therapist_chosen
    entry.refresh_from_db()
    offer.refresh_from_db()
    assert (entry.status, entry.appointment, offer.status) == (
        WaitlistStatus.BOOKED,
        appointment,
        OfferStatus.BOOKED,
    )
    # Confirming again (a double click) returns the same booking.
    again = confirm_hold(offer=WaitlistOffer.objects.select_related("entry__appointment").get(pk=offer.pk))
    assert again.pk == appointment.pk and again.resubmitted


def test_a_hold_expires_and_passes_to_the_next_client(service, anna, full_day, mailoutbox):
    first = join(service, email="first@example.com")
    second = join(service, email="second@example.com")
    cancel_appointment(appointment=full_day[0], by="staff", notify=False)
    held = first.offers.get()
    mailoutbox.clear()
    assert expire_holds(now=timezone.now() + timedelta(minutes=10)) == []  # not yet
    assert [offer.pk for offer in expire_holds(now=held.expires_at)] == [held.pk]
    held.refresh_from_db()
    assert held.status == OfferStatus.EXPIRED
    (passed_on,) = second.offers.all()
    assert passed_on.start == held.start and passed_on.status == OfferStatus.HELD
    assert [m.to for m in mailoutbox] == [["second@example.com"]]
    # The first client's link now says so, and books nothing.
    with pytest.raises(HoldExpired, match="next person"):
        confirm_hold(offer=WaitlistOffer.objects.select_related("entry").get(pk=held.pk))
    first.refresh_from_db()
    assert first.status == WaitlistStatus.WAITING  # still waiting, never offered that time again
    assert full_day[0].__class__.objects.filter(status=AppointmentStatus.BOOKED).count() == 2


def test_confirming_after_the_hold_time_is_refused(service, anna, full_day):
    entry = join(service)
    cancel_appointment(appointment=full_day[0], by="staff")
    offer = entry.offers.get()
    with pytest.raises(HoldExpired):
        confirm_hold(offer=offer, now=offer.expires_at + timedelta(seconds=1))
    offer.refresh_from_db()
    assert offer.status == OfferStatus.HELD and not entry.__class__.objects.get(pk=entry.pk).appointment


def test_a_refused_booking_leaves_the_hold_as_it_was(service, anna, full_day):
    entry = join(service)
    cancel_appointment(appointment=full_day[0], by="staff")
    entry.questionnaire.valid_until = timezone.now() + timedelta(days=1)  # out of date by the session
    entry.questionnaire.save()
    offer = entry.offers.get()
    with pytest.raises(BookingError, match="out of date"):
        confirm_hold(offer=offer)
    offer.refresh_from_db()
    assert offer.status == OfferStatus.HELD


def test_leaving_releases_the_hold_to_the_next(service, anna, full_day):
    first = join(service, email="first@example.com")
    second = join(service, email="second@example.com")
    cancel_appointment(appointment=full_day[0], by="staff")
    leave_waitlist(entry=first)
    first.refresh_from_db()
    assert first.status == WaitlistStatus.LEFT
    assert first.offers.get().status == OfferStatus.RELEASED
    assert second.offers.get().status == OfferStatus.HELD


def test_staff_offer_a_chosen_time_by_hand(service, anna, full_day, django_user_model):
    entry = join(service, parts=["evening"])  # nothing in the evening: never offered automatically
    cancel_appointment(appointment=full_day[1], by="staff")
    assert not entry.offers.exists()
    manager = django_user_model.objects.create_user("manager")
    offer = offer_time(entry=entry, start=at(soon(), "11:00"), by=WaitlistOffer.By.STAFF, user=manager)
    assert (offer.by, offer.user, offer.start) == ("staff", manager, at(soon(), "11:00"))
    with pytest.raises(BookingError):  # one hold at a time
        offer_time(entry=entry, start=at(soon(), "11:00"), by=WaitlistOffer.By.STAFF)


def test_entries_end_when_their_range_has_passed_and_are_purged_later(service, anna):
    entry = join(service)
    later = timezone.now() + timedelta(days=9)
    assert end_past_entries(now=later) == 1
    entry.refresh_from_db()
    assert entry.status == WaitlistStatus.ENDED
    assert offer_freed_times(now=later) == []
    assert purge_ended(older_than_days=30, now=later + timedelta(days=29)) == 0
    assert purge_ended(older_than_days=30, now=later + timedelta(days=31)) == 1
    assert not WaitlistEntry.objects.exists()


def test_more_time_off_removed_offers_the_time(service, anna, full_day):
    from staff.scheduling import remove_time_off
    from tests.bookings.factories import make_time_off

    bea = make_therapist("bea", services=[service], hours={soon().weekday(): [(time(10), time(11))]})
    off = make_time_off(bea, at(soon(), "09:00"), at(soon(), "12:00"))
    entry = join(service)
    remove_time_off(off)
    (offer,) = entry.offers.all()
    assert (offer.therapist, offer.start) == (bea, at(soon(), "10:00"))


def test_nothing_is_offered_before_the_commit(
    service, anna, full_day, django_capture_on_commit_callbacks, monkeypatch
):
    entry = join(service)
    monkeypatch.undo()  # the real on_commit from here
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        cancel_appointment(appointment=full_day[0], by="staff", notify=False)
    assert not entry.offers.exists() and callbacks
    for callback in callbacks:
        callback()
    assert entry.offers.get().start == at(soon(), "10:00")


def test_time_freed_during_a_pass_still_goes_to_the_earliest_entry(service, anna, full_day, monkeypatch):
    import bookings.waitlist as domain

    first = join(service, email="first@example.com", therapist=anna)
    second = join(service, email="second@example.com")  # any therapist: looked at separately
    real_load, calls = domain._free_for_group, []

    def load_while_someone_cancels(entries, **kwargs):
        calls.append(entries[0].pk)
        if len(calls) == 2:  # another transaction frees 10:00 after the first entry was looked at
            type(full_day[0]).objects.filter(pk=full_day[0].pk).update(status=AppointmentStatus.CANCELLED)
        return real_load(entries, **kwargs)

    monkeypatch.setattr(domain, "_free_for_group", load_while_someone_cancels)
    (offer,) = offer_freed_times()
    assert offer.entry == first and calls[:3] == [first.pk, second.pk, first.pk]  # started again
    assert not second.offers.exists()
