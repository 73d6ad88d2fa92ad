"""Languages: Russian first and unprefixed, English under /en/; how a visitor's language is chosen
(the URL, then their choice in a cookie, then Accept-Language), the hreflang links and the switcher,
and what stays at one address in every language (the API, /healthz, /staff/, the admin).

These run with Russian the default (the `russian_default` fixture), as in production."""

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from bookings.links import manage_link_token
from tests.bookings.conftest import set_policy  # noqa: F401 (a fixture)
from tests.bookings.web.flow_support import book, make_studio

pytestmark = pytest.mark.django_db

COOKIE = settings.LANGUAGE_COOKIE_NAME
ENGLISH_BROWSER = {"HTTP_ACCEPT_LANGUAGE": "en-GB,en;q=0.9"}
RUSSIAN_BROWSER = {"HTTP_ACCEPT_LANGUAGE": "ru-RU,ru;q=0.9,en;q=0.5"}


@pytest.fixture(autouse=True)
def russian(russian_default):
    return russian_default


def test_a_russian_page_is_unprefixed_and_says_so(client):
    response = client.get("/prices/", **RUSSIAN_BROWSER)
    assert response.status_code == 200
    assert '<html lang="ru">' in response.content.decode()
    assert response["Content-Language"] == "ru"
    assert "Accept-Language" in response["Vary"]


def test_a_visitor_without_accept_language_gets_russian(client):
    response = client.get("/prices/")
    assert response.status_code == 200
    assert '<html lang="ru">' in response.content.decode()


def test_an_english_browsers_first_visit_is_sent_to_the_english_page(client):
    response = client.get("/prices/?x=1", **ENGLISH_BROWSER)
    assert response.status_code == 302
    assert response["Location"] == "/en/prices/?x=1"
    assert "Accept-Language" in response["Vary"] and "Cookie" in response["Vary"]
    page = client.get(response["Location"], **ENGLISH_BROWSER)
    assert page.status_code == 200 and '<html lang="en">' in page.content.decode()


def test_a_browser_asking_for_a_language_we_do_not_have_gets_russian(client):
    response = client.get("/prices/", HTTP_ACCEPT_LANGUAGE="de-DE,de;q=0.9")
    assert response.status_code == 200


def test_the_chosen_language_wins_over_the_browser(client):
    client.cookies[COOKIE] = "ru"
    response = client.get("/prices/", **ENGLISH_BROWSER)
    assert response.status_code == 200 and '<html lang="ru">' in response.content.decode()
    client.cookies[COOKIE] = "en"
    assert client.get("/prices/", **RUSSIAN_BROWSER)["Location"] == "/en/prices/"


def test_a_prefixed_url_is_always_in_its_language(client):
    client.cookies[COOKIE] = "ru"
    response = client.get("/en/prices/", **RUSSIAN_BROWSER)
    assert response.status_code == 200 and '<html lang="en">' in response.content.decode()


def test_posts_and_unknown_pages_are_not_redirected(client):
    assert client.get("/no-such-page/", **ENGLISH_BROWSER).status_code == 404
    response = client.post("/intake/", {}, **ENGLISH_BROWSER)
    assert not response.get("Location", "").startswith("/en/")


def test_hreflang_links_name_every_language_and_the_default(client):
    html = client.get("/prices/").content.decode()
    site = settings.SITE_URL.rstrip("/")
    assert f'<link rel="alternate" hreflang="ru" href="{site}/prices/">' in html
    assert f'<link rel="alternate" hreflang="en" href="{site}/en/prices/">' in html
    assert f'<link rel="alternate" hreflang="x-default" href="{site}/prices/">' in html


def test_the_switcher_keeps_the_page_and_remembers_the_choice(client):
    html = client.get("/prices/").content.decode()
    switch = reverse("choose_language", kwargs={"language": "en"}) + "?next=%2Fen%2Fprices%2F"
    assert f'href="{switch}" hreflang="en" lang="en">English</a>' in html
    assert html.count(f'href="{switch}"') == 2  # header and footer
    assert '<span lang="ru" aria-current="true">Русский</span>' in html

    response = client.get(switch, **RUSSIAN_BROWSER)
    assert response.status_code == 302 and response["Location"] == "/en/prices/"
    assert response.cookies[COOKIE].value == "en"
    # Back to Russian from the English page: the cookie now says Russian, so / stays Russian.
    back = client.get(reverse("choose_language", kwargs={"language": "ru"}) + "?next=/en/prices/")
    assert back["Location"] == "/prices/" and back.cookies[COOKIE].value == "ru"
    assert client.get("/prices/", **ENGLISH_BROWSER).status_code == 200


def test_the_switcher_refuses_other_sites_and_languages(client):
    response = client.get(
        reverse("choose_language", kwargs={"language": "en"}) + "?next=https://evil.example/"
    )
    assert response["Location"] == "/en/"
    assert client.get("/i18n/language/de/?next=/").status_code == 404


def test_the_api_and_healthz_have_one_address_in_every_language(client):
    assert client.get("/healthz", **ENGLISH_BROWSER).status_code == 200
    assert reverse("api:availability") == "/api/availability/"
    with translation.override("en"):
        assert reverse("api:availability") == "/api/availability/"
    for browser in (ENGLISH_BROWSER, RUSSIAN_BROWSER):
        response = client.get("/api/availability/", **browser)
        assert response.status_code == 400  # no service: a readable error, not a redirect
        assert "error" in response.json()


def test_the_staff_area_follows_the_choice_without_a_prefix(client):
    assert client.get("/staff/login/", **ENGLISH_BROWSER)["Content-Language"] == "en"
    assert client.get("/staff/login/", **RUSSIAN_BROWSER)["Content-Language"] == "ru"
    client.cookies[COOKIE] = "ru"
    assert client.get("/staff/login/", **ENGLISH_BROWSER)["Content-Language"] == "ru"
    assert client.get("/en/staff/login/").status_code == 404


def test_the_manage_link_and_calendar_work_in_both_languages(client, set_policy):  # noqa: F811
    appointment = book(make_studio(set_policy), notify=False)
    token = manage_link_token(appointment)
    for prefix in ("", "/en"):
        assert client.get(f"{prefix}/appointments/{token}/").status_code == 200, prefix
        calendar = client.get(f"{prefix}/appointments/{token}/calendar.ics")
        assert calendar.status_code == 200 and calendar["Content-Type"].startswith("text/calendar")


def test_the_javascript_catalog_is_served_per_language_and_cacheable(client):
    for path in (reverse("javascript_catalog"), "/en/jsi18n/"):
        response = client.get(path)
        assert response.status_code == 200
        assert "django.gettext" in response.content.decode() or "gettext" in response.content.decode()
        assert "max-age=3600" in response["Cache-Control"] and response.has_header("Last-Modified")
    with translation.override("ru"):  # (the last request left English active in this thread)
        assert reverse("javascript_catalog") == "/jsi18n/"
