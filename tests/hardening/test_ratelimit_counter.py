"""The database cache's incr() is atomic (common.cache.DatabaseCache): concurrent increments from several
connections all count, and the expiry is kept. Real threads, real connections, on either database."""

import threading

import pytest
from django.core.cache import caches
from django.db import connection, connections

from tests.hardening.conftest import SHARED_CACHE, quietly

THREADS = 6
EACH = 15


@pytest.fixture
def database_cache(settings, transactional_db):
    settings.CACHES = {"default": dict(SHARED_CACHE)}
    quietly("createcachetable")
    store = caches["default"]
    store.clear()
    yield store
    store.clear()


def expiry_of(store, key):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT expires FROM studio_cache_test WHERE cache_key = %s", [store.make_and_validate_key(key)]
        )
        return cursor.fetchone()[0]


def test_concurrent_increments_all_count(database_cache):
    database_cache.add("counter", 0, timeout=600)
    expires = expiry_of(database_cache, "counter")
    failures = []
    start = threading.Barrier(THREADS)

    def work():
        try:
            start.wait()
            for _ in range(EACH):
                caches["default"].incr("counter")
        except Exception as error:  # reported below, with the thread's error
            failures.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert failures == []
    assert database_cache.get("counter") == THREADS * EACH
    assert expiry_of(database_cache, "counter") == expires


def test_a_missing_or_expired_key_is_not_incremented(database_cache):
    with pytest.raises(ValueError, match="not found"):
        database_cache.incr("nothing-here")
    database_cache.set("old", 5, timeout=-1)
    with pytest.raises(ValueError, match="not found"):
        database_cache.incr("old")
