"""The client's card: reached from any of their appointments, as much as each role may see, in a
fixed number of queries."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bookings.models import Appointment, AppointmentStatus, CourseProduct
from bookings.prepaid import sell_certificate, sell_course
from intake.models import HealthAccessLog
from staff.notes import add_note
from tests.bookings.factories import MONDAY, at, make_appointment
from tests.staff.conftest import SECRET_MEDICINE
from tests.utils import assert_csp_clean

pytestmark = pytest.mark.django_db


def product(studio, sessions=5):
    return CourseProduct.objects.get_or_create(
        name=f"{sessions} classical sessions",
        defaults={
            "service": studio.service,
            "sessions": sessions,
            "price": Decimal("11000"),
            "validity_months": 6,
        },
    )[0]


def card_url(appointment):
    return reverse("staff:client", args=[appointment.pk])


def earlier_visit(studio, *, days: int, therapist=None, email="CLIENT@example.com ", status="completed"):
    """A past session of the same client, the e-mail written differently (case, a space)."""
    visit = make_appointment(
        service=studio.service,
        therapist=therapist or studio.anna,
        start=at(MONDAY - timedelta(days=days), "11:00"),
        status=status,
        email=email.strip(),
    )
    Appointment.objects.filter(pk=visit.pk).update(client_email=email)
    return visit


def test_reception_sees_every_session_of_the_client_by_email_with_price_and_status(client, studio):
    earlier_visit(studio, days=7)
    earlier_visit(studio, days=14, therapist=studio.boris, status=AppointmentStatus.NO_SHOW)
    make_appointment(service=studio.service, therapist=studio.boris, start=at(MONDAY, "16:00"))  # another
    client.force_login(studio.user("reception"))

    response = client.get(card_url(studio.appointment))

    assert response.status_code == 200
    assert_csp_clean(response)
    html = response.content.decode()
    assert "Clara Client" in html and "client@example.com" in html
    assert html.count('class="status-pill') == 3
    assert "Boris Example" in html and "Did not come" in html
    assert "₽2,500" in html
    assert "1 visit" in html  # one marked done
    assert "valid until" in html
    assert "Avoid area" in html  # the flags, which reception may see...
    assert "Bruise on the left heel" not in html  # ...but no details
    assert reverse("staff:answers", args=[studio.appointment.pk]) not in html
    assert SECRET_MEDICINE not in html


def test_a_therapist_sees_only_their_own_sessions_with_the_client(client, studio):
    earlier_visit(studio, days=14, therapist=studio.boris)
    client.force_login(studio.user("therapist"))

    html = client.get(card_url(studio.appointment)).content.decode()

    assert html.count('class="status-pill') == 1
    assert "Boris Example" not in html
    assert reverse("staff:answers", args=[studio.appointment.pk]) in html  # the logged page
    assert HealthAccessLog.objects.count() == 0  # the card itself reads no answers


def test_another_therapist_may_not_open_the_card_and_anonymous_visitors_sign_in(client, studio):
    client.force_login(studio.user("other_therapist"))
    assert client.get(card_url(studio.appointment)).status_code == 403

    client.logout()
    response = client.get(card_url(studio.appointment))
    assert response.status_code == 302
    assert response.url.startswith(reverse("staff:login"))


def test_an_unknown_appointment_is_not_found(client, studio):
    client.force_login(studio.user("manager"))
    assert client.get(reverse("staff:client", args=[999999])).status_code == 404


def test_notes_from_every_session_of_the_client_show(client, studio):
    visit = earlier_visit(studio, days=7)
    add_note(appointment=visit, text="Prefers the window room.", user=studio.user("reception"))
    client.force_login(studio.user("manager"))

    html = client.get(card_url(studio.appointment)).content.decode()

    assert "Prefers the window room." in html


def test_the_card_is_linked_from_the_appointment_page_and_the_day_view(client, studio):
    client.force_login(studio.user("reception"))

    appointment_page = client.get(reverse("staff:appointment", args=[studio.appointment.pk])).content.decode()
    day = client.get(reverse("staff:dashboard"), {"date": MONDAY.isoformat()}).content.decode()

    assert card_url(studio.appointment) in appointment_page
    assert card_url(studio.appointment) in day


def test_the_card_runs_a_fixed_number_of_queries_however_long_the_history(client, studio):
    client.force_login(studio.user("manager"))
    earlier_visit(studio, days=7)
    with CaptureQueriesContext(connection) as small:
        assert client.get(card_url(studio.appointment)).status_code == 200

    for days in range(14, 14 + 7 * 12, 7):
        visit = earlier_visit(studio, days=days, therapist=studio.boris if days % 2 else studio.anna)
        add_note(appointment=visit, text=f"Visit {days}", user=studio.user("reception"))
        sell_course(
            product=product(studio),
            client_name="Clara",
            client_email="client@example.com",
            payment_method="card",
        )
        sell_certificate(
            payment_method="cash",
            buyer_name="Clara",
            buyer_email="Client@example.com",
            amount=Decimal("1000"),
        )
    with CaptureQueriesContext(connection) as large:
        assert client.get(card_url(studio.appointment)).status_code == 200

    assert len(small.captured_queries) == len(large.captured_queries) == CARD_QUERIES, [
        query["sql"] for query in large.captured_queries
    ]


# session, user, permissions (2), the appointment, its history, questionnaire + doctor's notes, notes,
# courses, certificates
CARD_QUERIES = 11


def test_the_card_shows_the_clients_courses_and_the_certificates_they_bought(client, studio):
    sell_course(
        product=product(studio),
        client_name="Clara",
        client_email=" CLIENT@example.com",
        payment_method="card",
    )
    certificate = sell_certificate(
        payment_method="cash", buyer_name="Clara", buyer_email="client@example.com", amount=Decimal("3000")
    )
    sell_certificate(
        payment_method="cash", buyer_name="Other", buyer_email="other@example.com", amount=Decimal("9")
    )
    client.force_login(studio.user("reception"))

    html = client.get(card_url(studio.appointment)).content.decode()

    assert "5 classical sessions" in html
    assert "<strong>5</strong> / 5" in html
    assert certificate.code in html and "₽3,000 left" in html
    assert "₽9" not in html
    assert reverse("staff:prepaid_sell_course") in html  # reception may sell


def test_a_therapist_sees_the_courses_but_no_selling(client, studio):
    sell_course(
        product=product(studio), client_name="Clara", client_email="client@example.com", payment_method="card"
    )
    client.force_login(studio.user("therapist"))

    html = client.get(card_url(studio.appointment)).content.decode()

    assert "5 classical sessions" in html
    assert reverse("staff:prepaid_sell_course") not in html
