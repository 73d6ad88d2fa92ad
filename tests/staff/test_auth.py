"""Signing in and out: Django auth with django-axes throttling, sessions that expire."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.sessions.models import Session
from django.db.models import F
from django.urls import reverse

from tests.staff.conftest import PASSWORD
from tests.utils import assert_csp_clean

pytestmark = pytest.mark.django_db

LOGIN = reverse("staff:login")


def sign_in(client, username, password=PASSWORD, **extra):
    return client.post(LOGIN, {"username": username, "password": password, **extra})


def test_the_sign_in_page_looks_like_the_site_and_is_csp_clean(client):
    response = client.get(LOGIN)

    assert response.status_code == 200
    assert_csp_clean(response)
    html = response.content.decode()
    assert 'name="username"' in html and 'autocomplete="current-password"' in html
    assert "css/studio.css" in html and "css/staff.css" in html
    assert (
        response.headers["Cache-Control"].startswith("max-age=0")
        or "no-cache" in response.headers["Cache-Control"]
    )


def test_signing_in_leads_to_the_day_view_or_the_page_asked_for(client, studio):
    response = sign_in(client, "desk")
    assert response.status_code == 302
    assert response.url == reverse("staff:dashboard")

    client.logout()
    wanted = reverse("staff:week")
    response = sign_in(client, "desk", next=wanted)
    assert response.url == wanted


def test_a_wrong_password_gets_a_plain_message_and_keeps_the_user_name(client, studio):
    response = sign_in(client, "desk", "not-the-password")

    assert response.status_code == 200
    html = response.content.decode()
    assert "Please enter a correct username and password" in html
    assert 'value="desk"' in html
    assert "_auth_user_id" not in client.session


def test_sign_in_is_locked_after_repeated_failures_with_a_friendly_page(client, studio):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert sign_in(client, "desk", "wrong").status_code == 200

    locked = sign_in(client, "desk", "wrong")
    assert locked.status_code == 429
    assert "Too many tries" in locked.content.decode()
    assert "minutes" in locked.content.decode()
    assert_csp_clean(locked)

    # Even the right password is refused while the pause lasts...
    assert sign_in(client, "desk").status_code == 429
    assert "_auth_user_id" not in client.session
    # ...but only for that name from that address: a colleague at the same desk can still sign in.
    assert sign_in(client, "boss").status_code == 302


def test_the_lockout_ends_after_the_cool_off(client, studio):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, "desk", "wrong")
    assert sign_in(client, "desk").status_code == 429

    # axes reads its own clock: age its records instead of moving ours.
    AccessAttempt.objects.update(
        attempt_time=F("attempt_time") - timedelta(minutes=settings.AXES_COOLOFF_TIME * 60 + 1)
    )

    assert sign_in(client, "desk").status_code == 302


def test_a_successful_sign_in_forgets_earlier_failures(client, studio):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        sign_in(client, "desk", "wrong")
    assert sign_in(client, "desk").status_code == 302
    client.logout()

    assert not AccessAttempt.objects.filter(username="desk", failures_since_start__gt=0).exists()
    assert sign_in(client, "desk", "wrong").status_code == 200  # a fresh count, not a lockout


def test_sign_out_is_a_post_and_ends_the_session(client, studio):
    client.force_login(studio.user("reception"))

    assert client.get(reverse("staff:logout")).status_code == 405
    response = client.post(reverse("staff:logout"))

    assert response.status_code == 302
    assert response.url == LOGIN
    assert client.get(reverse("staff:dashboard")).status_code == 302


def test_sessions_end_with_the_browser_and_after_a_working_day(client, studio):
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is True
    assert settings.SESSION_COOKIE_AGE <= 12 * 60 * 60

    response = sign_in(client, "desk")

    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["expires"] == "" and cookie["max-age"] == ""  # a browser-session cookie
    assert cookie["httponly"]
    session = Session.objects.get(session_key=cookie.value)
    assert session.expire_date - studio_now() <= timedelta(seconds=settings.SESSION_COOKIE_AGE)


def test_an_expired_session_is_sent_back_to_sign_in(client, studio, clock):
    client.force_login(studio.user("reception"))
    assert client.get(reverse("staff:dashboard")).status_code == 200

    clock.advance(seconds=settings.SESSION_COOKIE_AGE + 60)

    response = client.get(reverse("staff:dashboard"))
    assert response.status_code == 302
    assert response.url.startswith(LOGIN)


def studio_now():
    from django.utils import timezone

    return timezone.now()


def test_the_sign_in_page_runs_no_query_for_a_visitor(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert client.get(LOGIN).status_code == 200
