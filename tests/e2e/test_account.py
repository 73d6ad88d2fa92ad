"""The client account in a real browser: a client asks for a sign-in link, opens it from the e-mail,
sees their upcoming session, cancels it and signs out. Desktop and phone sizes, no console errors."""

import re
from datetime import time, timedelta

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from bookings.models import Appointment, AppointmentStatus, BookingPolicy
from reflexology.models import Technique
from tests.bookings.factories import at, make_appointment, make_service, make_therapist
from tests.conftest import DESKTOP, PHONE

SIZES = [pytest.param(DESKTOP, id="desktop"), pytest.param(PHONE, id="phone")]
ALL_DAY = {weekday: [(time(8), time(21))] for weekday in range(7)}


@pytest.fixture
def booked(content_committed, settings, live_server):
    settings.SITE_URL = live_server.url
    policy = BookingPolicy.current()
    policy.cancellation_deadline_hours = 24
    policy.save()
    service = make_service(
        technique=Technique.objects.get(slug="classical"), minutes=60, name="Classical foot massage"
    )
    anna = make_therapist("anna", name="Anna Sokolova", services=[service], hours=ALL_DAY)
    start = at(timezone.localdate() + timedelta(days=5), "11:00")
    appointment = make_appointment(service=service, therapist=anna, start=start, email="maria@example.com")
    mail.outbox = []
    return appointment


@pytest.mark.parametrize("size", SIZES)
def test_a_client_signs_in_by_link_cancels_a_session_and_signs_out(
    live_server, page, console_errors, booked, size
):
    page.set_viewport_size(size)
    page.goto(live_server.url + "/")
    if size == PHONE:  # in the menu; on a 1280-pixel screen the header is full, so in the footer
        toggle = page.get_by_role("button", name="Show or hide the menu")
        toggle.click()
        expect(toggle).to_have_attribute("aria-expanded", "true")
        # Bootstrap's collapse animates ("collapsing") before the menu is open ("show"): a click during
        # the animation can land before the link is where it will be.
        expect(page.locator("#site-nav.show:not(.collapsing)")).to_be_visible()
    where = page.get_by_role("navigation", name="Main") if size == PHONE else page.get_by_role("contentinfo")
    where.get_by_role("link", name="My account").click()
    page.wait_for_url(re.compile(r"/account/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in to your account")
    page.get_by_label("Your e-mail").fill("maria@example.com")
    page.get_by_role("button", name="Send me a sign-in link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your e-mail")

    [message] = mail.outbox
    link = re.search(r"https?://\S+/account/sign-in/\S+/", message.body).group(0)
    page.goto(link)
    page.get_by_role("button", name="Sign in to my account").click()

    expect(page.get_by_role("heading", name="Coming up")).to_be_visible()
    session = page.get_by_role("article")
    expect(session).to_contain_text("Classical foot massage")
    expect(session).to_contain_text("Anna Sokolova")
    session.get_by_role("link", name="Cancel").click()
    page.get_by_role("button", name="Yes, cancel it").click()
    expect(page.get_by_text("Your session is cancelled")).to_be_visible()
    assert Appointment.objects.get(pk=booked.pk).status == AppointmentStatus.CANCELLED

    page.goto(live_server.url + "/account/")
    expect(page.get_by_text("No sessions booked at the moment.")).to_be_visible()
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("You are signed out")
    page.goto(live_server.url + "/account/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in to your account")
    assert console_errors == []
