"""The waitlist in a real browser: client A finds a full day and joins the waitlist; client B cancels;
A gets the e-mail, follows the link within the hold and books; the time is gone from the picker for
everyone else (while held, and once booked)."""

import re
from datetime import time, timedelta

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from bookings.links import manage_path
from bookings.models import Appointment, AppointmentStatus, BookingPolicy, WaitlistEntry
from reflexology.models import Technique
from tests.bookings.factories import at, make_appointment, make_service, make_therapist
from tests.conftest import DESKTOP, PHONE
from tests.e2e.test_booking import fill_questionnaire


@pytest.fixture
def full_day(content_committed, settings, live_server):
    """Anna works only on `day` (three days ahead, the last bookable day), and both her times are taken."""
    settings.SITE_URL = live_server.url
    day = timezone.localdate() + timedelta(days=3)
    policy = BookingPolicy.current()
    policy.slot_step_minutes, policy.min_notice_hours, policy.booking_window_days = 60, 2, 3
    policy.save()
    service = make_service(
        technique=Technique.objects.get(slug="classical"), minutes=60, name="Classical foot massage"
    )
    anna = make_therapist(
        "anna", name="Anna Sokolova", services=[service], hours={day.weekday(): [(time(10), time(12))]}
    )
    taken = [
        make_appointment(
            service=service, therapist=anna, start=at(day, hhmm), email=f"b{hhmm[:2]}@example.com"
        )
        for hhmm in ("10:00", "11:00")
    ]
    mail.outbox = []
    return {"day": day, "service": service, "b": taken[0]}


def picker_url(live_server, full_day) -> str:
    return (
        f"{live_server.url}/book/time/?service={full_day['service'].slug}&day={full_day['day'].isoformat()}"
    )


def expect_no_free_time(page, live_server, full_day):
    page.goto(picker_url(live_server, full_day))
    expect(page.get_by_role("heading", level=1)).to_have_text("Choose a day and time")
    expect(page.locator("button.day-cell.is-free")).to_have_count(0)
    expect(page.locator("button.time-option")).to_have_count(0)


@pytest.mark.parametrize("size", [pytest.param(DESKTOP, id="desktop"), pytest.param(PHONE, id="phone")])
def test_a_freed_time_finds_the_client_on_the_waitlist(
    live_server, page, browser, console_errors, full_day, size
):
    page.set_viewport_size(size)
    day = full_day["day"]
    # A finds nothing free and joins the waitlist (the questionnaire first, as for booking).
    expect_no_free_time(page, live_server, full_day)
    page.locator("#join-waitlist").click()
    fill_questionnaire(page, email="maria@example.com")
    expect(page.get_by_role("heading", level=1)).to_have_text("Join the waitlist")
    page.get_by_label("First day").fill(day.isoformat())
    page.get_by_label("Last day").fill(day.isoformat())
    page.get_by_label(re.compile("Morning")).check()
    expect(page.get_by_label("E-mail", exact=True)).to_have_value("maria@example.com")
    page.locator("#id_consent_personal_data").check()
    page.get_by_role("button", name="Join the waitlist").click()
    expect(page.get_by_text("You are on the waitlist.")).to_be_visible()
    assert WaitlistEntry.objects.get().client_email == "maria@example.com"

    # B cancels from their own link, in their own browser.
    other = browser.new_context(viewport=size)
    b_page = other.new_page()
    b_page.goto(live_server.url + manage_path(full_day["b"]))
    b_page.get_by_role("link", name="Cancel this session").click()
    b_page.get_by_role("button", name="Yes, cancel it").click()
    expect(b_page.get_by_text(re.compile("cancelled", re.IGNORECASE)).first).to_be_visible()
    # While it is held for A, nobody else sees the freed time.
    expect_no_free_time(b_page, live_server, full_day)

    # A gets the e-mail and books through its link.
    (offer_mail,) = [m for m in mail.outbox if m.subject.startswith("A time has freed up")]
    assert offer_mail.to == ["maria@example.com"]
    link = re.search(re.escape(live_server.url) + r"/waitlist/hold/\S+/", offer_mail.body).group(0)
    page.goto(link)
    expect(page.get_by_role("heading", level=1)).to_have_text("A time has freed up for you")
    page.get_by_role("button", name="Book this time").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("You are booked")
    booked = Appointment.objects.get(client_email="maria@example.com")
    assert booked.status == AppointmentStatus.BOOKED and booked.start == at(day, "10:00")

    # The time is gone from the picker for everyone else.
    expect_no_free_time(b_page, live_server, full_day)
    other.close()
