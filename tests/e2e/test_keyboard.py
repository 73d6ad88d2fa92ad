"""The foot map and the booking time picker with the keyboard alone: no mouse, no clicks, only Tab,
Enter and typing, at desktop and phone size."""

import re
from datetime import time

import pytest
from playwright.sync_api import expect

from bookings.models import BookingPolicy
from reflexology.models import Technique
from tests.bookings.factories import make_service, make_therapist
from tests.conftest import DESKTOP, PHONE, settle

SIZES = [pytest.param(DESKTOP, id="desktop"), pytest.param(PHONE, id="phone")]
ALL_DAY = {weekday: [(time(8), time(21))] for weekday in range(7)}
MOST_TABS = 150


def tab_until(page, condition: str, *, most: int = MOST_TABS) -> None:
    """Press Tab until the focused element matches the JavaScript `condition` (on `el`)."""
    for _ in range(most):
        page.keyboard.press("Tab")
        if page.evaluate(f"() => {{ const el = document.activeElement; return !!el && ({condition}); }}"):
            return
    pytest.fail(f"{most} presses of Tab never reached an element where {condition}")


def focused(page, expression: str):
    return page.evaluate(f"() => {{ const el = document.activeElement; return {expression}; }}")


@pytest.mark.parametrize("size", SIZES)
def test_a_zone_of_the_foot_map_is_reached_and_opened_with_the_keyboard(
    live_server, page, console_errors, content_committed, size
):
    page.set_viewport_size(size)
    page.goto(live_server.url + "/foot-map/")
    settle(page)

    tab_until(page, "el.closest('svg') !== null && el.hasAttribute('data-zone')")
    zone = focused(page, "el.getAttribute('data-zone')")
    name = focused(page, "el.getAttribute('aria-label')")
    assert zone and name
    # Focus is visible on the drawing: the focused zone is drawn with an outline or its focus style.
    assert focused(page, "el.matches(':focus-visible')")
    page.keyboard.press("Enter")

    expect(page).to_have_url(re.compile(rf"/foot-map/zones/{zone}/$"))
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    settle(page)
    assert console_errors == []


@pytest.fixture
def bookable(content_committed, settings, live_server):
    settings.SITE_URL = live_server.url
    policy = BookingPolicy.current()
    policy.slot_step_minutes = 30
    policy.min_notice_hours = 2
    policy.save()
    service = make_service(
        technique=Technique.objects.get(slug="classical"),
        minutes=60,
        price="2500.00",
        name="Classical foot massage",
    )
    make_therapist("anna", name="Anna Sokolova", services=[service], hours=ALL_DAY)
    return service


@pytest.mark.parametrize("size", SIZES)
def test_a_day_and_a_time_are_chosen_and_the_booking_goes_on_with_the_keyboard(
    live_server, page, console_errors, bookable, size
):
    page.set_viewport_size(size)
    page.goto(live_server.url + f"/book/time/?service={bookable.slug}")
    settle(page)

    # A free day other than the one already shown.
    tab_until(page, "el.matches('button.day-cell.is-free') && el.getAttribute('aria-pressed') !== 'true'")
    day = focused(page, "el.id")
    page.keyboard.press("Enter")
    expect(page.locator(f"#{day}")).to_have_attribute("aria-pressed", "true")
    settle(page)

    tab_until(page, "el.matches('button.time-option')")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/book/details/\?slot="))

    tab_until(page, "el.name === 'client_name'")
    page.keyboard.type("Kira Keyboard")
    tab_until(page, "el.name === 'client_email'", most=5)
    page.keyboard.type("kira@example.com")
    tab_until(page, "el.name === 'consent_personal_data'", most=5)
    page.keyboard.press("Space")
    tab_until(page, "el.matches('button[type=submit]')", most=5)
    page.keyboard.press("Enter")

    # On to the health questionnaire, with the way back to this booking.
    expect(page).to_have_url(re.compile(r"/intake/\?next="))
    expect(page.get_by_role("heading", level=1)).to_have_text("Your health questionnaire")
    settle(page)
    assert console_errors == []
