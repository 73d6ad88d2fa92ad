"""Fixtures for the hardening tests: a whole demo studio, the page cache and rate limits switched on,
and a client that gets the error pages instead of the exceptions."""

import os

import pytest
from django.core.cache import caches
from django.core.management import call_command
from django.db import transaction
from django.test import Client

from tests.db import DEMO_FRESH_FOR, replayed

SHARED_CACHE = {
    "BACKEND": "common.cache.DatabaseCache",
    "LOCATION": "studio_cache_test",
}


def quietly(*args, **kwargs):
    with open(os.devnull, "w") as devnull:
        call_command(*args, verbosity=0, stdout=devnull, **kwargs)


@pytest.fixture(scope="module")
def demo_studio(django_db_setup, django_db_blocker):
    """The content and the demo studio, built once per module inside a transaction rolled back at its end.

    Each test runs inside its own savepoint within it (pytest-django's `db`), as with Django's
    TestCase.setUpTestData, so tests still see only their own changes. Not for transactional tests.
    """
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            replayed("load_content")
            replayed("load_demo", fresh_for=DEMO_FRESH_FOR)
            yield
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


@pytest.fixture
def studio(demo_studio, db):
    """The content and the demo studio (therapists, hours, services, prices, bookings)."""


@pytest.fixture
def shared_cache(settings, db):
    """The database cache every worker shares in production, instead of the suite's local memory."""
    settings.CACHES = {"default": dict(SHARED_CACHE)}
    quietly("createcachetable")
    caches["default"].clear()
    yield caches["default"]
    caches["default"].clear()


@pytest.fixture
def page_cache(settings, shared_cache):
    settings.PAGE_CACHE = True
    return shared_cache


@pytest.fixture
def error_client():
    """Answers with the site's error pages, as a real server does, instead of raising."""
    return Client(raise_request_exception=False)
