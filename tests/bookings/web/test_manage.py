"""The client's own booking, /appointments/<link>/: see it, move it with the picker, cancel it, within
the rules; tampered links are a friendly 404; sending a form twice changes (and e-mails) once."""

import re
from datetime import time, timedelta

import pytest
from django.utils import timezone

from bookings.booking import cancel_appointment
from bookings.errors import LinkInvalid
from bookings.links import manage_link_token, open_manage_link
from bookings.models import Appointment, AppointmentStatus, Level
from bookings.web.flow import read_slot
from tests.bookings.factories import at, make_appointment, make_therapist
from tests.bookings.web.flow_support import book, make_studio, manage_path, slot_token
from tests.utils import assert_csp_clean

pytestmark = pytest.mark.django_db


NINE_TO_SIX = {weekday: [(time(9), time(18))] for weekday in range(7)}


@pytest.fixture
def studio(set_policy):
    return make_studio(set_policy)


@pytest.fixture
def appointment(studio):
    return book(studio, therapist=studio["anna"])


def html(response) -> str:
    return response.content.decode()


# --- Links ---------------------------------------------------------------------------------------------


def test_a_link_opens_its_appointment_and_a_forged_one_costs_no_query(appointment, django_assert_num_queries):
    token = manage_link_token(appointment)
    assert token.startswith(appointment.manage_token + ".")
    assert open_manage_link(token) == appointment
    forged = appointment.manage_token + ".not-the-signature"
    with django_assert_num_queries(0), pytest.raises(LinkInvalid):
        open_manage_link(forged)


@pytest.mark.parametrize(
    "make_token",
    [
        lambda a: "nothing",
        lambda a: a.manage_token,  # the bare token is not a link
        lambda a: manage_link_token(a)[:-1],
        lambda a: manage_link_token(a).upper(),
        lambda a: "x" * 1000,
        lambda a: manage_link_token(a).replace(a.manage_token, "A" * 43),
    ],
)
@pytest.mark.parametrize("suffix", ["", "move/", "cancel/", "calendar.ics"])
def test_tampered_or_unknown_links_are_a_friendly_404(client, appointment, make_token, suffix):
    response = client.get(f"/appointments/{make_token(appointment)}/{suffix}")
    assert response.status_code == 404
    assert "We could not find this booking" in html(response)
    assert "+7 495 000-00-00" in html(response)


def test_a_link_to_an_appointment_that_is_gone_is_a_404(client, studio):
    appointment = book(studio)
    path = manage_path(appointment)
    Appointment.objects.filter(pk=appointment.pk).update(manage_token="replaced")
    assert client.get(path).status_code == 404


# --- Seeing it ------------------------------------------------------------------------------------------


def test_the_booking_page_shows_the_session_and_what_can_be_done(client, appointment):
    response = client.get(manage_path(appointment))

    assert response.status_code == 200
    page = html(response)
    for text in ("Classical, 60 minutes", "Anna Sokolova", "₽2,500", "10:00\u201311:00", "Booked"):
        assert text in page
    assert manage_path(appointment, "move/") in page
    assert manage_path(appointment, "cancel/") in page
    assert manage_path(appointment, "calendar.ics") in page
    assert '<meta name="robots" content="noindex">' in page
    assert_csp_clean(response)


def test_after_the_deadline_the_page_says_to_call(client, studio):
    start = (timezone.now() + timedelta(hours=5)).replace(second=0, microsecond=0)
    soon = make_appointment(service=studio["service"], therapist=studio["anna"], start=start)
    page = html(client.get(manage_path(soon)))
    assert "until 24 hours before they start" in page
    assert "please call us on +7 495 000-00-00" in page
    assert manage_path(soon, "cancel/") not in page
    # Going to the forms anyway is refused just as kindly.
    response = client.post(manage_path(soon, "cancel/"))
    assert response.status_code == 400
    assert "Please call us on +7 495 000-00-00" in html(response)
    assert client.get(manage_path(soon, "move/")).status_code == 302
    assert Appointment.objects.get(pk=soon.pk).status == AppointmentStatus.BOOKED


def test_a_cancelled_booking_says_so_and_offers_to_book_again(client, appointment):
    cancel_appointment(appointment=appointment)
    page = html(client.get(manage_path(appointment)))
    assert "This session is cancelled" in page
    assert "/book/?service=classical-60" in page
    assert manage_path(appointment, "move/") not in page


def test_the_booking_page_query_count_is_pinned_and_flat(
    client, studio, appointment, django_assert_num_queries
):
    with django_assert_num_queries(4):  # 4: what paid (bookings.prepaid)
        client.get(manage_path(appointment))
    for i in range(20):
        make_therapist(f"extra-{i}", services=[studio["service"]])
        book(
            studio,
            start=at(studio["day"] + timedelta(days=1 + i % 5), f"{9 + i // 5}:00"),
            email=f"c{i}@example.com",
        )
    with django_assert_num_queries(4):
        client.get(manage_path(appointment))


# --- Cancelling -----------------------------------------------------------------------------------------


def test_cancelling_asks_first_then_cancels_and_sends_one_email(
    client, appointment, mailoutbox, django_capture_on_commit_callbacks
):
    page = client.get(manage_path(appointment, "cancel/"))
    assert page.status_code == 200
    assert "Cancel your session?" in html(page)
    assert_csp_clean(page)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(manage_path(appointment, "cancel/"), {"reason": "Plans changed"})
        again = client.post(manage_path(appointment, "cancel/"), {"reason": "Plans changed"})

    assert response.status_code == again.status_code == 302
    assert response.url == manage_path(appointment)
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.CANCELLED
    assert appointment.cancellation_reason == "Plans changed"
    assert len(mailoutbox) == 1
    assert "is cancelled" in mailoutbox[0].subject
    assert "Your session is cancelled" in html(client.get(response.url))


def test_a_too_long_reason_is_refused_and_kept(client, appointment):
    response = client.post(manage_path(appointment, "cancel/"), {"reason": "a" * 400})
    assert response.status_code == 400
    assert "Please keep it to 300 characters." in html(response)
    assert "a" * 400 in html(response)
    assert Appointment.objects.get(pk=appointment.pk).status == AppointmentStatus.BOOKED


# --- Moving ---------------------------------------------------------------------------------------------


def test_the_move_picker_opens_on_the_sessions_day_with_the_same_therapist(client, studio, appointment):
    response = client.get(manage_path(appointment, "move/"))
    assert response.status_code == 200
    page = html(response)
    assert 'id="therapist-anna" value="anna" checked' in page
    assert f'name="current_day" value="{studio["day"].isoformat()}"' in page
    tokens = re.findall(r'name="slot" value="([^"]+)"', page)
    starts = {read_slot(token).start for token in tokens}
    # Its own time does not block it (it may move by half an hour within its own hour).
    assert at(studio["day"], "10:30") in starts
    assert f'action="{manage_path(appointment, "move/")}"' in page
    assert_csp_clean(response)


def test_moving_asks_first_then_moves_and_sends_one_email(
    client, studio, appointment, mailoutbox, django_capture_on_commit_callbacks
):
    new_start = at(studio["day"], "15:00")
    token = slot_token(studio["service"], new_start, studio["anna"])
    confirm = client.get(manage_path(appointment, "move/"), {"slot": token})
    assert confirm.status_code == 200
    assert "Move your session to this time?" in html(confirm)
    assert "15:00\u201316:00" in html(confirm)

    with django_capture_on_commit_callbacks(execute=True):
        moved = client.post(manage_path(appointment, "move/"), {"slot": token})
        again = client.post(manage_path(appointment, "move/"), {"slot": token})

    assert moved.status_code == again.status_code == 302
    appointment.refresh_from_db()
    assert appointment.start == new_start
    assert len(mailoutbox) == 1
    assert "moved to" in mailoutbox[0].subject
    assert "Your session has moved" in html(client.get(moved.url))


def test_moving_to_a_senior_therapist_shows_and_charges_their_price(client, studio, appointment):
    token = slot_token(studio["service"], at(studio["day"], "15:00"), studio["boris"])
    page = html(client.get(manage_path(appointment, "move/"), {"slot": token}))
    assert "₽2,900" in page and "was ₽2,500" in page
    client.post(manage_path(appointment, "move/"), {"slot": token})
    appointment.refresh_from_db()
    assert (appointment.therapist, str(appointment.price)) == (studio["boris"], "2900.00")


def test_a_time_taken_meanwhile_offers_the_nearest_and_changes_nothing(client, studio, appointment):
    wanted = at(studio["day"], "15:00")
    token = slot_token(studio["service"], wanted, studio["anna"])
    make_appointment(service=studio["service"], therapist=studio["anna"], start=wanted, email="x@example.com")

    response = client.post(manage_path(appointment, "move/"), {"slot": token})

    assert response.status_code == 409
    page = html(response)
    assert "That time was just taken." in page
    assert "Your session has not changed." in page
    assert re.search(r'name="slot" value="[^"]+"', page)
    appointment.refresh_from_db()
    assert appointment.start == at(studio["day"], "10:00")


@pytest.mark.parametrize("token", ["garbage", "", "x" * 3000])
def test_a_tampered_time_is_refused_and_changes_nothing(client, studio, appointment, token):
    for response in (
        client.get(manage_path(appointment, "move/"), {"slot": token}),
        client.post(manage_path(appointment, "move/"), {"slot": token}),
    ):
        assert response.status_code == 400
        assert "incomplete or has been changed" in html(response)
    assert Appointment.objects.get(pk=appointment.pk).start == at(studio["day"], "10:00")


def test_a_time_for_another_service_is_refused(client, studio, appointment):
    from tests.bookings.factories import make_service

    other = make_service(technique="relaxing", minutes=45, price="2000.00")
    token = slot_token(other, at(studio["day"], "15:00"))
    response = client.post(manage_path(appointment, "move/"), {"slot": token})
    assert response.status_code == 400
    assert "different session" in html(response)


def test_the_move_picker_query_count_is_pinned_and_flat(
    client, studio, appointment, django_assert_num_queries
):
    with django_assert_num_queries(8):
        client.get(manage_path(appointment, "move/"))
    for i in range(20):
        make_therapist(f"extra-{i}", services=[studio["service"]])
        book(
            studio,
            start=at(studio["day"] + timedelta(days=1 + i % 5), f"{9 + i // 5}:00"),
            email=f"c{i}@example.com",
        )
    with django_assert_num_queries(8):
        client.get(manage_path(appointment, "move/"))


def test_the_move_picker_prices_therapists_of_other_levels_without_a_query_each(
    client, studio, appointment, django_assert_num_queries
):
    """Boris is senior and Anna's client pays the therapist price: the senior price is looked up once."""
    with django_assert_num_queries(8):
        client.get(manage_path(appointment, "move/"), {"therapist": "boris"})
    for i in range(20):
        make_therapist(f"senior-{i}", level=Level.SENIOR, services=[studio["service"]], hours=NINE_TO_SIX)
    with django_assert_num_queries(8):
        response = client.get(manage_path(appointment, "move/"))
    assert "₽2,900" in html(response)


def test_the_cancel_and_move_confirmation_pages_are_pinned_and_flat(
    client, studio, appointment, django_assert_num_queries
):
    move_query = {"slot": slot_token(studio["service"], at(studio["day"], "15:00"), studio["anna"])}
    with django_assert_num_queries(4):  # 4: what paid (bookings.prepaid)
        client.get(manage_path(appointment, "cancel/"))
    with django_assert_num_queries(9):
        client.get(manage_path(appointment, "move/"), move_query)
    for i in range(20):
        make_therapist(f"extra-{i}", services=[studio["service"]])
        book(
            studio,
            start=at(studio["day"] + timedelta(days=1 + i % 5), f"{9 + i // 5}:00"),
            email=f"c{i}@example.com",
        )
    with django_assert_num_queries(4):  # 4: what paid (bookings.prepaid)
        client.get(manage_path(appointment, "cancel/"))
    with django_assert_num_queries(9):
        client.get(manage_path(appointment, "move/"), move_query)
