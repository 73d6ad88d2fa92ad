"""A visitor's walk in a real browser: techniques -> a technique -> one of its zones on the small map
(reached and followed with the keyboard) -> that zone's page; and the foot map's own controls."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from reflexology.models import Technique
from tests.conftest import DESKTOP, PHONE, settle

FOCUS_BLUE = "rgb(29, 95, 168)"
BOTH_PARAMS = re.compile(r"^/foot-map/\?(?=.*\bview=dorsal\b)(?=.*\bsystem=digestive\b)")
SIZES = pytest.mark.parametrize("size", [DESKTOP, PHONE], ids=["desktop", "phone"])


def tab_until(page, selector: str, limit: int = 150) -> None:
    """Press Tab until keyboard focus lands on an element matching `selector`."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("(s) => document.activeElement && document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"Tab never reached {selector}")


@SIZES
def test_walk_from_the_techniques_to_a_zone_page_with_the_keyboard(
    live_server, page, console_errors, content_committed, size
):
    technique = Technique.objects.get(slug="reflexology")
    page.set_viewport_size(size)
    page.goto(live_server.url + reverse("bookings:technique_list"))

    page.locator(f'a[href="{technique.get_absolute_url()}"]').first.click()
    expect(page).to_have_url(re.compile(re.escape(technique.get_absolute_url()) + "$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(technique.name)

    small_map = page.locator("#tm")
    expect(small_map.locator("a.fm-zone").first).to_be_attached()
    # The small map's labels are readable: at least 11 px on screen, at both sizes.
    heights = small_map.locator(".fm-foot-label").evaluate_all(
        "(els) => els.filter((el) => el.getClientRects().length)"
        ".map((el) => el.getBoundingClientRect().height)"
    )
    assert heights and min(heights) >= 11, heights
    tab_until(page, "#tm a.fm-zone")
    focused = page.locator("#tm a.fm-zone:focus")
    label = focused.get_attribute("aria-label")
    zone_name = label.split(",")[0]
    href = focused.get_attribute("href")
    # The shape shows it has focus, and the caption names it for everyone (it is a polite live region).
    expect(focused).to_have_class(re.compile(r"\bis-hover\b"))
    stroke = focused.locator("use").first.evaluate("(el) => getComputedStyle(el).stroke")
    assert stroke == FOCUS_BLUE
    caption = small_map.locator(".fm-caption")
    expect(caption).to_have_attribute("aria-live", "polite")
    expect(caption).to_contain_text(label)

    page.keyboard.press("Enter")

    expect(page).to_have_url(re.compile(re.escape(href) + "$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(zone_name)
    expect(page.locator("#zm a.fm-zone.is-lit").first).to_be_visible()
    expect(page.get_by_text("In reflexology, this area is associated with")).to_be_visible()
    settle(page)
    assert console_errors == []


@SIZES
def test_map_views_switch_in_place_as_tabs(live_server, page, console_errors, content_committed, size):
    page.set_viewport_size(size)
    page.goto(live_server.url + reverse("reflexology:foot_map"))
    sole = page.get_by_role("tab", name="Sole")
    top = page.get_by_role("tab", name="Top")

    expect(sole).to_have_attribute("aria-selected", "true")
    expect(page.locator("#fm-view-plantar")).to_be_visible()
    sole.focus()
    page.keyboard.press("ArrowRight")

    expect(top).to_be_focused()
    expect(top).to_have_attribute("aria-selected", "true")
    expect(page.locator("#fm-view-dorsal")).to_be_visible()
    expect(page.locator("#fm-view-plantar")).to_be_hidden()
    expect(page).to_have_url(re.compile(r"\?view=dorsal$"))
    # The legend's links follow, so a system opened in a new tab keeps the view.
    expect(page.locator('.fm-legend a[data-system="digestive"]')).to_have_attribute("href", BOTH_PARAMS)

    page.get_by_role("tab", name="Our sources").click()
    expect(page.locator("#fm-view-sources")).to_be_visible()
    # Tab from the selected tab goes into the drawing of that view.
    page.get_by_role("tab", name="Our sources").focus()
    tab_until(page, "a.fm-zone", limit=5)
    assert page.evaluate("document.activeElement.closest('.fm-view').id") == "fm-view-sources"
    assert console_errors == []


@SIZES
def test_choosing_a_body_system_lights_its_zones_in_place(
    live_server, page, console_errors, content_committed, size
):
    page.set_viewport_size(size)
    page.goto(live_server.url + reverse("reflexology:foot_map"))
    digestion = page.locator('.fm-legend a[data-system="digestive"]')
    liver = page.locator('#fm-view-plantar a.fm-zone[data-zone="liver"]')
    lungs = page.locator('#fm-view-plantar a.fm-zone[data-zone="lungs"]').first

    digestion.click()

    expect(liver).to_have_class(re.compile(r"\bis-lit\b"))
    expect(lungs).to_have_class(re.compile(r"\bis-dim\b"))
    expect(digestion).to_have_attribute("aria-current", "true")
    expect(page.locator(".fm-system-note")).to_contain_text("Digestion")
    expect(page.locator("[data-fm-list] .fm-zone-item.is-lit a", has_text="Liver")).to_be_visible()
    expect(page).to_have_url(re.compile(r"\?system=digestive$"))
    expect(page.get_by_role("tab", name="Top")).to_have_attribute("href", BOTH_PARAMS)

    page.get_by_role("link", name="Show all systems").click()
    expect(lungs).not_to_have_class(re.compile(r"\bis-dim\b"))
    expect(page.locator(".fm-zone.is-dim")).to_have_count(0)
    assert console_errors == []


def test_pointing_at_a_zone_names_it_in_the_caption(live_server, page, console_errors, content_committed):
    page.set_viewport_size(DESKTOP)
    page.goto(live_server.url + reverse("reflexology:foot_map"))
    heart = page.locator('#fm-view-plantar a.fm-zone[data-zone="heart"]')

    heart.hover()

    expect(page.locator("#fm .fm-caption")).to_contain_text("Heart, left foot, sole")
    expect(heart).to_have_class(re.compile(r"\bis-hover\b"))
    assert console_errors == []


def test_without_javascript_the_tabs_and_shapes_are_plain_links(live_server, browser, content_committed):
    context = browser.new_context(java_script_enabled=False, viewport=PHONE)
    page = context.new_page()
    page.goto(live_server.url + reverse("reflexology:foot_map"))

    page.get_by_role("link", name="Inner edge").click()
    expect(page).to_have_url(re.compile(r"\?view=medial$"))
    expect(page.locator("#fm-view-medial")).to_be_visible()
    page.locator('#fm-view-medial a.fm-zone[data-zone="lumbar-spine"]').first.click()
    expect(page).to_have_url(re.compile(r"/foot-map/zones/lumbar-spine/$"))
    context.close()
