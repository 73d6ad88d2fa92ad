"""Working hours, time off and closures from the staff area; sessions they would strand."""

from datetime import time, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bookings.forms import WorkingHoursFormSet
from bookings.models import Appointment, AppointmentEvent, EventKind, StudioClosure, TimeOff, WorkingHours
from staff.scheduling import Decision, ScheduleChangeError, apply_change, outside_hours
from tests.bookings.factories import MONDAY, at, make_appointment, make_therapist, make_time_off
from tests.utils import assert_csp_clean

pytestmark = pytest.mark.django_db

TUESDAY = MONDAY + timedelta(days=1)


@pytest.fixture
def manager(client, studio):
    client.force_login(studio.user("manager"))
    return client


def hours_url(therapist):
    return reverse("staff:working_hours", args=[therapist.slug])


def formset_data(therapist, rows, *, delete=()):
    """The working-hours formset as the page posts it: existing rows kept or changed, plus new ones."""
    existing = list(WorkingHours.objects.filter(therapist=therapist).order_by("weekday", "start"))
    data = {
        "hours-TOTAL_FORMS": str(len(existing) + len(rows)),
        "hours-INITIAL_FORMS": str(len(existing)),
        "hours-MIN_NUM_FORMS": "0",
        "hours-MAX_NUM_FORMS": "1000",
    }
    for index, row in enumerate(existing):
        data[f"hours-{index}-id"] = str(row.pk)
        data[f"hours-{index}-therapist"] = str(therapist.pk)
        data[f"hours-{index}-weekday"] = str(row.weekday)
        data[f"hours-{index}-start"] = f"{row.start:%H:%M}"
        data[f"hours-{index}-end"] = f"{row.end:%H:%M}"
        if (row.weekday, row.start) in delete:
            data[f"hours-{index}-DELETE"] = "on"
    for offset, (weekday, start, end) in enumerate(rows):
        index = len(existing) + offset
        data[f"hours-{index}-therapist"] = str(therapist.pk)
        data[f"hours-{index}-weekday"] = str(weekday)
        data[f"hours-{index}-start"] = start
        data[f"hours-{index}-end"] = end
    return data


def hours_of(therapist):
    return list(
        WorkingHours.objects.filter(therapist=therapist)
        .order_by("weekday", "start")
        .values_list("weekday", "start", "end")
    )


# --- Working hours -----------------------------------------------------------------------------------


def test_the_hours_page_shows_the_rows(manager, studio):
    response = manager.get(hours_url(studio.anna))

    assert response.status_code == 200
    assert_csp_clean(response)
    assert 'value="09:00"' in response.content.decode()


def test_adding_a_period_that_strands_nothing_is_saved_at_once(manager, studio):
    # Sundays 19:00-21:00 on top of 09:00-18:00: no session is outside.
    response = manager.post(hours_url(studio.anna), formset_data(studio.anna, [(6, "19:00", "21:00")]))

    assert response.status_code == 302
    assert (6, time(19), time(21)) in hours_of(studio.anna)


def test_overlapping_hours_are_refused_and_nothing_changes(manager, studio):
    before = hours_of(studio.anna)

    response = manager.post(hours_url(studio.anna), formset_data(studio.anna, [(0, "17:00", "19:00")]))

    assert response.status_code == 400
    html = response.content.decode()
    assert "On Monday, 09:00-18:00 and 17:00-19:00 overlap." in html
    assert 'value="17:00"' in html  # what was typed is kept
    assert hours_of(studio.anna) == before


def test_hours_that_end_before_they_start_are_refused(manager, studio):
    before = hours_of(studio.anna)

    response = manager.post(hours_url(studio.anna), formset_data(studio.anna, [(6, "20:00", "19:00")]))

    assert response.status_code == 400
    assert "Working hours must end after they start." in response.content.decode()
    assert hours_of(studio.anna) == before


def test_the_formset_periods_are_the_rows_it_will_hold(studio):
    data = formset_data(studio.anna, [(6, "19:00", "21:00"), ("", "", "")], delete=[(1, time(9))])
    data["hours-2-start"] = "08:00"  # Wednesday changed from 09:00-18:00 to 08:00-18:00
    formset = WorkingHoursFormSet(data, instance=studio.anna, prefix="hours")

    assert formset.is_valid(), (formset.errors, formset.non_form_errors())
    assert formset.periods() == [
        (0, time(9), time(18)),
        (2, time(8), time(18)),  # as changed
        (3, time(9), time(18)),
        (4, time(9), time(18)),
        (5, time(9), time(18)),
        (6, time(9), time(18)),
        (6, time(19), time(21)),  # new
    ]  # not Tuesday (deleted), nor the blank extra row


@pytest.fixture
def tuesday_session(studio):
    return make_appointment(
        service=studio.service, therapist=studio.anna, start=at(TUESDAY, "10:00"), email="tue@example.com"
    )


def test_hours_that_would_strand_a_session_list_it_and_save_nothing(manager, studio, tuesday_session):
    before = hours_of(studio.anna)

    response = manager.post(hours_url(studio.anna), formset_data(studio.anna, [], delete=[(1, time(9))]))

    assert response.status_code == 200
    html = response.content.decode()
    assert "This change affects 1 booked session" in html
    assert "Someone Else" in html and "Tue 2 Mar, 10:00" in html
    assert f'name="seen" value="{tuesday_session.pk}"' in html
    assert 'name="hours-TOTAL_FORMS"' in html  # the change is carried along
    assert hours_of(studio.anna) == before


def test_keeping_stranded_sessions_saves_and_notes_the_exception(
    manager, studio, tuesday_session, mailoutbox
):
    data = formset_data(studio.anna, [], delete=[(1, time(9))])

    response = manager.post(
        hours_url(studio.anna), {**data, "decision": "keep", "seen": str(tuesday_session.pk)}
    )

    assert response.status_code == 302
    assert all(weekday != 1 for weekday, _start, _end in hours_of(studio.anna))
    tuesday_session.refresh_from_db()
    assert tuesday_session.status == "booked"
    event = AppointmentEvent.objects.get(appointment=tuesday_session)
    assert (event.kind, event.user) == (EventKind.EXCEPTION, studio.user("manager"))
    assert mailoutbox == []


def test_cancelling_stranded_sessions_emails_the_clients(
    manager, studio, tuesday_session, mailoutbox, django_capture_on_commit_callbacks
):
    data = formset_data(studio.anna, [], delete=[(1, time(9))])

    with django_capture_on_commit_callbacks(execute=True):
        response = manager.post(
            hours_url(studio.anna),
            {
                **data,
                "decision": "cancel",
                "seen": str(tuesday_session.pk),
                "message": "Anna's hours changed",
            },
        )

    assert response.status_code == 302
    tuesday_session.refresh_from_db()
    assert (tuesday_session.status, tuesday_session.cancellation_reason) == (
        "cancelled",
        "Anna's hours changed",
    )
    assert [message.to for message in mailoutbox] == [["tue@example.com"]]


def test_cancelling_without_a_reason_asks_for_one(manager, studio, tuesday_session):
    data = formset_data(studio.anna, [], delete=[(1, time(9))])
    before = hours_of(studio.anna)

    response = manager.post(
        hours_url(studio.anna), {**data, "decision": "cancel", "seen": str(tuesday_session.pk)}
    )

    assert response.status_code == 409
    assert "Please give a reason for cancelling these sessions." in response.content.decode()
    assert hours_of(studio.anna) == before


def test_going_back_changes_nothing_and_keeps_the_typed_change(manager, studio, tuesday_session):
    data = formset_data(studio.anna, [(6, "19:00", "21:00")], delete=[(1, time(9))])
    before = hours_of(studio.anna)

    response = manager.post(
        hours_url(studio.anna), {**data, "decision": "back", "seen": str(tuesday_session.pk)}
    )

    assert response.status_code == 200
    assert "Nothing was changed." in response.content.decode()
    assert 'value="21:00"' in response.content.decode()
    assert hours_of(studio.anna) == before
    assert not AppointmentEvent.objects.exists()


def test_a_session_booked_meanwhile_is_shown_before_anything_is_saved(manager, studio, tuesday_session):
    data = formset_data(studio.anna, [], delete=[(1, time(9))])
    later = make_appointment(service=studio.service, therapist=studio.anna, start=at(TUESDAY, "15:00"))
    before = hours_of(studio.anna)

    response = manager.post(
        hours_url(studio.anna), {**data, "decision": "keep", "seen": str(tuesday_session.pk)}
    )

    assert response.status_code == 409
    html = response.content.decode()
    assert "have changed meanwhile" in html
    assert f'name="seen" value="{tuesday_session.pk},{later.pk}"' in html
    assert hours_of(studio.anna) == before


def test_outside_hours_only_counts_upcoming_booked_sessions(studio, clock, tuesday_session):
    # Anna's Monday 10:00 session is already over at 12:00; a cancelled one frees its time.
    cancelled = make_appointment(service=studio.service, therapist=studio.anna, start=at(TUESDAY, "12:00"))
    Appointment.objects.filter(pk=cancelled.pk).update(status="cancelled")

    stranded = outside_hours(therapist=studio.anna, periods=[(0, time(9), time(18))])

    assert stranded == [tuesday_session]


def test_apply_change_refuses_without_a_decision_for_a_listed_session(studio, tuesday_session):
    saved = []
    with pytest.raises(ScheduleChangeError):
        apply_change(
            save=lambda: saved.append(1),
            find_stranded=lambda: [tuesday_session],
            seen_ids=[tuesday_session.pk],
            decision="",
            message="",
            change="test",
            user=studio.user("manager"),
        )
    assert saved == []
    with pytest.raises(ScheduleChangeError):
        apply_change(
            save=lambda: None,
            find_stranded=list,
            seen_ids=[],
            decision=Decision.BACK,
            message="",
            change="",
            user=None,
        )


# --- Time off ------------------------------------------------------------------------------------------


def time_off_url(therapist):
    return reverse("staff:time_off", args=[therapist.slug])


def test_adding_time_off(manager, studio):
    response = manager.post(
        time_off_url(studio.boris),
        {"start": "2027-03-03T09:00", "end": "2027-03-03T13:00", "reason": "Course"},
    )

    assert response.status_code == 302
    off = TimeOff.objects.get(therapist=studio.boris)
    assert (off.start, off.end, off.reason) == (
        at(MONDAY + timedelta(days=2), "09:00"),
        at(MONDAY + timedelta(days=2), "13:00"),
        "Course",
    )


@pytest.mark.parametrize(
    ("start", "end", "message"),
    [
        ("2027-03-03T13:00", "2027-03-03T09:00", "Time off must end after it starts."),
        ("2027-03-03T13:00", "2027-03-03T13:00", "Time off must end after it starts."),
        ("9999-03-03T09:00", "9999-03-03T13:00", "Please choose a date between"),
        ("next week", "2027-03-03T13:00", "Enter a date and time like"),
        ("", "", "This field is required."),
    ],
)
def test_bad_time_off_gets_a_message_and_nothing_is_saved(manager, studio, start, end, message):
    response = manager.post(time_off_url(studio.boris), {"start": start, "end": end, "reason": "Oops"})

    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    assert 'value="Oops"' in html
    assert not TimeOff.objects.exists()


def test_time_off_over_a_session_asks_first(manager, studio, mailoutbox):
    data = {"start": "2027-03-01T13:30", "end": "2027-03-01T18:00", "reason": "Unwell"}

    listed = manager.post(time_off_url(studio.boris), data)
    assert listed.status_code == 200
    assert "Someone Else" in listed.content.decode()
    assert not TimeOff.objects.exists()

    kept = manager.post(
        time_off_url(studio.boris), {**data, "decision": "keep", "seen": str(studio.boris_appointment.pk)}
    )
    assert kept.status_code == 302
    assert TimeOff.objects.filter(therapist=studio.boris).count() == 1
    assert AppointmentEvent.objects.get(appointment=studio.boris_appointment).kind == EventKind.EXCEPTION


def test_removing_time_off(manager, studio):
    off = make_time_off(studio.boris, at(TUESDAY, "09:00"), at(TUESDAY, "12:00"))

    response = manager.post(reverse("staff:time_off_delete", args=[off.pk]))

    assert response.status_code == 302
    assert not TimeOff.objects.exists()


# --- Closures -----------------------------------------------------------------------------------------

CLOSURES = reverse("staff:closures")


def test_closing_the_studio_on_a_day_with_sessions_asks_first_then_cancels(
    manager, studio, mailoutbox, django_capture_on_commit_callbacks
):
    tuesday = make_appointment(
        service=studio.service, therapist=studio.boris, start=at(TUESDAY, "11:00"), email="t@example.com"
    )
    data = {"start_date": TUESDAY.isoformat(), "end_date": TUESDAY.isoformat(), "reason": "Burst pipe"}

    listed = manager.post(CLOSURES, data)
    assert listed.status_code == 200 and "Burst pipe" in listed.content.decode()
    assert not StudioClosure.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        done = manager.post(
            CLOSURES, {**data, "decision": "cancel", "seen": str(tuesday.pk), "message": "Closed: burst pipe"}
        )

    assert done.status_code == 302
    assert StudioClosure.objects.get().reason == "Burst pipe"
    tuesday.refresh_from_db()
    assert tuesday.status == "cancelled"
    assert [message.to for message in mailoutbox] == [["t@example.com"]]


@pytest.mark.parametrize(
    ("first", "last", "message"),
    [
        ("2027-03-05", "2027-03-04", "The last day closed cannot be before the first."),
        ("2027-03-05", "9999-03-04", "Please choose a date between"),
        ("2027-03-05", "2028-06-04", "A closure lasts at most a year"),
        ("garbage", "2027-03-04", "Enter a date like"),
    ],
)
def test_bad_closures_get_a_message_and_nothing_is_saved(manager, studio, first, last, message):
    response = manager.post(CLOSURES, {"start_date": first, "end_date": last, "reason": "Holiday"})

    assert response.status_code == 400
    assert message in response.content.decode()
    assert not StudioClosure.objects.exists()


def test_removing_a_closure(manager, studio):
    closure = StudioClosure.objects.create(start_date=TUESDAY, end_date=TUESDAY)

    assert manager.post(reverse("staff:closure_delete", args=[closure.pk])).status_code == 302
    assert not StudioClosure.objects.exists()


# --- Query counts -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url_name", "expected"), [("therapists", 8), ("working_hours", 6), ("time_off", 6), ("closures", 5)]
)
def test_hours_pages_run_a_fixed_number_of_queries(manager, studio, url_name, expected):
    url = reverse(
        f"staff:{url_name}", args=[studio.anna.slug] if url_name in ("working_hours", "time_off") else []
    )
    with CaptureQueriesContext(connection) as small:
        assert manager.get(url).status_code == 200

    for index in range(10):
        extra = make_therapist(f"extra-{index}")
        make_time_off(extra, at(TUESDAY, "09:00"), at(TUESDAY, "10:00"))
        make_time_off(
            studio.anna,
            at(TUESDAY + timedelta(days=index + 1), "09:00"),
            at(TUESDAY + timedelta(days=index + 1), "10:00"),
        )
        StudioClosure.objects.create(
            start_date=TUESDAY + timedelta(days=30 + index), end_date=TUESDAY + timedelta(days=30 + index)
        )
        make_appointment(
            service=studio.service,
            therapist=studio.anna,
            start=at(TUESDAY + timedelta(days=index + 1), "12:00"),
        )
    with CaptureQueriesContext(connection) as large:
        manager.get(url)

    assert len(small.captured_queries) == expected
    assert len(large.captured_queries) == expected
