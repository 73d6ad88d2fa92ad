"""The client account (/account/): sign-in links, who sees what, the pages and their queries."""

import re
import time
from datetime import timedelta
from unittest import mock

import pytest
from django.core import mail, signing
from django.urls import reverse
from django.utils import timezone

from bookings.accounts import (
    SignInExpired,
    SignInRefused,
    SignInUsed,
    read_sign_in_token,
    sign_in_token,
    use_sign_in_token,
)
from bookings.links import manage_link_token
from bookings.models import Appointment, AppointmentStatus, CourseProduct, UsedSignInLink
from bookings.prepaid import sell_course
from bookings.web.account_session import ACCOUNT_KEY
from tests.bookings.factories import make_appointment, make_questionnaire
from tests.bookings.web.flow_support import at, make_studio

ACCOUNT = reverse("bookings:account")
SIGN_IN = reverse("bookings:account_sign_in_request")
SENT = reverse("bookings:account_sign_in_sent")
DATA = reverse("bookings:account_data")
EXPORT = reverse("bookings:account_export")
DELETE = reverse("bookings:account_delete")
SIGN_OUT = reverse("bookings:account_sign_out")
SIGNED_IN_PAGES = [ACCOUNT, DATA, EXPORT, DELETE]


@pytest.fixture
def studio(db, set_policy):
    return make_studio(set_policy)


def booking(studio, email, *, days=4, hhmm="10:00", status=AppointmentStatus.BOOKED, therapist="anna"):
    start = at(timezone.localdate() + timedelta(days=days), hhmm)
    return make_appointment(
        service=studio["service"], therapist=studio[therapist], start=start, email=email, status=status
    )


def signed_in(client, email):
    session = client.session
    session[ACCOUNT_KEY] = {"email": email, "until": time.time() + 3600}
    session.save()
    return client


def link_in(message) -> str:
    return re.search(r"https?://\S+/account/sign-in/(\S+)/", message.body).group(1)


# --- Asking for a link ---------------------------------------------------------------------------


def test_a_known_address_gets_a_link_and_an_unknown_one_the_same_answer(
    client, studio, django_capture_on_commit_callbacks
):
    booking(studio, "anna@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        known = client.post(SIGN_IN, {"email": "  Anna@Example.com "})
        unknown = client.post(SIGN_IN, {"email": "nobody@example.com"})

    assert known.status_code == unknown.status_code == 302
    assert known.url == unknown.url == SENT
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["anna@example.com"]
    assert "15 minutes" in mail.outbox[0].body
    sent = client.get(SENT).content.decode()
    assert "anna@example.com" not in sent and "nobody@example.com" not in sent


def test_a_client_who_only_bought_a_course_at_the_desk_gets_a_link(
    client, studio, django_capture_on_commit_callbacks
):
    product = CourseProduct.objects.create(name="Five", service=studio["service"], sessions=5, price="11000")
    sell_course(product=product, client_name="Vera", client_email="Vera@Example.com", payment_method="cash")
    mail.outbox = []
    with django_capture_on_commit_callbacks(execute=True):
        client.post(SIGN_IN, {"email": "vera@example.com"})

    [message] = mail.outbox
    assert message.to == ["vera@example.com"] and "/account/sign-in/" in message.body


def test_a_bad_address_is_refused_and_kept(client, db):
    response = client.post(SIGN_IN, {"email": "anna@"})

    assert response.status_code == 400
    assert "Please enter a valid e-mail address" in response.content.decode()
    assert 'value="anna@"' in response.content.decode()


def test_each_address_gets_only_a_few_links(client, studio, settings, django_capture_on_commit_callbacks):
    settings.ACCOUNT_LINKS_PER_ADDRESS = (2, 900)
    booking(studio, "anna@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        for _attempt in range(4):
            assert client.post(SIGN_IN, {"email": "anna@example.com"}).url == SENT
    assert len(mail.outbox) == 2


def test_the_sign_in_form_is_rate_limited_per_client_address(client, db, settings):
    settings.RATE_LIMIT = True
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "bookings:account_sign_in_request": (2, 3600)}
    statuses = [client.post(SIGN_IN, {"email": f"x{n}@example.com"}).status_code for n in range(3)]
    assert statuses == [302, 302, 429]


# --- Using a link ----------------------------------------------------------------------------------


def test_a_link_signs_in_once(client, studio, django_capture_on_commit_callbacks):
    booking(studio, "anna@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(SIGN_IN, {"email": "anna@example.com"})
    token = link_in(mail.outbox[0])
    url = reverse("bookings:account_sign_in", kwargs={"token": token})

    confirm = client.get(url)  # a mail scanner opening the link uses nothing up
    assert confirm.status_code == 200 and client.get(url).status_code == 200
    assert client.post(url).url == ACCOUNT
    assert client.session[ACCOUNT_KEY]["email"] == "anna@example.com"
    assert client.get(ACCOUNT).status_code == 200

    other = client.__class__()
    again = other.post(url)
    assert again.status_code == 410
    assert "already been used" in again.content.decode()
    assert ACCOUNT_KEY not in other.session


def test_a_link_expires_after_fifteen_minutes(db):
    token = sign_in_token("anna@example.com")
    later = time.time() + 15 * 60 + 1
    with mock.patch("django.core.signing.time.time", return_value=later), pytest.raises(SignInExpired):
        read_sign_in_token(token)
    with mock.patch("django.core.signing.time.time", return_value=time.time() + 14 * 60):
        assert read_sign_in_token(token).email == "anna@example.com"


def test_an_expired_link_is_a_page_with_a_new_form(client, db):
    token = sign_in_token("anna@example.com")
    url = reverse("bookings:account_sign_in", kwargs={"token": token})
    with mock.patch("django.core.signing.time.time", return_value=time.time() + 16 * 60):
        response = client.post(url)
    assert response.status_code == 410
    assert "expired" in response.content.decode() and 'name="email"' in response.content.decode()
    assert not UsedSignInLink.objects.exists()


@pytest.mark.parametrize(
    "tamper",
    [
        lambda t: t[:-2] + ("AA" if not t.endswith("AA") else "BB"),
        lambda t: signing.TimestampSigner(salt="something else").sign_object(
            {"e": "anna@example.com", "n": "x"}
        ),
        lambda t: "x" * 500,
        lambda t: "not-a-token",
    ],
    ids=["signature", "other-salt", "too-long", "garbage"],
)
def test_a_tampered_link_is_refused(client, db, tamper):
    token = tamper(sign_in_token("anna@example.com"))
    with pytest.raises(SignInRefused):
        use_sign_in_token(token)
    response = client.post(reverse("bookings:account_sign_in", kwargs={"token": token}))
    assert response.status_code == 400
    assert ACCOUNT_KEY not in client.session


def test_a_changed_address_in_a_link_is_refused(db):
    signer = signing.TimestampSigner(salt="bookings.accounts.sign_in")
    _value, stamp_and_sig = sign_in_token("anna@example.com").split(":", 1)
    forged = signer.sign_object({"e": "boris@example.com", "n": "n"}).split(":", 1)[0] + ":" + stamp_and_sig
    with pytest.raises(SignInRefused):
        read_sign_in_token(forged)


def test_using_a_link_twice_fails_the_second_time(db):
    token = sign_in_token("Anna@Example.com")
    assert use_sign_in_token(token) == "anna@example.com"
    with pytest.raises(SignInUsed):
        use_sign_in_token(token)


def test_the_account_ends_after_its_hours(client, studio, settings):
    settings.ACCOUNT_SESSION_SECONDS = 3 * 3600
    booking(studio, "anna@example.com")
    url = reverse("bookings:account_sign_in", kwargs={"token": sign_in_token("anna@example.com")})
    client.post(url)
    assert client.get(ACCOUNT).status_code == 200
    with mock.patch("bookings.web.account_session.time.time", return_value=time.time() + 3 * 3600 + 1):
        assert client.get(ACCOUNT).url == SIGN_IN


def test_sign_out_ends_the_account(client, studio):
    signed_in(client, "anna@example.com")
    response = client.post(SIGN_OUT)
    assert response.status_code == 200 and "signed out" in response.content.decode()
    assert client.get(ACCOUNT).url == SIGN_IN
    assert client.get(SIGN_OUT).status_code == 405  # never by a link


# --- Who sees what ---------------------------------------------------------------------------------


@pytest.mark.parametrize("url", SIGNED_IN_PAGES)
def test_anonymous_visitors_go_to_the_sign_in_page(client, db, url):
    response = client.get(url)
    assert response.status_code == 302 and response.url == SIGN_IN
    if url == DELETE:
        assert client.post(url, {"confirm": "on"}).url == SIGN_IN


@pytest.mark.parametrize("url", SIGNED_IN_PAGES)
def test_a_client_sees_only_their_own_data_on_every_page(client, studio, url):
    mine = booking(studio, "anna@example.com", days=4)
    theirs = booking(studio, "boris@example.com", days=5, hhmm="12:00")
    theirs.client_name = "Boris Secret"
    theirs.save()
    make_questionnaire(email="boris@example.com")
    signed_in(client, "anna@example.com")

    page = client.get(url).content.decode()

    assert "boris@example.com" not in page and "Boris Secret" not in page
    assert manage_link_token(theirs) not in page
    if url == ACCOUNT:
        assert manage_link_token(mine) in page


def test_deleting_from_one_account_leaves_the_other_client_alone(client, studio):
    booking(studio, "anna@example.com", days=-10)
    theirs = booking(studio, "boris@example.com", days=-9)
    signed_in(client, "anna@example.com")
    assert client.post(DELETE, {"confirm": "on"}).status_code == 200
    theirs.refresh_from_db()
    assert theirs.client_email == "boris@example.com"


# --- The pages -------------------------------------------------------------------------------------


def test_the_account_shows_sessions_questionnaire_details_and_the_prepaid_slot(client, studio):
    upcoming = booking(studio, "anna@example.com", days=4)
    booking(studio, "Anna@Example.com", days=-20, status=AppointmentStatus.COMPLETED, therapist="boris")
    make_questionnaire(email="anna@example.com")
    signed_in(client, "anna@example.com")

    response = client.get(ACCOUNT)
    page = response.content.decode()

    assert response.status_code == 200
    assert reverse("bookings:manage_cancel", kwargs={"token": manage_link_token(upcoming)}) in page
    assert reverse("bookings:manage_move", kwargs={"token": manage_link_token(upcoming)}) in page
    again = f"/book/time/?service={studio['service'].slug}&amp;therapist=boris"
    assert again in page and "Book the same again" in page
    assert "valid until" in page and "Confirm or update it" in page
    assert "bookings/account/_prepaid.html" in [t.name for t in response.templates]


def test_without_a_questionnaire_the_account_asks_for_one(client, studio):
    booking(studio, "anna@example.com")
    signed_in(client, "anna@example.com")
    page = client.get(ACCOUNT).content.decode()
    assert "We do not have a questionnaire from you yet" in page


def test_signing_in_proves_the_questionnaire_to_the_booking_flow(client, studio):
    questionnaire = make_questionnaire(email="anna@example.com")
    client.post(reverse("bookings:account_sign_in", kwargs={"token": sign_in_token("anna@example.com")}))
    assert client.session["intake.questionnaire"] == str(questionnaire.public_id)


def test_the_header_links_to_the_account(client, db):
    assert f'href="{ACCOUNT}"' in client.get("/privacy/").content.decode()


@pytest.mark.parametrize("more", [0, 6])
def test_the_account_page_has_a_fixed_number_of_queries(client, studio, django_assert_num_queries, more):
    booking(studio, "anna@example.com", days=2)
    for n in range(more):
        booking(studio, "anna@example.com", days=-(n + 1), status=AppointmentStatus.COMPLETED)
        booking(studio, "anna@example.com", days=5 + n, hhmm="14:00")
    product = CourseProduct.objects.create(name="Five", service=studio["service"], sessions=5, price="11000")
    for _ in range(more):
        sell_course(
            product=product, client_name="Anna", client_email="Anna@example.com", payment_method="card"
        )
    make_questionnaire(email="anna@example.com")
    signed_in(client, "anna@example.com")
    # session, appointments with their service, technique and therapist, the questionnaire, the courses
    with django_assert_num_queries(4):
        assert client.get(ACCOUNT).status_code == 200


@pytest.mark.parametrize("more", [0, 6])
def test_the_data_pages_have_a_fixed_number_of_queries(client, studio, django_assert_num_queries, more):
    for n in range(more + 1):
        booking(studio, "anna@example.com", days=-(n + 1), status=AppointmentStatus.COMPLETED)
    signed_in(client, "anna@example.com")
    with django_assert_num_queries(1):
        assert client.get(DATA).status_code == 200
    with django_assert_num_queries(1):
        assert client.get(DELETE).status_code == 200


def test_deleting_needs_the_confirmation_tick(client, studio):
    booking(studio, "anna@example.com", days=-3)
    signed_in(client, "anna@example.com")
    response = client.post(DELETE, {})
    assert response.status_code == 400
    assert "Please tick the box to confirm" in response.content.decode()
    assert Appointment.objects.filter(client_email="anna@example.com").exists()


def test_deleting_with_a_session_to_come_says_why_not(client, studio):
    booking(studio, "anna@example.com", days=3)
    signed_in(client, "anna@example.com")
    response = client.post(DELETE, {"confirm": "on"})
    assert response.status_code == 400
    assert "You have a session to come" in response.content.decode()
    assert client.session[ACCOUNT_KEY]["email"] == "anna@example.com"


def test_deleting_signs_out(client, studio):
    booking(studio, "anna@example.com", days=-3)
    signed_in(client, "anna@example.com")
    response = client.post(DELETE, {"confirm": "on"})
    assert response.status_code == 200 and "Your data is deleted" in response.content.decode()
    assert client.get(ACCOUNT).url == SIGN_IN
    assert not Appointment.objects.filter(client_email__iexact="anna@example.com").exists()


def test_the_export_is_a_json_file_of_the_clients_data(client, studio):
    booking(studio, "anna@example.com", days=-3)
    signed_in(client, "anna@example.com")
    response = client.get(EXPORT)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    data = response.json()
    assert data["email"] == "anna@example.com"
    assert len(data["data"]["bookings.Appointment"]) == 1


def test_the_privacy_page_says_who_what_why_how_long_and_the_rights(client, db):
    page = client.get(reverse("privacy")).content.decode()
    for words in ("Who processes your data", "What we keep", "How long we keep it", "Your rights", "152-FZ"):
        assert words in page


def test_the_account_shows_the_clients_courses_with_the_sessions_left(client, studio):
    product = CourseProduct.objects.create(
        name="Five calm", service=studio["service"], sessions=5, price="11000"
    )
    sell_course(product=product, client_name="Anna", client_email="Anna@Example.com", payment_method="card")
    sell_course(product=product, client_name="Olga", client_email="olga@example.com", payment_method="card")
    signed_in(client, "anna@example.com")
    page = client.get(ACCOUNT).content.decode()
    assert "My courses" in page and "Five calm" in page and "5 of 5 sessions left" in page
    signed_in(client, "nobody@example.com")
    assert "My courses" not in client.get(ACCOUNT).content.decode()  # none: no section, and not Anna's
