"""The health questionnaire in a real browser, at desktop and phone size.

The questions come as six groups: tick what applies (its follow-ups open in place) or "None of these
apply to me". Counted on a phone: a healthy adult coming from the booking flow (name and e-mail
already given there) finishes in at most 12 taps, date of birth and signature included; a client
with two conditions in a few more. Also: an empty group is explained and the answers kept, the page
works with the keyboard alone, axe finds nothing serious with follow-ups open and with errors shown,
and the guardian field follows the adult age.
"""

from datetime import date

import pytest
from django.contrib.sessions.backends.db import SessionStore
from playwright.sync_api import expect

from intake.models import Questionnaire
from intake.session import PREFILL_KEY
from tests.conftest import DESKTOP, PHONE, settle
from tests.db import replayed
from tests.e2e.test_accessibility import AXE, audit
from tests.e2e.test_keyboard import focused, tab_until
from tests.intake.conftest import FIXTURE_DIR
from tests.intake.factories import make_techniques

SIZES = [pytest.param(DESKTOP, id="desktop"), pytest.param(PHONE, id="phone")]
SECTIONS = ["today", "circulation", "skin", "joints", "pregnancy", "long_term"]


@pytest.fixture
def intake_data(transactional_db):
    replayed("loaddata", str(FIXTURE_DIR / "conditions.json"), str(FIXTURE_DIR / "screening_rules.json"))
    make_techniques()


class Taps:
    """Counts what a client taps on a phone: each click on a control, and each field they tap into
    before typing (typing itself is not a tap)."""

    def __init__(self, page):
        self.page, self.count = page, 0

    def tap(self, locator):
        locator.click()
        self.count += 1

    def type_into(self, locator, text: str):
        self.tap(locator)
        self.page.keyboard.type(text)


def none_of_these(page, section: str):
    return page.locator(f"#id_g_{section}_none")


def coming_from_the_booking_flow(page, live_server):
    """The booking flow's details step has already taken the name and e-mail (session prefill)."""
    session = SessionStore()
    session[PREFILL_KEY] = {"client_name": "Anna Example", "client_email": "anna@example.com"}
    session.create()
    page.context.add_cookies([{"name": "sessionid", "value": session.session_key, "url": live_server.url}])


def sign_and_send(page, taps: Taps):
    taps.type_into(page.get_by_label("Date of birth"), "12041985")  # the number pad, no dots needed
    taps.tap(page.locator("label[for=id_consent_health_data]"))
    taps.tap(page.locator("label[for=id_consent_terms]"))
    taps.tap(page.locator("label[for=id_consent_personal_data]"))
    taps.type_into(page.get_by_label("Type your full name to sign"), "Anna Example")
    taps.tap(page.get_by_role("button", name="Send my answers"))


def test_a_healthy_adult_finishes_in_at_most_twelve_taps_on_a_phone(
    live_server, page, console_errors, intake_data
):
    page.set_viewport_size(PHONE)
    coming_from_the_booking_flow(page, live_server)
    page.goto(live_server.url + "/intake/")
    taps = Taps(page)

    for section in SECTIONS:
        taps.tap(page.locator(f"label[for=id_g_{section}_none]"))
    sign_and_send(page, taps)

    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you, Anna Example")
    assert taps.count <= 12, taps.count
    # six groups, date of birth, three consents (personal data on its own, as the law asks), signature, send
    assert taps.count == 12
    saved = Questionnaire.objects.get()
    assert set(saved.answers.values()) == {"no"}
    assert saved.date_of_birth == date(1985, 4, 12)
    assert console_errors == []


def test_a_client_with_two_conditions_answers_their_follow_ups_in_place(
    live_server, page, console_errors, intake_data
):
    page.set_viewport_size(PHONE)
    coming_from_the_booking_flow(page, live_server)
    page.goto(live_server.url + "/intake/")
    taps = Taps(page)

    fungus = page.locator("#follow-ups-nail_fungus")
    expect(fungus).to_be_hidden()
    taps.tap(page.get_by_text("Fungal toenails", exact=True))
    expect(fungus).to_be_visible()
    taps.tap(page.get_by_text("High blood pressure", exact=True))
    pressure = page.locator("#follow-ups-high_blood_pressure")
    expect(pressure).to_be_visible()
    taps.tap(
        pressure.get_by_role("group", name="Is it treated and usually well controlled?").get_by_text("Yes")
    )
    taps.tap(pressure.get_by_role("group", name="Any headache, blurred vision").get_by_text("No", exact=True))
    for section in ("today", "joints", "pregnancy", "long_term"):
        taps.tap(page.locator(f"label[for=id_g_{section}_none]"))
    sign_and_send(page, taps)

    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you, Anna Example")
    assert taps.count == 14  # two ticks, two follow-ups, four groups "none", then the same six
    saved = Questionnaire.objects.get()
    assert saved.answers["nail_fungus"] == "yes"
    assert saved.answers["high_blood_pressure"] == "yes"
    assert saved.answers["bp_controlled"] == "yes"
    assert saved.answers["fever"] == "no"
    assert console_errors == []


@pytest.mark.parametrize("size", SIZES)
def test_none_and_a_tick_exclude_each_other_and_an_empty_group_is_explained(
    live_server, page, console_errors, intake_data, size
):
    page.add_init_script(path=str(AXE))  # for the audit at the end
    page.set_viewport_size(size)
    page.goto(live_server.url + "/intake/")
    page.get_by_label("Your full name", exact=True).fill("Anna Example")
    page.get_by_label("E-mail", exact=True).fill("anna@example.com")
    page.get_by_label("Date of birth").fill("12.04.1985")

    page.locator("label[for=id_g_skin_none]").click()
    page.get_by_text("Verrucas", exact=True).click()  # a tick unticks "none" ...
    expect(none_of_these(page, "skin")).not_to_be_checked()
    expect(page.locator("#follow-ups-plantar_warts")).to_be_visible()
    page.locator("label[for=id_g_skin_none]").click()  # ... and "none" unticks the ticks
    expect(page.locator("#follow-ups-plantar_warts")).to_be_hidden()
    page.get_by_text("Verrucas", exact=True).click()

    for section in ("today", "circulation", "joints", "long_term"):  # "pregnancy" left unanswered
        page.locator(f"label[for=id_g_{section}_none]").click()
    page.locator("label[for=id_consent_health_data]").click()
    page.locator("label[for=id_consent_terms]").click()
    page.locator("label[for=id_consent_personal_data]").click()
    page.get_by_label("Type your full name to sign").fill("Anna Example")
    page.get_by_role("button", name="Send my answers").click()

    summary = page.locator("#error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Pregnancy and hormones: Please tick what applies to you")
    summary.get_by_role("link").first.click()
    expect(page.locator("#id_g_pregnancy_0")).to_be_in_viewport()
    expect(page.locator("input[name=g_skin][value=plantar_warts]")).to_be_checked()
    expect(page.locator("#follow-ups-plantar_warts")).to_be_visible()
    expect(page.get_by_label("Your full name", exact=True)).to_have_value("Anna Example")
    assert Questionnaire.objects.count() == 0
    assert audit(page, "the questionnaire with errors and follow-ups open") == []
    assert console_errors == []


@pytest.mark.parametrize("size", SIZES)
def test_the_questionnaire_works_with_the_keyboard_alone(
    live_server, page, console_errors, intake_data, size
):
    page.set_viewport_size(size)
    coming_from_the_booking_flow(page, live_server)
    page.goto(live_server.url + "/intake/")
    settle(page)

    tab_until(page, "el.name === 'date_of_birth'")
    page.keyboard.type("12.04.1985")
    tab_until(page, "el.value === 'fever'")
    page.keyboard.press("Space")  # a tick opens its follow-ups, next in the tab order
    expect(page.locator("#follow-ups-fever")).to_be_visible()
    tab_until(page, "el.name === 'f_fever_symptoms'", most=10)
    page.keyboard.press("Space")
    assert focused(page, "el.checked") is True
    for section in SECTIONS[1:]:
        tab_until(page, f"el.id === 'id_g_{section}_none'")
        page.keyboard.press("Space")
    tab_until(page, "el.name === 'consent_health_data'")
    page.keyboard.press("Space")
    page.keyboard.press("Tab")
    page.keyboard.press("Space")
    tab_until(page, "el.name === 'consent_personal_data'", most=2)
    page.keyboard.press("Space")
    tab_until(page, "el.name === 'signature'", most=5)
    page.keyboard.type("Anna Example")
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you, Anna Example")
    assert Questionnaire.objects.get().answers["fever"] == "yes"
    assert console_errors == []


def test_the_guardian_field_follows_the_studios_adult_age(
    live_server, page, console_errors, intake_data, settings
):
    settings.INTAKE_ADULT_AGE = 21
    today = date.today()
    twenty = date(today.year - 20, today.month, min(today.day, 28))
    page.goto(live_server.url + "/intake/")
    guardian = page.locator("[data-guardian]")
    expect(guardian).to_be_hidden()

    page.get_by_label("Date of birth").fill(twenty.strftime("%d.%m.%Y"))
    expect(guardian).to_be_visible()
    page.get_by_label("Date of birth").fill("12.04.1985")
    expect(guardian).to_be_hidden()
    assert console_errors == []
