"""The desk in a real browser: reception sells a course of five sessions and a gift certificate,
opens the printable certificate (and checks it prints without the site's menu), finds the
certificate by its code and takes part of it; an amount above what is left is refused."""

import re
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from bookings.models import Certificate, Course, CourseProduct
from staff.roles import Role, ensure_roles
from tests.bookings.factories import MONDAY, at, make_service
from tests.conftest import DESKTOP, settle
from tests.e2e.test_staff import sign_in
from tests.staff.conftest import Clock, make_user

BAD_REQUEST = "Failed to load resource: the server responded with a status of 400 (Bad Request)"


@pytest.fixture
def clock(monkeypatch):
    frozen = Clock(at(MONDAY, "10:00"))
    monkeypatch.setattr(timezone, "now", frozen)
    return frozen


@pytest.fixture
def desk_studio(transactional_db, clock):
    ensure_roles()  # a transactional test starts from a flushed database
    service = make_service(technique="classical", slug="classical-60", minutes=60, price="2500.00")
    CourseProduct.objects.create(
        name="Five calm sessions", service=service, sessions=5, price=Decimal("11000"), validity_months=6
    )
    make_user("desk", Role.RECEPTION, first_name="Desk")


def test_the_desk_sells_a_course_and_a_certificate_prints_it_and_takes_part_of_it(
    live_server, page, console_errors, desk_studio
):
    base = live_server.url
    page.set_viewport_size(DESKTOP)
    sign_in(page, base, "desk")
    page.get_by_role("link", name="Courses & gifts").click()

    # A course of five for a client who walked in.
    page.get_by_role("link", name="Sell a course").click()
    page.get_by_label("Course", exact=True).select_option(label="Five calm sessions")
    page.get_by_label("Client's name").fill("Clara Client")
    page.get_by_label("Client's e-mail").fill("Clara@Example.com")
    page.get_by_label("Card").check()
    page.get_by_role("button", name="Sell the course").click()
    expect(page.locator(".messages")).to_contain_text("Sold: Five calm sessions for Clara Client.")
    expect(page.locator(".course-table tbody tr")).to_contain_text("5 / 5")
    assert Course.objects.get().client_email == "clara@example.com"

    # A gift certificate for ₽5,000 (the suite runs in English).
    page.get_by_role("link", name="Sell a gift certificate").click()
    page.get_by_label("Amount", exact=True).fill("5000")
    page.get_by_label("Buyer's name").fill("Vera Buyer")
    page.get_by_label("For whom").fill("Mila")
    page.get_by_label("A short message").fill("Happy birthday, rest your feet!")
    page.get_by_label("Cash").check()
    page.get_by_role("button", name="Sell the certificate").click()
    expect(page.locator(".messages")).to_contain_text("Sold.")
    code = Certificate.objects.get().code
    expect(page.get_by_role("heading", name=f"Certificate {code}")).to_be_visible()
    expect(page.locator(".cert-balance")).to_have_text("₽5,000")

    # The printable certificate: the gift on screen, and on paper without the site around it.
    page.get_by_role("link", name="Printable certificate").click()
    card = page.locator("article.certificate")
    expect(card).to_contain_text("For Mila")
    expect(card).to_contain_text("Happy birthday, rest your feet!")
    expect(card.locator(".cert-code")).to_have_text(code)
    page.emulate_media(media="print")
    expect(page.locator(".site-header")).to_be_hidden()
    expect(page.locator(".cert-tools")).to_be_hidden()
    expect(card).to_be_visible()
    pdf = page.pdf(prefer_css_page_size=True, print_background=True)
    assert pdf.startswith(b"%PDF") and b"/MediaBox [0 0 420 594" in pdf  # one A5 sheet
    page.emulate_media(media="screen")
    page.get_by_role("link", name="Back to the desk").click()

    # Found again by its code, typed carelessly, and part of it taken at the desk.
    page.get_by_label("Certificate code").fill(code.lower().replace("-", " "))
    page.get_by_role("button", name="Look up").click()
    expect(page.get_by_role("heading", name=f"Certificate {code}")).to_be_visible()
    page.get_by_label("Amount to take").fill("1200,50")
    page.get_by_role("button", name="Take this amount").click()
    expect(page.locator(".messages")).to_contain_text("It has ₽3,799.50 left.")
    expect(page.locator(".cert-balance")).to_have_text("₽3,799.50")

    settle(page)
    assert console_errors == []

    # More than is left: refused (the page answers 400), the amount kept, nothing taken.
    page.get_by_label("Amount to take").fill("9000")
    page.get_by_role("button", name="Take this amount").click()
    expect(page.locator("#error-summary")).to_contain_text(re.compile(r"Only ₽3,799\.50 is left"))
    expect(page.get_by_label("Amount to take")).to_have_value("9000")
    assert Certificate.objects.get().balance == Decimal("3799.50")
    settle(page)
    assert console_errors == [BAD_REQUEST]
