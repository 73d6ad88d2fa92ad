"""The booking functions: every refusal, screening (invariant 3), prices copied (invariant 4),
cancelling and moving within the deadline, attendance, idempotency and the audit trail."""

from datetime import time, timedelta
from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.utils import timezone

from bookings.booking import (
    book_appointment,
    cancel_appointment,
    earlier_booking,
    mark_attendance,
    reschedule_appointment,
)
from bookings.errors import BookingError, NotSuitable, SlotUnavailable
from bookings.models import Appointment, AppointmentEvent, Level, StudioClosure
from bookings.rules import change_deadline, client_can_change
from intake.models import Clearance, Outcome
from tests.bookings.factories import (
    MONDAY,
    at,
    clear_questionnaire,
    make_appointment,
    make_questionnaire,
    make_room,
    make_service,
    make_therapist,
    make_time_off,
)

pytestmark = pytest.mark.django_db

NOW_DAYS_BEFORE = 3


@pytest.fixture
def now():
    return at(MONDAY - timedelta(days=NOW_DAYS_BEFORE), "09:00")


@pytest.fixture
def studio(set_policy):
    set_policy(
        slot_step_minutes=15, min_notice_hours=2, booking_window_days=30, cancellation_deadline_hours=24
    )
    service = make_service(
        minutes=60,
        buffer=15,
        price="2500.00",
        level_prices={Level.SENIOR: "2900.00", Level.MASTER: "3300.00"},
    )
    anna = make_therapist("anna", name="Anna Sokolova", services=[service], hours={0: [(time(9), time(18))]})
    boris = make_therapist(
        "boris", name="Boris Senior", level=Level.SENIOR, services=[service], hours={0: [(time(9), time(18))]}
    )
    return {"service": service, "anna": anna, "boris": boris}


def book(studio, now, **overrides):
    values = {
        "service": studio["service"],
        "start": at(MONDAY, "10:00"),
        "client_name": "Maria Client",
        "client_email": "maria@example.com",
        "therapist": studio["anna"],
        "now": now,
    }
    values.update(overrides)
    if "questionnaire" not in values and values.get("source", "online") == "online":
        values["questionnaire"] = clear_questionnaire(values["client_email"])  # online needs one
    return book_appointment(**values)


# --- Booking -----------------------------------------------------------------------------------


def test_booking_copies_the_price_for_the_therapists_level_and_the_currency(studio, now, settings):
    appointment = book(studio, now, therapist=studio["boris"])
    assert appointment.pk and appointment.status == Appointment.Status.BOOKED
    assert appointment.price == Decimal("2900.00") and appointment.currency == "RUB"
    assert appointment.end == at(MONDAY, "11:00")
    assert appointment.blocked_until == at(MONDAY, "11:15")
    assert appointment.therapist_chosen is True
    assert appointment.source == Appointment.Source.ONLINE
    settings.STUDIO_CURRENCY = "EUR"
    second = book(studio, now, start=at(MONDAY, "12:00"))
    assert (second.price, second.currency) == (Decimal("2500.00"), "EUR")  # base price for a therapist


def test_a_later_price_change_does_not_rewrite_history(studio, now):
    appointment = book(studio, now)
    service = studio["service"]
    service.price = Decimal("9999.00")
    service.save()
    appointment.refresh_from_db()
    assert appointment.price == Decimal("2500.00")


def test_booking_uses_the_current_price_not_a_stale_object(studio, now):
    stale = studio["service"]
    type(stale).objects.filter(pk=stale.pk).update(price=Decimal("2700.00"))
    assert book(studio, now, service=stale).price == Decimal("2700.00")


def test_booking_records_who_did_what(studio, now):
    staff = User.objects.create_user("desk", password="x", is_staff=True)
    appointment = book(studio, now, source=Appointment.Source.STAFF, user=staff)
    (event,) = appointment.events.all()
    assert (event.kind, event.actor, event.user) == ("booked", "staff", staff)
    assert event.details["therapist"] == "anna"
    assert event.details["start"] == "2027-03-01T10:00:00+03:00"
    assert event.details["price"] == "2500.00"


def test_manage_tokens_are_long_random_and_unique(studio, now):
    first = book(studio, now)
    second = book(studio, now, start=at(MONDAY, "12:00"))
    assert len(first.manage_token) >= 43 and first.manage_token != second.manage_token


def test_any_therapist_gets_the_one_the_engine_shows(studio, now):
    book(studio, now, start=at(MONDAY, "09:00"))  # Anna now has an hour that day
    appointment = book(studio, now, therapist=None, start=at(MONDAY, "14:00"))
    assert appointment.therapist == studio["boris"]
    assert appointment.therapist_chosen is False
    assert appointment.price == Decimal("2900.00")


def test_a_room_is_assigned_when_the_service_needs_one(studio, now):
    service = studio["service"]
    service.needs_room = True
    service.save()
    linden, garden = make_room("a-linden"), make_room("b-garden")
    first = book(studio, now)
    second = book(studio, now, therapist=studio["boris"])
    assert (first.room, second.room) == (linden, garden)
    with pytest.raises(SlotUnavailable, match="rooms are taken"):
        carla = make_therapist("carla", services=[service], hours={0: [(time(9), time(18))]})
        book(studio, now, therapist=carla)


def test_the_client_details_are_trimmed(studio, now):
    appointment = book(
        studio,
        now,
        client_name="  Maria  ",
        client_email=" maria@example.com ",
        client_phone=" 8 900 123-45-67 ",
    )
    assert (appointment.client_name, appointment.client_email, appointment.client_phone) == (
        "Maria",
        "maria@example.com",
        "+79001234567",  # E.164
    )


@pytest.mark.parametrize("phone", ["call me", "123", "020 7946 0958", "+7 900 123-45-67\x00"])
def test_a_phone_number_nobody_can_call_is_refused(studio, now, phone):
    with pytest.raises(BookingError, match="Please enter a phone number we can call"):
        book(studio, now, client_phone=phone)
    assert not Appointment.objects.exists()


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"client_name": "  "}, "your name"),
        ({"client_name": "x" * 151}, "shorten"),
        ({"client_email": "not-an-email"}, "valid e-mail"),
        ({"client_phone": "1" * 41}, "shorter phone"),
    ],
)
def test_bad_client_details_are_refused_with_a_message(studio, now, changes, message):
    with pytest.raises(BookingError, match=message) as caught:
        book(studio, now, **changes)
    assert not isinstance(caught.value, SlotUnavailable)
    assert not Appointment.objects.exists()


def _refusal_cases():
    return [
        ("past", lambda s, now: {"start": now - timedelta(hours=1)}, "already passed"),
        ("inside the notice", lambda s, now: {"start": now + timedelta(hours=1)}, "hours before"),
        (
            "beyond the window",
            lambda s, now: {"start": at(MONDAY + timedelta(days=35), "10:00")},
            "days ahead",
        ),
        ("outside hours", lambda s, now: {"start": at(MONDAY, "07:00")}, "working at that time"),
        (
            "running past the end of the day",
            lambda s, now: {"start": at(MONDAY, "17:30")},
            "working at that time",
        ),
        (
            "a day off",
            lambda s, now: {"start": at(MONDAY + timedelta(days=1), "10:00")},
            "working at that time",
        ),
        ("off the grid", lambda s, now: {"start": at(MONDAY, "10:05")}, "every 15 minutes"),
        ("seconds", lambda s, now: {"start": at(MONDAY, "10:00") + timedelta(seconds=1)}, "every 15 minutes"),
    ]


@pytest.mark.parametrize(
    ("label", "changes", "message"), _refusal_cases(), ids=[c[0] for c in _refusal_cases()]
)
def test_times_outside_availability_are_refused(studio, now, label, changes, message):
    with pytest.raises(SlotUnavailable, match=message):
        book(studio, now, **changes(studio, now))
    with pytest.raises(SlotUnavailable, match=message):
        book(studio, now, therapist=None, **changes(studio, now))
    assert not Appointment.objects.exists()


def test_the_front_desk_needs_no_notice_but_cannot_book_the_past(studio, now):
    soon = at(MONDAY, "09:15")
    desk_now = at(MONDAY, "09:05")  # a walk-in at 09:05; online clients would need until 11:05
    with pytest.raises(SlotUnavailable, match="hours before"):
        book(studio, desk_now, start=soon)

    walk_in = book(studio, desk_now, start=soon, source=Appointment.Source.STAFF)

    assert walk_in.start == soon
    with pytest.raises(SlotUnavailable, match="already passed"):
        book(studio, desk_now, start=at(MONDAY, "09:00"), source=Appointment.Source.STAFF, therapist=None)


def test_staff_may_move_a_session_to_a_time_inside_the_notice(studio, now):
    appointment = book(studio, now, start=at(MONDAY, "15:00"))
    desk_now = at(MONDAY, "09:05")

    moved = reschedule_appointment(
        appointment=appointment, new_start=at(MONDAY, "09:30"), by="staff", now=desk_now
    )

    assert moved.start == at(MONDAY, "09:30")


def test_time_off_is_refused(studio, now):
    make_time_off(studio["anna"], at(MONDAY, "09:30"), at(MONDAY, "10:30"))
    with pytest.raises(SlotUnavailable, match="away"):
        book(studio, now)


def test_a_closure_is_refused(studio, now):
    StudioClosure.objects.create(start_date=MONDAY, end_date=MONDAY, reason="Holiday")
    with pytest.raises(SlotUnavailable, match="closed on Monday 1 March"):
        book(studio, now)
    with pytest.raises(SlotUnavailable, match="closed"):
        book(studio, now, therapist=None)


def test_an_inactive_service_is_refused(studio, now):
    service = studio["service"]
    service.active = False
    service.save()
    with pytest.raises(SlotUnavailable, match="cannot be booked"):
        book(studio, now)


def test_a_therapist_who_does_not_give_the_service_is_refused(studio, now):
    other = make_service(technique="relaxing", minutes=45)
    carla = make_therapist("carla", name="Carla", services=[other])
    with pytest.raises(SlotUnavailable, match="Carla does not give"):
        book(studio, now, therapist=carla)


def test_an_inactive_therapist_is_refused(studio, now):
    anna = studio["anna"]
    type(anna).objects.filter(pk=anna.pk).update(active=False)
    with pytest.raises(SlotUnavailable, match="not taking bookings"):
        book(studio, now, therapist=anna)  # the object passed in is stale; the locked row is not


def test_a_taken_time_is_refused_including_the_buffer(studio, now):
    book(studio, now)  # 10:00-11:00, busy until 11:15
    with pytest.raises(SlotUnavailable, match="just taken"):
        book(studio, now, start=at(MONDAY, "11:00"))
    assert book(studio, now, start=at(MONDAY, "11:15")).pk


def test_any_therapist_when_everybody_is_busy(studio, now):
    book(studio, now)
    book(studio, now, therapist=studio["boris"])
    with pytest.raises(SlotUnavailable, match="just taken"):
        book(studio, now, therapist=None)


def test_naive_datetimes_are_a_programming_error(studio, now):
    with pytest.raises(ValueError, match="aware"):
        book(studio, now, start=at(MONDAY, "10:00").replace(tzinfo=None))


# --- Screening (invariant 3) -------------------------------------------------------------------


def test_a_declined_technique_is_refused_with_the_reason(studio, now):
    questionnaire = make_questionnaire(
        screening={"classical": {"outcome": "decline", "reasons": ["You told us you have a fever today."]}}
    )
    with pytest.raises(NotSuitable, match="fever") as caught:
        book(studio, now, questionnaire=questionnaire)
    assert caught.value.outcome == Outcome.DECLINE
    assert caught.value.reasons == ["You told us you have a fever today."]
    assert not Appointment.objects.exists()


def test_a_technique_needing_a_doctors_note_is_refused_until_it_is_on_file(studio, now):
    entry = {"outcome": "needs_clearance", "reasons": ["Diabetes"], "clearance_conditions": ["diabetes"]}
    questionnaire = make_questionnaire(screening={"classical": entry})
    with pytest.raises(NotSuitable, match="note from your doctor"):
        book(studio, now, questionnaire=questionnaire)
    staff = User.objects.create_user("desk", password="x", is_staff=True)
    today = timezone.localdate()
    Clearance.objects.create(
        questionnaire=questionnaire,
        condition_key="diabetes",
        issued_on=today,
        valid_until=today + timedelta(days=365),
        recorded_by=staff,
    )
    appointment = book(studio, now, questionnaire=questionnaire)
    assert appointment.questionnaire == questionnaire


@pytest.mark.parametrize("outcome", ["proceed", "proceed_with_note", "modify", "avoid_area"])
def test_bookable_outcomes_are_booked(studio, now, outcome):
    questionnaire = make_questionnaire(screening={"classical": {"outcome": outcome, "reasons": []}})
    assert book(studio, now, questionnaire=questionnaire).questionnaire == questionnaire


def test_a_technique_the_screening_never_looked_at_needs_review(studio, now):
    questionnaire = make_questionnaire(screening={"relaxing": {"outcome": "proceed", "reasons": []}})
    with pytest.raises(NotSuitable):
        book(studio, now, questionnaire=questionnaire)


def test_an_out_of_date_questionnaire_is_refused(studio, now):
    questionnaire = make_questionnaire(screening={"classical": {"outcome": "proceed"}}, valid_days=-1)
    with pytest.raises(BookingError, match="out of date"):
        book(studio, now, questionnaire=questionnaire)


# --- Idempotency --------------------------------------------------------------------------------


def test_a_resubmitted_form_returns_the_first_booking(studio, now):
    first = book(studio, now, idempotency_key="form-123")
    again = book(studio, now, idempotency_key="form-123")
    assert again.pk == first.pk and Appointment.objects.count() == 1
    assert (first.resubmitted, again.resubmitted) == (False, True)  # only the first one is mailed


def test_an_empty_key_never_matches_an_earlier_booking(studio, now):
    booked = book(studio, now)  # no key: a staff booking from an older form, say
    assert booked.idempotency_key == ""
    found = earlier_booking(
        "", service_slug=studio["service"].slug, start=booked.start, email=booked.client_email
    )
    assert found is None


def test_a_reused_key_with_other_details_is_refused(studio, now):
    book(studio, now, idempotency_key="form-123")
    with pytest.raises(BookingError, match="already used"):
        book(studio, now, idempotency_key="form-123", start=at(MONDAY, "14:00"))


# --- Cancelling -----------------------------------------------------------------------------------


def test_a_client_cancels_before_the_deadline_and_the_time_is_free_again(studio, now):
    appointment = book(studio, now)
    assert client_can_change(appointment, now=now)
    cancelled = cancel_appointment(appointment=appointment, reason="Feeling unwell", now=now)
    assert cancelled.status == Appointment.Status.CANCELLED and cancelled.cancelled_at == now
    assert cancelled.cancellation_reason == "Feeling unwell"
    assert [e.kind for e in cancelled.events.all()] == ["booked", "cancelled"]
    assert book(studio, now).pk != appointment.pk


def test_a_client_cannot_cancel_after_the_deadline_but_staff_can(studio, now):
    appointment = book(studio, now)
    late = change_deadline(appointment)
    assert late == at(MONDAY - timedelta(days=1), "10:00")
    assert not client_can_change(appointment, now=late)
    with pytest.raises(BookingError, match=r"24 hours before they start\. Please call us on \+7 495"):
        cancel_appointment(appointment=appointment, by="client", now=late)
    staff = User.objects.create_user("desk", password="x", is_staff=True)
    cancelled = cancel_appointment(appointment=appointment, by="staff", user=staff, now=late)
    assert cancelled.status == Appointment.Status.CANCELLED
    assert cancelled.events.last().user == staff


def test_cancelling_twice_is_refused(studio, now):
    appointment = book(studio, now)
    cancel_appointment(appointment=appointment, now=now)
    with pytest.raises(BookingError, match="already been cancelled"):
        cancel_appointment(appointment=appointment, now=now)


def test_a_session_that_took_place_cannot_be_cancelled(studio, now):
    appointment = book(studio, now)
    mark_attendance(appointment=appointment, status="completed", now=appointment.end)
    with pytest.raises(BookingError, match="already over"):
        cancel_appointment(appointment=appointment, by="staff", now=appointment.end)


# --- Moving ----------------------------------------------------------------------------------------


def test_a_client_moves_a_session_keeping_the_token_and_price(studio, now):
    appointment = book(studio, now)
    Appointment.objects.filter(pk=appointment.pk).update(reminder_sent_at=now)
    moved = reschedule_appointment(appointment=appointment, new_start=at(MONDAY, "15:00"), now=now)
    assert moved.pk == appointment.pk and moved.manage_token == appointment.manage_token
    assert (moved.start, moved.end, moved.blocked_until) == (
        at(MONDAY, "15:00"),
        at(MONDAY, "16:00"),
        at(MONDAY, "16:15"),
    )
    assert moved.price == Decimal("2500.00") and moved.reminder_sent_at is None
    event = moved.events.last()
    assert event.kind == "rescheduled"
    assert (event.details["from"], event.details["to"]) == (
        "2027-03-01T10:00:00+03:00",
        "2027-03-01T15:00:00+03:00",
    )


def test_a_session_may_move_into_its_own_old_time(studio, now):
    appointment = book(studio, now)
    moved = reschedule_appointment(appointment=appointment, new_start=at(MONDAY, "10:30"), now=now)
    assert moved.start == at(MONDAY, "10:30")


def test_moving_to_a_taken_time_is_refused_and_changes_nothing(studio, now):
    appointment = book(studio, now)
    book(studio, now, start=at(MONDAY, "14:00"), client_email="other@example.com")
    with pytest.raises(SlotUnavailable, match="just taken"):
        reschedule_appointment(appointment=appointment, new_start=at(MONDAY, "14:30"), now=now)
    appointment.refresh_from_db()
    assert appointment.start == at(MONDAY, "10:00")


def test_moving_to_the_same_time_is_refused(studio, now):
    appointment = book(studio, now)
    with pytest.raises(BookingError, match="already at that time"):
        reschedule_appointment(appointment=appointment, new_start=appointment.start, now=now)


def test_a_client_cannot_move_after_the_deadline_but_staff_can(studio, now):
    appointment = book(studio, now)
    late = at(MONDAY, "08:00")
    with pytest.raises(BookingError, match="moved online until 24 hours"):
        reschedule_appointment(appointment=appointment, new_start=at(MONDAY, "15:00"), now=late)
    moved = reschedule_appointment(
        appointment=appointment, new_start=at(MONDAY, "15:00"), by="staff", now=late
    )
    assert moved.start == at(MONDAY, "15:00")


def test_moving_to_a_therapist_of_another_level_takes_that_levels_price(studio, now):
    appointment = book(studio, now)
    moved = reschedule_appointment(
        appointment=appointment, new_start=at(MONDAY, "10:00"), therapist=studio["boris"], by="staff", now=now
    )
    assert (moved.therapist, moved.price) == (studio["boris"], Decimal("2900.00"))


def test_moving_with_any_therapist_lets_the_engine_choose(studio, now):
    appointment = book(studio, now)
    book(studio, now, start=at(MONDAY, "15:00"), client_email="other@example.com")  # Anna busy at 15:00
    moved = reschedule_appointment(
        appointment=appointment, new_start=at(MONDAY, "15:00"), any_therapist=True, now=now
    )
    assert moved.therapist == studio["boris"]


def test_a_cancelled_session_cannot_be_moved(studio, now):
    appointment = book(studio, now)
    cancel_appointment(appointment=appointment, now=now)
    with pytest.raises(BookingError, match="cancelled"):
        reschedule_appointment(appointment=appointment, new_start=at(MONDAY, "15:00"), now=now)


# --- Attendance ------------------------------------------------------------------------------------


def test_attendance_is_marked_after_the_start_and_keeps_the_time_occupied(studio, now):
    appointment = book(studio, now)
    with pytest.raises(BookingError, match="not started"):
        mark_attendance(appointment=appointment, status="no_show", now=now)
    marked = mark_attendance(appointment=appointment, status="no_show", now=appointment.start)
    assert marked.status == Appointment.Status.NO_SHOW
    corrected = mark_attendance(appointment=appointment, status="completed", now=appointment.end)
    assert corrected.status == Appointment.Status.COMPLETED
    assert [e.kind for e in AppointmentEvent.objects.filter(appointment=appointment)] == [
        "booked",
        "no_show",
        "completed",
    ]
    assert Appointment.objects.active().filter(pk=appointment.pk).exists()


def test_attendance_for_a_cancelled_session_is_refused(studio, now):
    appointment = book(studio, now)
    cancel_appointment(appointment=appointment, now=now)
    with pytest.raises(BookingError, match="cancelled"):
        mark_attendance(appointment=appointment, status="completed", now=appointment.end)


def test_attendance_only_takes_its_two_statuses(studio, now):
    appointment = make_appointment(
        service=studio["service"], therapist=studio["anna"], start=at(MONDAY, "10:00")
    )
    with pytest.raises(ValueError, match="attendance"):
        mark_attendance(appointment=appointment, status="cancelled", now=appointment.end)
