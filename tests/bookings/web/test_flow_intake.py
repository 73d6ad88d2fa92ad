"""The flow with the real questionnaire (the intake contract): details, /intake/?next=..., back to the
summary with the questionnaire remembered, and a screening that declines the technique."""

import re
from urllib.parse import quote

import pytest

from bookings.models import Appointment
from intake.rules import load_rules
from reflexology.models import Technique
from tests.bookings.factories import at, make_service, make_therapist
from tests.bookings.web.flow_support import days_ahead, slot_token
from tests.intake.factories import form_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def studio(content, set_policy):
    set_policy(slot_step_minutes=30, min_notice_hours=2, booking_window_days=60)
    classical = make_service(technique=Technique.objects.get(slug="classical"), minutes=60, price="2500.00")
    sticks = make_service(technique=Technique.objects.get(slug="thai-sticks"), minutes=60, price="3700.00")
    make_therapist("anna", name="Anna Sokolova", services=[classical, sticks])
    return {"classical": classical, "sticks": sticks, "day": days_ahead(5)}


def through_details(client, service, start):
    token = slot_token(service, start)
    response = client.post(
        "/book/details/",
        {
            "slot": token,
            "client_name": "Anna Example",
            "client_email": "anna@example.com",
            "consent_personal_data": "on",
        },
    )
    assert response.status_code == 302 and response.url.startswith("/intake/?next=")
    return token, response.url


def test_the_questionnaire_brings_the_client_back_to_the_summary_and_they_can_book(
    client, studio, mailoutbox, django_capture_on_commit_callbacks
):
    token, intake_url = through_details(client, studio["classical"], at(studio["day"], "10:00"))
    page = client.get(intake_url)
    assert page.status_code == 200
    assert (
        f'<input type="hidden" name="next" value="/book/summary/?slot={quote(token)}">'
        in page.content.decode()
    )
    # The booking's progress bar stays on this step.
    assert "Step 4 of 5" in page.content.decode() and 'aria-label="Booking progress"' in page.content.decode()
    # What the client typed on the details step is not asked for a second time.
    assert page.context["form"]["client_name"].value() == "Anna Example"
    assert page.context["form"]["client_email"].value() == "anna@example.com"

    with django_capture_on_commit_callbacks(execute=True):
        back = client.post(
            "/intake/", {**form_data(load_rules()), "next": f"/book/summary/?slot={quote(token)}"}
        )
    assert back.status_code == 302
    assert back.url == f"/book/summary/?slot={quote(token)}"

    summary = client.get(back.url)
    assert summary.status_code == 200
    assert "Filled in by Anna Example" in summary.content.decode()
    confirmation = re.search(r'name="confirmation" value="([^"]+)"', summary.content.decode()).group(1)
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/book/confirm/", {"confirmation": confirmation})
    appointment = Appointment.objects.get()
    assert appointment.questionnaire.client_email == "anna@example.com"
    booking_mail = [message for message in mailoutbox if "Your session on" in message.subject]
    assert len(booking_mail) == 1


def test_a_declined_technique_is_explained_kindly_with_the_possible_ones(client, studio):
    token, _ = through_details(client, studio["sticks"], at(studio["day"], "10:00"))
    answers = form_data(
        load_rules(), c_blood_thinners="yes", f_thinners_reason="prevention", f_thinners_bruise="no"
    )
    back = client.post("/intake/", {**answers, "next": f"/book/summary/?slot={quote(token)}"})
    page = client.get(back.url).content.decode()

    assert "is not possible for you at the moment" in page
    assert "sticks and devices could bruise you too easily" in page
    assert "Classical foot massage" in page
    assert "/book/?service=" in page
    assert 'name="confirmation"' not in page
    assert Appointment.objects.count() == 0
