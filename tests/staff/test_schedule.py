"""The day and week views: what they draw, who sees which column, dates, htmx, query counts."""

import re
from datetime import time, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bookings.models import Appointment, AppointmentStatus, StudioClosure
from intake.models import Clearance
from staff.permissions import StaffAccess
from staff.schedule import ROW_MINUTES, day_schedule, grid_css, week_schedule
from tests.bookings.factories import (
    MONDAY,
    at,
    make_appointment,
    make_questionnaire,
    make_therapist,
    make_time_off,
)
from tests.staff.conftest import SCREENING
from tests.utils import assert_csp_clean

pytestmark = pytest.mark.django_db

DAY = reverse("staff:dashboard")
WEEK = reverse("staff:week")


def access(studio, role):
    return StaffAccess(studio.user(role))


# --- The day, as data -------------------------------------------------------------------------------


def test_the_day_has_a_column_per_therapist_with_sessions_placed_by_time(studio):
    schedule = day_schedule(access=access(studio, "reception"), day=MONDAY)

    assert [column.therapist.slug for column in schedule.columns] == ["anna", "boris"]
    assert (schedule.first_minute, schedule.last_minute) == (9 * 60, 18 * 60)
    anna = schedule.columns[0]
    (item,) = anna.items
    assert item.appointment == studio.appointment
    # 10:00 is an hour after the first row (09:00), below the one heading row; an hour is 12 rows.
    assert (item.row, item.span, item.column) == (2 + 60 // ROW_MINUTES, 60 // ROW_MINUTES, 2)
    assert item.position == f"r-{item.row} s-{item.span} c-2"
    assert schedule.columns[1].items[0].column == 3


def test_flags_come_from_the_stored_screening(studio):
    schedule = day_schedule(access=access(studio, "reception"), day=MONDAY)

    anna_flags = [flag.code for flag in schedule.columns[0].items[0].flags]
    boris_flags = [flag.code for flag in schedule.columns[1].items[0].flags]
    assert anna_flags == ["note", "modify", "avoid_area"]
    assert boris_flags == ["no_questionnaire"]


@pytest.mark.parametrize(
    ("entry", "clearance", "expected"),
    [
        ({"outcome": "proceed"}, False, []),
        ({"outcome": "proceed_with_note"}, False, ["note"]),
        ({"outcome": "modify", "modifiers": ["gloves"]}, False, ["modify"]),
        ({"outcome": "avoid_area", "areas": ["heel"]}, False, ["avoid_area"]),
        ({"outcome": "needs_clearance", "clearance_conditions": ["pregnancy"]}, False, ["clearance"]),
        ({"outcome": "needs_clearance", "clearance_conditions": ["pregnancy"]}, True, ["cleared"]),
        ({"outcome": "decline"}, False, ["declined"]),
    ],
)
def test_each_outcome_gives_its_flags(studio, entry, clearance, expected):
    questionnaire = make_questionnaire(email="other@example.com", screening={"classical": entry})
    if clearance:
        Clearance.objects.create(
            questionnaire=questionnaire,
            condition_key="pregnancy",
            issued_on=MONDAY - timedelta(days=10),
            valid_until=MONDAY + timedelta(days=60),
            recorded_by=studio.user("manager"),
        )
    Appointment.objects.filter(pk=studio.boris_appointment.pk).update(questionnaire=questionnaire)

    schedule = day_schedule(access=access(studio, "reception"), day=MONDAY)

    assert [flag.code for flag in schedule.columns[1].items[0].flags] == expected


def test_breaks_and_time_off_are_shaded_and_now_is_marked(studio):
    studio.anna.working_hours.all().delete()
    studio.anna.working_hours.create(weekday=MONDAY.weekday(), start=time(9), end=time(13))
    studio.anna.working_hours.create(weekday=MONDAY.weekday(), start=time(14), end=time(18))
    make_time_off(studio.boris, at(MONDAY, "16:00"), at(MONDAY, "17:30"), "Dentist")

    schedule = day_schedule(access=access(studio, "manager"), day=MONDAY)

    anna, boris = schedule.columns
    assert [(b.start.time(), b.end.time()) for b in anna.breaks] == [(time(13), time(14))]
    assert [(b.row, b.span) for b in anna.working] == [(2, 48), (2 + 60, 48)]
    (away,) = boris.time_off
    assert away.label == "Dentist"
    assert (away.row, away.span) == (2 + 7 * 12, 18)
    assert schedule.now_row == 2 + 3 * 12  # the clock says 12:00
    assert schedule.now_label == "12:00"
    assert anna.now_index == 1  # Anna's 10:00 session is over; "now" comes after it in her list


def test_no_now_line_on_another_day(studio):
    schedule = day_schedule(access=access(studio, "manager"), day=MONDAY + timedelta(days=1))

    assert schedule.now_row is None
    assert all(column.now_index is None for column in schedule.columns)


def test_a_therapist_sees_only_their_own_column(studio):
    schedule = day_schedule(access=access(studio, "therapist"), day=MONDAY)

    assert [column.therapist.slug for column in schedule.columns] == ["anna"]


def test_a_therapist_login_without_a_therapist_row_sees_nothing(studio):
    studio.anna.user = None
    studio.anna.save()

    schedule = day_schedule(access=access(studio, "therapist"), day=MONDAY)

    assert schedule.columns == []


def test_cancelled_sessions_are_listed_apart_and_do_not_take_the_grid(studio):
    Appointment.objects.filter(pk=studio.boris_appointment.pk).update(status=AppointmentStatus.CANCELLED)

    schedule = day_schedule(access=access(studio, "manager"), day=MONDAY)

    boris = schedule.columns[1]
    assert boris.items == []
    assert [item.appointment.pk for item in boris.cancelled] == [studio.boris_appointment.pk]


def test_the_visible_hours_follow_the_sessions_outside_the_usual_hours(studio):
    late = make_appointment(service=studio.service, therapist=studio.boris, start=at(MONDAY, "19:30"))

    schedule = day_schedule(access=access(studio, "manager"), day=MONDAY)

    assert schedule.last_minute == 21 * 60
    assert schedule.columns[1].items[-1].appointment == late


# --- The day, as a page ------------------------------------------------------------------------------


def test_the_day_page_shows_the_grid_and_the_phone_list(client, studio):
    client.force_login(studio.user("reception"))

    response = client.get(DAY, {"date": MONDAY.isoformat()})

    assert response.status_code == 200
    assert_csp_clean(response)
    html = response.content.decode()
    assert "day-grid cols-2" in html and 'class="day-list"' in html
    assert html.count("Clara Client") == 2  # in the grid and in the phone list
    assert "Avoid area" in html and "Modify" in html and "No questionnaire" in html
    assert f'href="{reverse("staff:appointment", args=[studio.appointment.pk])}"' in html
    assert 'class="now-line r-38 s-1 span-all"' in html
    assert "Now · 12:00" in html


def test_every_grid_class_the_page_uses_is_in_the_stylesheet(client, studio, settings):
    client.force_login(studio.user("manager"))
    html = client.get(DAY).content.decode()
    css = (settings.BASE_DIR / "static" / "css" / "staff.css").read_text()

    used = set(re.findall(r"\b((?:r|s|c|cols)-\d+)\b", html))
    assert used
    for name in used:
        assert f".{name}{{" in css, name


def test_the_stylesheet_holds_the_current_grid_classes(settings):
    css = (settings.BASE_DIR / "static" / "css" / "staff.css").read_text()

    assert css.endswith(grid_css())


def test_moving_between_dates(client, studio):
    client.force_login(studio.user("manager"))

    tuesday = client.get(DAY, {"date": (MONDAY + timedelta(days=1)).isoformat()}).content.decode()
    today = client.get(DAY).content.decode()

    assert "Tuesday 2 March 2027" in tuesday
    assert "Clara Client" not in tuesday
    assert f'?date={MONDAY.isoformat()}"' in tuesday  # previous day
    assert "Monday 1 March 2027" in today  # the clock's today
    assert 'hx-trigger="every 300s"' in today and 'hx-trigger="every 300s"' not in tuesday


def test_a_closed_day_says_today_only_on_today(client, studio):
    client.force_login(studio.user("manager"))
    tuesday = MONDAY + timedelta(days=1)
    StudioClosure.objects.create(start_date=MONDAY, end_date=tuesday, reason="Repairs.")

    today = client.get(DAY).content.decode()
    other_day = client.get(DAY, {"date": tuesday.isoformat()}).content.decode()

    assert "The studio is closed today. Repairs." in today
    assert "The studio is closed on this day. Repairs." in other_day
    assert "closed today" not in other_day


def test_htmx_gets_only_the_schedule(client, studio):
    client.force_login(studio.user("manager"))

    response = client.get(DAY, {"date": MONDAY.isoformat()}, headers={"HX-Request": "true"})

    html = response.content.decode()
    assert html.lstrip().startswith('<section id="schedule"')
    assert "<html" not in html and "staff-nav" not in html
    assert "Clara Client" in html


@pytest.mark.parametrize("value", ["9999-12-31", "0001-01-01", "garbage", "2027-02-30", "2027-3-1'--"])
@pytest.mark.parametrize("url", [DAY, WEEK])
def test_a_date_far_out_of_range_or_garbage_gets_a_message_and_today(client, studio, value, url):
    client.force_login(studio.user("manager"))

    response = client.get(url, {"date": value})

    assert response.status_code == 400
    html = response.content.decode()
    assert "alert-danger" in html
    assert "Please choose a date between" in html or "Enter a date like" in html
    assert "instead" in html
    assert "2027" in html  # today's schedule, from the clock


# --- The week ----------------------------------------------------------------------------------------


def test_the_week_has_a_row_per_therapist_and_a_cell_per_day(client, studio):
    StudioClosure.objects.create(start_date=MONDAY + timedelta(days=2), end_date=MONDAY + timedelta(days=2))
    make_appointment(
        service=studio.service, therapist=studio.anna, start=at(MONDAY + timedelta(days=4), "11:00")
    )
    client.force_login(studio.user("reception"))

    schedule = week_schedule(access=access(studio, "reception"), day=MONDAY + timedelta(days=3))
    response = client.get(WEEK, {"date": (MONDAY + timedelta(days=3)).isoformat()})

    assert schedule.monday == MONDAY
    assert [len(row.cells) for row in schedule.rows] == [7, 7]
    anna = schedule.rows[0]
    assert [len(cell.items) for cell in anna.cells] == [1, 0, 0, 0, 1, 0, 0]
    assert anna.cells[2].closed
    assert [len(day.items) for day in schedule.days] == [2, 0, 0, 0, 1, 0, 0]
    assert response.status_code == 200
    assert_csp_clean(response)
    html = response.content.decode()
    assert "1 Mar \u2013 7 Mar 2027" in html
    assert "Closed" in html and "Avoid area" in html


def test_the_week_of_a_therapist_is_their_own(client, studio):
    schedule = week_schedule(access=access(studio, "therapist"), day=MONDAY)

    assert [row.therapist.slug for row in schedule.rows] == ["anna"]


# --- Query counts: fixed, and flat under ten times the data ----------------------------------------


def populate(studio, scale: int):
    """`scale` more therapists, each with 4 sessions that day (half with a questionnaire), time off."""
    for index in range(scale):
        therapist = make_therapist(f"extra-{scale}-{index}", services=[studio.service])
        make_time_off(therapist, at(MONDAY, "17:00"), at(MONDAY, "18:00"))
        for hour in range(4):
            appointment = make_appointment(
                service=studio.service, therapist=therapist, start=at(MONDAY, f"{10 + hour * 2}:00")
            )
            if hour % 2:
                questionnaire = make_questionnaire(
                    email=f"c{index}-{hour}@example.com", screening={"classical": SCREENING}
                )
                Appointment.objects.filter(pk=appointment.pk).update(questionnaire=questionnaire)
    StudioClosure.objects.create(start_date=MONDAY + timedelta(days=3), end_date=MONDAY + timedelta(days=3))


def count_queries(client, url, params) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(captured.captured_queries)


# session, user, permissions (2), the login's therapist, therapists, hours, time off, closures,
# appointments (with service, technique, therapist, questionnaire), doctor's notes.
SCHEDULE_QUERIES = 11


@pytest.mark.parametrize("url", [DAY, WEEK])
@pytest.mark.parametrize("role", ["reception", "therapist"])
def test_schedule_pages_run_a_fixed_number_of_queries(client, studio, url, role):
    client.force_login(studio.user(role))
    populate(studio, 1)
    small = count_queries(client, url, {"date": MONDAY.isoformat()})

    populate(studio, 10)
    large = count_queries(client, url, {"date": MONDAY.isoformat()})

    assert small == SCHEDULE_QUERIES
    assert large == small
