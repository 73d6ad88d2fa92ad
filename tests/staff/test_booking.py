"""Booking for a phone or walk-in client, and the manager's override of a screening refusal."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bookings.booking import book_appointment
from bookings.errors import BookingError, NotSuitable
from bookings.models import Appointment, AppointmentEvent, AppointmentSource, EventKind
from tests.bookings.factories import MONDAY, at, make_questionnaire, make_service, make_therapist
from tests.staff.conftest import make_user
from tests.utils import assert_csp_clean

pytestmark = pytest.mark.django_db

BOOK = reverse("staff:book")
LOOKUP = reverse("staff:book_questionnaire")
TUESDAY = MONDAY + timedelta(days=1)
DECLINED = {"classical": {"outcome": "decline", "reasons": ["Not while the ankle is swollen."]}}


def booking(studio, **changes):
    data = {
        "service": studio.service.slug,
        "therapist": studio.anna.slug,
        "date": TUESDAY.isoformat(),
        "start": at(TUESDAY, "11:00").isoformat(),
        "client_name": "Phoebe Phone",
        "client_email": "phoebe@example.com",
        "client_phone": "+7 900 555-00-11",
        "consent_method": "phone",
        "key": "k-1",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


# --- The page ----------------------------------------------------------------------------------------


def test_the_page_offers_the_real_free_times(client, studio):
    make_service(technique="classical", slug="classical-30", minutes=30)
    client.force_login(studio.user("reception"))

    response = client.get(BOOK, {"service": studio.service.slug, "therapist": "", "date": MONDAY.isoformat()})

    assert response.status_code == 200
    assert_csp_clean(response)
    html = response.content.decode()
    # The clock says Monday 12:00; Boris is busy 14:00-15:00. Online clients need two hours'
    # notice; the desk needs none, so a walk-in can have the next time still to come.
    assert f'value="{at(MONDAY, "12:00").isoformat()}"' not in html  # already begun
    assert f'value="{at(MONDAY, "12:15").isoformat()}"' in html
    assert f'value="{at(MONDAY, "14:00").isoformat()}"' in html  # Anna is free then
    assert f'value="{at(MONDAY, "17:00").isoformat()}"' in html
    assert "Classical, 60 minutes" in html and "Classical, 30 minutes" in html


def test_htmx_gets_only_the_times(client, studio):
    client.force_login(studio.user("reception"))

    response = client.get(
        BOOK,
        {"service": studio.service.slug, "therapist": "boris", "date": MONDAY.isoformat()},
        headers={"HX-Request": "true"},
    )

    html = response.content.decode()
    assert html.lstrip().startswith('<fieldset id="slots"')
    assert f'value="{at(MONDAY, "14:00").isoformat()}"' not in html  # Boris is busy
    assert f'value="{at(MONDAY, "15:00").isoformat()}"' in html


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"service": "no-such-service", "date": "2027-03-02"}, "That service cannot be booked."),
        ({"service": "classical-60", "date": "9999-12-31"}, "Please choose a date between"),
        ({"service": "classical-60", "date": "soon"}, "Enter a date like"),
        (
            {"service": "classical-60", "therapist": "nobody", "date": "2027-03-02"},
            "That therapist is not taking bookings.",
        ),
    ],
)
def test_bad_choices_get_a_message(client, studio, params, message):
    client.force_login(studio.user("reception"))

    response = client.get(BOOK, params)

    assert response.status_code == 400
    assert message in response.content.decode()


# --- Booking -----------------------------------------------------------------------------------------


def test_reception_books_a_phone_client_through_book_appointment(
    client, studio, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(studio.user("reception"))

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(BOOK, booking(studio))

    appointment = Appointment.objects.get(client_email="phoebe@example.com")
    assert response.status_code == 302
    assert response.url == reverse("staff:appointment", args=[appointment.pk])
    assert (appointment.start, appointment.therapist, appointment.source) == (
        at(TUESDAY, "11:00"),
        studio.anna,
        AppointmentSource.STAFF,
    )
    assert appointment.questionnaire is None  # none on file for this e-mail
    event = AppointmentEvent.objects.get(appointment=appointment)
    assert (event.kind, event.actor, event.user) == (EventKind.BOOKED, "staff", studio.user("reception"))
    assert [message.to for message in mailoutbox] == [["phoebe@example.com"]]


def test_a_resubmitted_form_books_once_and_mails_once(
    client, studio, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(studio.user("reception"))

    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(BOOK, booking(studio))
        second = client.post(BOOK, booking(studio))

    assert first.url == second.url
    assert Appointment.objects.filter(client_email="phoebe@example.com").count() == 1
    assert len(mailoutbox) == 1


def test_a_twin_submission_that_lands_first_still_means_one_email(
    client, studio, mailoutbox, django_capture_on_commit_callbacks, monkeypatch
):
    """A double click: the twin request books while this one is on its way; only the twin mails."""
    from staff.views import booking as view

    def twin_first(**kwargs):
        book_appointment(**{**kwargs, "now": None})  # e-mails its client, as every booking does
        return book_appointment(**kwargs)

    monkeypatch.setattr(view, "book_appointment", twin_first)
    client.force_login(studio.user("reception"))

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(BOOK, booking(studio))

    assert response.status_code == 302
    assert Appointment.objects.filter(client_email="phoebe@example.com").count() == 1
    assert len(mailoutbox) == 1


def test_any_therapist_takes_the_one_the_engine_chose(client, studio):
    client.force_login(studio.user("reception"))

    client.post(
        BOOK, booking(studio, therapist="", start=at(MONDAY, "14:00").isoformat(), date=MONDAY.isoformat())
    )

    appointment = Appointment.objects.get(client_email="phoebe@example.com")
    assert appointment.therapist == studio.anna  # Boris is busy at 14:00
    assert not appointment.therapist_chosen


def test_the_clients_valid_questionnaire_is_attached_by_email(client, studio):
    questionnaire = make_questionnaire(
        email="Phoebe@Example.com", screening={"classical": {"outcome": "modify", "modifiers": ["gloves"]}}
    )
    client.force_login(studio.user("reception"))

    client.post(BOOK, booking(studio))

    assert Appointment.objects.get(client_email="phoebe@example.com").questionnaire == questionnaire


def test_unticking_the_old_attach_box_cannot_leave_the_questionnaire_out(client, studio):
    make_questionnaire(email="phoebe@example.com", screening=DECLINED)
    client.force_login(studio.user("reception"))

    response = client.post(BOOK, {**booking(studio), "attach_questionnaire": ""})

    assert response.status_code == 400
    assert not Appointment.objects.filter(client_email="phoebe@example.com").exists()


def test_a_desk_booking_without_a_questionnaire_is_marked_and_sends_the_link(
    client, studio, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(studio.user("reception"))

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(BOOK, booking(studio), follow=True)

    appointment = Appointment.objects.get(client_email="phoebe@example.com")
    assert appointment.questionnaire_needed and appointment.questionnaire is None
    assert "questionnaire needed" in response.content.decode()
    assert "/intake/?next=" in mailoutbox[-1].body
    day = client.get(reverse("staff:dashboard"), {"date": TUESDAY.isoformat()}).content.decode()
    assert "Questionnaire needed" in day


def test_refusals_shown_to_staff_are_written_for_staff(client, studio):
    make_questionnaire(
        email="phoebe@example.com",
        screening={"classical": {"outcome": "decline", "reasons": ["Kind words."], "conditions": ["fever"]}},
    )
    client.force_login(studio.user("reception"))

    html = client.post(BOOK, booking(studio)).content.decode()

    assert "The screening declines Classical: fever." in html


def test_an_absolute_refusal_offers_no_override_even_to_a_manager(client, studio):
    make_questionnaire(
        email="phoebe@example.com",
        screening={
            "classical": {
                "outcome": "decline",
                "reasons": ["Kind words."],
                "conditions": ["fever"],
                "absolute_conditions": ["fever"],
            }
        },
    )
    client.force_login(studio.user("manager"))

    refused = client.post(BOOK, booking(studio)).content.decode()
    insisted = client.post(BOOK, booking(studio, override_reason="She insisted")).content.decode()

    assert 'name="override_reason"' not in refused
    assert "This reason is absolute" in refused
    assert "No override is possible" in insisted
    assert not Appointment.objects.filter(client_email="phoebe@example.com").exists()


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"start": at(TUESDAY, "11:05").isoformat()}, "Sessions start every 15 minutes"),
        ({"start": at(TUESDAY, "18:30").isoformat()}, "is not working at that time"),
        ({"start": at(MONDAY, "11:00").isoformat(), "date": MONDAY.isoformat()}, "already passed"),
        ({"client_email": "not-an-email"}, "Enter a valid email address."),
        ({"client_name": ""}, "This field is required."),
        ({"start": ""}, "Please choose a time."),
        ({"start": "2027-03-02T11:00"}, "Please choose one of the times offered."),
    ],
)
def test_bad_bookings_are_refused_keeping_what_was_typed(client, studio, mailoutbox, changes, message):
    client.force_login(studio.user("reception"))

    response = client.post(BOOK, booking(studio, **changes))

    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    assert "+7 900 555-00-11" in html  # the phone number typed is still there
    assert not Appointment.objects.filter(client_email="phoebe@example.com").exists()
    assert mailoutbox == []


def test_a_walk_in_client_can_have_the_next_free_time_today(client, studio, mailoutbox):
    """Online clients need two hours' notice; the front desk books a walk-in for a quarter past."""
    client.force_login(studio.user("reception"))

    response = client.post(
        BOOK, booking(studio, start=at(MONDAY, "12:15").isoformat(), date=MONDAY.isoformat())
    )

    assert response.status_code == 302
    walk_in = Appointment.objects.get(client_email="phoebe@example.com")
    assert walk_in.start == at(MONDAY, "12:15")
    assert walk_in.source == "staff"


def test_a_screening_refusal_is_shown_and_reception_cannot_override_it(client, studio):
    make_questionnaire(email="phoebe@example.com", screening=DECLINED)
    client.force_login(studio.user("reception"))

    refused = client.post(BOOK, booking(studio))
    insisted = client.post(BOOK, booking(studio, override_reason="She insisted"))

    assert refused.status_code == 400
    html = refused.content.decode()
    assert "Not while the ankle is swollen." in html
    assert "Only a manager can book a session the screening refused" in html
    assert 'name="override_reason"' not in html
    assert "Only a manager can book a session the screening has refused." in insisted.content.decode()
    assert not Appointment.objects.filter(client_email="phoebe@example.com").exists()


def test_a_manager_may_override_a_refusal_with_a_reason_which_is_recorded(client, studio):
    make_questionnaire(email="phoebe@example.com", screening=DECLINED)
    client.force_login(studio.user("manager"))

    refused = client.post(BOOK, booking(studio))
    assert 'name="override_reason"' in refused.content.decode()
    booked = client.post(BOOK, booking(studio, override_reason="Doctor's letter seen at the desk"))

    assert booked.status_code == 302
    appointment = Appointment.objects.get(client_email="phoebe@example.com")
    kinds = list(appointment.events.order_by("pk").values_list("kind", "details"))
    assert kinds[0][0] == EventKind.BOOKED
    assert kinds[1] == (
        EventKind.OVERRIDE,
        {"outcome": "decline", "reason": "Doctor's letter seen at the desk"},
    )
    html = client.get(booked.url).content.decode()
    assert "Screening said no" in html
    assert "Doctor&#x27;s letter seen at the desk" in html


# --- The override in the domain layer -----------------------------------------------------------------


@pytest.fixture
def refused_questionnaire(studio):
    return make_questionnaire(email="phoebe@example.com", screening=DECLINED)


def book(studio, questionnaire, **kwargs):
    return book_appointment(
        service=studio.service,
        start=at(TUESDAY, "11:00"),
        therapist=studio.anna,
        client_name="Phoebe Phone",
        client_email="phoebe@example.com",
        questionnaire=questionnaire,
        **kwargs,
    )


def test_no_reason_means_no_override_even_for_a_manager(studio, refused_questionnaire):
    with pytest.raises(NotSuitable):
        book(studio, refused_questionnaire, source="staff", user=studio.user("manager"))


@pytest.mark.parametrize("who", ["reception", "therapist", None])
def test_only_the_override_permission_may_override(studio, refused_questionnaire, who):
    with pytest.raises(BookingError, match="Only a manager"):
        book(
            studio,
            refused_questionnaire,
            source="staff",
            user=studio.user(who) if who else None,
            override_reason="Because",
        )
    assert (
        not Appointment.objects.exists()
        or not Appointment.objects.filter(client_email="phoebe@example.com").exists()
    )


def test_an_online_booking_can_never_be_overridden(studio, refused_questionnaire):
    with pytest.raises(BookingError, match="Only a manager"):
        book(
            studio,
            refused_questionnaire,
            source="online",
            user=studio.user("manager"),
            override_reason="Because",
        )


def test_an_inactive_manager_cannot_override(studio, refused_questionnaire):
    manager = studio.user("manager")
    manager.is_active = False
    manager.save()

    with pytest.raises(BookingError, match="Only a manager"):
        book(studio, refused_questionnaire, source="staff", user=manager, override_reason="Because")


def test_an_out_of_date_questionnaire_is_never_overridden(studio):
    stale = make_questionnaire(email="phoebe@example.com", screening=DECLINED, valid_days=-1)

    with pytest.raises(BookingError, match="out of date"):
        book(studio, stale, source="staff", user=studio.user("manager"), override_reason="Because")


def test_a_reason_without_a_refusal_records_no_override(studio):
    fine = make_questionnaire(email="phoebe@example.com", screening={"classical": {"outcome": "proceed"}})

    appointment = book(
        studio, fine, source="staff", user=studio.user("reception"), override_reason="Just in case"
    )

    assert list(appointment.events.values_list("kind", flat=True)) == [EventKind.BOOKED]


def test_existing_callers_behave_as_before(studio, refused_questionnaire):
    with pytest.raises(NotSuitable) as refusal:
        book(studio, refused_questionnaire)

    assert refusal.value.outcome == "decline"


# --- The questionnaire lookup -----------------------------------------------------------------------


def test_the_lookup_shows_the_screening_as_flags_only(client, studio):
    make_questionnaire(
        email="phoebe@example.com",
        screening={
            "classical": {"outcome": "avoid_area", "areas": ["heel"], "therapist_notes": ["Secret detail"]}
        },
    )
    client.force_login(studio.user("reception"))

    response = client.get(LOOKUP, {"client_email": "phoebe@example.com", "service": studio.service.slug})

    html = response.content.decode()
    assert "Valid questionnaire found" in html
    assert "Avoid area" in html and "Note" in html
    assert "Secret detail" not in html and "heel" not in html


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"client_email": "nobody@example.com", "service": "classical-60"}, "No valid questionnaire"),
        ({"client_email": "", "service": "classical-60"}, ""),
        ({"client_email": "x" * 400, "service": "garbage"}, ""),
    ],
)
def test_the_lookup_without_a_match(client, studio, params, expected):
    client.force_login(studio.user("reception"))

    response = client.get(LOOKUP, params)

    assert response.status_code == 200
    text = re.sub(r"<[^>]+>", "", response.content.decode()).strip()
    assert text.startswith(expected) if expected else text == ""


def test_a_refused_technique_is_announced_in_the_lookup(client, studio):
    make_questionnaire(email="phoebe@example.com", screening=DECLINED)
    client.force_login(studio.user("reception"))

    html = client.get(
        LOOKUP, {"client_email": "phoebe@example.com", "service": studio.service.slug}
    ).content.decode()

    assert "Screening said no" in html
    assert "the booking will be refused" in html


# --- Query counts -------------------------------------------------------------------------------------


def test_the_booking_page_runs_a_fixed_number_of_queries(client, studio):
    client.force_login(studio.user("reception"))
    params = {"service": studio.service.slug, "therapist": "", "date": TUESDAY.isoformat()}
    with CaptureQueriesContext(connection) as small:
        client.get(BOOK, params)

    for index in range(10):
        make_therapist(f"more-{index}", services=[studio.service])
        make_service(technique="classical", slug=f"classical-{31 + index}", minutes=31 + index)
        make_user(f"staff-{index}")
    with CaptureQueriesContext(connection) as large:
        client.get(BOOK, params)

    # session, user, permissions (2), the service chosen, booking rules, hours, time off, closures,
    # appointments (the availability engine), the service and therapist choices.
    assert len(small.captured_queries) == len(large.captured_queries) == 12


def test_the_lookup_runs_a_fixed_number_of_queries(client, studio):
    client.force_login(studio.user("reception"))
    params = {"client_email": "phoebe@example.com", "service": studio.service.slug}
    counts = []
    for scale in (1, 10):
        for index in range(scale):
            make_questionnaire(email="phoebe@example.com", screening={"classical": {"outcome": "proceed"}})
            make_questionnaire(email=f"someone{scale}-{index}@example.com")
        with CaptureQueriesContext(connection) as captured:
            client.get(LOOKUP, params)
        counts.append(len(captured.captured_queries))

    # session, user, permissions (2), the service, the newest valid questionnaire, its doctor's notes
    assert counts == [7, 7]


# --- The consent to the processing of personal data ------------------------------------------------


def test_a_desk_booking_records_how_the_client_agreed(client, studio):
    from intake.models import PersonalDataConsent

    client.force_login(studio.user("reception"))
    response = client.post(BOOK, booking(studio, consent_method="paper"))
    assert response.status_code == 302
    [consent] = PersonalDataConsent.objects.all()
    assert (consent.email, consent.source, consent.method) == ("phoebe@example.com", "desk", "paper")
    assert consent.recorded_by is not None


def test_a_desk_booking_without_the_consent_is_refused_and_kept(client, studio):
    from intake.models import PersonalDataConsent

    client.force_login(studio.user("reception"))
    response = client.post(BOOK, booking(studio, consent_method=None))
    page = response.content.decode()
    assert response.status_code == 400
    assert "Please record how the client agreed" in page and 'value="Phoebe Phone"' in page
    assert not Appointment.objects.filter(client_email="phoebe@example.com").exists()
    assert not PersonalDataConsent.objects.exists()
