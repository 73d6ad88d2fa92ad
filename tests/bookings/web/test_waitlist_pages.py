"""The client's waitlist pages (bookings/web/waitlist_views.py) and the staff's (staff/views/waitlist.py).

Bad input gets a clear message and keeps what was typed; nothing is booked or lost. Query counts pinned.
"""

from datetime import time, timedelta

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from bookings.booking import cancel_appointment
from bookings.models import Appointment, AppointmentStatus, OfferStatus, WaitlistEntry, WaitlistOffer
from bookings.waitlist import join_waitlist
from bookings.waitlist_links import entry_path, hold_path
from intake.models import ConsentSource, PersonalDataConsent
from tests.bookings.factories import (
    at,
    clear_questionnaire,
    make_appointment,
    make_questionnaire,
    make_service,
    make_therapist,
)
from tests.bookings.web.flow_support import prove_questionnaire
from tests.utils import assert_csp_clean

pytestmark = pytest.mark.django_db
JOIN = "/waitlist/"


@pytest.fixture(autouse=True)
def run_on_commit_now(monkeypatch):
    """The test transaction never commits: run the after-commit work (offers, e-mails) at once."""
    monkeypatch.setattr(transaction, "on_commit", lambda func, using=None, robust=False: func())


def soon():
    return timezone.localdate() + timedelta(days=7)


@pytest.fixture
def service(set_policy):
    set_policy(slot_step_minutes=60, min_notice_hours=2)
    return make_service(minutes=60)


@pytest.fixture
def anna(service):
    return make_therapist("anna", services=[service], hours={soon().weekday(): [(time(10), time(12))]})


@pytest.fixture
def full_day(service, anna):
    return [make_appointment(service=service, therapist=anna, start=at(soon(), f"{h}:00")) for h in (10, 11)]


def form_data(**fields):
    data = {
        "first_day": soon().isoformat(),
        "last_day": soon().isoformat(),
        "parts": ["morning"],
        "therapist": "any",
        "client_name": "Wait Person",
        "client_email": "wait@example.com",
        "consent_personal_data": "on",
    }
    data.update(fields)
    return data


def join(service, email="wait@example.com"):
    return join_waitlist(
        service=service,
        first_day=soon(),
        last_day=soon(),
        client_name="Wait Person",
        client_email=email,
        questionnaire=clear_questionnaire(email),
    )


# --- Joining ------------------------------------------------------------------------------------------


def test_the_time_picker_offers_the_waitlist(client, service, full_day):
    page = client.get("/book/time/", {"service": service.slug, "day": soon().isoformat()}).content.decode()
    assert 'id="join-waitlist"' in page and f"/waitlist/?service={service.slug}" in page


def test_without_a_questionnaire_the_client_fills_it_in_first(client, service, anna):
    response = client.get(JOIN, {"service": service.slug})
    assert response.status_code == 302
    assert response.url.startswith("/intake/?next=") and "waitlist" in response.url


def test_an_unknown_service_goes_back_to_the_sessions(client, anna):
    assert client.get(JOIN, {"service": "no-such"}).url == reverse("bookings:book")


def test_joining_shows_the_place_and_mails_the_link(client, service, anna, full_day, mailoutbox):
    prove_questionnaire(client, clear_questionnaire("wait@example.com"))
    form = client.get(JOIN, {"service": service.slug, "day": soon().isoformat()})
    assert form.status_code == 200 and 'value="wait@example.com"' in form.content.decode()
    assert_csp_clean(form)
    response = client.post(f"{JOIN}?service={service.slug}", form_data(), follow=True)
    entry = WaitlistEntry.objects.get()
    assert response.redirect_chain[-1][0] == entry_path(entry)
    page = response.content.decode()
    assert "You are on the waitlist" in page and "you are first in line" in page
    assert [m.to for m in mailoutbox] == [["wait@example.com"]] and entry_path(entry) in mailoutbox[0].body
    consent = PersonalDataConsent.objects.get()  # recorded apart from the health answers
    assert (consent.email, consent.source) == ("wait@example.com", ConsentSource.ONLINE)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"first_day": "2020-01-01", "last_day": "2020-01-05"}, "already passed"),
        ({"last_day": "not a date"}, "Please enter a date"),
        ({"parts": ["midnight"]}, "from the list"),
        ({"client_email": "nope"}, "valid e-mail"),
        ({"consent_personal_data": ""}, "without it we cannot"),
    ],
)
def test_bad_input_is_refused_with_what_was_typed_kept(client, service, anna, fields, message):
    prove_questionnaire(client, clear_questionnaire("wait@example.com"))
    response = client.post(f"{JOIN}?service={service.slug}", form_data(client_name="Kept Name", **fields))
    page = response.content.decode()
    assert response.status_code == 400 and message in page and 'value="Kept Name"' in page
    assert not WaitlistEntry.objects.exists()


def test_a_service_the_screening_declines_is_refused_with_a_clear_message(client, service, anna):
    declined = make_questionnaire(
        email="wait@example.com", screening={"classical": {"outcome": "decline", "reasons": ["a blood clot"]}}
    )
    prove_questionnaire(client, declined)
    response = client.post(f"{JOIN}?service={service.slug}", form_data())
    assert response.status_code == 400 and "alert" in response.content.decode()
    assert not WaitlistEntry.objects.exists()


# --- The place and the hold ----------------------------------------------------------------------------


def test_the_place_page_shows_the_hold_and_leaving_releases_it(client, service, anna, full_day):
    entry = join(service)
    cancel_appointment(appointment=full_day[0], by="staff", notify=False)
    page = client.get(entry_path(entry)).content.decode()
    assert "A time is held for you" in page and hold_path(entry.offers.get()) in page
    response = client.post(entry_path(entry) + "leave/", follow=True)
    assert "You have left the waitlist" in response.content.decode()
    assert entry.offers.get().status == OfferStatus.RELEASED


def test_booking_through_the_hold_link(client, service, anna, full_day, mailoutbox):
    entry = join(service)
    cancel_appointment(appointment=full_day[0], by="staff", notify=False)
    offer = entry.offers.get()
    mailoutbox.clear()
    page = client.get(hold_path(offer))
    assert page.status_code == 200 and 'id="confirm-hold"' in page.content.decode()
    response = client.post(hold_path(offer))
    appointment = Appointment.objects.get(client_email="wait@example.com")
    assert response.status_code == 302 and "/book/done/" in response.url
    assert appointment.status == AppointmentStatus.BOOKED and appointment.start == at(soon(), "10:00")
    assert [m.to for m in mailoutbox] == [["wait@example.com"]]  # the booking confirmation
    # The link used again goes to the booking; nothing is booked twice.
    assert "/book/done/" in client.post(hold_path(offer)).url
    assert Appointment.objects.filter(client_email="wait@example.com").count() == 1


def test_an_expired_hold_link_says_so_and_books_nothing(client, service, anna, full_day):
    entry = join(service)
    cancel_appointment(appointment=full_day[0], by="staff", notify=False)
    offer = entry.offers.get()
    WaitlistOffer.objects.filter(pk=offer.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    page = client.get(hold_path(offer))
    assert page.status_code == 410 and "next person" in page.content.decode()
    response = client.post(hold_path(offer))
    assert response.status_code == 410 and "Nothing was booked" in response.content.decode()
    assert not Appointment.objects.filter(client_email="wait@example.com").exists()
    assert WaitlistEntry.objects.get().status == "waiting"


@pytest.mark.parametrize(
    "path", ["/waitlist/forged.token/", "/waitlist/hold/forged.token/", "/waitlist/x/leave/"]
)
def test_a_bad_link_is_a_friendly_404(client, path):
    method = client.post if path.endswith("leave/") else client.get
    assert method(path).status_code == 404


def test_the_place_and_hold_pages_query_counts_are_pinned_and_flat(
    client, service, anna, full_day, django_assert_num_queries
):
    entry = join(service)
    cancel_appointment(appointment=full_day[0], by="staff", notify=False)
    offer = entry.offers.get()
    client.get(entry_path(entry))  # the session row exists from here
    with django_assert_num_queries(3):  # the entry, its offers, the place in line
        client.get(entry_path(entry))
    with django_assert_num_queries(2):  # the offer with its entry, the level prices
        client.get(hold_path(offer))
    for number in range(5):
        join(service, email=f"other{number}@example.com")
    with django_assert_num_queries(3):
        client.get(entry_path(entry))


# --- Staff ---------------------------------------------------------------------------------------------


@pytest.fixture
def desk(client, db):
    from staff.roles import Role, ensure_roles
    from tests.staff.conftest import make_user

    ensure_roles()
    client.force_login(make_user("desk", Role.RECEPTION))
    return client


def test_staff_see_the_waitlist_per_day_and_service_with_the_offers(desk, service, anna, full_day):
    join(service, "first@example.com"), join(service, "second@example.com")
    cancel_appointment(appointment=full_day[0], by="staff", notify=False)
    page = desk.get("/staff/waitlist/", {"day": soon().isoformat(), "service": service.slug}).content.decode()
    assert page.index("first@example.com") < page.index("second@example.com")
    assert "Held for the client" in page and "Nothing offered yet" in page
    other_day = desk.get("/staff/waitlist/", {"day": (soon() + timedelta(days=1)).isoformat()})
    assert "first@example.com" not in other_day.content.decode()
    assert desk.get("/staff/waitlist/", {"day": "garbage"}).status_code == 400


def test_staff_list_query_count_is_pinned_and_flat(desk, service, anna, full_day, django_assert_num_queries):
    join(service, "first@example.com")
    cancel_appointment(appointment=full_day[0], by="staff", notify=False)
    desk.get("/staff/waitlist/")
    with django_assert_num_queries(7):
        desk.get("/staff/waitlist/")
    for number in range(6):
        join(service, f"more{number}@example.com")
    cancel_appointment(appointment=full_day[1], by="staff", notify=False)
    with django_assert_num_queries(7):
        desk.get("/staff/waitlist/")


def test_staff_offer_a_free_time_by_hand(desk, service, anna, full_day, mailoutbox):
    entry = join_waitlist(
        service=service,
        first_day=soon(),
        last_day=soon(),
        parts=["evening"],
        client_name="Evening Person",
        client_email="evening@example.com",
        questionnaire=clear_questionnaire("evening@example.com"),
    )
    cancel_appointment(appointment=full_day[1], by="staff", notify=False)
    assert not entry.offers.exists()  # 11:00 is not the evening
    page = desk.get(f"/staff/waitlist/{entry.pk}/").content.decode()
    slot = f"{at(soon(), '11:00').isoformat()}|anna"
    assert f'value="{slot}"' in page
    assert desk.post(f"/staff/waitlist/{entry.pk}/offer/", {}).status_code == 400  # nothing chosen
    mailoutbox.clear()
    response = desk.post(f"/staff/waitlist/{entry.pk}/offer/", {"slot": slot})
    assert response.status_code == 302
    offer = entry.offers.get()
    assert (offer.by, offer.start) == ("staff", at(soon(), "11:00"))
    assert [m.to for m in mailoutbox] == [["evening@example.com"]]
    again = desk.post(f"/staff/waitlist/{entry.pk}/offer/", {"slot": slot})
    assert again.status_code == 400 and entry.offers.count() == 1
