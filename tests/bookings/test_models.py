"""Models: named constraints, the overlap rules for working hours, prices by level, the booking
rules singleton, and on PostgreSQL the exclusion constraints (invariant 1 in the database)."""

from datetime import time, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction

from bookings.constraints import PostgresExclusionConstraint
from bookings.forms import WorkingHoursFormSet
from bookings.models import (
    ACTIVE_STATUSES,
    Appointment,
    BookingPolicy,
    Level,
    ServicePrice,
    StudioClosure,
    TimeOff,
    WorkingHours,
    find_overlap,
)
from tests.bookings.factories import MONDAY, at, make_appointment, make_room, make_service, make_therapist

pytestmark = pytest.mark.django_db

on_postgres = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only")


def refused_by_database(create) -> bool:
    try:
        with transaction.atomic():
            create()
    except IntegrityError:
        return True
    return False


# --- Check and unique constraints --------------------------------------------------------------


def test_working_hours_must_end_after_they_start():
    anna = make_therapist(hours={})
    assert refused_by_database(
        lambda: WorkingHours.objects.create(therapist=anna, weekday=0, start=time(12), end=time(9))
    )
    assert refused_by_database(
        lambda: WorkingHours.objects.create(therapist=anna, weekday=7, start=time(9), end=time(12))
    )
    row = WorkingHours(therapist=anna, weekday=0, start=time(12), end=time(12))
    with pytest.raises(ValidationError, match="end after they start"):
        row.full_clean()


def test_time_off_and_closures_are_ordered():
    anna = make_therapist(hours={})
    start = at(MONDAY, "10:00")
    assert refused_by_database(lambda: TimeOff.objects.create(therapist=anna, start=start, end=start))
    assert refused_by_database(
        lambda: StudioClosure.objects.create(start_date=MONDAY, end_date=MONDAY - timedelta(days=1))
    )
    assert not refused_by_database(lambda: StudioClosure.objects.create(start_date=MONDAY, end_date=MONDAY))


def test_prices_are_never_negative_and_one_per_level():
    service = make_service()
    assert refused_by_database(lambda: ServicePrice.objects.create(service=service, level="senior", price=-1))
    ServicePrice.objects.create(service=service, level=Level.SENIOR, price=Decimal("3000"))
    assert refused_by_database(lambda: ServicePrice.objects.create(service=service, level="senior", price=1))
    assert refused_by_database(lambda: ServicePrice.objects.create(service=service, level="guru", price=1))
    assert refused_by_database(lambda: make_service(slug="cheap", price="-0.01"))


def test_appointments_check_their_times_price_and_status():
    service = make_service()
    anna = make_therapist(services=[service], hours={})
    start = at(MONDAY, "10:00")
    base = {
        "service": service,
        "therapist": anna,
        "client_name": "X",
        "client_email": "x@example.com",
        "price": Decimal("1"),
        "currency": "RUB",
    }
    cases = [
        {"start": start, "end": start, "blocked_until": start},
        {"start": start, "end": start + timedelta(hours=1), "blocked_until": start},
        {
            "start": start,
            "end": start + timedelta(hours=1),
            "blocked_until": start + timedelta(hours=1),
            "price": -1,
        },
        {
            "start": start,
            "end": start + timedelta(hours=1),
            "blocked_until": start + timedelta(hours=1),
            "status": "x",
        },
    ]
    for case in cases:
        assert refused_by_database(lambda case=case: Appointment.objects.create(**{**base, **case})), case


def test_manage_tokens_are_unique_in_the_database():
    service = make_service()
    anna = make_therapist(services=[service], hours={})
    first = make_appointment(service=service, therapist=anna, start=at(MONDAY, "10:00"))
    second = make_appointment(service=service, therapist=anna, start=at(MONDAY, "12:00"))
    second.manage_token = first.manage_token
    assert refused_by_database(second.save)


def test_the_booking_rules_are_a_single_row_with_defaults():
    policy = BookingPolicy.current()
    assert policy._state.adding  # nothing saved yet: the defaults apply
    assert (policy.slot_step_minutes, policy.min_notice_hours, policy.max_range_days) == (15, 2, 62)
    policy.booking_window_days = 30
    policy.save()
    another = BookingPolicy(booking_window_days=10)
    another.save()  # saving "another" row updates the one row
    assert BookingPolicy.objects.count() == 1
    assert BookingPolicy.current().booking_window_days == 10
    assert refused_by_database(lambda: BookingPolicy.objects.filter(pk=1).update(slot_step_minutes=1))


@pytest.mark.parametrize(
    "change",
    [{"booking_window_days": 731}, {"min_notice_hours": 24 * 14 + 1}, {"cancellation_deadline_hours": 999}],
)
def test_the_database_holds_the_booking_rules_upper_bounds_too(change):
    BookingPolicy().save()
    assert refused_by_database(lambda: BookingPolicy.objects.filter(pk=1).update(**change))
    assert not refused_by_database(
        lambda: BookingPolicy.objects.filter(pk=1).update(
            booking_window_days=730, min_notice_hours=24 * 14, cancellation_deadline_hours=24 * 14
        )
    )


# --- Working hours may not overlap -------------------------------------------------------------


@pytest.mark.parametrize(
    ("periods", "overlap"),
    [
        ([(time(9), time(13)), (time(14), time(18))], False),
        ([(time(9), time(13)), (time(13), time(18))], False),  # touching is fine
        ([(time(9), time(13)), (time(12), time(18))], True),
        ([(time(14), time(18)), (time(9), time(15))], True),
        ([(time(9), time(18)), (time(10), time(11))], True),
    ],
)
def test_find_overlap(periods, overlap):
    assert (find_overlap(periods) is not None) is overlap


def test_clean_refuses_hours_overlapping_a_saved_row():
    anna = make_therapist(hours={0: [(time(9), time(13))]})
    with pytest.raises(ValidationError, match="overlap 09:00-13:00"):
        WorkingHours(therapist=anna, weekday=0, start=time(12), end=time(18)).full_clean()
    WorkingHours(therapist=anna, weekday=0, start=time(13), end=time(18)).full_clean()
    WorkingHours(therapist=anna, weekday=1, start=time(12), end=time(18)).full_clean()
    saved = anna.working_hours.get()
    saved.end = time(14)
    saved.full_clean()  # a row never overlaps itself


def formset_data(rows, existing=()):
    data = {
        "working_hours-TOTAL_FORMS": str(len(rows)),
        "working_hours-INITIAL_FORMS": str(len(existing)),
        "working_hours-MIN_NUM_FORMS": "0",
        "working_hours-MAX_NUM_FORMS": "1000",
    }
    for index, (weekday, start, end) in enumerate(rows):
        data[f"working_hours-{index}-weekday"] = str(weekday)
        data[f"working_hours-{index}-start"] = start
        data[f"working_hours-{index}-end"] = end
        if index < len(existing):
            data[f"working_hours-{index}-id"] = str(existing[index].pk)
    return data


def test_the_formset_refuses_overlapping_rows_on_one_day():
    anna = make_therapist(hours={})
    formset = WorkingHoursFormSet(
        formset_data([(0, "09:00", "13:00"), (0, "12:00", "18:00")]), instance=anna, prefix="working_hours"
    )
    assert not formset.is_valid()
    assert "On Monday, 09:00-13:00 and 12:00-18:00 overlap" in str(formset.non_form_errors())


def test_the_formset_judges_the_edited_set_not_the_saved_rows():
    anna = make_therapist(hours={0: [(time(9), time(13))]})
    existing = list(anna.working_hours.all())
    # Shorten the saved morning to 12:00 and add an afternoon from 12:00 in the same submission.
    formset = WorkingHoursFormSet(
        formset_data([(0, "09:00", "12:00"), (0, "12:00", "18:00")], existing),
        instance=anna,
        prefix="working_hours",
    )
    assert formset.is_valid(), (formset.errors, formset.non_form_errors())
    formset.save()
    assert [(r.start, r.end) for r in anna.working_hours.order_by("start")] == [
        (time(9), time(12)),
        (time(12), time(18)),
    ]


# --- Querysets ---------------------------------------------------------------------------------


def test_active_appointments_are_all_but_cancelled_ones():
    service = make_service()
    anna = make_therapist(services=[service], hours={})
    for hour, status in zip(range(9, 13), Appointment.Status.values, strict=True):
        make_appointment(service=service, therapist=anna, start=at(MONDAY, f"{hour}:00"), status=status)
    assert set(Appointment.objects.active().values_list("status", flat=True)) == {
        "booked",
        "completed",
        "no_show",
    }
    overlapping = Appointment.objects.overlapping(at(MONDAY, "09:30"), at(MONDAY, "10:00"))
    assert [a.start for a in overlapping] == [at(MONDAY, "09:00")]


def test_the_exclusion_constraints_cover_exactly_the_active_statuses():
    constraints = [c for c in Appointment._meta.constraints if isinstance(c, PostgresExclusionConstraint)]
    assert {c.name for c in constraints} == {
        "appointment_no_therapist_overlap",
        "appointment_no_room_overlap",
    }
    for constraint in constraints:
        (lookup, statuses) = next(
            child for child in constraint.condition.children if child[0] == "status__in"
        )
        assert set(statuses) == {status.value for status in ACTIVE_STATUSES}, lookup


def test_migrations_are_up_to_date():
    call_command("makemigrations", "bookings", "--check", "--dry-run", verbosity=0)


# --- PostgreSQL: the exclusion constraints themselves ------------------------------------------


@on_postgres
def test_the_database_refuses_an_overlapping_appointment_for_the_same_therapist():
    service = make_service(minutes=60, buffer=15)
    anna = make_therapist(services=[service], hours={})
    boris = make_therapist("boris", services=[service], hours={})
    make_appointment(service=service, therapist=anna, start=at(MONDAY, "10:00"))  # blocks until 11:15
    assert refused_by_database(
        lambda: make_appointment(service=service, therapist=anna, start=at(MONDAY, "11:00"))
    )
    assert not refused_by_database(
        lambda: make_appointment(service=service, therapist=boris, start=at(MONDAY, "11:00"))
    )
    assert not refused_by_database(
        lambda: make_appointment(service=service, therapist=anna, start=at(MONDAY, "11:15"))
    )  # touching the buffer's end is fine


@on_postgres
def test_a_cancelled_appointment_does_not_count_for_the_database():
    service = make_service(minutes=60)
    anna = make_therapist(services=[service], hours={})
    make_appointment(service=service, therapist=anna, start=at(MONDAY, "10:00"), status="cancelled")
    assert not refused_by_database(
        lambda: make_appointment(service=service, therapist=anna, start=at(MONDAY, "10:00"))
    )
    assert refused_by_database(
        lambda: make_appointment(service=service, therapist=anna, start=at(MONDAY, "10:30"), status="no_show")
    )


@on_postgres
def test_the_database_refuses_two_appointments_in_one_room():
    service = make_service(minutes=60, needs_room=True)
    anna = make_therapist(services=[service], hours={})
    boris = make_therapist("boris", services=[service], hours={})
    room = make_room()
    make_appointment(service=service, therapist=anna, start=at(MONDAY, "10:00"), room=room)
    assert refused_by_database(
        lambda: make_appointment(service=service, therapist=boris, start=at(MONDAY, "10:30"), room=room)
    )
    assert not refused_by_database(
        lambda: make_appointment(service=service, therapist=boris, start=at(MONDAY, "10:30"), room=None)
    )


@on_postgres
def test_model_validation_reports_the_overlap_in_words():
    service = make_service(minutes=60)
    anna = make_therapist(services=[service], hours={})
    existing = make_appointment(service=service, therapist=anna, start=at(MONDAY, "10:00"))
    clash = Appointment(
        service=service,
        therapist=anna,
        client_name="X",
        client_email="x@example.com",
        start=existing.start,
        end=existing.end,
        blocked_until=existing.blocked_until,
        price=Decimal("1"),
        currency="RUB",
    )
    with pytest.raises(ValidationError, match="already has a session at that time"):
        clash.full_clean()


@pytest.mark.skipif(connection.vendor == "postgresql", reason="what other databases do")
def test_off_postgresql_the_exclusion_constraint_is_absent_and_skipped():
    constraint = next(c for c in Appointment._meta.constraints if isinstance(c, PostgresExclusionConstraint))
    editor = connection.schema_editor()  # not entered: only asked for SQL, nothing is run
    assert constraint.create_sql(Appointment, editor) is None
    assert constraint.constraint_sql(Appointment, editor) is None
    assert constraint.remove_sql(Appointment, editor) is None
    service = make_service(minutes=60)
    anna = make_therapist(services=[service], hours={})
    existing = make_appointment(service=service, therapist=anna, start=at(MONDAY, "10:00"))
    existing.full_clean()  # validation does not try PostgreSQL operators here
