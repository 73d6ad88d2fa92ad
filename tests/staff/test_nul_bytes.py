"""A NUL byte in any GET parameter of the staff area is an answer, never a 500 (PostgreSQL refuses NUL
in a string: every parameter must be read through a form, whose fields refuse it with a message).

The parameters come from the pages themselves (every field of their GET forms, every query in their
links) and from what the views are known to read, so a new parameter is covered without editing here.
"""

import re
from decimal import Decimal
from html.parser import HTMLParser
from types import SimpleNamespace
from urllib.parse import parse_qsl, urlsplit

import pytest

from bookings.models import WaitlistEntry
from bookings.prepaid import sell_certificate
from tests.bookings.factories import MONDAY
from tests.staff.test_access import RULES, url_for

pytestmark = pytest.mark.django_db

# Read by the views without a form of their own on the page (htmx requests, pagination, the CSV link).
KNOWN = {"date", "service", "therapist", "email", "client_email", "page", "start", "end", "metric", "week"}
GET_PAGES = sorted(name for name, methods in RULES.items() if "GET" in methods and name != "login")


class Parameters(HTMLParser):
    def __init__(self):
        super().__init__()
        self.names: set[str] = set()
        self.in_get_form = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.in_get_form = (attrs.get("method") or "get").lower() == "get"
        elif tag in {"input", "select", "textarea"} and self.in_get_form and attrs.get("name"):
            self.names.add(attrs["name"])
        for link in (attrs.get("href"), attrs.get("hx-get")):
            if link and "?" in link and link.startswith(("/staff/", "?")):
                self.names.update(name for name, _ in parse_qsl(urlsplit(link).query, keep_blank_values=True))

    def handle_endtag(self, tag):
        if tag == "form":
            self.in_get_form = False


@pytest.fixture
def extras(studio):
    """The objects the pages with an id in their address show (time off and closures: POST-only URLs)."""
    return {
        "time_off": SimpleNamespace(pk=0),
        "closure": SimpleNamespace(pk=0),
        "certificate": sell_certificate(payment_method="cash", buyer_name="Vera", amount=Decimal("3000")),
        "entry": WaitlistEntry.objects.create(
            service=studio.service,
            first_day=MONDAY,
            last_day=MONDAY,
            client_name="W",
            client_email="w@example.com",
        ),
    }


def parameters_of(html: str) -> set[str]:
    parser = Parameters()
    parser.feed(html)
    return {name for name in parser.names if name != "csrfmiddlewaretoken"}


def test_the_pages_offer_parameters_to_try(studio, login, extras):
    client = login(studio.user("manager"))
    found = set()
    for name in GET_PAGES:
        found |= parameters_of(client.get(url_for(name, studio, extras)).content.decode())
    assert "date" in found
    assert len(found) >= 4, found


@pytest.mark.parametrize("name", GET_PAGES)
@pytest.mark.parametrize("value", ["\x00", "x@example.com\x00"], ids=["nul", "e-mail-with-nul"])
def test_a_nul_byte_in_any_parameter_is_never_a_500(name, value, studio, login, extras):
    client = login(studio.user("manager"))
    url = url_for(name, studio, extras)
    page = client.get(url)
    assert page.status_code == 200
    names = KNOWN | parameters_of(page.content.decode())

    for parameter in sorted(names):
        response = client.get(url, {parameter: value})
        assert response.status_code < 500, (url, parameter, response.status_code)
    for headers in ({}, {"HX-Request": "true"}):  # the htmx requests read the same parameters
        everything = client.get(url, dict.fromkeys(names, value), headers=headers)
        assert everything.status_code < 500, (url, headers, everything.status_code)
    # A real value next to a NUL one: the page still answers, with the good one understood.
    mixed = client.get(url, {"date": MONDAY.isoformat(), **{p: value for p in names if p != "date"}})
    assert mixed.status_code < 500
    assert not re.search(r"Traceback|Server Error", mixed.content.decode())
