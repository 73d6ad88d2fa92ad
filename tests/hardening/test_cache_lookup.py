"""A page-cache hit on the database cache is one round trip: the lookup doubles as the health check."""

import pytest
from django.db import DatabaseError, connections
from django.test.utils import CaptureQueriesContext

from common import cache as page_cache_module

pytestmark = pytest.mark.django_db


def default():
    return connections["default"]  # the wrapper itself: attributes patched on it are restored


def make_health_check_due(patch):
    """A persistent connection at the start of a request, its health check not yet done."""
    default().ensure_connection()
    patch.setattr(default(), "health_check_enabled", True)
    patch.setattr(default(), "health_check_done", False)

    def no_separate_check():
        raise AssertionError("a separate health-check query was run")

    patch.setattr(default(), "is_usable", no_separate_check)


def test_the_lookup_is_the_only_query_and_counts_as_the_check(shared_cache, monkeypatch):
    shared_cache.set("page", "entry")
    with monkeypatch.context() as patch:
        make_health_check_due(patch)
        with CaptureQueriesContext(default()) as captured:
            assert page_cache_module._lookup(["page", "generation"]) == {"page": "entry"}
        assert len(captured.captured_queries) == 1
        assert default().health_check_done


def test_a_failed_lookup_closes_the_connection_for_the_view_to_reopen(shared_cache, monkeypatch):
    def broken(keys):
        raise DatabaseError("server closed the connection unexpectedly")

    closed = []
    with monkeypatch.context() as patch:
        make_health_check_due(patch)
        patch.setattr(shared_cache, "get_many", broken)
        patch.setattr(page_cache_module, "page_cache", lambda: shared_cache)
        patch.setattr(default(), "close", lambda: closed.append(True))
        with pytest.raises(DatabaseError):
            page_cache_module._lookup(["page"])
    assert closed == [True]
