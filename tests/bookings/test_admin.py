"""The admin: every bookings page opens, the rules are one row, hours cannot overlap, and
appointments are read-only there (they change through the booking functions)."""

from datetime import time

import pytest
from django.contrib.auth.models import User

from bookings.models import BookingPolicy, WorkingHours
from tests.bookings.factories import MONDAY, at, make_appointment, make_service, make_therapist

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    user = User.objects.create_superuser("boss", "boss@example.com", "pw")
    client.force_login(user)
    return client


@pytest.mark.parametrize("model", ["service", "therapist", "timeoff", "studioclosure", "room", "appointment"])
def test_every_list_and_add_page_opens(admin_client, model):
    service = make_service()
    therapist = make_therapist(services=[service])
    make_appointment(service=service, therapist=therapist, start=at(MONDAY, "10:00"))
    assert admin_client.get(f"/admin/bookings/{model}/").status_code == 200
    add = admin_client.get(f"/admin/bookings/{model}/add/")
    assert add.status_code == (403 if model == "appointment" else 200)


def test_change_pages_open(admin_client):
    service = make_service()
    therapist = make_therapist(services=[service])
    appointment = make_appointment(service=service, therapist=therapist, start=at(MONDAY, "10:00"))
    assert admin_client.get(f"/admin/bookings/service/{service.pk}/change/").status_code == 200
    assert admin_client.get(f"/admin/bookings/therapist/{therapist.pk}/change/").status_code == 200
    page = admin_client.get(f"/admin/bookings/appointment/{appointment.pk}/change/")
    assert page.status_code == 200 and b'name="client_name"' not in page.content  # view only


def test_the_rules_open_as_one_row(admin_client):
    response = admin_client.get("/admin/bookings/bookingpolicy/")
    assert response.status_code == 302 and response["Location"].endswith("/bookingpolicy/add/")
    BookingPolicy.current().save()
    response = admin_client.get("/admin/bookings/bookingpolicy/")
    assert response["Location"].endswith("/bookingpolicy/1/change/")
    assert admin_client.get("/admin/bookings/bookingpolicy/add/").status_code == 403


def test_overlapping_hours_are_refused_in_the_therapist_form(admin_client):
    therapist = make_therapist(hours={0: [(time(9), time(13))]})
    row = therapist.working_hours.get()
    data = {
        "slug": therapist.slug,
        "name": therapist.name,
        "level": therapist.level,
        "active": "on",
        "order": "0",
        "working_hours-TOTAL_FORMS": "2",
        "working_hours-INITIAL_FORMS": "1",
        "working_hours-0-id": str(row.pk),
        "working_hours-0-therapist": str(therapist.pk),
        "working_hours-0-weekday": "0",
        "working_hours-0-start": "09:00",
        "working_hours-0-end": "13:00",
        "working_hours-1-therapist": str(therapist.pk),
        "working_hours-1-weekday": "0",
        "working_hours-1-start": "12:00",
        "working_hours-1-end": "18:00",
        "time_off-TOTAL_FORMS": "0",
        "time_off-INITIAL_FORMS": "0",
    }
    response = admin_client.post(f"/admin/bookings/therapist/{therapist.pk}/change/", data)
    assert response.status_code == 200
    assert "09:00-13:00 and 12:00-18:00 overlap" in response.content.decode()
    assert WorkingHours.objects.count() == 1
    data["working_hours-1-start"] = "14:00"
    response = admin_client.post(f"/admin/bookings/therapist/{therapist.pk}/change/", data)
    assert response.status_code == 302
    assert WorkingHours.objects.count() == 2
