"""The booking flow through the client: every step, the state carried between them, bad input at each
step (a clear message, what was typed kept, never a 500), double submits and pinned query counts."""

import re
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from urllib.parse import quote

import pytest
from django.core import signing
from django.urls import reverse

from bookings.links import manage_link_token
from bookings.models import Appointment, Level, ServicePrice
from bookings.web.flow import CONFIRM_SALT, SlotRef, read_slot, sign_confirmation
from bookings.web.flow_views import CONTACT_KEY
from intake.session import SESSION_KEY
from tests.bookings.factories import at, make_appointment, make_questionnaire, make_service, make_therapist
from tests.bookings.web.flow_support import (
    CLASSICAL_OK,
    give_contact,
    make_studio,
    prove_questionnaire,
    query_of,
    ready_client,
    slot_token,
)
from tests.utils import assert_csp_clean

pytestmark = pytest.mark.django_db

BOOK = "/book/"
TIME = "/book/time/"
AGREED = {"consent_personal_data": "on"}  # the separate consent to the processing of personal data
DETAILS = "/book/details/"
SUMMARY = "/book/summary/"
CONFIRM = "/book/confirm/"


@pytest.fixture
def studio(set_policy):
    return make_studio(set_policy)


@pytest.fixture
def ten_o_clock(studio):
    return at(studio["day"], "10:00")


def html(response) -> str:
    return response.content.decode()


def summary_confirmation(client, token) -> str:
    response = client.get(SUMMARY, {"slot": token})
    assert response.status_code == 200, html(response)
    return re.search(r'name="confirmation" value="([^"]+)"', html(response)).group(1)


# --- Step 1: the session ----------------------------------------------------------------------------


def test_step_one_lists_the_sessions_with_prices_and_a_progress_indicator(client, studio):
    response = client.get(BOOK)

    assert response.status_code == 200
    page = html(response)
    assert "Step 1 of 5" in page
    assert 'aria-current="step"' in page
    assert 'name="service" value="classical-60"' in page
    assert "₽2,500" in page
    assert f'action="{TIME}"' in page
    assert_csp_clean(response)


def test_a_known_service_goes_straight_to_the_times(client, studio):
    response = client.get(BOOK, {"service": "classical-60", "therapist": "boris"})
    assert response.status_code == 302
    assert response.url == f"{TIME}?service=classical-60&therapist=boris"


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"service": "no-such-thing"}, "We could not find that session"),
        ({"service": "x" * 3000}, "We could not find that session"),
        ({"technique": "no-such-technique"}, "cannot be booked online"),
        ({"therapist": "nobody"}, "We could not find that therapist"),
        ({"service": "<script>alert(1)</script>"}, "We could not find that session"),
        ({"service": "classical\x0060"}, "We could not find that session"),
        ({"therapist": "anna\x00"}, "We could not find that therapist"),
    ],
)
def test_unknown_choices_on_step_one_get_a_kind_notice_and_the_full_list(client, studio, query, message):
    response = client.get(BOOK, query)
    assert response.status_code == 200
    assert message in html(response)
    assert 'value="classical-60"' in html(response)
    assert "<script>alert" not in html(response)


def test_step_one_narrows_to_a_technique_and_prices_for_a_therapist(client, studio):
    make_service(technique="relaxing", minutes=45, price="2000.00")
    page = html(client.get(BOOK, {"technique": "classical"}))
    assert "Book Classical" in page
    assert 'value="relaxing-45"' not in page

    page = html(client.get(BOOK, {"therapist": "boris"}))
    assert "Book a session with Boris Orlov" in page
    assert 'name="therapist" value="boris"' in page
    assert "₽2,900" in page  # his level's price


def test_step_one_query_count_is_pinned_and_flat(client, studio, django_assert_num_queries):
    with django_assert_num_queries(3):
        client.get(BOOK)
    for i in range(10):
        service = make_service(technique=f"technique-{i}", minutes=30 + i, price="1000.00")
        make_therapist(f"t{i}", services=[service, studio["service"]])
    with django_assert_num_queries(3):
        response = client.get(BOOK)
    assert "technique-9" in html(response) or "Technique 9" in html(response)


# --- Step 2: day, time, therapist ---------------------------------------------------------------------


def test_step_two_offers_days_with_free_times_and_that_days_times(client, studio):
    response = client.get(TIME, {"service": "classical-60", "day": studio["day"].isoformat()})

    assert response.status_code == 200
    page = html(response)
    assert "Step 2 of 5" in page
    assert f'name="day" value="{studio["day"].isoformat()}"' in page
    assert 'aria-pressed="true"' in page
    tokens = re.findall(r'name="slot" value="([^"]+)"', page)
    assert len(tokens) == 17  # 09:00 to 17:00 every 30 minutes, any therapist
    assert read_slot(tokens[0]).start == at(studio["day"], "09:00")
    assert 'form="slot-form"' in page
    assert f'id="slot-form" method="get" action="{DETAILS}"' in page
    assert "Anna Sokolova" in page and "Boris Orlov" in page
    assert_csp_clean(response)


def test_a_full_day_is_not_offered(client, studio):
    day = studio["day"]
    for therapist in (studio["anna"], studio["boris"]):
        for hour in range(9, 18):
            make_appointment(service=studio["service"], therapist=therapist, start=at(day, f"{hour:02d}:00"))
    page = html(client.get(TIME, {"service": "classical-60", "day": day.isoformat()}))
    assert f'name="day" value="{day.isoformat()}"' not in page
    assert re.search(rf'id="day-{day.isoformat()}"', page) is None


def test_choosing_a_therapist_shows_their_times_and_price(client, studio):
    page = html(client.get(TIME, {"service": "classical-60", "therapist": "boris", "day": studio["day"]}))
    assert 'id="therapist-boris" value="boris" checked' in page
    tokens = re.findall(r'name="slot" value="([^"]+)"', page)
    assert {read_slot(token).therapist for token in tokens} == {"boris"}
    assert "₽2,900" in page


@pytest.mark.parametrize(
    ("query", "notice"),
    [
        ({"day": "garbage"}, "We could not read the date"),
        ({"from": "2026-13-45"}, "We could not read the date"),
        ({"window": "yesterday"}, "We could not read the date"),
        ({"therapist": "nobody"}, "does not give this session"),
        ({"therapist": "x" * 500}, "too long"),
        ({"therapist": "boris\x00", "day": "\x00"}, "We could not read the date"),
    ],
)
def test_garbage_in_the_pickers_address_gets_a_notice_and_a_working_picker(client, studio, query, notice):
    response = client.get(TIME, {"service": "classical-60", **query})
    assert response.status_code == 200
    assert notice in html(response)
    assert 'name="slot"' in html(response)


@pytest.mark.parametrize("day", ["1900-01-01", "9999-12-31", "2000-02-30"])
def test_dates_far_away_are_clamped_to_what_can_be_booked(client, studio, day):
    response = client.get(TIME, {"service": "classical-60", "day": day, "from": day})
    assert response.status_code == 200
    assert 'name="slot"' in html(response) or "No free times" in html(response)


def test_without_a_known_service_step_two_sends_the_client_back_to_step_one(client, studio):
    for query in ({}, {"service": "nope"}, {"service": "classical-60\x00"}, {"service": "' OR 1=1 --"}):
        response = client.get(TIME, query)
        assert response.status_code == 302
        assert response.url == BOOK
    response = client.get(TIME, {"service": "nope"}, headers={"HX-Request": "true"})
    assert response["HX-Redirect"] == BOOK


def test_htmx_gets_only_the_picker(client, studio):
    response = client.get(
        TIME, {"service": "classical-60", "day": studio["day"].isoformat()}, headers={"HX-Request": "true"}
    )
    page = html(response)
    assert page.lstrip().startswith('<div id="picker"')
    assert "<html" not in page
    assert "HX-Request" in response["Vary"]
    restore = client.get(
        TIME,
        {"service": "classical-60"},
        headers={"HX-Request": "true", "HX-History-Restore-Request": "true"},
    )
    assert "<html" in html(restore)


def test_the_picker_works_in_fortnights(client, studio):
    page = html(client.get(TIME, {"service": "classical-60"}))
    assert re.search(r'id="window-previous" name="from"\s+value=""\s+disabled', page)
    later = re.search(r'id="window-next" name="from"\s+value="([\d-]+)"', page).group(1)
    page = html(client.get(TIME, {"service": "classical-60", "from": later}))
    assert f'name="window" value="{later}"' in page
    assert 'id="window-previous" name="from"\n                      value="' in page


def test_step_two_query_count_is_pinned_and_flat(client, studio, django_assert_num_queries):
    query = {"service": "classical-60", "day": studio["day"].isoformat()}
    with django_assert_num_queries(8):
        client.get(TIME, query)
    for i in range(20):
        make_therapist(f"extra-{i}", services=[studio["service"]])
    for day in range(1, 14):
        for hour in (9, 11, 13):
            make_appointment(
                service=studio["service"],
                therapist=studio["anna"],
                start=at(studio["day"] + timedelta(days=day), f"{hour}:00"),
            )
    with django_assert_num_queries(8):
        response = client.get(TIME, query)
    assert "Extra 19" in html(response)


# --- Step 3: contact details ------------------------------------------------------------------------


def test_step_three_shows_the_choice_and_asks_for_contact_details(client, studio, ten_o_clock):
    token = slot_token(studio["service"], ten_o_clock, studio["boris"])
    response = client.get(DETAILS, {"slot": token})

    assert response.status_code == 200
    page = html(response)
    assert "Step 3 of 5" in page
    assert "Boris Orlov" in page and "₽2,900" in page
    assert 'name="client_email"' in page and 'autocomplete="email"' in page
    assert "short health questionnaire" in page
    assert_csp_clean(response)


def test_a_proven_questionnaire_fills_in_the_contact_details(client, studio, ten_o_clock):
    questionnaire = make_questionnaire(email="q@example.com", screening=CLASSICAL_OK)
    prove_questionnaire(client, questionnaire)
    page = html(client.get(DETAILS, {"slot": slot_token(studio["service"], ten_o_clock)}))
    assert 'value="q@example.com"' in page
    assert "is on file in this browser" in page


def test_bad_contact_details_are_refused_and_everything_typed_is_kept(client, studio, ten_o_clock):
    token = slot_token(studio["service"], ten_o_clock)
    response = client.post(
        DETAILS,
        {
            "slot": token,
            "client_name": "Maria Client",
            "client_email": "not-an-email",
            "client_phone": "call me!",
        },
    )

    assert response.status_code == 400
    page = html(response)
    assert "Please enter a valid e-mail address" in page
    assert "Please enter a phone number we can call" in page
    assert 'value="Maria Client"' in page
    assert 'value="not-an-email"' in page
    assert 'value="call me!"' in page
    assert f'value="{token}"' in page
    assert CONTACT_KEY not in client.session


def test_good_details_go_to_the_questionnaire_and_come_back_to_the_summary(client, studio, ten_o_clock):
    token = slot_token(studio["service"], ten_o_clock)
    response = client.post(
        DETAILS,
        {"slot": token, "client_name": " Maria  Client ", "client_email": "maria@example.com", **AGREED},
    )

    assert response.status_code == 302
    summary_url = f"{SUMMARY}?slot={quote(token)}"
    assert response.url == f"/intake/?next={quote(summary_url, safe='')}"
    assert client.session[CONTACT_KEY] == {
        "name": "Maria Client",
        "email": "maria@example.com",
        "phone": "",
        "consent": True,
    }


def test_with_a_proven_questionnaire_the_details_go_straight_to_the_summary(client, studio, ten_o_clock):
    prove_questionnaire(client, make_questionnaire(screening=CLASSICAL_OK))
    token = slot_token(studio["service"], ten_o_clock)
    maria = {"slot": token, "client_name": "Maria", "client_email": "m@example.com", **AGREED}
    response = client.post(DETAILS, maria)
    assert response.status_code == 302
    assert query_of(response.url) == {"slot": token}
    assert response.url.startswith(SUMMARY)


@pytest.mark.parametrize("token", ["", "garbage", "x" * 3000, "a:b:c"])
def test_a_tampered_slot_gets_a_clear_message_and_a_way_back(client, studio, token):
    for response in (
        client.get(DETAILS, {"slot": token}),
        client.post(DETAILS, {"slot": token, "client_name": "M", "client_email": "m@example.com", **AGREED}),
        client.get(SUMMARY, {"slot": token}),
    ):
        assert response.status_code == 400
        page = html(response)
        assert "incomplete or has been changed" in page
        assert f'href="{BOOK}"' in page


def test_an_expired_slot_leads_back_to_that_services_times(client, studio, ten_o_clock, settings):
    token = slot_token(studio["service"], ten_o_clock)
    settings.BOOKING_FLOW_MAX_AGE = -1
    response = client.get(DETAILS, {"slot": token})
    assert response.status_code == 400
    assert "open for a long time" in html(response)
    assert f'href="{TIME}?service=classical-60"' in html(response)


def test_a_slot_in_the_past_offers_the_nearest_free_times(client, studio):
    token = slot_token(studio["service"], datetime(2024, 1, 1, 7, tzinfo=UTC))
    response = client.get(DETAILS, {"slot": token})
    assert response.status_code == 409
    assert "That time has already passed." in html(response)
    assert 'name="slot"' in html(response)


def test_a_slot_taken_before_the_details_offers_the_nearest_times(client, studio, ten_o_clock):
    make_appointment(service=studio["service"], therapist=studio["anna"], start=ten_o_clock)
    response = client.get(DETAILS, {"slot": slot_token(studio["service"], ten_o_clock, studio["anna"])})

    assert response.status_code == 409
    page = html(response)
    assert "That time was just taken." in page
    nearest = [read_slot(token) for token in re.findall(r'name="slot" value="([^"]+)"', page)]
    assert nearest and all(ref.start != ten_o_clock and ref.therapist == "anna" for ref in nearest)
    assert f'action="{DETAILS}"' in page


def test_details_posted_after_the_slot_was_taken_are_kept(client, studio, ten_o_clock):
    token = slot_token(studio["service"], ten_o_clock, studio["anna"])
    make_appointment(service=studio["service"], therapist=studio["anna"], start=ten_o_clock)
    maria = {"slot": token, "client_name": "Maria", "client_email": "m@example.com", **AGREED}
    response = client.post(DETAILS, maria)
    assert response.status_code == 302
    assert client.session[CONTACT_KEY]["email"] == "m@example.com"


def test_step_three_query_count_is_pinned_and_flat(client, studio, ten_o_clock, django_assert_num_queries):
    ready_client(client)
    token = slot_token(studio["service"], ten_o_clock)
    with django_assert_num_queries(9):
        client.get(DETAILS, {"slot": token})
    for i in range(20):
        extra = make_therapist(f"extra-{i}", services=[studio["service"]])
        make_appointment(
            service=studio["service"], therapist=extra, start=at(studio["day"], f"{9 + i % 9}:00")
        )
    with django_assert_num_queries(9):
        client.get(DETAILS, {"slot": token})


# --- Step 5: summary -----------------------------------------------------------------------------------


def test_the_summary_shows_everything_and_the_price_charged(client, studio, ten_o_clock):
    ready_client(client)
    response = client.get(SUMMARY, {"slot": slot_token(studio["service"], ten_o_clock, studio["boris"])})

    assert response.status_code == 200
    page = html(response)
    assert "Step 5 of 5" in page
    for text in ("Boris Orlov", "Maria Client", "maria@example.com", "Confirm booking", "10:00\u201311:00"):
        assert text in page
    assert "₽2,900" in page
    assert 'name="confirmation"' in page
    assert_csp_clean(response)


def test_the_summary_without_details_asks_for_them(client, studio, ten_o_clock):
    prove_questionnaire(client, make_questionnaire(screening=CLASSICAL_OK))
    token = slot_token(studio["service"], ten_o_clock)
    response = client.get(SUMMARY, {"slot": token})
    assert response.status_code == 302
    assert response.url == f"{DETAILS}?slot={quote(token)}"


def test_the_summary_without_a_questionnaire_sends_the_client_to_fill_it_in(client, studio, ten_o_clock):
    give_contact(client)
    token = slot_token(studio["service"], ten_o_clock)
    response = client.get(SUMMARY, {"slot": token})
    assert response.status_code == 302
    assert response.url.startswith("/intake/?next=")
    assert query_of(response.url)["next"] == f"{SUMMARY}?slot={quote(token)}"


def test_an_expired_questionnaire_is_not_proof(client, studio, ten_o_clock):
    give_contact(client)
    prove_questionnaire(client, make_questionnaire(screening=CLASSICAL_OK, valid_days=-1))
    response = client.get(SUMMARY, {"slot": slot_token(studio["service"], ten_o_clock)})
    assert response.url.startswith("/intake/")
    assert SESSION_KEY not in client.session


def test_a_technique_the_screening_declines_is_explained_with_what_is_possible(client, studio, ten_o_clock):
    relaxing = make_service(technique="relaxing", minutes=45, price="2000.00")
    make_therapist("vera", services=[relaxing])
    ready_client(
        client,
        screening={
            "classical": {"outcome": "decline", "reasons": ["Please let the sprain settle first."]},
            "relaxing": {"outcome": "modify", "reasons": []},
        },
    )
    response = client.get(SUMMARY, {"slot": slot_token(studio["service"], ten_o_clock)})

    assert response.status_code == 200
    page = html(response)
    assert "Classical is not possible for you at the moment" in page
    assert "Please let the sprain settle first." in page
    assert "Relaxing" in page and f"{BOOK}?service=relaxing-45" in page
    assert "contraindicat" not in page.lower()
    assert 'name="confirmation"' not in page
    # Confirming anyway (a stale form) is refused the same way.
    confirmation = sign_confirmation(
        slot=SlotRef(studio["service"].slug, ten_o_clock),
        key="k" * 32,
        therapist="anna",
        price=Decimal("2500"),
    )
    response = client.post(CONFIRM, {"confirmation": confirmation})
    assert "Please let the sprain settle first." in html(response)
    assert Appointment.objects.count() == 0


def test_a_technique_that_needs_a_doctors_note_says_so(client, studio, ten_o_clock):
    ready_client(
        client,
        screening={"classical": {"outcome": "needs_clearance", "reasons": ["With a recent operation."]}},
    )
    page = html(client.get(DETAILS, {"slot": slot_token(studio["service"], ten_o_clock)}))
    assert "needs a note from your doctor first" in page
    assert "With a recent operation." in page
    assert "none of our sessions can be booked online for you" in page


def test_summary_query_count_is_pinned_and_flat(client, studio, ten_o_clock, django_assert_num_queries):
    ready_client(client)
    token = slot_token(studio["service"], ten_o_clock)
    with django_assert_num_queries(11):  # 11: the client's courses (bookings.web.flow_payment)
        client.get(SUMMARY, {"slot": token})
    for i in range(20):
        extra = make_therapist(f"extra-{i}", services=[studio["service"]])
        make_appointment(service=studio["service"], therapist=extra, start=at(studio["day"], "15:00"))
    with django_assert_num_queries(11):  # 11: the client's courses (bookings.web.flow_payment)
        client.get(SUMMARY, {"slot": token})


# --- Confirming ---------------------------------------------------------------------------------------


def test_confirming_books_once_sends_the_email_and_shows_the_confirmation(
    client, studio, ten_o_clock, mailoutbox, django_capture_on_commit_callbacks
):
    questionnaire = ready_client(client)
    confirmation = summary_confirmation(client, slot_token(studio["service"], ten_o_clock, studio["anna"]))

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(CONFIRM, {"confirmation": confirmation})

    appointment = Appointment.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("bookings:book_done", kwargs={"token": manage_link_token(appointment)})
    assert (appointment.therapist, appointment.start, appointment.price) == (
        studio["anna"],
        ten_o_clock,
        Decimal("2500.00"),
    )
    assert appointment.client_email == "maria@example.com"
    assert appointment.questionnaire == questionnaire
    assert appointment.therapist_chosen
    assert len(appointment.idempotency_key) >= 16
    (message,) = mailoutbox
    assert manage_link_token(appointment) in message.body

    page = client.get(response.url)
    assert page.status_code == 200
    assert "You are booked" in html(page)
    assert "maria@example.com" in html(page)
    assert_csp_clean(page)


def test_confirming_twice_books_once_and_sends_one_email(
    client, studio, ten_o_clock, mailoutbox, django_capture_on_commit_callbacks
):
    ready_client(client)
    confirmation = summary_confirmation(client, slot_token(studio["service"], ten_o_clock))

    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(CONFIRM, {"confirmation": confirmation})
        second = client.post(CONFIRM, {"confirmation": confirmation})

    assert Appointment.objects.count() == 1
    assert first.status_code == second.status_code == 302
    assert first.url == second.url
    assert len(mailoutbox) == 1
    assert not Appointment.objects.get().therapist_chosen  # "any therapist"


def test_a_new_summary_is_a_new_booking(client, studio, ten_o_clock, django_capture_on_commit_callbacks):
    ready_client(client)
    first = summary_confirmation(client, slot_token(studio["service"], ten_o_clock, studio["anna"]))
    second = summary_confirmation(
        client, slot_token(studio["service"], at(studio["day"], "14:00"), studio["anna"])
    )
    assert first != second
    client.post(CONFIRM, {"confirmation": first})
    client.post(CONFIRM, {"confirmation": second})
    assert Appointment.objects.count() == 2


def test_any_therapist_books_whoever_is_free_at_the_price_shown(client, studio, ten_o_clock):
    """The summary showed Anna; she was booked meanwhile. Boris costs more: the client sees it first."""
    ready_client(client)
    confirmation = summary_confirmation(client, slot_token(studio["service"], ten_o_clock))
    make_appointment(
        service=studio["service"], therapist=studio["anna"], start=ten_o_clock, email="x@example.com"
    )

    response = client.post(CONFIRM, {"confirmation": confirmation})
    assert response.status_code == 409
    assert "Boris Orlov gives this session at that time now" in html(response)
    assert Appointment.objects.filter(client_email="maria@example.com").count() == 0


def test_any_therapist_at_the_same_price_books_without_asking_again(client, studio, ten_o_clock):
    carla = make_therapist("carla", name="Carla Ivanova", services=[studio["service"]])
    # Boris already has a session that day, so the fair choice after Anna is Carla (same level as Anna).
    make_appointment(service=studio["service"], therapist=studio["boris"], start=at(studio["day"], "15:00"))
    ready_client(client)
    confirmation = summary_confirmation(client, slot_token(studio["service"], ten_o_clock))
    make_appointment(
        service=studio["service"], therapist=studio["anna"], start=ten_o_clock, email="x@example.com"
    )

    assert client.post(CONFIRM, {"confirmation": confirmation}).status_code == 302
    booked = Appointment.objects.get(client_email="maria@example.com")
    assert (booked.therapist, booked.price, booked.therapist_chosen) == (carla, Decimal("2500.00"), False)


@pytest.mark.parametrize(
    "value",
    [
        pytest.param(lambda: "", id="empty"),
        pytest.param(lambda: "garbage", id="garbage"),
        pytest.param(lambda: "x" * 3000, id="3000-characters"),
        # made inside the test: a signed token carries a timestamp; test ids must not differ between workers
        pytest.param(lambda: signing.dumps({"slot": "nope"}, salt=CONFIRM_SALT), id="signed-without-a-slot"),
    ],
    ids=["empty", "garbage", "too-long", "signed-nonsense"],  # a signed value's id changes every second
)
def test_a_tampered_confirmation_is_refused_without_booking(client, studio, value):
    ready_client(client)
    response = client.post(CONFIRM, {"confirmation": value()})
    assert response.status_code == 400
    assert "incomplete or has been changed" in html(response)
    assert Appointment.objects.count() == 0


def test_confirming_is_post_only(client, studio):
    assert client.get(CONFIRM).status_code == 405


def test_a_slot_lost_meanwhile_offers_the_nearest_times_and_keeps_the_details(client, studio, ten_o_clock):
    ready_client(client)
    confirmation = summary_confirmation(client, slot_token(studio["service"], ten_o_clock, studio["anna"]))
    make_appointment(
        service=studio["service"], therapist=studio["anna"], start=ten_o_clock, email="x@example.com"
    )

    response = client.post(CONFIRM, {"confirmation": confirmation})

    assert response.status_code == 409
    page = html(response)
    assert "That time was just taken." in page
    assert "We have kept your details (Maria Client, maria@example.com)" in page
    assert f'action="{SUMMARY}"' in page
    assert Appointment.objects.count() == 1
    assert client.session[CONTACT_KEY]["email"] == "maria@example.com"
    # One of the offered times leads straight back to a summary with the details filled in.
    token = re.search(r'name="slot" value="([^"]+)"', page).group(1)
    assert "Maria Client" in html(client.get(SUMMARY, {"slot": token}))


def test_a_price_change_is_shown_before_anything_is_booked(client, studio, ten_o_clock):
    ready_client(client)
    confirmation = summary_confirmation(client, slot_token(studio["service"], ten_o_clock, studio["anna"]))
    ServicePrice.objects.create(service=studio["service"], level=Level.THERAPIST, price=Decimal("2700.00"))

    response = client.post(CONFIRM, {"confirmation": confirmation})

    assert response.status_code == 409
    assert "The price of this session has changed since you looked: it now costs ₽2,700" in html(response)
    assert Appointment.objects.count() == 0
    fresh = re.search(r'name="confirmation" value="([^"]+)"', html(response)).group(1)
    assert client.post(CONFIRM, {"confirmation": fresh}).status_code == 302
    assert Appointment.objects.get().price == Decimal("2700.00")


def test_a_used_form_with_other_details_is_refused(client, studio, ten_o_clock):
    ready_client(client)
    confirmation = summary_confirmation(client, slot_token(studio["service"], ten_o_clock))
    client.post(CONFIRM, {"confirmation": confirmation})
    give_contact(client, email="someone-else@example.com")
    response = client.post(CONFIRM, {"confirmation": confirmation})
    assert response.status_code == 400
    assert "already used" in html(response)
    assert Appointment.objects.count() == 1


def test_confirming_without_details_or_questionnaire_collects_them_first(client, studio, ten_o_clock):
    confirmation = sign_confirmation(
        slot=SlotRef(studio["service"].slug, ten_o_clock),
        key="k" * 32,
        therapist="anna",
        price=Decimal("2500"),
    )
    response = client.post(CONFIRM, {"confirmation": confirmation})
    assert response.url.startswith(DETAILS)
    give_contact(client)
    response = client.post(CONFIRM, {"confirmation": confirmation})
    assert response.url.startswith("/intake/")
    assert Appointment.objects.count() == 0


def test_the_done_page_of_a_bad_link_is_a_friendly_404(client, studio):
    response = client.get("/book/done/forged.token/")
    assert response.status_code == 404
    assert "We could not find this booking" in html(response)


def test_nothing_personal_or_medical_goes_into_a_url(client, studio, ten_o_clock):
    token = slot_token(studio["service"], ten_o_clock)
    maria = {"slot": token, "client_name": "Maria", "client_email": "m@example.com", **AGREED}
    response = client.post(DETAILS, maria)
    assert "m%40example.com" not in response.url and "m@example.com" not in response.url
    assert "Maria" not in signing.loads(token, salt="bookings.web.flow.slot").values()


# --- The other pages of the flow, pinned ------------------------------------------------------------


def test_the_done_page_query_count_is_pinned_and_flat(client, studio, ten_o_clock, django_assert_num_queries):
    from tests.bookings.web.flow_support import book

    appointment = book(studio, start=ten_o_clock)
    path = reverse("bookings:book_done", kwargs={"token": manage_link_token(appointment)})
    with django_assert_num_queries(4):  # 4: what paid (bookings.prepaid)
        assert client.get(path).status_code == 200
    for i in range(10):
        book(studio, start=at(studio["day"], f"{11 + i // 2}:00"), email=f"c{i}@example.com")
    with django_assert_num_queries(4):
        client.get(path)


def test_the_taken_page_query_count_is_pinned_and_flat(
    client, studio, ten_o_clock, django_assert_num_queries
):
    make_appointment(service=studio["service"], therapist=studio["anna"], start=ten_o_clock)
    query = {"slot": slot_token(studio["service"], ten_o_clock, studio["anna"])}
    with django_assert_num_queries(13):
        assert client.get(DETAILS, query).status_code == 409
    for i in range(20):
        extra = make_therapist(f"extra-{i}", services=[studio["service"]])
        make_appointment(
            service=studio["service"], therapist=extra, start=at(studio["day"], f"{9 + i % 9}:00")
        )
    with django_assert_num_queries(13):
        client.get(DETAILS, query)


def test_the_not_suitable_page_query_count_is_pinned_and_flat(
    client, studio, ten_o_clock, django_assert_num_queries
):
    ready_client(client, screening={"classical": {"outcome": "decline", "reasons": ["Not today."]}})
    query = {"slot": slot_token(studio["service"], ten_o_clock)}
    with django_assert_num_queries(8):
        assert "Not today." in html(client.get(SUMMARY, query))
    for i in range(10):
        service = make_service(technique=f"technique-{i}", minutes=30 + i, price="1000.00")
        make_therapist(f"t{i}", services=[service])
    with django_assert_num_queries(8):
        client.get(SUMMARY, query)
