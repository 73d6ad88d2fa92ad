"""Paying with a course or a gift certificate on the booking flow's confirm step: the offer ("use my
course (N of M left)"), checking a certificate (what it covers, the balance after, the rest paid at
the studio), every bad input refused with a clear message, nothing spent and what was typed kept;
cancelling in time through the manage link gives the session back; pinned, flat query counts."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.utils import timezone

from bookings.models import Appointment, Certificate, Course, CourseProduct
from bookings.prepaid import sell_certificate, sell_course
from tests.bookings.factories import at, make_service
from tests.bookings.web.flow_support import make_studio, manage_path, ready_client, slot_token
from tests.utils import assert_csp_clean

pytestmark = pytest.mark.django_db

SUMMARY = "/book/summary/"
CONFIRM = "/book/confirm/"
PAYMENT = "/book/payment/"


@pytest.fixture
def studio(set_policy):
    return make_studio(set_policy)


@pytest.fixture
def ten_o_clock(studio):
    return at(studio["day"], "10:00")


@pytest.fixture
def course(studio):
    product = CourseProduct.objects.create(
        name="Five classical", service=studio["service"], sessions=5, price=Decimal("11000.00")
    )
    desk = User.objects.create_user("desk", password="x", is_staff=True)
    return sell_course(
        product=product,
        client_name="Maria",
        client_email="Maria@Example.com",
        payment_method="cash",
        user=desk,
    )


def gift(amount="1000.00", **values):
    return sell_certificate(payment_method="card", buyer_name="Ivan", amount=Decimal(amount), **values)


def html(response) -> str:
    return response.content.decode()


def confirmation_of(response) -> str:
    assert response.status_code in (200, 400), html(response)
    return re.search(r'name="confirmation" value="([^"]+)"', html(response)).group(1)


def summary(client, studio, start):
    return client.get(SUMMARY, {"slot": slot_token(studio["service"], start, studio["anna"])})


def left(course) -> int:
    course.refresh_from_db()
    return course.sessions_left


# --- Courses --------------------------------------------------------------------------------------


def test_the_summary_offers_the_clients_course_and_booking_with_it_reserves_a_session(
    client, studio, ten_o_clock, course
):
    ready_client(client)
    page = summary(client, studio, ten_o_clock)
    assert "Use my course “Five classical” (5 of 5 sessions left)" in html(page)
    assert_csp_clean(page)
    response = client.post(CONFIRM, {"confirmation": confirmation_of(page), "pay": f"course-{course.pk}"})
    assert response.status_code == 302
    appointment = Appointment.objects.get()
    assert left(course) == 4
    assert course.entries.last().appointment == appointment
    done = html(client.get(response.url))
    assert "Your course “Five classical”: 4 sessions left on it" in done
    assert "paid at the studio" not in done

    cancel = client.post(manage_path(appointment, "cancel/"), {"reason": ""})
    assert cancel.status_code in (200, 302)
    assert left(course) == 5
    assert "(5 of 5 sessions left)" in html(summary(client, studio, at(studio["day"], "12:00")))


def test_another_clients_course_is_not_offered_and_a_forged_choice_is_refused(
    client, studio, ten_o_clock, course
):
    ready_client(client, email="someone@example.com")
    page = summary(client, studio, ten_o_clock)
    assert "Use my course" not in html(page)
    response = client.post(CONFIRM, {"confirmation": confirmation_of(page), "pay": f"course-{course.pk}"})
    assert response.status_code == 400
    assert "This course is not registered to your e-mail address." in html(response)
    assert not Appointment.objects.exists() and left(course) == 5


def test_a_course_of_another_service_is_not_offered(client, studio, ten_o_clock):
    other = make_service(technique="reflexology", minutes=60, price="2800.00")
    product = CourseProduct.objects.create(name="Reflexology five", service=other, sessions=5, price="12000")
    sell_course(product=product, client_name="Maria", client_email="maria@example.com", payment_method="card")
    ready_client(client)
    assert "Use my course" not in html(summary(client, studio, ten_o_clock))


@pytest.mark.parametrize("value", ["course-", "course-abc", "course-99999999999999", "bitcoin"])
def test_a_made_up_payment_choice_is_refused_with_a_message(client, studio, ten_o_clock, value):
    ready_client(client)
    page = summary(client, studio, ten_o_clock)
    response = client.post(CONFIRM, {"confirmation": confirmation_of(page), "pay": value})
    assert response.status_code == 400
    assert "Please choose how you would like to pay" in html(response) or "not registered" in html(response)
    assert not Appointment.objects.exists()


# --- Certificates ---------------------------------------------------------------------------------


def test_checking_a_certificate_worth_less_says_the_rest_is_paid_at_the_studio(client, studio, ten_o_clock):
    certificate = gift("1000.00")
    ready_client(client)
    page = summary(client, studio, ten_o_clock)
    typed = certificate.code.lower().replace("-", " ")
    checked = client.post(
        PAYMENT, {"confirmation": confirmation_of(page), "pay": "certificate", "certificate_code": typed}
    )
    text = html(checked)
    assert checked.status_code == 200
    assert "Your certificate pays ₽1,000 of this session." in text
    assert "the rest, ₽1,500, is paid at the studio" in text
    assert "Left on the certificate after this booking: ₽0" in text
    assert f'value="{typed}"' in text  # kept as typed
    assert not Appointment.objects.exists()
    certificate.refresh_from_db()
    assert certificate.balance == Decimal("1000.00")  # checking spends nothing

    booked = client.post(
        CONFIRM, {"confirmation": confirmation_of(checked), "pay": "certificate", "certificate_code": typed}
    )
    assert booked.status_code == 302
    certificate.refresh_from_db()
    assert certificate.balance == Decimal("0.00")
    done = html(client.get(booked.url))
    assert "A gift certificate, ₽1,000; the rest, ₽1,500, is paid at the studio" in done
    entry = certificate.entries.last()
    assert (entry.kind, entry.covers, entry.appointment) == (
        "redeem",
        Decimal("1000.00"),
        Appointment.objects.get(),
    )


def test_a_certificate_worth_more_shows_the_balance_after(client, studio, ten_o_clock):
    certificate = gift("4000.00")
    ready_client(client)
    page = summary(client, studio, ten_o_clock)
    checked = client.post(
        PAYMENT,
        {"confirmation": confirmation_of(page), "pay": "certificate", "certificate_code": certificate.code},
    )
    assert "Your certificate pays for the whole session." in html(checked)
    assert "Left on the certificate after this booking: ₽1,500" in html(checked)


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("", "Please enter the code from your certificate."),
        ("hello", "This does not look like a certificate code"),
        ("ABCD-EFGH-JKMN", "We do not know this certificate code."),
    ],
)
@pytest.mark.parametrize("url", [PAYMENT, CONFIRM])
def test_a_bad_code_gets_a_clear_message_keeps_what_was_typed_and_books_nothing(
    client, studio, ten_o_clock, url, code, message
):
    ready_client(client)
    page = summary(client, studio, ten_o_clock)
    response = client.post(
        url, {"confirmation": confirmation_of(page), "pay": "certificate", "certificate_code": code}
    )
    assert response.status_code == 400
    assert message in html(response)
    assert f'value="{code}"' in html(response) or not code
    assert not Appointment.objects.exists()


def test_an_expired_certificate_is_refused_and_nothing_spent(client, studio, ten_o_clock):
    certificate = gift()
    Certificate.objects.filter(pk=certificate.pk).update(expires_on=timezone.localdate() - timedelta(days=1))
    ready_client(client)
    page = summary(client, studio, ten_o_clock)
    response = client.post(
        CONFIRM,
        {"confirmation": confirmation_of(page), "pay": "certificate", "certificate_code": certificate.code},
    )
    assert response.status_code == 400 and "This certificate was valid until" in html(response)
    assert not Appointment.objects.exists()
    certificate.refresh_from_db()
    assert certificate.balance == Decimal("1000.00")


def test_certificate_codes_tried_too_often_are_refused(client, studio, ten_o_clock, settings):
    settings.RATE_LIMIT = True
    settings.CERTIFICATE_CODE_LIMIT = (3, 3600)
    certificate = gift()
    ready_client(client)
    confirmation = confirmation_of(summary(client, studio, ten_o_clock))
    for wrong in ["ABCD-EFGH-JKMA", "ABCD-EFGH-JKMB", "ABCD-EFGH-JKMC"]:
        data = {"confirmation": confirmation, "pay": "certificate", "certificate_code": wrong}
        assert "We do not know this certificate code" in html(client.post(PAYMENT, data))
    data = {"confirmation": confirmation, "pay": "certificate", "certificate_code": certificate.code}
    response = client.post(CONFIRM, data)
    assert response.status_code == 400
    assert "Too many certificate codes were tried from here" in html(response)
    assert not Appointment.objects.exists()


# --- Query counts ---------------------------------------------------------------------------------


def test_the_summary_with_courses_keeps_its_query_count(
    client, studio, ten_o_clock, django_assert_num_queries
):
    ready_client(client)
    token = slot_token(studio["service"], ten_o_clock)
    with django_assert_num_queries(11):
        client.get(SUMMARY, {"slot": token})
    product = CourseProduct.objects.create(name="Five", service=studio["service"], sessions=5, price="11000")
    for i in range(6):
        sell_course(
            product=product, client_name="Maria", client_email="maria@example.com", payment_method="card"
        )
        sell_course(
            product=product, client_name="Other", client_email=f"o{i}@example.com", payment_method="card"
        )
    with django_assert_num_queries(11):
        page = client.get(SUMMARY, {"slot": token})
    assert html(page).count("Use my course") == 6


def test_checking_a_certificate_has_a_pinned_query_count(
    client, studio, ten_o_clock, django_assert_num_queries
):
    ready_client(client)
    confirmation = confirmation_of(summary(client, studio, ten_o_clock))
    codes = [gift().code for _ in range(3)]
    for code in codes:
        with django_assert_num_queries(14):
            client.post(
                PAYMENT, {"confirmation": confirmation, "pay": "certificate", "certificate_code": code}
            )
    assert Course.objects.count() == 0


# --- The price list -------------------------------------------------------------------------------


def test_prices_show_courses_beside_the_single_sessions_with_the_saving(
    client, studio, django_assert_num_queries
):
    CourseProduct.objects.create(name="Five classical", service=studio["service"], sessions=5, price="11000")
    CourseProduct.objects.create(
        name="Ten of any length", technique=studio["service"].technique, sessions=10, price="20000"
    )
    CourseProduct.objects.create(
        name="Off sale", service=studio["service"], sessions=3, price="7000", active=False
    )
    with django_assert_num_queries(5):
        page = html(client.get("/prices/"))
    assert "Five classical" in page and "Ten of any length" in page and "Off sale" not in page
    assert "₽2,200 a session" in page
    assert "you save ₽1,500" in page
    assert "valid for 6 months" in page
    for i in range(5):
        CourseProduct.objects.create(name=f"More {i}", service=studio["service"], sessions=5, price="11500")
    with django_assert_num_queries(5):
        client.get("/prices/")


def test_the_manage_page_shows_what_paid_in_a_pinned_flat_number_of_queries(
    client, studio, ten_o_clock, course, django_assert_num_queries
):
    from bookings.prepaid import PrepaidChoice
    from tests.bookings.web.flow_support import book

    plain = book(studio, start=ten_o_clock, therapist=studio["anna"])
    paid = book(
        studio, start=at(studio["day"], "12:00"), therapist=studio["anna"], prepaid=PrepaidChoice(course.pk)
    )
    counts = []
    for appointment in (plain, paid):
        with django_assert_num_queries(4) as captured:
            page = html(client.get(manage_path(appointment)))
        counts.append(len(captured))
    assert "Your course “Five classical”: 4 sessions left on it" in page
    assert counts == [4, 4]
