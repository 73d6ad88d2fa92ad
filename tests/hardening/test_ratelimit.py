"""Rate limits on the forms that write (common/ratelimit.py): counted per address and URL name, only for
POSTs, refused with a friendly 429 that keeps what was typed, and never a reason to refuse everyone."""

import logging
import re

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import RequestFactory
from django.urls import reverse

from common import ratelimit
from common.ratelimit import client_address, hit, logged_client
from tests.utils import assert_csp_clean

TYPED = {
    "client_name": "Anna <Example> & Co",
    "client_email": "not an address",
    "medicines": "first line\nsecond line",
    "c_fever": "yes",
}


@pytest.fixture
def limits(settings):
    settings.RATE_LIMIT = True
    settings.RATE_LIMITS = {"intake:questionnaire": (3, 3600), "bookings:book_confirm": (2, 600)}
    cache.clear()
    yield settings.RATE_LIMITS
    cache.clear()


def post(client, path, data=None, address="192.0.2.10", **extra):
    return client.post(path, data or {}, REMOTE_ADDR=address, **extra)


def test_the_questionnaire_is_refused_politely_after_the_limit_and_keeps_what_was_typed(client, db, limits):
    for _ in range(3):
        assert post(client, "/intake/", TYPED).status_code != 429

    refused = post(client, "/intake/", TYPED)

    assert refused.status_code == 429
    assert 0 < int(refused["Retry-After"]) <= 3600
    assert "no-store" in refused["Cache-Control"] or "no-cache" in refused["Cache-Control"]
    html = refused.content.decode()
    assert "Please wait a few minutes" in html
    assert settings.STUDIO_PHONE in html
    assert 'action="/intake/"' in html
    assert 'name="client_name" value="Anna &lt;Example&gt; &amp; Co"' in html
    assert 'name="medicines" value="first line\nsecond line"' in html
    assert 'name="c_fever" value="yes"' in html
    assert html.count('name="csrfmiddlewaretoken"') == 1
    assert_csp_clean(refused)


def test_the_booking_confirmation_is_limited_too(client, db, limits):
    answers = [post(client, "/book/confirm/", {"confirmation": "garbage"}).status_code for _ in range(3)]
    assert answers[:2] == [400, 400]  # the flow's own answer to a made-up form
    assert answers[2] == 429


def test_only_posts_count(client, db, limits):
    for _ in range(10):
        assert client.get("/intake/", REMOTE_ADDR="192.0.2.10").status_code == 200
    assert post(client, "/intake/", TYPED).status_code != 429


def test_each_address_and_each_form_has_its_own_count(client, db, limits):
    for _ in range(3):
        post(client, "/intake/", TYPED, address="192.0.2.10")
    assert post(client, "/intake/", TYPED, address="192.0.2.10").status_code == 429
    assert post(client, "/intake/", TYPED, address="192.0.2.11").status_code != 429
    assert post(client, "/book/confirm/", {}, address="192.0.2.10").status_code != 429


def test_pages_not_listed_are_never_limited(client, db, limits):
    for _ in range(6):
        assert post(client, "/intake/returning/", {"email": "x@example.com"}).status_code != 429


def test_a_new_window_starts_a_new_count(db, limits):
    start = 1_000_000 * 600.0
    for _ in range(2):
        assert hit(scope="s", address="a", limit=2, seconds=600, now=start)[0]
    allowed, retry_after = hit(scope="s", address="a", limit=2, seconds=600, now=start + 30)
    assert not allowed
    assert retry_after == 570
    assert hit(scope="s", address="a", limit=2, seconds=600, now=start + 600)[0]


def test_an_unreachable_counter_lets_the_request_through(client, db, limits, monkeypatch, caplog):
    def down(*args, **kwargs):
        raise ConnectionError("cache down")

    monkeypatch.setattr(ratelimit.cache, "add", down)
    for _ in range(5):
        assert post(client, "/intake/", TYPED).status_code != 429
    assert "counter unavailable" in caplog.text


def test_switched_off_nothing_is_counted(client, db, limits, settings):
    settings.RATE_LIMIT = False
    for _ in range(5):
        assert post(client, "/intake/", TYPED).status_code != 429


def request_from(address, forwarded=None):
    extra = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded else {}
    return RequestFactory().post("/intake/", REMOTE_ADDR=address, **extra)


@pytest.mark.parametrize(
    ("address", "forwarded", "trusted", "expected"),
    [
        ("192.0.2.7", None, False, "192.0.2.7"),
        ("192.0.2.7", "203.0.113.9", False, "192.0.2.7"),  # a header anyone can send
        ("10.0.0.2", "198.51.100.1, 203.0.113.9", True, "203.0.113.9"),  # what our own proxy saw
        ("2001:db8:1:2:aaaa::1", None, False, "2001:db8:1:2::/64"),
        ("2001:db8:1:2:bbbb::9", None, False, "2001:db8:1:2::/64"),  # same subscriber
        ("::ffff:192.0.2.7", None, False, "192.0.2.7"),
        ("not an address", None, False, "unknown"),
        ("", None, False, "unknown"),
    ],
)
def test_the_client_address(settings, address, forwarded, trusted, expected):
    settings.RATE_LIMIT_TRUST_FORWARDED_FOR = trusted
    assert client_address(request_from(address, forwarded)) == expected


def test_every_limited_url_name_exists():
    for name in settings.RATE_LIMITS:
        try:
            reverse(name)
        except Exception:
            reverse(name, kwargs={"token": "x"})


@pytest.mark.parametrize("length", [255, 256, 5000])
def test_a_very_long_user_name_at_the_staff_sign_in_is_refused_not_a_500(client, db, length):
    for _ in range(2):
        response = client.post("/staff/login/", {"username": "u" * length, "password": "wrong"})
        assert response.status_code == 200
        assert "Please enter a correct" in response.content.decode()


def test_a_refusal_is_logged_with_a_pseudonym_for_the_address_not_the_address(client, db, limits, caplog):
    with caplog.at_level(logging.INFO, logger="studio.events"):
        for _ in range(4):
            post(client, "/intake/", TYPED, address="192.0.2.10")
    (refused,) = [record for record in caplog.records if getattr(record, "event", "") == "ratelimit.refused"]
    assert refused.f_client == logged_client("192.0.2.10")
    assert re.fullmatch(r"[0-9a-f]{12}", refused.f_client)
    assert "192.0.2.10" not in caplog.text


def test_the_logged_pseudonym_is_stable_per_deployment_and_differs_per_address(settings):
    first = logged_client("192.0.2.10")
    assert logged_client("192.0.2.10") == first
    assert logged_client("192.0.2.11") != first
    settings.SECRET_KEY = "another-deployment-" + "x" * 50
    assert logged_client("192.0.2.10") != first
