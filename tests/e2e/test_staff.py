"""The staff area in a real browser: reception books a phone client, the therapist sees the session
with its screening flags and marks it done, the manager finds it in the week's report.

The server's clock is frozen on a Monday (and moved on before the session is marked), so the test
does not depend on the day it runs.
"""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from staff.roles import Role, ensure_roles
from tests.bookings.factories import MONDAY, at, make_questionnaire, make_service, make_therapist
from tests.conftest import DESKTOP, PHONE, settle
from tests.staff.conftest import PASSWORD, Clock, make_user

SCREENING = {
    "outcome": "avoid_area",
    "areas": ["heel"],
    "modifiers": ["gentle_pressure"],
    "therapist_notes": ["Sore left heel."],
}


@pytest.fixture
def clock(monkeypatch):
    frozen = Clock(at(MONDAY, "08:00"))
    monkeypatch.setattr(timezone, "now", frozen)
    return frozen


@pytest.fixture
def staff_studio(transactional_db, clock):
    ensure_roles()  # a transactional test starts from a flushed database
    service = make_service(technique="classical", slug="classical-60", minutes=60, price="2500.00")
    anna = make_therapist("anna", name="Anna Example", services=[service])
    make_therapist("boris", name="Boris Example", services=[service])
    anna.user = make_user("anna", Role.THERAPIST, first_name="Anna")
    anna.save()
    make_user("desk", Role.RECEPTION, first_name="Desk")
    make_user("boss", Role.MANAGER, first_name="Boss")
    make_questionnaire(email="phoebe@example.com", screening={"classical": SCREENING})


def sign_in(page, base, username):
    page.goto(base + "/staff/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator("nav.staff-nav")).to_be_visible()


def sign_out(page):
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()


def test_a_phone_booking_from_the_desk_to_the_report(live_server, page, console_errors, staff_studio, clock):
    base = live_server.url
    page.set_viewport_size(DESKTOP)

    # Reception books a phone client for 11:00 with Anna.
    sign_in(page, base, "desk")
    page.get_by_role("link", name="Book", exact=True).click()
    page.get_by_label("Service").select_option("classical-60")
    page.get_by_label("Therapist").select_option("anna")
    settle(page)  # the free times for Anna are in
    slot = page.locator("label.slot", has_text="11:00")
    expect(slot).to_be_visible()
    slot.click()
    page.get_by_label("Name").fill("Phoebe Phone")
    page.get_by_label("Phone").fill("+7 900 555-00-11")
    page.get_by_label("E-mail").fill("phoebe@example.com")
    page.get_by_label("E-mail").press("Tab")
    page.get_by_label("Consent to the processing of personal data").select_option("phone")
    expect(page.locator("label.slot .slot-who").first).to_have_text("Anna Example")
    expect(page.locator("input[name=start]:checked")).to_have_count(1)
    lookup = page.locator("#questionnaire-panel")
    expect(lookup).to_contain_text("Valid questionnaire found")
    expect(lookup.locator(".flag")).to_have_text(["Note", "Modify", "Avoid area"])
    page.get_by_role("button", name="Book and send the confirmation").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Phoebe Phone")
    expect(page.locator(".messages")).to_contain_text("Booked.")
    sign_out(page)

    # Anna sees it on her day with its flags, and only her own column.
    sign_in(page, base, "anna")
    block = page.locator("a.appt", has_text="Phoebe Phone")
    expect(block).to_be_visible()
    expect(block.locator(".flag")).to_have_text(["Note", "Modify", "Avoid area"])
    expect(page.locator(".col-head")).to_have_count(1)
    expect(page.locator(".col-head")).to_contain_text("Anna Example")

    # On her phone the day is a list.
    page.set_viewport_size(PHONE)
    expect(page.locator(".day-grid-wrap")).to_be_hidden()
    row = page.locator(".day-list a.appt-row", has_text="Phoebe Phone")
    expect(row).to_be_visible()

    # After the session she marks it done, in place.
    clock.set(at(MONDAY, "12:10"))
    row.click()
    expect(page.locator(".appointment-page")).to_contain_text("Sore left heel.")
    page.get_by_role("button", name="Mark as done").click()
    expect(page.locator("#appointment-panel .alert")).to_contain_text("Marked as done.")
    expect(page.locator(".status-pill")).to_have_text("Completed")
    page.set_viewport_size(DESKTOP)
    sign_out(page)

    # The manager finds it in this week's report.
    sign_in(page, base, "boss")
    page.get_by_role("link", name="Reports").click()
    week = page.locator(".report-table").first.locator("tbody tr", has_text="1 Mar 2027")
    expect(week).to_contain_text("₽2,500")
    expect(week.locator("td").first).to_have_text("1")
    expect(page.locator("svg.report-chart title").first).to_contain_text("Revenue per week")
    settle(page)
    assert console_errors == []


def test_the_day_moves_between_dates_in_place(live_server, page, console_errors, staff_studio):
    page.set_viewport_size(DESKTOP)
    sign_in(page, live_server.url, "desk")
    expect(page.get_by_role("heading", level=1)).to_have_text("Monday 1 March 2027")

    page.get_by_role("link", name="Next day").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Tuesday 2 March 2027")
    expect(page).to_have_url(re.compile(r"\?date=2027-03-02$"))
    expect(page).to_have_title(re.compile("^Tuesday 2 March 2027"))
    page.get_by_role("link", name="Week", exact=True).first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("1 Mar")
    settle(page)
    assert console_errors == []
