"""Signed links never reach a log: Django's own 4xx and CSRF lines, runserver's access lines, the 500
e-mails to ADMINS and every other record have their tokens masked (common/logging.py)."""

import io
import logging

import pytest
from django.conf import settings
from django.core import mail
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from bookings.links import manage_link_token
from bookings.models import Appointment
from common.logging import MASK, SignedLinkFilter, mask_signed_links

FAKE_TOKEN = "A" * 43 + "." + "b" * 43


def routes(resolver=None, prefix=""):
    for pattern in (resolver or get_resolver()).url_patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from routes(pattern, route)
        elif isinstance(pattern, URLPattern):
            yield route


def test_every_route_that_takes_a_token_is_masked():
    token_routes = [route for route in routes() if "token>" in route]
    assert token_routes  # the manage link, the result link, ...
    for route in token_routes:
        before = "/" + route.split("<", 1)[0]
        assert before.startswith(settings.LOG_MASKED_PATHS), f"{route} is not in LOG_MASKED_PATHS"
        assert before in settings.LOG_MASKED_PATHS, (
            f"{route}: its token right after {before!r} must be masked"
        )


@pytest.mark.parametrize(
    "text",
    [
        f"Not Found: /appointments/{FAKE_TOKEN}/",
        "Forbidden (CSRF cookie not set.): /appointments/short.token/cancel/",
        '"GET /intake/result/eyJxIjoiNGQ:1vQ2:xyz/ HTTP/1.1" 200 512',
        "/book/done/abc.def/",
        "/intake/continue/.eJwtyk:1vQ2:sig/update/",
        f"GET /book/details/?slot={'x' * 60}:1vQ2:{'y' * 43}",
    ],
)
def test_the_token_is_masked_and_the_rest_of_the_line_kept(text):
    masked = mask_signed_links(text)
    assert MASK in masked
    for secret in (FAKE_TOKEN, "short.token", "eyJxIjoiNGQ", "abc.def", "eJwtyk", "y" * 43):
        assert secret not in masked
    assert masked.split(MASK)[0] == text.split(MASK)[0][: len(masked.split(MASK)[0])]


def test_a_request_id_and_ordinary_paths_stay_readable():
    line = "GET /techniques/classical/ [0123456789abcdef0123456789abcdef] /static/css/site.3f2a1b4c5d6e.css"
    assert mask_signed_links(line) == line


@pytest.fixture
def console():
    """What the configured console handler (the one production writes) prints during the test."""
    (handler,) = [
        handler
        for handler in logging.getLogger().handlers
        if any(isinstance(f, SignedLinkFilter) for f in handler.filters)
    ]
    stream = io.StringIO()
    previous = handler.setStream(stream)
    yield stream
    handler.setStream(previous)


def test_djangos_own_4xx_and_csrf_lines_are_masked(studio, console, caplog):
    appointment = Appointment.objects.filter(status="booked").first()
    token = manage_link_token(appointment)
    guarded = Client(enforce_csrf_checks=True)

    with caplog.at_level(logging.INFO):
        assert guarded.get(f"/appointments/{FAKE_TOKEN}/").status_code == 404
        assert guarded.post(f"/appointments/{token}/cancel/").status_code == 403
        assert guarded.get(f"/intake/result/{FAKE_TOKEN}/").status_code in {400, 404}

    written = console.getvalue()
    assert "Forbidden (CSRF cookie not set.): /appointments/[masked]/cancel/" in written
    assert "/appointments/[masked]/" in written
    records = [record for record in caplog.records if record.name.startswith("django")]
    assert {"django.request", "django.security.csrf"} <= {record.name for record in records}
    for text in [written, *(record.getMessage() for record in caplog.records)]:
        assert token not in text
        assert FAKE_TOKEN not in text


def test_the_500_email_to_admins_masks_the_link(studio, settings, error_client, monkeypatch):
    settings.ADMINS = ["ops@example.com"]
    appointment = Appointment.objects.filter(status="booked").first()
    token = manage_link_token(appointment)

    def broken(*args, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr("bookings.web.manage_views.open_manage_link", broken)
    response = error_client.get(f"/appointments/{token}/?from={token}")

    assert response.status_code == 500
    (sent,) = [message for message in mail.outbox if "ops@example.com" in message.to]
    assert "/appointments/[masked]/" in sent.subject + sent.body
    assert token not in sent.subject
    assert token not in sent.body
    assert all(token not in str(alternative) for alternative in getattr(sent, "alternatives", []))


def test_sentry_stays_off_unless_configured_and_masks_what_it_would_send():
    import sentry_sdk

    from common.logging import _scrub_event

    assert not settings.SENTRY_DSN
    assert not sentry_sdk.get_client().is_active()
    event = {
        "request": {"url": f"https://studio.example.com/appointments/{FAKE_TOKEN}/", "query_string": ""},
        "logentry": {"message": "Not Found: %s", "params": [f"/appointments/{FAKE_TOKEN}/"]},
        "exception": {"values": [{"value": f"no appointment for {FAKE_TOKEN}"}]},
    }
    assert FAKE_TOKEN not in str(_scrub_event(event))
    assert "/appointments/[masked]/" in str(_scrub_event(event))
