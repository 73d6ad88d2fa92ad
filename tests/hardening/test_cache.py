"""The page cache (common/cache.py): hits, invalidation on every kind of change, and never one visitor's
page for another.

Changes are made inside `django_capture_on_commit_callbacks(execute=True)`, which runs what a commit
runs: the generation moves on only once the change has committed. `test_a_change_made_by_another_process_*`
proves the same across processes, with a real second process writing to the database.
"""

import gzip
import json
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.csp import LazyNonce

from bookings.booking import book_appointment
from bookings.models import Service, ServicePrice, Therapist, WorkingHours
from bookings.money import format_money
from common import cache as page_cache_module
from common.cache import GENERATION_KEYS, current_generation, storable
from reflexology.models import BodySystem, Technique, Zone
from tests.bookings.factories import clear_questionnaire

PROJECT = Path(__file__).resolve().parents[2]
HARDENING_URLS = "tests.hardening.urls"


def fetch(client, path, **headers):
    response = client.get(path, **headers)
    assert response.status_code == 200, (path, response.status_code)
    return response


def text(response) -> str:
    body = response.content
    if response.get("Content-Encoding") == "gzip":
        body = gzip.decompress(body)
    return body.decode()


def cached_twice(client, path, **headers):
    """The page, fetched until it comes from the cache; its text."""
    first = fetch(client, path, **headers)
    assert first["X-Page-Cache"] == "miss"
    second = fetch(client, path, **headers)
    assert second["X-Page-Cache"] == "hit"
    assert text(second) == text(first)
    return text(second)


# --- Hits -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url_name", ["home", "bookings:technique_list", "reflexology:foot_map", "bookings:prices"]
)
def test_a_public_page_comes_from_the_cache_the_second_time_in_one_query(
    client, studio, page_cache, url_name, django_assert_num_queries
):
    path = reverse(url_name)
    cached_twice(client, path)
    with django_assert_num_queries(1):  # the page and the generation, in one round trip
        assert fetch(client, path)["X-Page-Cache"] == "hit"


def test_the_cached_page_keeps_its_security_headers_and_gets_its_own_request_id(client, studio, page_cache):
    cached_twice(client, "/techniques/")
    one, two = fetch(client, "/techniques/"), fetch(client, "/techniques/")
    assert one["X-Page-Cache"] == two["X-Page-Cache"] == "hit"
    assert "script-src 'self'" in one["Content-Security-Policy"]
    assert "nonce" not in one["Content-Security-Policy"]
    assert one["X-Frame-Options"] == "DENY"
    assert one["X-Content-Type-Options"] == "nosniff"
    assert one["X-Request-ID"] != two["X-Request-ID"]
    assert not one.cookies


def test_compressed_and_plain_answers_are_kept_apart(client, studio, page_cache):
    plain = cached_twice(client, "/foot-map/")
    compressed = fetch(client, "/foot-map/", HTTP_ACCEPT_ENCODING="gzip, deflate")
    assert compressed["X-Page-Cache"] == "miss"
    assert compressed["Content-Encoding"] == "gzip"
    assert len(compressed.content) < len(plain.encode()) / 3
    again = fetch(client, "/foot-map/", HTTP_ACCEPT_ENCODING="gzip")
    assert again["X-Page-Cache"] == "hit"
    assert again["Content-Encoding"] == "gzip"
    assert text(again) == plain
    assert "Content-Encoding" not in fetch(client, "/foot-map/")


def test_an_htmx_fragment_and_the_whole_page_are_kept_apart(client, studio, page_cache):
    whole = cached_twice(client, "/techniques/?kind=classical")
    fragment = cached_twice(client, "/techniques/?kind=classical", HTTP_HX_REQUEST="true")
    assert "<html" in whole
    assert "<html" not in fragment
    assert fetch(client, "/techniques/?kind=classical")["X-Page-Cache"] == "hit"


def test_the_query_string_is_part_of_the_key(client, studio, page_cache):
    all_zones = cached_twice(client, "/foot-map/")
    top = cached_twice(client, "/foot-map/?view=top")
    assert top != all_zones


def test_the_russian_and_english_pages_are_kept_apart(client, studio, page_cache):
    technique = Technique.objects.get(slug="classical")
    pages = {}
    for language in ("ru", "en"):
        with translation.override(language):
            pages[language] = cached_twice(client, reverse("bookings:technique_detail", args=["classical"]))
    assert technique.name_ru in pages["ru"] and technique.name_ru not in pages["en"]
    assert technique.name_en in pages["en"]


# --- Invalidation -----------------------------------------------------------------------------------


def rename_technique():
    technique = Technique.objects.get(slug="classical")
    technique.name = "Classical massage, renamed"
    technique.save()
    return "Classical massage, renamed"


def rename_techniques_with_update():
    Technique.objects.filter(slug="classical").update(name="Renamed by QuerySet.update")
    return "Renamed by QuerySet.update"


def change_a_price():
    service = Service.objects.filter(active=True).order_by("pk").first()
    service.price = service.price + 77
    service.save()
    return format_money(service.price)


def change_a_price_by_level():
    row = ServicePrice.objects.order_by("pk").first()
    row.price = row.price + 33
    row.save()
    return format_money(row.price)


def rename_a_zone():
    Zone.objects.filter(slug="head-brain").update(name="Head and brain, renamed")
    return "Head and brain, renamed"


def rename_a_body_system():
    system = BodySystem.objects.get(slug="digestive")
    system.name = "Digestion, renamed"
    system.save()
    return "Digestion, renamed"


def rename_a_therapist():
    therapist = Therapist.objects.active().order_by("pk").first()
    therapist.name = "Renamed Therapist"
    therapist.save()
    return "Renamed Therapist"


@pytest.mark.parametrize(
    ("change", "path"),
    [
        (rename_technique, "/techniques/classical/"),
        (rename_technique, "/techniques/"),
        (rename_techniques_with_update, "/techniques/"),
        (change_a_price, "/prices/"),
        (change_a_price_by_level, "/prices/"),
        (rename_a_zone, "/foot-map/"),
        (rename_a_zone, "/foot-map/zones/head-brain/"),
        (rename_a_body_system, "/foot-map/"),
        (rename_a_therapist, "/therapists/"),
    ],
    ids=lambda value: getattr(value, "__name__", value),
)
def test_the_next_request_after_a_change_shows_it(
    client, studio, page_cache, change, path, django_capture_on_commit_callbacks
):
    before = cached_twice(client, path)
    with django_capture_on_commit_callbacks(execute=True):
        expected = change()
    assert expected not in before
    after = fetch(client, path)
    assert after["X-Page-Cache"] == "miss"
    assert expected in text(after)


def test_nothing_is_dropped_before_the_change_commits(
    client, studio, page_cache, django_capture_on_commit_callbacks
):
    cached_twice(client, "/techniques/")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        rename_technique()
        rename_techniques_with_update()
    # Still inside the transaction: other processes cannot see the change yet, nor is the cache dropped.
    assert fetch(client, "/techniques/")["X-Page-Cache"] == "hit"
    assert len(callbacks) == 1  # once per transaction, however many writes
    callbacks[0]()
    assert fetch(client, "/techniques/")["X-Page-Cache"] == "miss"


def test_writes_to_tables_no_cached_page_reads_keep_the_cache(
    client, studio, page_cache, django_capture_on_commit_callbacks
):
    cached_twice(client, "/techniques/")
    generation = current_generation()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        SessionStore().save(must_create=True)
        page_cache.set("some:other:key", 1)
    assert callbacks == []
    assert current_generation() == generation
    assert fetch(client, "/techniques/")["X-Page-Cache"] == "hit"


def availability_path(service, days=14):
    first = timezone.localdate()
    return f"/api/availability/?service={service.slug}&from={first}&to={first + timedelta(days=days - 1)}"


def slots(client, path):
    return json.loads(text(fetch(client, path)))["slots"]


def test_a_booking_takes_its_time_out_of_the_cached_availability(
    client, studio, page_cache, django_capture_on_commit_callbacks
):
    service = Service.objects.filter(active=True, technique__slug="classical").order_by("pk").first()
    path = availability_path(service)
    cached_twice(client, path)
    slot = slots(client, path)[5]
    with django_capture_on_commit_callbacks(execute=True):
        book_appointment(
            service=service,
            start=datetime.fromisoformat(slot["start"]),
            therapist=Therapist.objects.get(slug=slot["therapist"]),
            client_name="Cache Test",
            client_email="cache@example.com",
            questionnaire=clear_questionnaire("cache@example.com"),
        )
    after = fetch(client, path)
    assert after["X-Page-Cache"] == "miss"
    assert slot not in json.loads(text(after))["slots"]


def test_a_booking_leaves_the_reference_pages_in_the_cache(
    client, studio, page_cache, django_capture_on_commit_callbacks
):
    service = Service.objects.filter(active=True, technique__slug="classical").order_by("pk").first()
    path = availability_path(service)
    cached_twice(client, path)
    for page in ("/techniques/", "/foot-map/", "/prices/"):
        cached_twice(client, page)
    slot = slots(client, path)[3]
    with django_capture_on_commit_callbacks(execute=True):
        book_appointment(
            service=service,
            start=datetime.fromisoformat(slot["start"]),
            therapist=Therapist.objects.get(slug=slot["therapist"]),
            client_name="Cache Test",
            client_email="cache@example.com",
            questionnaire=clear_questionnaire("cache@example.com"),
        )
    for page in ("/techniques/", "/foot-map/", "/prices/"):
        assert fetch(client, page)["X-Page-Cache"] == "hit", page
    assert fetch(client, path)["X-Page-Cache"] == "miss"


def test_changed_working_hours_show_in_the_cached_availability(
    client, studio, page_cache, django_capture_on_commit_callbacks
):
    service = Service.objects.filter(active=True, technique__slug="classical").order_by("pk").first()
    path = availability_path(service)
    cached_twice(client, path)
    therapist = slots(client, path)[0]["therapist"]
    with django_capture_on_commit_callbacks(execute=True):
        WorkingHours.objects.filter(therapist__slug=therapist).delete()
    after = json.loads(text(fetch(client, path)))["slots"]
    assert after, "other therapists still have free times"
    assert therapist not in {slot["therapist"] for slot in after}


def test_a_new_deployment_does_not_serve_old_pages(client, studio, page_cache, monkeypatch):
    cached_twice(client, "/prices/")
    monkeypatch.setattr(page_cache_module, "code_fingerprint", lambda: "another-release")
    assert fetch(client, "/prices/")["X-Page-Cache"] == "miss"


def test_a_lost_generation_stales_every_page(client, studio, page_cache):
    cached_twice(client, "/prices/")
    page_cache.delete(GENERATION_KEYS["content"])
    assert fetch(client, "/prices/")["X-Page-Cache"] == "miss"
    assert fetch(client, "/prices/")["X-Page-Cache"] == "hit"


def test_an_unreachable_cache_still_serves_the_page(client, studio, page_cache, monkeypatch, caplog):
    def unreachable(*args, **kwargs):
        raise ConnectionError("cache down")

    monkeypatch.setattr(page_cache, "get_many", unreachable)
    response = fetch(client, "/prices/")
    assert "X-Page-Cache" not in response
    assert "page cache: lookup failed" in caplog.text


# --- Never one visitor's page for another ----------------------------------------------------------


def test_visitors_with_a_session_or_messages_get_their_own_page(client, studio, page_cache):
    cached_twice(client, "/techniques/")
    client.cookies[settings.SESSION_COOKIE_NAME] = "abc"
    assert "X-Page-Cache" not in fetch(client, "/techniques/")
    del client.cookies[settings.SESSION_COOKIE_NAME]
    client.cookies["messages"] = "something"
    assert "X-Page-Cache" not in fetch(client, "/techniques/")


def test_unknown_parameters_and_other_methods_bypass_the_cache(client, studio, page_cache):
    assert "X-Page-Cache" not in fetch(client, "/techniques/?utm_source=mail")
    assert "X-Page-Cache" not in fetch(client, "/foot-map/?" + "view=top&" * 100)
    assert "X-Page-Cache" not in client.head("/techniques/")
    assert "X-Page-Cache" not in fetch(client, "/intake/")  # not listed: a form with a CSRF token
    assert "X-Page-Cache" not in fetch(client, "/book/")


@pytest.mark.parametrize("view", ["test_csrf", "test_nonce", "test_session"])
def test_a_listed_page_that_used_visitor_state_is_never_stored(client, db, page_cache, settings, view):
    settings.ROOT_URLCONF = HARDENING_URLS
    settings.PAGE_CACHE_VIEWS = {view: ((), 600)}
    path = reverse(view)
    first, second = fetch(client, path), fetch(client, path)
    assert "X-Page-Cache" not in first
    assert "X-Page-Cache" not in second
    if view != "test_session":
        assert first.content != second.content  # a fresh token / nonce each time


def storable_case(change=None):
    request = RequestFactory().get("/techniques/")
    request.session = SessionStore()
    request._csp_nonce = LazyNonce()
    response = HttpResponse("<p>page</p>")
    if change:
        change(request, response)
    return storable(request, response)


@pytest.mark.parametrize(
    ("what", "change"),
    [
        ("a cookie is set", lambda request, response: response.set_cookie("x", "1")),
        ("a CSRF token was rendered", lambda request, response: get_token(request)),
        ("the CSP nonce was used", lambda request, response: str(request._csp_nonce)),
        ("the session was read", lambda request, response: request.session.get("anything")),
        ("it varies on the cookie", lambda request, response: response.headers.__setitem__("Vary", "Cookie")),
        ("it is not a 200", lambda request, response: setattr(response, "status_code", 302)),
    ],
    ids=lambda value: value if isinstance(value, str) else "",
)
def test_a_response_carrying_visitor_state_is_not_storable(db, what, change):
    assert storable_case() is True
    assert storable_case(change) is False, what


def test_every_listed_page_is_a_real_url_name():
    for name in settings.PAGE_CACHE_VIEWS:
        assert reverse(name, kwargs={"slug": "x"} if name.endswith("_detail") else None)
