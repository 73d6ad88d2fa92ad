import pytest
from django.test import RequestFactory
from django.urls import reverse
from django.views.defaults import server_error

from tests.utils import assert_csp_clean

pytestmark = pytest.mark.django_db


def test_home_introduces_the_studio_and_links_every_way_in(client):
    response = client.get(reverse("home"))

    assert response.status_code == 200
    html = response.content.decode()
    assert "Unhurried foot massage and reflexology" in html
    for name in (
        "bookings:technique_list",
        "reflexology:foot_map",
        "bookings:prices",
        "bookings:book",
        "bookings:therapist_list",
        "intake:questionnaire",
    ):
        assert f'href="{reverse(name)}"' in html, name
    assert 'href="#main"' in html, "skip link"
    assert_csp_clean(response)


def test_every_page_in_the_navigation_renders(client):
    html = client.get(reverse("home")).content.decode()
    nav = html.split('id="site-nav"', 1)[1].split("</nav>", 1)[0]
    links = [part.split('"', 1)[0] for part in nav.split('href="')[1:]]

    assert len(links) >= 6
    for href in links:
        # (The switcher remembers the choice then redirects; "My account" leads a visitor to sign in.)
        response = client.get(href, follow=True)
        assert response.status_code == 200, href


def test_current_section_is_marked_in_the_navigation(client):
    html = client.get(reverse("bookings:prices")).content.decode()

    assert f'href="{reverse("bookings:prices")}" aria-current="page"' in html
    assert f'href="{reverse("reflexology:foot_map")}" aria-current="page"' not in html


def test_home_page_query_count_is_fixed(client, django_assert_max_num_queries):
    with django_assert_max_num_queries(2):
        client.get(reverse("home"))


def test_unknown_page_is_a_404_in_the_site_style(client):
    response = client.get("/no-such-page/")

    assert response.status_code == 404
    html = response.content.decode()
    assert "We could not find that page" in html
    assert "css/studio.css" in html
    assert_csp_clean(response)


def test_server_error_page_renders_without_a_request_context():
    response = server_error(RequestFactory().get("/"))

    assert response.status_code == 500
    html = response.content.decode()
    assert "something went wrong on our side" in html
    assert "Traceback" not in html


def test_head_request_to_home_is_allowed(client):
    assert client.head(reverse("home")).status_code == 200


def test_security_headers_are_sent(client):
    response = client.get(reverse("home"))

    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
