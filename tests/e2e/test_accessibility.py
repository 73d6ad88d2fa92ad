"""axe-core on every page a visitor, a client and a member of staff sees, at desktop and phone size.

Fails on any serious or critical violation; lesser ones are reported as warnings (pytest's warnings
summary), so they are seen without blocking. axe-core comes from npm (node_modules/axe-core) and is
added to each page with `add_init_script`, which Chromium runs through the DevTools protocol: the
site's strict Content-Security-Policy stays on (no bypass), and the pages must still load without a
console error.

The pages are walked in three groups (reference pages, a client's pages, the staff area), each with
the demo studio, and each page is checked at desktop size and again at phone size without reloading
(the layout follows the window).
"""

import warnings
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.contrib.sessions.backends.db import SessionStore
from django.test import Client
from django.utils import timezone

from bookings.availability import compute_slots, load_availability_data
from bookings.links import manage_link_token
from bookings.models import Appointment, AppointmentStatus, Service, Therapist
from bookings.web.flow import sign_slot
from intake.links import result_token
from intake.questionnaires import ClientDetails, submit_questionnaire
from intake.session import SESSION_KEY
from reflexology.models import Technique, Zone
from staff.roles import Role, assign_role
from tests.bookings.factories import make_questionnaire
from tests.conftest import DESKTOP, PHONE, PROJECT_DIR, settle
from tests.db import DEMO_FRESH_FOR, replayed

AXE = PROJECT_DIR / "node_modules" / "axe-core" / "axe.min.js"
BLOCKING = {"serious", "critical"}
SIZES = [("desktop", DESKTOP), ("phone", PHONE)]
RUN_AXE = """async () => {
  const result = await axe.run(document, {resultTypes: ["violations"]});
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 3).map(n => n.target.join(" ") + " :: " + n.failureSummary.split("\\n")[1])
  }));
}"""


class AccessibilityWarning(UserWarning):
    """An axe-core finding below "serious": reported, not failing."""


@pytest.fixture
def demo(live_server, settings):
    settings.SITE_URL = live_server.url
    replayed("load_content")
    replayed("load_demo", fresh_for=DEMO_FRESH_FOR)


@pytest.fixture
def axe_page(page, console_errors):
    if not AXE.exists():
        pytest.fail("node_modules/axe-core is missing: run `make setup` (npm ci)")
    page.add_init_script(path=str(AXE))
    return page


def check(page, url: str, label: str, status: int) -> list[str]:
    """Load `url`, run axe at each size; the blocking findings, after warning about the others."""
    response = page.goto(url)
    assert response is not None and response.status == status, f"{label}: HTTP {response and response.status}"
    return audit(page, label)


def audit(page, label: str) -> list[str]:
    """Run axe on the page as it is, at each size; the blocking findings (the others become warnings)."""
    blocking = []
    settle(page)
    for size_name, size in SIZES:
        page.set_viewport_size(size)
        for violation in page.evaluate(RUN_AXE):
            line = (
                f"{label} at {size_name} size: {violation['impact']} {violation['id']}: {violation['help']} "
                f"{violation['nodes']}"
            )
            if violation["impact"] in BLOCKING:
                blocking.append(line)
            else:
                warnings.warn(line, AccessibilityWarning, stacklevel=2)
    return blocking


def walk(page, base: str, pages: list[tuple], console_errors: list[str]) -> None:
    """Check each (label, path[, expected status]); fail with every blocking finding at once."""
    blocking = []
    for label, path, *status in pages:
        blocking += check(page, base + path, label, status[0] if status else 200)
    assert blocking == [], "serious or critical accessibility violations:\n" + "\n".join(blocking)
    assert console_errors == []


def a_free_slot(service: Service):
    first = timezone.localdate() + timedelta(days=3)
    data = load_availability_data(service=service, first_day=first, last_day=first + timedelta(days=10))
    return compute_slots(data)[0]


def session_cookie(live_server, session_key: str) -> dict:
    return {"name": "sessionid", "value": session_key, "url": live_server.url}


def test_reference_pages(live_server, demo, axe_page, console_errors):
    therapist = Therapist.objects.active().order_by("pk").first()
    technique = Technique.objects.published().order_by("order", "pk").first()
    zone = Zone.objects.order_by("pk").first()
    pages = [
        ("home", "/"),
        ("techniques", "/techniques/"),
        ("a technique", technique.get_absolute_url()),
        ("the foot map", "/foot-map/"),
        ("a zone", zone.get_absolute_url()),
        ("reflexology and the evidence", "/reflexology-and-evidence/"),
        ("search", "/search/?q=heel"),
        ("prices", "/prices/"),
        ("the team", "/therapists/"),
        ("a therapist", f"/therapists/{therapist.slug}/"),
    ]
    walk(axe_page, live_server.url, pages, console_errors)


def test_a_clients_pages(live_server, demo, axe_page, console_errors):
    questionnaire = submit_questionnaire(
        details=ClientDetails(
            name="Ada Client",
            email="ada@example.com",
            signature="Ada Client",
            consent_health_data=True,
            consent_terms=True,
            consent_personal_data=True,
            date_of_birth=timezone.localdate().replace(year=1980),
        ),
        answers={"fever": "no", "diabetes": "yes", "diabetes_insulin": "yes"},
        origin=live_server.url,
    )
    expecting = submit_questionnaire(
        details=ClientDetails(
            name="Bea Client",
            email="bea@example.com",
            signature="Bea Client",
            consent_health_data=True,
            consent_terms=True,
            consent_personal_data=True,
            date_of_birth=timezone.localdate().replace(year=1990),
        ),
        answers={"pregnancy": "yes", "pregnancy_weeks": "t2", "pregnancy_midwife_knows": "yes"},
        origin=live_server.url,
    )
    assert expecting.areas_for("classical"), "the drawing has places to hatch"
    service = Service.objects.filter(active=True, technique__slug="classical").order_by("pk").first()
    slot = sign_slot(service=service.slug, start=a_free_slot(service).start)
    session = SessionStore()
    session[SESSION_KEY] = str(questionnaire.public_id)
    session["bookings.web.flow.contact"] = {"name": "Ada Client", "email": "ada@example.com", "phone": ""}
    session.create()
    axe_page.context.add_cookies([session_cookie(live_server, session.session_key)])
    later = timezone.now() + timedelta(days=2)
    booked = Appointment.objects.filter(status=AppointmentStatus.BOOKED, start__gte=later).order_by("start")
    token = manage_link_token(booked.first())
    pages = [
        ("the questionnaire", "/intake/"),
        ("the questionnaire's result", f"/intake/result/{result_token(questionnaire)}/"),
        ("a result with places to leave out drawn", f"/intake/result/{result_token(expecting)}/"),
        ("booking: the session", "/book/"),
        ("booking: day and time", f"/book/time/?service={service.slug}"),
        ("booking: your details", f"/book/details/?slot={slot}"),
        ("booking: check and confirm", f"/book/summary/?slot={slot}"),
        ("booking: booked", f"/book/done/{token}/"),
        ("a booking's own page", f"/appointments/{token}/"),
        ("moving a booking", f"/appointments/{token}/move/"),
        ("cancelling a booking", f"/appointments/{token}/cancel/"),
    ]
    walk(axe_page, live_server.url, pages, console_errors)


def test_the_staff_area(live_server, demo, axe_page, console_errors):
    member = get_user_model().objects.create_user("axe-manager", password="a-long-test-password")
    assign_role(member, Role.MANAGER)
    signed_in = Client()
    signed_in.force_login(member)
    first = Appointment.objects.filter(status=AppointmentStatus.BOOKED).order_by("start").first()
    screened = Appointment.objects.filter(status=AppointmentStatus.BOOKED).order_by("start").last()
    screened.questionnaire = make_questionnaire(
        email="screened@example.com",
        screening={
            screened.service.technique.slug: {
                "outcome": "avoid_area",
                "areas": ["ankle_medial", "heel-centre", "affected_site"],
                "modifiers": ["gentle_pressure", "skin_check"],
                "therapist_notes": ["Keep the pressure light around the ankles."],
            }
        },
    )
    screened.save(update_fields=["questionnaire"])
    walk(axe_page, live_server.url, [("staff sign-in", "/staff/login/")], console_errors)
    axe_page.context.add_cookies([session_cookie(live_server, signed_in.cookies["sessionid"].value)])
    pages = [
        ("staff: the day", f"/staff/?date={timezone.localdate(first.start)}"),
        ("staff: the week", "/staff/week/"),
        ("staff: an appointment", f"/staff/appointments/{first.pk}/"),
        ("staff: an appointment with its screening drawn", f"/staff/appointments/{screened.pk}/"),
        ("staff: the session sheet", f"/staff/appointments/{screened.pk}/sheet/"),
    ]
    walk(axe_page, live_server.url, pages, console_errors)


def test_error_pages(live_server, demo, axe_page, console_errors, settings):
    walk(axe_page, live_server.url, [("page not found", "/no-such-page/", 404)], [])

    settings.RATE_LIMIT = True
    settings.RATE_LIMITS = {"intake:questionnaire": (0, 3600)}
    axe_page.goto(live_server.url + "/intake/")
    axe_page.get_by_label("Your full name", exact=True).fill("Ada Client")
    with axe_page.expect_response(lambda answer: answer.request.method == "POST") as posted:
        axe_page.get_by_role("button", name="Send my answers").click()
    assert posted.value.status == 429
    assert axe_page.get_by_role("button", name="Send it again").is_visible()
    assert audit(axe_page, "too many submissions (429)") == []
    # The only console messages are Chromium's notes that the pages themselves answered 404 and 429.
    assert [error for error in console_errors if "the server responded with a status of 4" not in error] == []
