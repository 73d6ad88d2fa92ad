"""The home page in a real browser: no console errors, and the phone menu works."""

import re

from django.urls import reverse
from playwright.sync_api import expect

from tests.conftest import DESKTOP, PHONE, settle


def test_home_loads_without_console_errors_at_desktop_size(live_server, page, console_errors):
    page.set_viewport_size(DESKTOP)
    page.goto(live_server.url + reverse("home"))

    expect(page.get_by_role("heading", level=1)).to_contain_text("Unhurried foot massage")
    expect(page.get_by_role("navigation", name="Main").get_by_role("link", name="Foot map")).to_be_visible()
    settle(page)
    assert console_errors == []


def test_phone_navigation_opens_the_menu_and_follows_a_link(live_server, page, console_errors):
    page.set_viewport_size(PHONE)
    page.goto(live_server.url + reverse("home"))
    nav = page.get_by_role("navigation", name="Main")
    techniques = nav.get_by_role("link", name="Techniques")

    expect(techniques).to_be_hidden()
    toggle = page.get_by_role("button", name="Show or hide the menu")
    expect(toggle).to_have_attribute("aria-expanded", "false")
    toggle.click()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(techniques).to_be_visible()
    techniques.click()

    expect(page).to_have_url(re.compile(re.escape(reverse("bookings:technique_list")) + "$"))
    settle(page)
    assert console_errors == []


def test_skip_link_moves_keyboard_focus_to_the_content(live_server, page):
    page.set_viewport_size(DESKTOP)
    page.goto(live_server.url + reverse("home"))

    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to main content")
    expect(skip).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("main#main")).to_be_focused()
