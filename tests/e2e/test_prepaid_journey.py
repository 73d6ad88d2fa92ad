"""Courses and gift certificates end to end, as real people, through the pages only: the desk sells a
course of five to a client by e-mail; the client signs in to the account by an e-mailed link, sees
"5 of 5", books with the course from there (4 left), cancels in time from the account (5 again) and
books again (4). The desk sells a gift certificate worth less than a session and prints it; its
holder pays part of a session with it and is told the rest is paid at the studio; the desk's
look-up shows nothing left on it. Then the same sign-in and account in Russian at phone size."""

import re
from decimal import Decimal

import pytest
from django.core import mail
from playwright.sync_api import expect

from bookings.models import Appointment, AppointmentStatus, CourseProduct
from staff.roles import Role, ensure_roles
from tests.conftest import DESKTOP, PHONE, settle
from tests.e2e.test_booking import choose_a_time, fill_questionnaire, give_details
from tests.e2e.test_booking import studio as studio
from tests.e2e.test_staff import sign_in, sign_out
from tests.staff.conftest import make_user

RUSSIAN_BROWSER = {"Accept-Language": "ru-RU,ru;q=0.9"}
M1000, M1500 = r"(?:1\D?000\D?₽|₽1,000)", r"(?:1\D?500\D?₽|₽1,500)"  # the locale's format
MONEY_1000 = re.compile(M1000)
MONEY_0 = re.compile(r"^\s*(0(,00)?\D?₽|₽0(\.00)?)\s*$")


@pytest.fixture
def desk(studio):
    ensure_roles()  # a transactional test starts from a flushed database
    CourseProduct.objects.create(
        name="Five classical",
        service=studio["classical"],
        sessions=5,
        price=Decimal("11000"),
        validity_months=6,
    )
    make_user("desk", Role.RECEPTION, first_name="Desk")
    return studio


def sign_in_to_the_account(page, base: str, email: str, *, prefix: str = "") -> None:
    """Ask for a link at the account page, take it from the e-mail, open it and confirm."""
    mail.outbox = []
    page.goto(base + prefix + "/account/")
    page.locator("main form input[type=email]").fill(email)
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/account/sign-in/sent/$"))  # the POST is answered: sent or not
    [message] = [m for m in mail.outbox if "/account/sign-in/" in m.body]
    assert message.to == [email]
    link = re.search(r"https?://\S+/account/sign-in/\S+/", message.body).group(0)
    page.goto(link)
    page.locator("main form button[type=submit]").click()
    expect(page.locator("#upcoming-heading")).to_be_visible()


def course_card(page):
    return page.locator("article.account-course", has_text="Five classical")


def book_from_the_account_with_the_course(page, *, questionnaire: bool) -> None:
    course_card(page).get_by_role("link", name="Book a session").click()
    page.get_by_role("button", name=re.compile("Classical foot massage")).click()
    choose_a_time(page, therapist="Anna Sokolova")
    give_details(page, "maria@example.com")
    if questionnaire:
        fill_questionnaire(page, email="maria@example.com")
    expect(page.get_by_role("heading", level=1)).to_have_text("Check and confirm")
    page.get_by_label("Use my course “Five classical” (5 of 5 sessions left)").check()
    page.get_by_role("button", name=re.compile("Confirm booking")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("You are booked")
    expect(page.locator(".paid-with")).to_contain_text("Your course “Five classical”: 4 sessions left on it")


def test_a_course_and_a_gift_certificate_from_the_desk_to_the_clients_account(
    live_server, page, console_errors, desk
):
    base = live_server.url
    page.set_viewport_size(DESKTOP)

    # 1. The desk sells a course of five to Maria, by her e-mail.
    sign_in(page, base, "desk")
    page.get_by_role("link", name="Courses & gifts").click()
    page.get_by_role("link", name="Sell a course").click()
    page.get_by_label("Course", exact=True).select_option(label="Five classical")
    page.get_by_label("Client's name").fill("Maria Client")
    page.get_by_label("Client's e-mail").fill("Maria@Example.com")
    page.get_by_label("Card").check()
    page.get_by_role("button", name="Sell the course").click()
    expect(page.locator(".messages")).to_contain_text("Sold: Five classical for Maria Client.")
    sign_out(page)

    # 2. Maria signs in to her account by an e-mailed link and sees her course.
    sign_in_to_the_account(page, base, "maria@example.com")
    expect(course_card(page)).to_contain_text("5 of 5 sessions left")

    # 3. She books with it from the account: 4 left, on the done page and in the account.
    book_from_the_account_with_the_course(page, questionnaire=True)
    page.goto(base + "/account/")
    expect(course_card(page)).to_contain_text("4 of 5 sessions left")

    # 4. She cancels in time from the account: the session goes back on the course.
    session = page.locator("article.account-session")
    expect(session).to_have_count(1)
    expect(session).to_contain_text("Anna Sokolova")
    session.get_by_role("link", name="Cancel").click()
    page.get_by_role("button", name="Yes, cancel it").click()
    expect(page.get_by_text("Your session is cancelled")).to_be_visible()
    page.goto(base + "/account/")
    expect(page.locator("article.account-session")).to_have_count(0)
    expect(course_card(page)).to_contain_text("5 of 5 sessions left")

    # 5. And books again with it (the questionnaire she gave is still valid): 4 left.
    book_from_the_account_with_the_course(page, questionnaire=False)
    page.goto(base + "/account/")
    expect(course_card(page)).to_contain_text("4 of 5 sessions left")
    expect(page.locator("article.account-session")).to_have_count(1)
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("You are signed out")

    # 6. The desk sells a gift certificate for 1 000 ₽ (a session is 2 500 ₽) and prints it.
    sign_in(page, base, "desk")
    page.get_by_role("link", name="Courses & gifts").click()
    page.get_by_role("link", name="Sell a gift certificate").click()
    page.get_by_label("Amount", exact=True).fill("1000")
    page.get_by_label("Buyer's name").fill("Vera Buyer")
    page.get_by_label("For whom").fill("Mila")
    page.get_by_label("Cash").check()
    page.get_by_role("button", name="Sell the certificate").click()
    expect(page.locator(".messages")).to_contain_text("Sold.")
    heading = page.get_by_role("heading", name=re.compile(r"^Certificate \S+$"))
    code = heading.inner_text().removeprefix("Certificate ").strip()
    page.get_by_role("link", name="Printable certificate").click()
    card = page.locator("article.certificate")
    expect(card.locator(".cert-code")).to_have_text(code)
    expect(card).to_contain_text(MONEY_1000)
    expect(card).to_contain_text("For Mila")
    page.get_by_role("link", name="Back to the desk").click()
    sign_out(page)

    # Mila pays part of a session with it and is told plainly the rest is paid at the studio.
    page.goto(base + "/book/")
    page.get_by_role("button", name=re.compile("Classical foot massage")).click()
    choose_a_time(page, therapist="Anna Sokolova")
    give_details(page, "mila@example.com")
    fill_questionnaire(page, email="mila@example.com")
    expect(page.get_by_role("heading", level=1)).to_have_text("Check and confirm")
    page.get_by_label("Use a gift certificate").check()
    page.get_by_label("Gift certificate code").fill(code.lower())
    page.get_by_role("button", name="Check the certificate").click()
    quote = page.locator(".certificate-quote")
    expect(quote).to_contain_text(re.compile(rf"Your certificate pays {M1000} of this session"))
    expect(quote).to_contain_text(re.compile(rf"the rest, {M1500}, is paid at the studio"))
    page.get_by_role("button", name=re.compile("Confirm booking")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("You are booked")
    expect(page.locator(".paid-with")).to_contain_text(
        re.compile(rf"the rest, {M1500}, is paid at the studio")
    )

    # The desk looks the certificate up: nothing is left on it.
    sign_in(page, base, "desk")
    page.get_by_role("link", name="Courses & gifts").click()
    page.get_by_label("Certificate code").fill(code)
    page.get_by_role("button", name="Look up").click()
    expect(page.get_by_role("heading", name=f"Certificate {code}")).to_be_visible()
    expect(page.locator(".cert-balance")).to_have_text(MONEY_0)

    booked = Appointment.objects.filter(status=AppointmentStatus.BOOKED)
    assert sorted(booked.values_list("client_email", flat=True)) == ["maria@example.com", "mila@example.com"]
    settle(page)
    assert console_errors == []


def test_the_russian_account_at_phone_size_shows_the_course_without_sideways_scroll(
    live_server, page, console_errors, russian_default, desk
):
    from bookings.prepaid import sell_course  # the desk's sale itself is walked in the test above

    sell_course(
        product=CourseProduct.objects.get(),
        client_name="Мария Клиентова",
        client_email="maria@example.com",
        payment_method="card",
    )
    page.set_viewport_size(PHONE)
    page.set_extra_http_headers(RUSSIAN_BROWSER)
    page.goto(live_server.url + "/account/")
    expect(page.locator("html")).to_have_attribute("lang", "ru")
    expect(page.get_by_role("heading", level=1)).to_have_text("Вход в личный кабинет")
    assert page.evaluate("document.scrollingElement.scrollWidth <= innerWidth")

    sign_in_to_the_account(page, live_server.url, "maria@example.com")
    expect(page).to_have_url(re.compile(r"/account/$"))
    assert "/en/" not in page.url
    expect(page.locator("html")).to_have_attribute("lang", "ru")
    expect(page).to_have_title(re.compile("Личный кабинет"))
    expect(page.locator("#courses-heading")).to_have_text("Мои абонементы")
    expect(course_card(page)).to_contain_text("осталось 5 из 5 сеансов")
    expect(course_card(page).get_by_role("link", name="Записаться на сеанс")).to_be_visible()
    assert page.evaluate("document.scrollingElement.scrollWidth <= innerWidth")
    for button in page.locator("main .btn").all():  # every button wholly on the screen
        box = button.bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"] + 0.5, button.inner_text()
    settle(page)
    assert console_errors == []
