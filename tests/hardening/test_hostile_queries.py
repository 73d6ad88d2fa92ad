"""Any query string on any page, and garbage in every path parameter: never a 5xx.

The pages come from the URLconf (tests/hardening/site_map.py), so a new page is covered the day it is
routed. Each is requested with its real parameters and with garbage in each of them, anonymously and,
for the staff area, signed in as a manager; hypothesis writes the query strings: known parameter names
with hostile values, random names, and raw bytes that are not even valid UTF-8.
"""

from urllib.parse import urlencode

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.hardening.site_map import Known, paths_for, routes

ROUTES = routes()
PARAMETER_NAMES = [
    "service", "from", "to", "therapist", "q", "kind", "system", "setting", "view", "day", "window",
    "current_day", "slot", "next", "technique", "week", "date", "page", "confirmation", "token", "reason",
]  # fmt: skip
HOSTILE_VALUES = [
    "", "0", "-1", "2026-02-30", "9999-12-31", "0001-01-01", "1900-01-01", "2026-13-01", "NaN", "1e309",
    "' OR 1=1 --", "<script>alert(1)</script>", "%", "%%", "\x00", "\u202e", "🦶" * 50, "a" * 5000,
    "classical", "head-brain", "any", "//evil.example/", "javascript:alert(1)", "[]", "{}", "null",
]  # fmt: skip

values = st.one_of(
    st.sampled_from(HOSTILE_VALUES),
    st.text(max_size=60),
    st.dates().map(str),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
)
names = st.one_of(st.sampled_from(PARAMETER_NAMES), st.text(min_size=1, max_size=12))
encoded = st.lists(st.tuples(names, values), max_size=6).map(urlencode)
raw = st.binary(max_size=200).map(lambda data: data.decode("latin-1"))  # what a WSGI server passes on
queries = st.one_of(encoded, raw)


@pytest.fixture
def known(studio):
    return Known.build()


@pytest.fixture
def manager_client(known):
    client = Client(raise_request_exception=False)
    client.force_login(known.manager)
    return client


def assert_no_server_error(response, path, query):
    assert response.status_code < 500, f"{response.status_code} for {path}?{query!r}"


@pytest.mark.parametrize("route", ROUTES, ids=[route.route or "/" for route in ROUTES])
@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(query=queries, choice=st.integers(min_value=0))
def test_any_query_string_on_any_page_is_never_a_server_error(
    route, query, choice, known, error_client, manager_client
):
    paths = paths_for(route, known)
    path = paths[choice % len(paths)]
    client = manager_client if route.staff and choice % 2 else error_client
    response = client.get(path, QUERY_STRING=query)
    assert_no_server_error(response, path, query)


@pytest.mark.parametrize("route", ROUTES, ids=[route.route or "/" for route in ROUTES])
def test_every_path_variant_answers_without_a_server_error(route, known, error_client, manager_client):
    for path in paths_for(route, known):
        for client in (error_client, manager_client) if route.staff else (error_client,):
            response = client.get(path)
            assert_no_server_error(response, path, "")


def test_the_site_map_sees_every_kind_of_page():
    names = {route.name for route in ROUTES}
    for expected in (
        "home",
        "bookings:technique_detail",
        "reflexology:zone_detail",
        "intake:questionnaire",
        "api:availability",
        "bookings:book_confirm",
        "bookings:manage",
        "staff:dashboard",
    ):
        assert expected in names
