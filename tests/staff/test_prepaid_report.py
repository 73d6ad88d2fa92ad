"""Courses and gift certificates in the reports: sales, redemptions and what is still owed, per week."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bookings.models import Actor, CourseProduct
from bookings.prepaid import (
    redeem_certificate,
    reserve_course_session,
    sell_certificate,
    sell_course,
    settle_attendance,
)
from staff.prepaid_report import build_prepaid_report
from tests.bookings.factories import MONDAY, at, make_appointment

pytestmark = pytest.mark.django_db

WEEK = timedelta(days=7)


@pytest.fixture
def product(studio):
    return CourseProduct.objects.create(
        name="Five", service=studio.service, sessions=5, price=Decimal("10000"), validity_months=6
    )


def course_for(product, now, email="client@example.com"):
    return sell_course(
        product=product, client_name="Clara", client_email=email, payment_method="cash", now=now
    )


def use_a_session(course, studio, start):
    appointment = make_appointment(
        service=studio.service, therapist=studio.anna, start=start, email=course.client_email
    )
    reserve_course_session(
        course_id=course.pk, appointment=appointment, by=Actor.STAFF, now=start - timedelta(days=1)
    )
    appointment.status = "completed"
    appointment.save(update_fields=["status"])
    settle_attendance(appointment=appointment, now=start + timedelta(hours=1))
    return appointment


def test_sales_redemptions_and_outstanding_per_week(studio, product):
    last_week = MONDAY - WEEK
    course = course_for(product, at(last_week, "11:00"))
    certificate = sell_certificate(
        payment_method="card", buyer_name="Vera", amount=Decimal("3000"), now=at(last_week, "12:00")
    )
    use_a_session(course, studio, at(MONDAY, "09:00"))
    redeem_certificate(
        code=certificate.code, amount=Decimal("1200.50"), by=Actor.STAFF, now=at(MONDAY, "13:00")
    )

    report = build_prepaid_report(first_week=last_week, last_week=MONDAY)

    before, this = report.weeks
    assert (before.courses_sold, before.courses_sum) == (1, Decimal("10000"))
    assert (before.certificates_sold, before.certificates_sum) == (1, Decimal("3000"))
    assert (before.sessions_used, before.certificates_redeemed) == (0, Decimal("0"))
    assert before.sessions_outstanding == 5 and before.outstanding == Decimal("13000")
    assert (this.courses_sold, this.certificates_sold) == (0, 0)
    assert (this.sessions_used, this.certificates_redeemed) == (1, Decimal("1200.50"))
    assert this.sessions_outstanding == 4
    assert this.courses_outstanding == Decimal("8000")
    assert this.certificates_outstanding == Decimal("1799.50")
    assert report.totals.courses_sum == Decimal("10000") and report.totals.outstanding == Decimal("9799.50")
    assert all(isinstance(value, Decimal) for value in (this.outstanding, this.certificates_redeemed))


def test_a_booked_session_is_still_owed_and_an_expired_course_is_not(studio, product):
    course = course_for(product, at(MONDAY, "09:00"))
    appointment = make_appointment(
        service=studio.service,
        therapist=studio.anna,
        start=at(MONDAY + WEEK, "10:00"),
        email="client@example.com",
    )
    reserve_course_session(
        course_id=course.pk, appointment=appointment, by=Actor.STAFF, now=at(MONDAY, "10:00")
    )
    course_for(product, at(MONDAY - 40 * WEEK, "09:00"), email="old@example.com")  # six months: expired

    report = build_prepaid_report(first_week=MONDAY, last_week=MONDAY)

    assert report.weeks[0].sessions_outstanding == 5  # the booked one included, the old course's five not
    assert report.weeks[0].courses_outstanding == Decimal("10000")


def test_the_reports_page_shows_the_prepaid_figures_in_the_locale(client, studio, product):
    course_for(product, at(MONDAY, "09:00"))
    client.force_login(studio.user("manager"))

    html = client.get(
        reverse("staff:reports"), {"start": MONDAY.isoformat(), "end": MONDAY.isoformat()}
    ).content.decode()

    assert "Courses and gift certificates" in html
    assert "₽10,000" in html


def test_the_prepaid_part_of_the_reports_runs_four_queries_whatever_the_data(studio, product):
    course_for(product, at(MONDAY, "09:00"))
    with CaptureQueriesContext(connection) as small:
        build_prepaid_report(first_week=MONDAY - 11 * WEEK, last_week=MONDAY)
    for index in range(10):
        course = course_for(product, at(MONDAY - index * WEEK, "10:00"), email=f"c{index}@example.com")
        use_a_session(course, studio, at(MONDAY - index * WEEK + timedelta(days=1), "10:00"))
        gift = sell_certificate(
            payment_method="cash", buyer_name="V", amount=Decimal("500"), now=at(MONDAY, "11:00")
        )
        redeem_certificate(code=gift.code, amount=Decimal("100"), by=Actor.STAFF, now=at(MONDAY, "12:00"))
    with CaptureQueriesContext(connection) as large:
        build_prepaid_report(first_week=MONDAY - 11 * WEEK, last_week=MONDAY)

    assert len(small.captured_queries) == len(large.captured_queries) == 4
