"""Booking in a real browser: a client books a session end to end (session, day, time, details, the
health questionnaire, summary, confirm), finds the confirmation e-mail, opens its manage link and
cancels; another is told kindly why the screening rules a technique out and offered the possible
ones; the day picker works from the keyboard. Desktop and phone sizes, no console errors."""

import re
from datetime import time

import pytest
from django.core import mail
from playwright.sync_api import expect

from bookings.models import Appointment, AppointmentStatus, BookingPolicy, Level
from reflexology.models import Technique
from tests.bookings.factories import make_service, make_therapist
from tests.conftest import DESKTOP, PHONE, settle

SIZES = [pytest.param(DESKTOP, id="desktop"), pytest.param(PHONE, id="phone")]
ALL_DAY = {weekday: [(time(8), time(21))] for weekday in range(7)}


@pytest.fixture
def studio(content_committed, settings, live_server):
    settings.SITE_URL = live_server.url
    policy = BookingPolicy.current()
    policy.slot_step_minutes = 30
    policy.min_notice_hours = 2
    policy.save()
    classical = make_service(
        technique=Technique.objects.get(slug="classical"),
        minutes=60,
        price="2500.00",
        name="Classical foot massage",
        level_prices={Level.SENIOR: "2900.00"},
    )
    sticks = make_service(
        technique=Technique.objects.get(slug="thai-sticks"), minutes=60, price="3700.00", name="Thai sticks"
    )
    make_therapist("anna", name="Anna Sokolova", services=[classical, sticks], hours=ALL_DAY)
    make_therapist("boris", name="Boris Orlov", level=Level.SENIOR, services=[classical], hours=ALL_DAY)
    mail.outbox = []
    return {"classical": classical, "sticks": sticks}


def fill_questionnaire(page, *, email, extra=()):
    """The grouped questionnaire: `extra` ticks conditions ("c_<key>", "yes") and answers their
    follow-ups ("f_<key>", value); every other group gets "None of these apply to me"."""
    expect(page.get_by_role("heading", level=1)).to_have_text("Your health questionnaire")
    page.get_by_label("Your full name", exact=True).fill("Maria Client")
    page.get_by_label("Date of birth").fill("05.05.1980")
    page.get_by_label("E-mail", exact=True).fill(email)
    ticked_groups = set()
    for key, value in extra:
        if key.startswith("c_"):
            tick = page.locator(f'input[name^="g_"][value="{key[2:]}"]')
            tick.check()
            ticked_groups.add(tick.get_attribute("name"))
        else:
            page.locator(f'input[name="{key}"][value="{value}"]').check()
    for none in page.locator('input[name^="g_"][value="none"]').all():
        if none.get_attribute("name") not in ticked_groups:
            none.check()
    page.locator("#id_consent_health_data").check()
    page.locator("#id_consent_terms").check()
    page.locator("#id_consent_personal_data").check()
    page.get_by_label("Type your full name to sign").fill("Maria Client")
    page.get_by_role("button", name="Send my answers").click()


def choose_a_time(page, *, therapist=None):
    expect(page.get_by_role("heading", level=1)).to_have_text("Choose a day and time")
    days = page.locator("button.day-cell.is-free")
    expect(days.first).to_be_visible()
    days.nth(3).click()  # in place, through htmx; a few days ahead, so it can still be cancelled online
    expect(days.nth(3)).to_have_attribute("aria-pressed", "true")
    if therapist:
        page.get_by_label(re.compile(therapist)).check()
        # With one therapist chosen the times no longer name anyone.
        expect(page.locator("button.time-option .time-therapist")).to_have_count(0)
    page.locator("button.time-option").first.click()


def give_details(page, email):
    expect(page.get_by_text("Step 3 of 5")).to_be_visible()
    page.get_by_label("Your name").fill("Maria Client")
    page.get_by_label("E-mail", exact=True).fill(email)
    page.get_by_label("Phone (optional)").fill("+7 900 123-45-67")
    page.locator("#id_consent_personal_data").check()
    page.get_by_role("button", name="Continue").click()


@pytest.mark.parametrize("size", SIZES)
def test_a_client_books_finds_the_email_and_cancels_from_its_link(
    live_server, page, console_errors, studio, size
):
    page.set_viewport_size(size)
    page.goto(live_server.url + "/book/")
    expect(page.get_by_text("Step 1 of 5")).to_be_visible()
    page.get_by_role("button", name=re.compile("Classical foot massage")).click()

    choose_a_time(page, therapist="Boris Orlov")
    give_details(page, "maria@example.com")
    fill_questionnaire(page, email="maria@example.com")

    expect(page.get_by_role("heading", level=1)).to_have_text("Check and confirm")
    expect(page.get_by_text("Step 5 of 5")).to_be_visible()
    expect(page.locator(".summary-price-amount")).to_have_text("₽2,900")
    expect(page.locator(".choice-price-amount")).to_be_visible()  # the price stays in view on a phone too
    page.get_by_role("button", name=re.compile("Confirm booking")).click()

    expect(page.get_by_role("heading", level=1)).to_have_text("You are booked")
    appointment = Appointment.objects.get()
    assert appointment.therapist.slug == "boris"
    (confirmation,) = [message for message in mail.outbox if "Your session on" in message.subject]
    assert confirmation.to == ["maria@example.com"]
    assert confirmation.attachments[0].filename.endswith(".ics")
    link = re.search(re.escape(live_server.url) + r"/appointments/\S+/", confirmation.body).group(0)

    page.goto(link)
    expect(page.get_by_role("heading", level=1)).to_have_text("See you soon, Maria Client")
    page.get_by_role("link", name="Cancel this session").click()
    page.get_by_role("button", name="Yes, cancel it").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("This session is cancelled")
    expect(page.get_by_role("status").first).to_contain_text("Your session is cancelled")
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.CANCELLED
    assert any("is cancelled" in message.subject for message in mail.outbox)
    settle(page)
    assert console_errors == []


@pytest.mark.parametrize("size", SIZES)
def test_a_technique_the_screening_declines_is_explained_with_the_possible_ones(
    live_server, page, console_errors, studio, size
):
    page.set_viewport_size(size)
    page.goto(live_server.url + "/book/?technique=thai-sticks")
    page.get_by_role("button", name=re.compile("Thai sticks")).click()
    choose_a_time(page)
    give_details(page, "ivan@example.com")
    fill_questionnaire(
        page,
        email="ivan@example.com",
        extra=[("c_blood_thinners", "yes"), ("f_thinners_reason", "prevention"), ("f_thinners_bruise", "no")],
    )

    heading = page.get_by_role("heading", level=1)
    expect(heading).to_contain_text("is not possible for you at the moment")
    expect(page.get_by_text("sticks and devices could bruise you too easily")).to_be_visible()
    possible = page.locator(".suggestion-list")
    expect(possible).to_contain_text("Classical foot massage")
    expect(possible).not_to_contain_text("Thai")
    possible.get_by_role("link", name=re.compile("Book Classical")).click()

    expect(page).to_have_url(re.compile(r"/book/time/\?service=classical-60"))
    assert Appointment.objects.count() == 0
    settle(page)
    assert console_errors == []


def test_the_day_picker_works_from_the_keyboard(live_server, page, console_errors, studio):
    page.set_viewport_size(DESKTOP)
    page.goto(live_server.url + "/book/time/?service=classical-60")
    day = page.locator("button.day-cell.is-free").nth(2)
    day_id = day.get_attribute("id")
    day.focus()
    page.keyboard.press("Enter")

    chosen = page.locator(f"#{day_id}")
    expect(chosen).to_have_attribute("aria-pressed", "true")
    expect(chosen).to_be_focused()  # htmx swapped the picker and kept the focus where it was
    expect(page.locator("#picker-status")).to_contain_text("free times on")
    # The therapist choice is a radio group: arrow keys move through it and update the times.
    page.locator("#therapist-any").focus()
    page.keyboard.press("ArrowDown")
    expect(page.locator("#therapist-anna")).to_be_checked()
    expect(page.locator("#therapist-anna")).to_be_focused()
    expect(page.locator("button.time-option").first).not_to_contain_text("Boris")
    settle(page)
    assert console_errors == []


@pytest.mark.browser_context_args(java_script_enabled=False)
def test_booking_works_without_javascript(live_server, page, studio):
    page.set_viewport_size(PHONE)
    page.goto(live_server.url + "/book/?service=classical-60")
    expect(page.get_by_role("heading", level=1)).to_have_text("Choose a day and time")
    page.get_by_label(re.compile("Boris Orlov")).check()
    page.get_by_role("button", name="Show their free times").click()  # a plain GET form
    expect(page.locator("#therapist-boris")).to_be_checked()
    page.locator("button.day-cell.is-free").nth(3).click()
    expect(page.locator("button.day-cell.is-free").nth(3)).to_have_attribute("aria-pressed", "true")
    page.locator("button.time-option").first.click()

    give_details(page, "nojs@example.com")
    fill_questionnaire(page, email="nojs@example.com")
    expect(page.locator(".summary-price-amount")).to_have_text("₽2,900")
    page.get_by_role("button", name=re.compile("Confirm booking")).click()

    expect(page.get_by_role("heading", level=1)).to_have_text("You are booked")
    assert Appointment.objects.get().therapist.slug == "boris"
