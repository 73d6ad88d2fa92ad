"""Arbitrary values in every form of the site: never a 5xx, and a form that refuses keeps what was typed.

The forms are found, not listed: every routed page (tests/hardening/site_map.py), plus the booking steps
that need a chosen time and a session, is fetched, and each form on it (tests/hardening/forms.py) is
sent back with values hypothesis writes: hostile text, very long text, other choices than the ones
offered, hidden fields changed, fields left out, extra fields. Anonymous for the public forms (the
questionnaire, the booking steps, moving and cancelling, search, the staff sign-in); signed in as a
manager for the staff area's forms.
"""

from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.urls import Resolver404, resolve
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bookings.availability import compute_slots, load_availability_data
from bookings.models import Service
from bookings.web.flow import sign_slot
from tests.bookings.web.flow_support import ready_client
from tests.hardening.forms import Form, forms_of
from tests.hardening.site_map import Known, fill, routes
from tests.hardening.test_hostile_queries import HOSTILE_VALUES

REFUSED = {200, 400, 409, 422}
ERROR_MARKERS = ('aria-invalid="true"', "is-invalid", "errorlist", 'role="alert"')
SKIPPED_FIELDS = {"csrfmiddlewaretoken"}

text = st.one_of(
    st.text(max_size=40),
    st.sampled_from(HOSTILE_VALUES),
    st.text(min_size=250, max_size=400),
    st.just("long " * 4000),
)


def field_values(form: Form):
    def strategy(field):
        if field.kind == "hidden":
            return st.one_of(st.just(field.value), text)
        if field.options:
            return st.one_of(st.sampled_from(field.options), text)
        return text

    fields = {name: strategy(field) for name, field in form.fields.items() if name not in SKIPPED_FIELDS}
    extras = st.dictionaries(st.text(min_size=1, max_size=10), text, max_size=2)
    chosen = st.fixed_dictionaries({}, optional=fields)
    return st.tuples(chosen, extras).map(lambda pair: {**pair[1], **pair[0]})


def local_path(url: str) -> str | None:
    parts = urlsplit(url)
    if parts.netloc not in ("", "testserver"):
        return None
    try:
        resolve(parts.path)
    except Resolver404:
        return None
    return parts.path


def a_free_slot_token() -> str:
    service = Service.objects.filter(active=True, technique__slug="classical").order_by("pk").first()
    first = timezone.localdate() + timedelta(days=3)
    data = load_availability_data(service=service, first_day=first, last_day=first + timedelta(days=10))
    slot = compute_slots(data)[0]
    return sign_slot(service=service.slug, start=slot.start, therapist="")


def pages(known: Known, *, staff: bool) -> list[str]:
    """The pages to look for forms on; the booking steps first (opening intake links changes the session)."""
    found = []
    if not staff:
        slot = a_free_slot_token()
        service = Service.objects.filter(active=True).order_by("pk").first().slug
        found += [f"/book/details/?slot={slot}", f"/book/summary/?slot={slot}"]
        found.append(f"/book/time/?service={service}")
    for route in routes():
        if (route.staff and route.name != "staff:login") != staff:
            continue
        found.append(fill(route, {name: known.value_for(route, name) for name, _kind in route.parameters}))
    return found


def crawl(client: Client, paths: list[str]) -> list[Form]:
    forms: dict[tuple, Form] = {}
    for path in paths:
        response = client.get(path)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        for form in forms_of(response.content.decode(), "http://testserver" + path):
            if form.fields and local_path(form.action) and form.method in {"get", "post"}:
                forms.setdefault(form.key, form)
    return list(forms.values())


def send(client: Client, form: Form, values: dict):
    path = urlsplit(form.action).path
    query = urlsplit(form.action).query
    if form.method == "post":
        return client.post(form.action if query else path, values)
    return client.get(path, values)


def assert_typed_values_kept(form: Form, values: dict, response) -> None:
    """When the same form comes back refused, every field typed into shows what was typed."""
    if response.status_code not in REFUSED or "text/html" not in response.get("Content-Type", ""):
        return
    html = response.content.decode()
    if response.status_code == 200 and not any(marker in html for marker in ERROR_MARKERS):
        return  # answered (a search, a filter), not refused
    path = urlsplit(form.action).path
    again = [
        item
        for item in forms_of(html, form.action)
        if urlsplit(item.action).path == path and item.method == form.method
    ]
    if not again:
        return
    for name, sent in values.items():
        field = again[0].fields.get(name)
        original = form.fields.get(name)
        if field is None or original is None or not original.typed or original.kind == "password":
            continue
        assert field.value == sent, f"{form.method} {path}: {name} came back as {field.value[:80]!r}"


def fuzz_one(client: Client, form: Form, examples: int) -> None:
    @settings(max_examples=examples, deadline=None, suppress_health_check=list(HealthCheck))
    @given(values=field_values(form))
    def send_anything(values):
        response = send(client, form, values)
        assert response.status_code < 500, f"{response.status_code} from {form.method} {form.action}"
        assert_typed_values_kept(form, values, response)

    send_anything()


def fuzz(client: Client, forms: list[Form], examples: int) -> None:
    for form in forms:
        fuzz_one(client, form, examples)


@pytest.fixture
def known(studio):
    return Known.build()


def test_every_public_form_takes_anything_and_keeps_what_was_typed(known):
    client = Client(raise_request_exception=False)
    ready_client(client, email="fuzz@example.com")  # contact details and a questionnaire: the summary's form
    forms = crawl(client, pages(known, staff=False))
    actions = {urlsplit(form.action).path for form in forms}
    for expected in ("/intake/", "/book/details/", "/book/confirm/", "/search/", "/staff/login/"):
        assert expected in actions, f"no form found for {expected}: {sorted(actions)}"
    assert any(action.endswith("/cancel/") for action in actions)
    assert any(action.endswith("/move/") for action in actions)
    fuzz(client, forms, examples=12)


def test_every_staff_form_takes_anything(known):
    client = Client(raise_request_exception=False)
    client.force_login(known.manager)
    forms = crawl(client, pages(known, staff=True))
    assert len(forms) >= 5
    fuzz(client, forms, examples=6)


@pytest.mark.parametrize(
    "next_url", ["0", "home", "staff:dashboard", "//evil.example/", "https://evil.example/"]
)
def test_a_signed_in_member_of_staff_opening_the_sign_in_page_goes_to_a_safe_place(known, next_url):
    client = Client(raise_request_exception=False)
    client.force_login(known.manager)
    response = client.get("/staff/login/", {"next": next_url})
    assert response.status_code == 302
    assert "evil.example" not in response["Location"]
