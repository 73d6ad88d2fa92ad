"""The health questionnaire in a real browser, at desktop and phone size.

A client answers "No" to everything except one local condition (an open wound on the left foot)
and one absolute condition (a fever), sees the follow-ups appear only when they apply, sends the
form, and reads the result page. A second walk shows the error summary for missing consent.
"""

import os
from datetime import date

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from intake.models import Questionnaire
from tests.conftest import DESKTOP, PHONE
from tests.intake.conftest import FIXTURE_DIR
from tests.intake.factories import make_techniques

SIZES = [pytest.param(DESKTOP, id="desktop"), pytest.param(PHONE, id="phone")]


@pytest.fixture
def intake_data(transactional_db):
    with open(os.devnull, "w") as devnull:
        call_command(
            "loaddata",
            str(FIXTURE_DIR / "conditions.json"),
            str(FIXTURE_DIR / "screening_rules.json"),
            verbosity=0,
            stdout=devnull,
        )
    make_techniques()


def answer_no_to_everything(page):
    for radio in page.locator('input[type="radio"][name^="c_"][value="no"]').all():
        radio.check()


def answer(page, key, label):
    """The Yes / No / Not sure button of a screening question (not of its follow-ups)."""
    return page.locator(f"#question-{key} > .answer-options").get_by_label(label, exact=True)


def choose(page, key, label):
    answer(page, key, label).check()


def fill_contact_details(page):
    page.get_by_label("Your full name", exact=True).fill("Anna Example")
    page.get_by_label("Date of birth").fill("1985-04-12")
    page.get_by_label("E-mail", exact=True).fill("anna@example.com")


@pytest.mark.parametrize("size", SIZES)
def test_a_client_with_a_wound_and_a_fever_fills_in_the_questionnaire_and_reads_the_result(
    live_server, page, console_errors, intake_data, size
):
    page.set_viewport_size(size)
    page.goto(live_server.url + "/intake/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Your health questionnaire")
    fill_contact_details(page)
    answer_no_to_everything(page)

    wound_follow_ups = page.locator("#follow-ups-open_wound")
    expect(wound_follow_ups).to_be_hidden()
    choose(page, "open_wound", "Yes")
    expect(wound_follow_ups).to_be_visible()
    wound_follow_ups.get_by_label("Open, weeping, an ulcer or a burn").check()
    wound_follow_ups.get_by_role("group", name="Which foot or leg?").get_by_label("Left").check()
    wound_follow_ups.get_by_label("Where, and how big?").fill("small blister on the heel")

    choose(page, "fever", "Yes")
    cough = page.locator("#follow-ups-fever").get_by_role("group", name="Any cough")
    cough.get_by_label("No", exact=True).check()
    # Changing an answer back to "No" hides its follow-ups again.
    choose(page, "epilepsy", "Yes")
    expect(page.locator("#follow-ups-epilepsy")).to_be_visible()
    choose(page, "epilepsy", "No")
    expect(page.locator("#follow-ups-epilepsy")).to_be_hidden()

    page.get_by_label("I agree that the studio keeps my answers").check()
    page.get_by_label("I understand that a foot massage does not replace medical care").check()
    page.get_by_label("Type your full name to sign").fill("Anna Example")
    page.get_by_role("button", name="Send my answers").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you, Anna Example")
    expect(page.get_by_role("heading", name="Not possible at the moment")).to_be_visible()
    expect(page.get_by_text("A raised temperature means your body is busy getting better")).to_be_visible()
    expect(page.get_by_text("Book again once you've had 24 hours without a temperature.")).to_be_visible()
    expect(page.get_by_role("link", name="Thai foot massage with sticks")).to_be_visible()
    expect(page.get_by_role("heading", name="You can book")).to_have_count(0)
    page.wait_for_load_state("networkidle")
    assert console_errors == []

    questionnaire = Questionnaire.objects.get()
    assert questionnaire.answers["wound_side"] == "left"
    assert questionnaire.outcome_for("classical") == "decline"
    assert questionnaire.areas_for("classical") == ["foot_left"]  # kept for the therapist (R3)


@pytest.mark.parametrize("size", SIZES)
def test_missing_consent_shows_the_error_summary_and_keeps_the_answers(
    live_server, page, console_errors, intake_data, size
):
    page.set_viewport_size(size)
    page.goto(live_server.url + "/intake/")
    fill_contact_details(page)
    answer_no_to_everything(page)
    choose(page, "nail_fungus", "Yes")
    page.get_by_label("Type your full name to sign").fill("Anna Example")
    page.get_by_role("button", name="Send my answers").click()

    summary = page.locator("#error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Please agree to us keeping your health answers")
    summary.get_by_role("link", name="Please confirm the session terms.").click()
    expect(page.locator("#id_consent_terms")).to_be_in_viewport()
    expect(answer(page, "nail_fungus", "Yes")).to_be_checked()
    expect(page.get_by_label("Your full name", exact=True)).to_have_value("Anna Example")
    expect(page.locator("#follow-ups-nail_fungus")).to_be_visible()
    assert Questionnaire.objects.count() == 0
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

    page.get_by_label("Date of birth").fill(twenty.isoformat())
    expect(guardian).to_be_visible()
    page.get_by_label("Date of birth").fill("1985-04-12")
    expect(guardian).to_be_hidden()
    assert console_errors == []
