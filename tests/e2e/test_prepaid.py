"""Courses and gift certificates in a real browser, the client's side: with a course sold at the desk
(by the domain function), the client books with it (4 left), cancels in time from the e-mailed manage
link (5 left again) and books again with it; another pays part of a session with a gift certificate,
checked first, and is told plainly that the rest is paid at the studio."""

import re
from decimal import Decimal

import pytest
from django.core import mail
from playwright.sync_api import expect

from bookings.models import Appointment, AppointmentStatus, CourseProduct
from bookings.prepaid import sell_certificate, sell_course
from tests.conftest import DESKTOP, PHONE, settle
from tests.e2e.test_booking import choose_a_time, fill_questionnaire, give_details
from tests.e2e.test_booking import studio as studio


def start_booking(page, live_server):
    page.goto(live_server.url + "/book/")
    page.get_by_role("button", name=re.compile("Classical foot massage")).click()
    choose_a_time(page, therapist="Anna Sokolova")


def sessions_left(course) -> int:
    course.refresh_from_db()
    return course.sessions_left


@pytest.mark.parametrize("size", [pytest.param(DESKTOP, id="desktop")])
def test_a_client_books_with_a_course_cancels_in_time_and_books_again(
    live_server,
    page,
    console_errors,
    studio,
    size,
):
    product = CourseProduct.objects.create(
        name="Five classical", service=studio["classical"], sessions=5, price=Decimal("11000.00")
    )
    course = sell_course(
        product=product, client_name="Maria Client", client_email="maria@example.com", payment_method="card"
    )
    page.set_viewport_size(size)
    start_booking(page, live_server)
    give_details(page, "Maria@example.com")
    fill_questionnaire(page, email="maria@example.com")

    expect(page.get_by_role("heading", level=1)).to_have_text("Check and confirm")
    page.get_by_label("Use my course “Five classical” (5 of 5 sessions left)").check()
    page.get_by_role("button", name=re.compile("Confirm booking")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("You are booked")
    assert sessions_left(course) == 4

    (confirmation,) = [message for message in mail.outbox if "Your session on" in message.subject]
    link = re.search(re.escape(live_server.url) + r"/appointments/\S+/", confirmation.body).group(0)
    page.goto(link)
    page.get_by_role("link", name="Cancel this session").click()
    page.get_by_role("button", name="Yes, cancel it").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("This session is cancelled")
    assert sessions_left(course) == 5

    start_booking(page, live_server)
    give_details(page, "maria@example.com")
    expect(page.get_by_role("heading", level=1)).to_have_text("Check and confirm")
    page.get_by_label("Use my course “Five classical” (5 of 5 sessions left)").check()
    page.get_by_role("button", name=re.compile("Confirm booking")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("You are booked")
    assert sessions_left(course) == 4
    assert Appointment.objects.filter(status=AppointmentStatus.BOOKED).count() == 1
    settle(page)
    assert console_errors == []


@pytest.mark.parametrize("size", [pytest.param(PHONE, id="phone")])
def test_a_gift_certificate_pays_part_of_a_session(live_server, page, console_errors, studio, size):
    certificate = sell_certificate(payment_method="cash", buyer_name="Ivan", amount=Decimal("1000.00"))
    page.set_viewport_size(size)
    start_booking(page, live_server)
    give_details(page, "olga@example.com")
    fill_questionnaire(page, email="olga@example.com")

    expect(page.get_by_role("heading", level=1)).to_have_text("Check and confirm")
    page.get_by_label("Use a gift certificate").check()
    page.get_by_label("Gift certificate code").fill("wrong-code-here")
    page.get_by_role("button", name="Check the certificate").click()
    expect(page.get_by_text("This does not look like a certificate code")).to_be_visible()
    expect(page.get_by_label("Gift certificate code")).to_have_value("wrong-code-here")

    page.get_by_label("Gift certificate code").fill(certificate.code.lower())
    page.get_by_role("button", name="Check the certificate").click()
    quote = page.locator(".certificate-quote")
    expect(quote).to_contain_text("Your certificate pays ₽1,000 of this session.")
    expect(quote).to_contain_text("the rest, ₽1,500, is paid at the studio")
    expect(quote).to_contain_text("Left on the certificate after this booking: ₽0")
    page.get_by_role("button", name=re.compile("Confirm booking")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("You are booked")
    certificate.refresh_from_db()
    assert certificate.balance == Decimal("0.00")
    assert certificate.entries.last().appointment == Appointment.objects.get()
    settle(page)
    # The one wrong code was answered 400 (bad input, as every step of the flow answers it); nothing else.
    assert [error for error in console_errors if "status of 400" not in error] == []
    assert len(console_errors) == 1
