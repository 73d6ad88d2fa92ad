"""The desk's courses and gift certificates: selling, finding, taking part of a certificate, printing.

Every bad input gets a message, keeps what was typed, and sells or spends nothing; each page runs a
fixed number of queries whatever the data."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bookings.certificate_links import certificate_path
from bookings.models import Certificate, CertificateEntry, Course, CourseProduct
from bookings.prepaid import redeem_certificate, sell_certificate, sell_course
from tests.utils import assert_csp_clean

pytestmark = pytest.mark.django_db

SELL_COURSE = reverse("staff:prepaid_sell_course")
SELL_CERTIFICATE = reverse("staff:prepaid_sell_certificate")
CERTIFICATES = reverse("staff:prepaid_certificates")
REDEEM = reverse("staff:prepaid_redeem")
COURSES = reverse("staff:prepaid_courses")


@pytest.fixture
def product(studio):
    return CourseProduct.objects.create(
        name="Five classical sessions",
        service=studio.service,
        sessions=5,
        price=Decimal("11000"),
        validity_months=6,
    )


@pytest.fixture
def desk(client, studio):
    client.force_login(studio.user("reception"))
    return client


def gift(amount="3000", **fields):
    return sell_certificate(payment_method="cash", buyer_name="Vera", amount=Decimal(amount), **fields)


def balance(certificate) -> Decimal:
    return Certificate.objects.get(pk=certificate.pk).balance


def field_value(html: str, name: str) -> str:
    match = re.search(rf'<input[^>]*name="{name}"[^>]*value="([^"]*)"', html)
    return match.group(1) if match else ""


# --- Selling a course ------------------------------------------------------------------------------


def test_the_desk_sells_a_course_to_a_client_found_by_name(desk, studio, product):
    page = desk.get(SELL_COURSE, {"q": "clara"}).content.decode()
    assert "client@example.com" in page  # the search found Clara's booking
    prefilled = desk.get(
        SELL_COURSE, {"client_name": "Clara Client", "client_email": "client@example.com"}
    ).content.decode()
    assert field_value(prefilled, "client_email") == "client@example.com"

    response = desk.post(
        SELL_COURSE,
        {
            "product": product.pk,
            "client_name": "Clara Client",
            "client_email": " Client+Desk@Example.com",
            "payment_method": "card",
        },
    )

    assert response.status_code == 302
    course = Course.objects.get()
    assert (course.client_email, course.sessions_left, course.payment_method) == (
        "client+desk@example.com",  # normalised; the "+" survives the redirect
        5,
        "card",
    )
    assert course.sold_by == studio.user("reception")
    listing = desk.get(response.url).content.decode()
    assert "Five classical sessions" in listing and "<strong>5</strong> / 5" in listing


def test_the_client_search_finds_by_phone_and_email_too(desk, studio):
    type(studio.appointment).objects.filter(pk=studio.appointment.pk).update(client_phone="+79001234567")
    by_phone = desk.get(SELL_COURSE, {"q": "8 900 123"}).content.decode()
    by_email = desk.get(SELL_COURSE, {"q": "CLIENT@"}).content.decode()
    nobody = desk.get(SELL_COURSE, {"q": "nobody-like-this"}).content.decode()

    assert "Clara Client" in by_phone and "Clara Client" in by_email
    assert "No client found" in nobody


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"client_email": ""}, "This field is required"),
        ({"client_email": "not-an-email"}, "valid email"),
        ({"payment_method": ""}, "Choose how it was paid"),
        ({"payment_method": "bitcoin"}, "Select a valid choice"),
        ({"product": "999999"}, "Choose a course on sale"),
        ({"product": "abc"}, "Choose a course on sale"),
    ],
)
def test_a_bad_course_sale_says_why_keeps_the_typing_and_sells_nothing(desk, product, data, message):
    form = {
        "product": product.pk,
        "client_name": "Clara Typed",
        "client_email": "c@example.com",
        "payment_method": "cash",
    }

    response = desk.post(SELL_COURSE, form | data)

    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    assert "Clara Typed" in html
    assert Course.objects.count() == 0


def test_a_course_no_longer_on_sale_cannot_be_sold(desk, product):
    form = {
        "product": product.pk,
        "client_name": "Clara",
        "client_email": "c@example.com",
        "payment_method": "cash",
    }
    CourseProduct.objects.filter(pk=product.pk).update(active=False)

    response = desk.post(SELL_COURSE, form)

    assert response.status_code == 400
    assert Course.objects.count() == 0


# --- Selling a certificate -------------------------------------------------------------------------


def certificate_form(**changes):
    return {
        "kind": "amount",
        "amount": "5000",
        "buyer_name": "Vera Buyer",
        "buyer_email": "vera@example.com",
        "recipient_name": "Mila",
        "message": "Happy birthday, rest your feet!",
        "payment_method": "transfer",
    } | changes


def test_the_desk_sells_a_certificate_and_the_buyer_is_emailed_its_link(
    desk, studio, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = desk.post(SELL_CERTIFICATE, certificate_form())

    assert response.status_code == 302
    certificate = Certificate.objects.get()
    assert (certificate.amount, certificate.balance, certificate.payment_method) == (
        Decimal("5000.00"),
        Decimal("5000.00"),
        "transfer",
    )
    assert response.url == f"{CERTIFICATES}?code={certificate.code}"
    assert [message.to for message in mailoutbox] == [["vera@example.com"]]
    assert certificate_path(certificate) in mailoutbox[0].body
    assert certificate.code in mailoutbox[0].body
    page = desk.get(response.url).content.decode()
    assert (
        "₽5,000" in page
        and reverse("staff:prepaid_certificate_print", args=[certificate.code]) in page
    )


def test_a_certificate_for_a_session_and_without_an_email_sends_nothing(
    desk, studio, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = desk.post(
            SELL_CERTIFICATE,
            certificate_form(kind="service", amount="", service=studio.service.pk, buyer_email=""),
        )

    assert response.status_code == 302
    certificate = Certificate.objects.get()
    assert certificate.service == studio.service and certificate.amount == Decimal("2500.00")
    assert mailoutbox == []


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"amount": ""}, "Enter the certificate&#x27;s amount"),
        ({"amount": "-100"}, "The amount must be more than zero"),
        ({"amount": "0"}, "The amount must be more than zero"),
        ({"amount": "lots"}, "Enter an amount in numbers"),
        ({"amount": "12.345"}, "at most two digits"),
        ({"kind": "service"}, "Choose the session the certificate is for"),
        ({"buyer_name": ""}, "This field is required"),
        ({"buyer_email": "vera@"}, "valid email"),
        ({"payment_method": ""}, "Choose how it was paid"),
    ],
)
def test_a_bad_certificate_sale_says_why_keeps_the_typing_and_sells_nothing(desk, changes, message):
    response = desk.post(SELL_CERTIFICATE, certificate_form(**changes))

    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    assert "Happy birthday, rest your feet!" in html
    assert Certificate.objects.count() == 0


# --- Finding a certificate and taking part of it ---------------------------------------------------


def test_a_certificate_is_found_however_its_code_is_typed(desk):
    certificate = gift(recipient_name="Mila")
    typed = certificate.code.replace("-", " ").lower()

    response = desk.get(CERTIFICATES, {"code": typed})

    assert response.status_code == 200
    assert_csp_clean(response)
    html = response.content.decode()
    assert f"Certificate {certificate.code}" in html
    assert "₽3,000" in html and "Sold" in html


@pytest.mark.parametrize("typed", ["ZZZZ-ZZZZ-ZZZZ", "hello", "<script>", ""])
def test_an_unknown_code_says_so_and_keeps_what_was_typed(desk, typed):
    gift()

    response = desk.get(CERTIFICATES, {"code": typed})

    assert response.status_code == 400
    html = response.content.decode()
    assert "We do not know this certificate code" in html or "Type the code printed" in html
    if typed:
        assert field_value(html, "code") == typed.replace("<", "&lt;").replace(">", "&gt;")


def test_the_desk_takes_part_of_a_certificate(desk, studio):
    certificate = gift("3000")

    response = desk.post(REDEEM, {"code": certificate.code, "amount": "1200,50"})

    assert response.status_code == 302
    assert balance(certificate) == Decimal("1799.50")
    entry = CertificateEntry.objects.get(certificate=certificate, kind="redeem")
    assert entry.amount == Decimal("-1200.50") and entry.user == studio.user("reception")
    page = desk.get(response.url).content.decode()
    assert "₽1,799.50 left" in page


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        ("3000.01", "Only ₽3,000 is left on this certificate"),
        ("-5", "The amount must be more than zero"),
        ("0", "The amount must be more than zero"),
        ("abc", "Enter an amount in numbers"),
        ("", "This field is required"),
    ],
)
def test_a_bad_amount_says_why_keeps_it_and_spends_nothing(desk, amount, message):
    certificate = gift("3000")

    response = desk.post(REDEEM, {"code": certificate.code, "amount": amount})

    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    assert field_value(html, "amount") == amount
    assert balance(certificate) == Decimal("3000.00")
    assert CertificateEntry.objects.filter(kind="redeem").count() == 0


def test_an_expired_certificate_shows_as_expired_and_cannot_be_taken(desk, clock):
    certificate = sell_certificate(
        payment_method="cash",
        buyer_name="Vera",
        amount=Decimal("3000"),
        now=clock.moment - timedelta(days=400),
    )

    page = desk.get(CERTIFICATES, {"code": certificate.code}).content.decode()
    response = desk.post(REDEEM, {"code": certificate.code, "amount": "100"})

    assert "Expired" in page and "Take this amount" not in page
    assert response.status_code == 400
    assert "This certificate was valid until" in response.content.decode()
    assert balance(certificate) == Decimal("3000.00")


def test_a_certificate_for_a_session_is_not_taken_by_amount(desk, studio):
    certificate = sell_certificate(payment_method="cash", buyer_name="Vera", service=studio.service)

    page = desk.get(CERTIFICATES, {"code": certificate.code}).content.decode()
    response = desk.post(REDEEM, {"code": certificate.code, "amount": "100"})

    assert "Take this amount" not in page
    assert response.status_code == 400
    assert balance(certificate) == Decimal("2500.00")


def test_redeeming_an_unknown_code_spends_nothing(desk):
    certificate = gift()

    response = desk.post(REDEEM, {"code": "ZZZZ-ZZZZ-ZZZZ", "amount": "100"})

    assert response.status_code == 400
    assert "We do not know this certificate code" in response.content.decode()
    assert balance(certificate) == Decimal("3000.00")


# --- Who may ---------------------------------------------------------------------------------------


def test_a_therapist_may_not_sell_or_take_and_sees_no_menu_entry(client, studio, product):
    certificate = gift()
    client.force_login(studio.user("therapist"))

    assert (
        client.post(
            SELL_COURSE,
            {
                "product": product.pk,
                "client_name": "C",
                "client_email": "c@example.com",
                "payment_method": "cash",
            },
        ).status_code
        == 403
    )
    assert client.post(SELL_CERTIFICATE, certificate_form()).status_code == 403
    assert client.post(REDEEM, {"code": certificate.code, "amount": "100"}).status_code == 403
    assert client.get(CERTIFICATES, {"code": certificate.code}).status_code == 403
    assert Course.objects.count() == 0 and Certificate.objects.count() == 1
    assert balance(certificate) == Decimal("3000.00")
    assert CERTIFICATES not in client.get(reverse("staff:dashboard")).content.decode()


def test_anonymous_visitors_are_sent_to_sign_in(client, studio):
    for url in (SELL_COURSE, SELL_CERTIFICATE, CERTIFICATES, COURSES):
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith(reverse("staff:login"))
    assert client.post(REDEEM, {"code": "X", "amount": "1"}).status_code == 302


def test_reception_sees_the_menu_entry(desk):
    assert CERTIFICATES in desk.get(reverse("staff:dashboard")).content.decode()


# --- The printable certificate ---------------------------------------------------------------------


def test_the_printable_certificate_shows_the_gift(desk):
    certificate = gift("5000", recipient_name="Mila", message="Rest your feet & enjoy <3")

    response = desk.get(reverse("staff:prepaid_certificate_print", args=[certificate.code]))

    assert response.status_code == 200
    assert_csp_clean(response)
    html = response.content.decode()
    for expected in (
        "For Mila",
        "₽5,000",
        certificate.code,
        "Rest your feet &amp; enjoy &lt;3",
        "How to use it",
    ):
        assert expected in html
    assert "css/certificate.css" in html
    assert "Back to the desk" in html
    a4 = desk.get(reverse("staff:prepaid_certificate_print", args=[certificate.code]), {"paper": "a4"})
    assert "paper-a4" in a4.content.decode()


def test_the_printable_certificate_of_an_unknown_code_is_not_found(desk):
    assert desk.get(reverse("staff:prepaid_certificate_print", args=["ZZZZ-ZZZZ-ZZZZ"])).status_code == 404


def test_the_buyers_link_opens_the_certificate_and_a_forged_one_does_not(client, django_assert_num_queries):
    certificate = gift("5000", recipient_name="Mila")
    path = certificate_path(certificate)

    response = client.get(path)
    assert response.status_code == 200
    assert certificate.code in response.content.decode()
    assert "Back to the desk" not in response.content.decode()

    forged = path.replace(certificate.code, "ZZZZ-ZZZZ-ZZZZ")
    with django_assert_num_queries(0):
        assert client.get(forged).status_code == 404


def test_a_spent_certificate_says_so_on_its_page(client):
    certificate = gift("100")
    redeem_certificate(code=certificate.code, amount=Decimal("100"), by="staff")

    html = client.get(certificate_path(certificate)).content.decode()

    assert "used in full" in html


# --- Queries -----------------------------------------------------------------------------------------


def count_queries(client, url, data=None) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url, data or {}).status_code == 200
    return len(queries.captured_queries)


def test_the_certificate_page_runs_a_fixed_number_of_queries_however_many_entries(desk):
    certificate = gift("3000")
    few = count_queries(desk, CERTIFICATES, {"code": certificate.code})
    for _ in range(10):
        redeem_certificate(code=certificate.code, amount=Decimal("10"), by="staff")
    many = count_queries(desk, CERTIFICATES, {"code": certificate.code})

    assert few == many == 6  # session, user, permissions (2), the certificate, its entries


def test_the_course_search_runs_a_fixed_number_of_queries_however_many_courses(desk, product):
    sell_course(
        product=product, client_name="Clara", client_email="client@example.com", payment_method="cash"
    )
    few = count_queries(desk, COURSES, {"q": "client@"})
    for _ in range(10):
        sell_course(
            product=product, client_name="Clara", client_email="client@example.com", payment_method="cash"
        )
    many = count_queries(desk, COURSES, {"q": "client@"})

    assert few == many == 5  # session, user, permissions (2), the courses


def test_the_sale_pages_run_a_fixed_number_of_queries(desk, studio, product, clock):
    few = (count_queries(desk, SELL_COURSE, {"q": "clara"}), count_queries(desk, SELL_CERTIFICATE))
    for index in range(10):
        CourseProduct.objects.create(
            name=f"Course {index}", service=studio.service, sessions=3, price=Decimal("1")
        )
        from tests.bookings.factories import at, make_appointment

        visit = make_appointment(
            service=studio.service,
            therapist=studio.anna,
            start=at(clock.moment.date() - timedelta(days=index + 1), "10:00"),
        )
        visit.client_name = f"Clara {index}"
        visit.save()
    many = (count_queries(desk, SELL_COURSE, {"q": "clara"}), count_queries(desk, SELL_CERTIFICATE))

    assert few == many == (6, 5)  # session, user, permissions (2), [the clients found], products | services


def test_the_printable_certificate_runs_a_fixed_number_of_queries(desk, client):
    certificate = gift("3000")
    assert count_queries(desk, reverse("staff:prepaid_certificate_print", args=[certificate.code])) == 6
