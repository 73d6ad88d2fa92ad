"""The consent to the processing of personal data at online booking: its own tick box, recorded."""

import pytest
from django.urls import reverse

from bookings.web.flow_views import CONTACT_KEY
from intake.models import PersonalDataConsent
from tests.bookings.web.flow_support import at, days_ahead, make_studio, slot_token

DETAILS = reverse("bookings:book_details")


@pytest.fixture
def studio(db, set_policy):
    return make_studio(set_policy)


def test_details_without_the_consent_are_refused_with_a_message_and_kept(client, studio):
    token = slot_token(studio["service"], at(days_ahead(4), "10:00"))
    response = client.post(
        DETAILS, {"slot": token, "client_name": "Maria Client", "client_email": "maria@example.com"}
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "Please agree to the processing of your personal data" in page
    assert 'value="Maria Client"' in page and 'value="maria@example.com"' in page
    assert CONTACT_KEY not in client.session
    assert not PersonalDataConsent.objects.exists()


def test_the_consent_is_recorded_separately_when_the_details_are_given(client, studio):
    token = slot_token(studio["service"], at(days_ahead(4), "10:00"))
    data = {
        "slot": token,
        "client_name": "Maria Client",
        "client_email": "maria@example.com",
        "consent_personal_data": "on",
    }
    assert client.post(DETAILS, data).status_code == 302
    [consent] = PersonalDataConsent.objects.all()
    assert (consent.email, consent.source, consent.method) == ("maria@example.com", "online", "website")


def test_an_older_session_without_the_consent_goes_back_to_the_details(client, studio):
    token = slot_token(studio["service"], at(days_ahead(4), "10:00"))
    session = client.session
    session[CONTACT_KEY] = {"name": "Maria", "email": "maria@example.com", "phone": ""}
    session.save()
    response = client.get(reverse("bookings:book_summary"), {"slot": token})
    assert response.status_code == 302 and response.url.startswith(DETAILS)
