"""The technique filters in a real browser: htmx updates the cards in place and the URL follows."""

import io
import re

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from tests.conftest import DESKTOP, PHONE, settle


@pytest.fixture
def reference_live(transactional_db):
    call_command(
        "loaddata",
        "fixtures/body_systems.json",
        "fixtures/zones.json",
        "fixtures/techniques.json",
        verbosity=0,
        stdout=io.StringIO(),
    )


@pytest.mark.parametrize("size", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_choosing_a_filter_updates_the_cards_in_place(
    live_server, page, console_errors, reference_live, size
):
    page.set_viewport_size(size)
    page.goto(live_server.url + "/techniques/")
    cards = page.locator(".technique-card")
    expect(cards).to_have_count(14)
    page.evaluate("window.__sameDocument = true")  # survives only if the page is not reloaded

    page.get_by_label("Kind of massage").select_option("therapeutic")
    expect(cards).to_have_count(3)
    expect(page.get_by_role("status")).to_contain_text("3 techniques")
    expect(page).to_have_url(re.compile(r"/techniques/\?.*kind=therapeutic"))
    assert page.evaluate("window.__sameDocument") is True

    page.get_by_label("Part of the body").select_option("cardiovascular")
    expect(page.get_by_text("Nothing matches all of those choices")).to_be_visible()
    page.get_by_role("link", name="See all techniques").click()
    expect(cards).to_have_count(14)
    settle(page)
    assert console_errors == []


def test_filters_work_without_javascript(live_server, browser, reference_live):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(live_server.url + "/techniques/")
    page.get_by_label("Where").select_option("home")
    page.get_by_role("button", name="Show techniques").click()
    expect(page).to_have_url(re.compile(r"setting=home"))
    expect(page.locator(".technique-card")).to_have_count(6)
    context.close()
