"""No page scrolls sideways: every public and staff page of the site map (tests/hardening/site_map.py, so
a new page is checked as soon as it is routed), at 320, 390 and 1280 px, with the demo studio. Each page
is loaded once at 320 px and widened to the others.

At 1280 px no table is clipped inside its scrolling box either (the manager's per-therapist report lost
its no-show column that way). And the staff day view's 30 and 45 minute blocks show the service.
"""

import pytest
from django.test import Client
from django.utils import timezone
from playwright.sync_api import expect

from bookings.models import Service
from tests.bookings.factories import (
    MONDAY,
    at,
    make_appointment,
    make_questionnaire,
    make_service,
    make_therapist,
)
from tests.conftest import settle
from tests.db import DEMO_FRESH_FOR, replayed
from tests.hardening.site_map import Known, fill, routes

WIDTHS = (320, 390, 1280)
SIDEWAYS = """() => {
  const root = document.documentElement;
  const wide = [...document.querySelectorAll("body *")]
    .filter(el => el.getBoundingClientRect().right > root.clientWidth + 1)
    .slice(0, 3).map(el => el.tagName.toLowerCase() + "." + [...el.classList].join("."));
  return {scroll: root.scrollWidth, client: root.clientWidth, wide};
}"""
CLIPPED_TABLES = """() => [...document.querySelectorAll(".table-responsive")]
  .filter(box => box.scrollWidth > box.clientWidth + 1)
  .map(box => (box.closest("section") || box).querySelector("h2, h3")?.textContent.trim() || "a table")"""
# Two frames after a resize: the resize event's handlers have run and the page is laid out again.
NEXT_FRAMES = "() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))"
NOT_PAGES = ("logout", "calendar", "csv", "api/", "healthz", "media/")


def session_cookie(live_server, user) -> dict:
    client = Client()
    client.force_login(user)
    return {"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}


def site_pages(known: Known) -> list[tuple[str, bool]]:
    """(path, staff) for every routed page, with parameters that exist in the demo studio."""
    pages = []
    for route in routes():
        if any(part in route.route for part in NOT_PAGES) or route.route.startswith("^"):
            continue
        values = {name: known.value_for(route, name) for name, _kind in route.parameters}
        pages.append((fill(route, values), route.staff))
    service = Service.objects.bookable().order_by("pk").first()
    pages.append((f"/book/time/?service={service.slug}", False))
    return pages


@pytest.fixture
def demo_site(live_server, settings):
    settings.SITE_URL = live_server.url
    replayed("load_content")
    replayed("load_demo", fresh_for=DEMO_FRESH_FOR)
    return Known.build()


def html_pages(page, base: str, pages: list[tuple[str, bool]]) -> list[str]:
    """The paths that answer 200 with HTML (not a form's POST target, a redirect or a download)."""
    found = []
    for path, _staff in pages:
        answer = page.request.get(base + path, max_redirects=0)
        if answer.status == 200 and "text/html" in answer.headers.get("content-type", ""):
            found.append(path)
    return found


def test_no_page_scrolls_sideways_at_any_width(live_server, page, demo_site):
    page.context.add_cookies([session_cookie(live_server, demo_site.manager)])
    paths = html_pages(page, live_server.url, site_pages(demo_site))
    assert len(paths) >= 25, f"only {len(paths)} pages found: the site map found fewer pages than it should"
    problems = []
    for path in paths:
        # Each page is loaded once, at the narrowest width, and then widened: the layout follows the
        # window (media queries, and the scripts' resize handlers get a frame to run), so one load
        # checks all the widths (a third of the loads of one per width).
        page.set_viewport_size({"width": WIDTHS[0], "height": 900})
        page.goto(live_server.url + path)
        settle(page)
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 900})
            page.evaluate(NEXT_FRAMES)
            found = page.evaluate(SIDEWAYS)
            if found["scroll"] > found["client"]:
                wide = ", ".join(found["wide"])
                problems.append(f"{path} at {width} px: {found['scroll']} px wide ({wide})")
            if width >= 1280:
                clipped = page.evaluate(CLIPPED_TABLES)
                problems += [f"{path} at {width} px: {name} is clipped" for name in clipped]
    assert problems == []


@pytest.fixture
def short_sessions(transactional_db, monkeypatch):
    from staff.roles import Role, ensure_roles
    from tests.staff.conftest import Clock, make_user

    monkeypatch.setattr(timezone, "now", Clock(at(MONDAY, "08:00")))
    ensure_roles()
    express = make_service(technique="classical", slug="express-30", minutes=30, price="1500.00")
    relaxing = make_service(technique="relaxing", slug="relaxing-45", minutes=45, price="2000.00")
    anna = make_therapist("anna", name="Anna Example", services=[express, relaxing])
    flagged = make_questionnaire(
        email="flag@example.com", screening={"classical": {"outcome": "avoid_area", "areas": ["heel"]}}
    )
    first = make_appointment(service=express, therapist=anna, start=at(MONDAY, "10:00"))
    first.questionnaire = flagged
    first.save()
    make_appointment(service=relaxing, therapist=anna, start=at(MONDAY, "11:00"))
    return make_user("boss", Role.MANAGER)


def test_half_hour_and_45_minute_blocks_show_the_service_inside_the_block(live_server, page, short_sessions):
    page.context.add_cookies([session_cookie(live_server, short_sessions)])
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{live_server.url}/staff/?date={MONDAY.isoformat()}")

    blocks = page.locator("a.appt")
    expect(blocks).to_have_count(2)
    for index in range(2):
        block = blocks.nth(index)
        service = block.locator(".appt-service")
        expect(service).to_be_visible()
        outer, inner = block.bounding_box(), service.bounding_box()
        assert inner["y"] + inner["height"] <= outer["y"] + outer["height"] + 1, "the service is cut off"
        assert inner["width"] > 40, "the service has no room beside the flags"
        for flag in block.locator(".flag").all():
            box = flag.bounding_box()
            assert box["y"] + box["height"] <= outer["y"] + outer["height"] + 1, "a flag is cut off"
    expect(blocks.first.locator(".appt-service")).to_contain_text("Classical")


def test_the_contact_page_passes_axe_and_loads_nothing_from_elsewhere(live_server, page, console_errors):
    from tests.e2e.test_accessibility import AXE, audit

    make_therapist("anna", name="Anna Example")
    requests = []
    page.on("request", lambda request: requests.append(request.url))
    page.add_init_script(path=str(AXE))
    page.goto(live_server.url + "/contact/")

    assert audit(page, "contact") == []
    maps = page.get_by_role("link", name="Open the address in Yandex Maps")
    expect(maps).to_have_attribute("target", "_blank")
    assert [url for url in requests if not url.startswith(live_server.url)] == []
    assert console_errors == []
