"""The appointment page and its actions: what each role sees, logged answers, audited actions."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bookings.errors import BookingError
from bookings.history import record_event
from bookings.models import Actor, Appointment, AppointmentEvent, AppointmentStatus, EventKind
from intake.models import HealthAccessLog
from staff.notes import add_note
from tests.bookings.factories import MONDAY, at, make_appointment, make_questionnaire
from tests.staff.conftest import SCREENING, SECRET_MEDICINE
from tests.utils import assert_csp_clean

pytestmark = pytest.mark.django_db


def page(studio, appointment=None):
    return reverse("staff:appointment", args=[(appointment or studio.appointment).pk])


def action(name, appointment):
    return reverse(f"staff:{name}", args=[appointment.pk])


# --- What each role sees ----------------------------------------------------------------------------


def test_reception_sees_contact_price_history_and_flags_but_no_health_details(client, studio):
    client.force_login(studio.user("reception"))

    response = client.get(page(studio))

    assert response.status_code == 200
    assert_csp_clean(response)
    html = response.content.decode()
    for expected in (
        "Clara Client",
        "client@example.com",
        "8 (900) 123-45-67",  # shown in the national format (common/phones.py)
        "₽2,500",
        "Classical",
    ):
        assert expected in html
    assert "Avoid area" in html and "Modify" in html
    assert "Bruise on the left heel" not in html  # the therapist's note
    assert "gentle pressure" not in html.lower()
    assert SECRET_MEDICINE not in html
    assert reverse("staff:answers", args=[studio.appointment.pk]) not in html
    assert reverse("staff:session_sheet", args=[studio.appointment.pk]) not in html
    assert "fm-session" not in html, "no screening map for the front desk"
    assert "Cancel the session" in html and "Move to another time" in html


def test_the_therapist_sees_the_screening_summary_and_a_logged_way_to_the_answers(client, studio):
    client.force_login(studio.user("therapist"))

    html = client.get(page(studio)).content.decode()

    assert "Bruise on the left heel: keep well away." in html
    # The modifiers as instructions, beside the map with the places to leave out hatched.
    assert "Gentle pressure only." in html and "Wear gloves." in html
    assert "the heel" in html and "the spot the client described" in html
    assert 'class="fm-zone fm-place is-avoid"' in html
    assert reverse("staff:answers", args=[studio.appointment.pk]) in html
    assert SECRET_MEDICINE not in html  # not until asked for, so that each read is a deliberate one
    assert HealthAccessLog.objects.count() == 0
    assert "Cancel the session" not in html  # front desk work
    assert "Mark as done" in html


def test_reading_the_answers_is_logged_every_time(client, studio):
    client.force_login(studio.user("therapist"))
    url = reverse("staff:answers", args=[studio.appointment.pk])

    first = client.get(url)
    second = client.get(url, headers={"HX-Request": "true"})

    assert first.status_code == second.status_code == 200
    assert_csp_clean(first)
    assert SECRET_MEDICINE in first.content.decode() and SECRET_MEDICINE in second.content.decode()
    assert "<html" not in second.content.decode()
    logs = list(HealthAccessLog.objects.order_by("pk"))
    assert [(log.username, log.via, log.questionnaire_id) for log in logs] == [
        ("anna", "staff", studio.questionnaire.pk),
        ("anna", "staff", studio.questionnaire.pk),
    ]


def test_no_answers_page_without_a_questionnaire(client, studio):
    client.force_login(studio.user("manager"))

    response = client.get(reverse("staff:answers", args=[studio.boris_appointment.pk]))

    assert response.status_code == 403
    assert HealthAccessLog.objects.count() == 0


def test_the_history_is_shown_with_who_did_what(client, studio):
    record_event(
        appointment=studio.appointment,
        kind=EventKind.BOOKED,
        by=Actor.STAFF,
        user=studio.user("reception"),
        details={
            "start": at(MONDAY, "10:00").isoformat(),
            "therapist": "anna",
            "source": "staff",
            "price": "2500.00",
            "currency": "RUB",
        },
    )
    client.force_login(studio.user("manager"))

    html = client.get(page(studio)).content.decode()

    assert "Booked by the studio for Mon 1 Mar, 10:00 with Anna Example, ₽2,500." in html
    assert "Desk" in html


def test_an_unknown_appointment_is_404(client, studio):
    client.force_login(studio.user("manager"))

    assert client.get(reverse("staff:appointment", args=[999999])).status_code == 404


# --- Actions -----------------------------------------------------------------------------------------


def events(appointment):
    return list(
        AppointmentEvent.objects.filter(appointment=appointment)
        .order_by("pk")
        .values_list("kind", "user__username")
    )


@pytest.mark.parametrize(("status", "kind"), [("completed", "completed"), ("no_show", "no_show")])
def test_marking_attendance_is_audited(client, studio, status, kind):
    client.force_login(studio.user("therapist"))

    response = client.post(action("attendance", studio.appointment), {"status": status}, follow=True)

    studio.appointment.refresh_from_db()
    assert studio.appointment.status == status
    assert events(studio.appointment) == [(kind, "anna")]
    assert "Marked as" in response.content.decode()


def test_attendance_before_the_session_starts_is_refused(client, studio, clock):
    clock.set(at(MONDAY, "09:00"))
    client.force_login(studio.user("reception"))

    response = client.post(action("attendance", studio.appointment), {"status": "completed"}, follow=True)

    assert "This session has not started yet." in response.content.decode()
    studio.appointment.refresh_from_db()
    assert studio.appointment.status == "booked"


def test_a_bad_attendance_value_changes_nothing(client, studio):
    client.force_login(studio.user("reception"))

    response = client.post(action("attendance", studio.appointment), {"status": "cancelled"}, follow=True)

    assert "Select a valid choice" in response.content.decode()
    assert events(studio.appointment) == []


def test_htmx_actions_answer_the_page_panel_with_the_message(client, studio):
    client.force_login(studio.user("therapist"))

    response = client.post(
        action("attendance", studio.appointment), {"status": "completed"}, headers={"HX-Request": "true"}
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<div id="appointment-panel"')
    assert "Marked as done." in html
    assert "Marked as done" in html.split('id="history-title"')[1]


def test_adding_a_note(client, studio):
    client.force_login(studio.user("reception"))

    client.post(action("note", studio.appointment), {"text": "  Will be ten minutes late.  "})

    event = AppointmentEvent.objects.get(appointment=studio.appointment)
    assert (event.kind, event.user, event.details) == (
        EventKind.NOTE,
        studio.user("reception"),
        {"text": "Will be ten minutes late."},
    )
    assert "Will be ten minutes late." in client.get(page(studio)).content.decode()


def test_an_empty_or_huge_note_is_refused_and_kept(client, studio):
    client.force_login(studio.user("reception"))

    empty = client.post(action("note", studio.appointment), {"text": "   "}, headers={"HX-Request": "true"})
    huge = client.post(
        action("note", studio.appointment), {"text": "x" * 1001}, headers={"HX-Request": "true"}
    )

    assert "Write the note first." in empty.content.decode()
    assert "at most 1000 characters" in huge.content.decode()
    assert "x" * 1001 in huge.content.decode()  # what was typed stays in the box
    assert events(studio.appointment) == []


def test_cancelling_with_a_reason_emails_the_client(
    client, studio, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(studio.user("reception"))

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(action("cancel", studio.appointment), {"reason": "Therapist unwell"})

    assert response.status_code == 302
    studio.appointment.refresh_from_db()
    assert studio.appointment.status == AppointmentStatus.CANCELLED
    assert studio.appointment.cancellation_reason == "Therapist unwell"
    assert events(studio.appointment) == [("cancelled", "desk")]
    assert [message.to for message in mailoutbox] == [["client@example.com"]]
    assert SECRET_MEDICINE not in mailoutbox[0].body


def test_cancelling_without_a_reason_is_refused(client, studio, mailoutbox):
    client.force_login(studio.user("reception"))

    response = client.post(
        action("cancel", studio.appointment), {"reason": ""}, headers={"HX-Request": "true"}
    )

    assert "Please give a reason for cancelling." in response.content.decode()
    studio.appointment.refresh_from_db()
    assert studio.appointment.status == "booked"
    assert mailoutbox == []


@pytest.fixture
def cancelled(studio):
    Appointment.objects.filter(pk=studio.appointment.pk).update(status=AppointmentStatus.CANCELLED)
    return studio.appointment


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("attendance", {"status": "completed"}, "This session was cancelled."),
        ("note", {"text": "A note"}, "This session was cancelled, so nothing more can be added to it."),
        ("cancel", {"reason": "Again"}, "This session has already been cancelled."),
        (
            "reschedule",
            {"date": MONDAY.isoformat(), "therapist": "same", "start": at(MONDAY, "15:00").isoformat()},
            "Only a booked session can be moved.",
        ),
    ],
)
def test_every_action_on_a_cancelled_session_is_refused_cleanly(
    client, studio, cancelled, mailoutbox, name, data, message
):
    client.force_login(studio.user("manager"))
    before = list(Appointment.objects.values_list("pk", "status", "start"))

    response = client.post(action(name, cancelled), data, follow=True)

    assert response.status_code == 200
    assert message in response.content.decode()
    assert events(cancelled) == []
    assert list(Appointment.objects.values_list("pk", "status", "start")) == before
    assert mailoutbox == []


def test_the_page_of_a_cancelled_session_offers_no_actions(client, studio, cancelled):
    client.force_login(studio.user("manager"))

    html = client.get(page(studio)).content.decode()

    assert "nothing more can be done with it" in html
    assert action("attendance", cancelled) not in html and action("note", cancelled) not in html


def test_add_note_refuses_a_cancelled_session_in_the_domain_too(studio, cancelled):
    with pytest.raises(BookingError):
        add_note(appointment=cancelled, text="Hello", user=studio.user("manager"))


# --- Moving a session ----------------------------------------------------------------------------------


@pytest.fixture
def upcoming(studio):
    """Anna's session on Tuesday at 10:00, which can still be moved."""
    tuesday = MONDAY + timedelta(days=1)
    return make_appointment(
        service=studio.service, therapist=studio.anna, start=at(tuesday, "10:00"), email="move@example.com"
    )


def test_the_move_page_offers_free_times_from_the_availability_engine(client, studio, upcoming):
    client.force_login(studio.user("reception"))
    tuesday = MONDAY + timedelta(days=1)

    html = client.get(
        action("reschedule", upcoming), {"date": tuesday.isoformat(), "therapist": "same"}
    ).content.decode()

    assert f'value="{at(tuesday, "09:00").isoformat()}"' in html
    assert f'value="{at(tuesday, "10:00").isoformat()}"' in html  # its own time is free for itself
    assert f'value="{at(tuesday, "17:00").isoformat()}"' in html
    assert f'value="{at(tuesday, "17:15").isoformat()}"' not in html  # would end after 18:00


def test_moving_a_session_emails_the_client_and_is_audited(
    client, studio, upcoming, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(studio.user("reception"))
    wednesday = MONDAY + timedelta(days=2)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            action("reschedule", upcoming),
            {
                "date": wednesday.isoformat(),
                "therapist": "boris",
                "start": at(wednesday, "11:00").isoformat(),
            },
        )

    assert response.status_code == 302
    upcoming.refresh_from_db()
    assert (upcoming.start, upcoming.therapist) == (at(wednesday, "11:00"), studio.boris)
    assert events(upcoming) == [("rescheduled", "desk")]
    assert [message.to for message in mailoutbox] == [["move@example.com"]]


def test_moving_to_a_taken_time_is_refused_with_the_reason(client, studio, upcoming, mailoutbox):
    client.force_login(studio.user("reception"))

    response = client.post(
        action("reschedule", upcoming),
        {"date": MONDAY.isoformat(), "therapist": "boris", "start": at(MONDAY, "14:00").isoformat()},
    )

    assert response.status_code == 400
    assert (
        "That time has already passed." in response.content.decode() or "taken" in response.content.decode()
    )
    upcoming.refresh_from_db()
    assert upcoming.start == at(MONDAY + timedelta(days=1), "10:00")
    assert mailoutbox == []


@pytest.mark.parametrize("start", ["", "tomorrow at ten", "2027-03-02T10:00:00", "9999-03-02T10:00:00+03:00"])
def test_a_bad_new_time_gets_a_message(client, studio, upcoming, start):
    client.force_login(studio.user("reception"))

    response = client.post(
        action("reschedule", upcoming), {"date": "2027-03-02", "therapist": "same", "start": start}
    )

    assert response.status_code == 400
    assert "alert-danger" in response.content.decode()
    assert events(upcoming) == []


def test_the_move_page_with_a_garbage_date_says_so(client, studio, upcoming):
    client.force_login(studio.user("reception"))

    response = client.get(action("reschedule", upcoming), {"date": "9999-01-01", "therapist": "nobody"})

    assert response.status_code == 400
    html = response.content.decode()
    assert "Please choose a date between" in html
    assert "That therapist does not give this service." in html


# --- Query counts -------------------------------------------------------------------------------------


def add_history(appointment, count: int, user):
    for index in range(count):
        record_event(
            appointment=appointment,
            kind=EventKind.NOTE,
            by=Actor.STAFF,
            user=user,
            details={"text": f"Note {index}"},
        )


# session, user, permissions (2), the appointment (with service, technique, therapist, room and
# questionnaire), doctor's notes, the history (with users), therapist names for the history; and
# for those who see the screening details, one query for the session plan's map: the technique's
# zones and the names of the foot zones to leave out (staff.session_sheet).
@pytest.mark.parametrize(("role", "expected"), [("reception", 8), ("therapist", 9), ("manager", 9)])
def test_the_appointment_page_runs_a_fixed_number_of_queries(client, studio, role, expected):
    client.force_login(studio.user(role))
    add_history(studio.appointment, 2, studio.user("reception"))
    with CaptureQueriesContext(connection) as small:
        assert client.get(page(studio)).status_code == 200

    add_history(studio.appointment, 20, studio.user("manager"))
    for index in range(10):
        make_questionnaire(email=f"other{index}@example.com", screening={"classical": SCREENING})
    with CaptureQueriesContext(connection) as large:
        client.get(page(studio))

    assert len(small.captured_queries) == expected
    assert len(large.captured_queries) == expected


def test_the_answers_and_move_pages_run_a_fixed_number_of_queries(client, studio):
    client.force_login(studio.user("manager"))
    tuesday = MONDAY + timedelta(days=1)
    upcoming = make_appointment(service=studio.service, therapist=studio.anna, start=at(tuesday, "10:00"))
    Appointment.objects.filter(pk=upcoming.pk).update(questionnaire=studio.questionnaire)
    answers = reverse("staff:answers", args=[upcoming.pk])
    move = action("reschedule", upcoming)
    params = {"date": tuesday.isoformat(), "therapist": "any"}
    counts = []
    for scale in (1, 10):
        for index in range(scale):
            make_appointment(
                service=studio.service,
                therapist=studio.boris,
                start=at(tuesday + timedelta(days=index), "15:00" if scale == 1 else "16:00"),
            )
            add_history(upcoming, 1, studio.user("reception"))
        with CaptureQueriesContext(connection) as read:
            assert client.get(answers).status_code == 200
        with CaptureQueriesContext(connection) as moving:
            assert client.get(move, params).status_code == 200
        counts.append((len(read.captured_queries), len(moving.captured_queries)))

    # Answers: session, user, permissions (2), the appointment, doctor's notes, the access log
    # line, the rules (4). Move: session, user, permissions (2), the appointment (with service and
    # therapist only), the engine's (5) and the therapists; not the appointment page's history,
    # therapist names, doctor's notes or screening zones, which the move page does not show.
    assert counts == [(11, 11), (11, 11)]


def test_the_move_page_gets_every_value_its_template_uses_and_no_more_queries(client, studio, settings):
    """reschedule.html is given only what it shows; a value it uses but is not given would show here."""
    settings.TEMPLATES = [
        {**engine, "OPTIONS": {**engine.get("OPTIONS", {}), "string_if_invalid": "MISSING[%s]"}}
        for engine in settings.TEMPLATES
    ]
    client.force_login(studio.user("manager"))
    tuesday = MONDAY + timedelta(days=1)
    upcoming = make_appointment(service=studio.service, therapist=studio.anna, start=at(tuesday, "10:00"))
    move = action("reschedule", upcoming)
    params = {"date": tuesday.isoformat(), "therapist": "same"}

    page = client.get(move, params)
    with CaptureQueriesContext(connection) as captured:
        refresh = client.get(move, params, headers={"HX-Request": "true"})
    refresh_queries = len(captured.captured_queries)  # read before the next request resets the log
    refused = client.post(move, {**params, "start": "not a time"})

    for response in (page, refresh, refused):
        # search_query is the site header's search box, optional on every page.
        assert set(re.findall(r"MISSING\[(\w+)", response.content.decode())) <= {"search_query"}
    html = page.content.decode()
    assert "Tuesday 2 March, 10:00" in html  # the session's time now
    assert f'action="{move}"' in html
    assert f'hx-get="{move}"' in html
    assert f'value="{tuesday.isoformat()}"' in html
    assert '<option value="boris">Boris Example</option>' in html
    assert f'value="{at(tuesday, "09:00").isoformat()}"' in refresh.content.decode()
    assert 'id="slots"' in refresh.content.decode()
    assert "<html" not in refresh.content.decode()
    # The refresh of the free times: session, user, permissions (2), the appointment and the
    # engine's (5); no list of therapists (the select is not part of it).
    assert refresh_queries == 10
