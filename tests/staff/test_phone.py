"""The desk's booking form checks the phone number like the client's forms do (common/phones.py)."""

import pytest
from django.urls import reverse

from bookings.models import Appointment
from tests.staff.test_booking import booking

BOOK = reverse("staff:book")


@pytest.mark.parametrize("typed", ["call me maybe", "123", "020 7946 0958"])
def test_a_bad_number_is_refused_with_a_message_keeping_what_was_typed(client, studio, mailoutbox, typed):
    client.force_login(studio.user("reception"))

    response = client.post(BOOK, booking(studio, client_phone=typed))

    assert response.status_code == 400
    html = response.content.decode()
    assert "Please enter a phone number we can call" in html
    assert f'value="{typed}"' in html
    assert not Appointment.objects.filter(client_email="phoebe@example.com").exists()
    assert mailoutbox == []


def test_a_good_number_is_stored_in_e164_and_shown_nationally(client, studio):
    client.force_login(studio.user("reception"))

    response = client.post(BOOK, booking(studio, client_phone="8 (900) 555 00 11"))

    appointment = Appointment.objects.get(client_email="phoebe@example.com")
    assert response.status_code == 302
    assert appointment.client_phone == "+79005550011"
    page = client.get(reverse("staff:appointment", kwargs={"pk": appointment.pk})).content.decode()
    assert "8 (900) 555-00-11" in page
    assert 'href="tel:+79005550011"' in page
