"""The audit trail: every staff action is a history line, browsable and filterable by managers."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bookings.history import record_event
from bookings.models import Actor, AppointmentEvent, EventKind
from tests.bookings.factories import MONDAY, at, make_appointment
from tests.utils import assert_csp_clean

pytestmark = pytest.mark.django_db

AUDIT = reverse("staff:audit")


def test_each_staff_action_leaves_a_line_with_who_what_and_when(client, studio, clock):
    client.force_login(studio.user("therapist"))
    client.post(reverse("staff:note", args=[studio.appointment.pk]), {"text": "Prefers lavender oil"})
    client.post(reverse("staff:attendance", args=[studio.appointment.pk]), {"status": "completed"})
    client.force_login(studio.user("reception"))
    client.post(reverse("staff:cancel", args=[studio.boris_appointment.pk]), {"reason": "Client ill"})

    lines = list(
        AppointmentEvent.objects.order_by("pk").values_list(
            "appointment", "kind", "actor", "user__username", "at"
        )
    )

    assert lines == [
        (studio.appointment.pk, "note", "staff", "anna", clock()),
        (studio.appointment.pk, "completed", "staff", "anna", clock()),
        (studio.boris_appointment.pk, "cancelled", "staff", "desk", clock()),
    ]


@pytest.fixture
def history(studio):
    manager, reception = studio.user("manager"), studio.user("reception")
    record_event(
        appointment=studio.appointment,
        kind=EventKind.NOTE,
        by=Actor.STAFF,
        user=reception,
        details={"text": "Running late"},
        now=at(MONDAY, "09:00"),
    )
    record_event(
        appointment=studio.boris_appointment,
        kind=EventKind.CANCELLED,
        by=Actor.STAFF,
        user=manager,
        details={"reason": "Closed"},
        now=at(MONDAY + timedelta(days=2), "09:00"),
    )
    record_event(
        appointment=studio.appointment,
        kind=EventKind.COMPLETED,
        by=Actor.STAFF,
        user=manager,
        now=at(MONDAY + timedelta(days=5), "09:00"),
    )
    return studio


def rows(client, **params):
    response = client.get(AUDIT, params)
    assert response.status_code == 200
    return response.content.decode().count('<span class="kind-pill')


def test_the_trail_lists_everything_newest_first(client, history):
    client.force_login(history.user("manager"))

    response = client.get(AUDIT)

    assert_csp_clean(response)
    html = response.content.decode()
    assert html.index("Marked as done") < html.index("Cancelled: Closed") < html.index("Running late")
    assert "Boss" in html and "Desk" in html


def test_filters_by_date_therapist_and_kind(client, history):
    client.force_login(history.user("manager"))

    assert rows(client) == 3
    assert rows(client, start=(MONDAY + timedelta(days=1)).isoformat()) == 2
    assert rows(client, end=MONDAY.isoformat()) == 1
    assert rows(client, therapist="boris") == 1
    assert rows(client, kind="note") == 1
    assert rows(client, therapist="anna", kind="cancelled") == 0


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"start": "2027-03-05", "end": "2027-03-01"}, "The end date cannot be before the start date."),
        ({"start": "9999-01-01"}, "Please choose a date between"),
        ({"kind": "hacked"}, "Select a valid choice"),
        ({"therapist": "nobody"}, "Select a valid choice"),
    ],
)
def test_bad_filters_get_a_message_and_no_rows(client, history, params, message):
    client.force_login(history.user("manager"))

    response = client.get(AUDIT, params)

    assert response.status_code == 400
    assert message in response.content.decode()
    assert "Nothing matches." in response.content.decode()


def test_the_trail_is_paged_with_a_fixed_number_of_queries(client, studio):
    client.force_login(studio.user("manager"))
    for _ in range(3):
        record_event(
            appointment=studio.appointment,
            kind=EventKind.NOTE,
            by=Actor.STAFF,
            user=studio.user("reception"),
            details={"text": "x"},
        )
    with CaptureQueriesContext(connection) as small:
        client.get(AUDIT)

    for index in range(60):
        appointment = make_appointment(
            service=studio.service,
            therapist=studio.boris,
            start=at(MONDAY + timedelta(days=1 + index), "10:00"),
        )
        record_event(
            appointment=appointment, kind=EventKind.BOOKED, by=Actor.CLIENT, details={"source": "online"}
        )
    with CaptureQueriesContext(connection) as large:
        response = client.get(AUDIT, {"page": "2"})

    # session, user, permissions (2), therapist choices, count, the page of events, therapist names
    assert len(small.captured_queries) == len(large.captured_queries) == 8
    assert "Page 2 of 2" in response.content.decode()
