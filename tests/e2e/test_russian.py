"""The Russian site in a real browser at phone size: a Russian browser books a session on the
unprefixed pages, the e-mail's dates are Russian, and the manage link switches to English from the
keyboard, keeping the page. Text assertions use what holds before the project's catalog is merged
(Django's own Russian month names, the Russian money format, page structure); no console errors."""

import re

import pytest
from django.core import mail
from django.utils import translation
from playwright.sync_api import expect

from bookings.models import Appointment
from tests.conftest import PHONE, settle
from tests.e2e.test_booking import studio  # noqa: F401 (the fixture: services and therapists)

RUSSIAN_BROWSER = {"Accept-Language": "ru-RU,ru;q=0.9"}


@pytest.fixture
def russian_site(russian_default, studio):  # noqa: F811
    return studio


def genitive_month(moment) -> str:
    """ "марта": Django's own Russian name for the month after a day (no project catalog needed)."""
    with translation.override("ru"):
        return translation.pgettext("alt. month", moment.strftime("%B"))


def book_in_russian(page, base: str) -> None:
    page.goto(base + "/book/")
    expect(page.locator("html")).to_have_attribute("lang", "ru")
    page.locator('button[name="service"][value="classical-60"]').click()
    days = page.locator("button.day-cell.is-free")
    expect(days.first).to_be_visible()
    days.nth(3).click()
    expect(days.nth(3)).to_have_attribute("aria-pressed", "true")
    page.locator("#therapist-boris").check()
    # With one therapist chosen the times no longer name anyone (htmx has swapped them).
    expect(page.locator("button.time-option .time-therapist")).to_have_count(0)
    page.locator("button.time-option").first.click()
    page.locator("#id_client_name").fill("Мария Клиентова")
    page.locator("#id_client_email").fill("maria@example.com")
    page.locator("#id_client_phone").fill("8 900 123-45-67")
    page.locator("#id_consent_personal_data").check()
    page.locator("main form button.btn-primary[type=submit]").click()
    # The questionnaire: "none of these apply" in every group, consents, the signature.
    page.locator("#id_date_of_birth").fill("05.05.1980")
    for none in page.locator('input[name^="g_"][value="none"]').all():
        none.check()
    page.locator("#id_consent_health_data").check()
    page.locator("#id_consent_terms").check()
    page.locator("#id_consent_personal_data").check()
    page.locator("#id_signature").fill("Мария Клиентова")
    page.locator("main form button.btn-primary[type=submit]").last.click()


def test_a_russian_client_books_reads_a_russian_email_and_switches_to_english(
    live_server, page, console_errors, russian_site
):
    page.set_viewport_size(PHONE)
    page.set_extra_http_headers(RUSSIAN_BROWSER)
    book_in_russian(page, live_server.url)

    expect(page.locator(".summary-price-amount")).to_have_text("2\u00a0900\u00a0₽")
    page.locator(".confirm-button").click()
    expect(page.locator("html")).to_have_attribute("lang", "ru")
    appointment = Appointment.objects.get()
    assert appointment.language == "ru"
    month = genitive_month(appointment.start)

    (confirmation,) = [message for message in mail.outbox if message.attachments]
    assert month in confirmation.body and "\u00a0₽" in confirmation.body
    link = re.search(re.escape(live_server.url) + r"/appointments/[^/\s]+/", confirmation.body).group(0)

    page.goto(link)
    expect(page.locator("html")).to_have_attribute("lang", "ru")
    expect(page.locator("main")).to_contain_text(month)
    # The footer's switcher, from the keyboard: the same booking's page, in English, remembered.
    english = page.locator(".language-switcher-footer a[hreflang=en]")
    english.focus()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/en/appointments/[^/]+/$"))
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1)).to_have_text("See you soon, Мария Клиентова")
    page.goto(link)  # the unprefixed (Russian) link again: the choice of English wins
    expect(page).to_have_url(re.compile(r"/en/appointments/"))
    settle(page)
    assert console_errors == []
