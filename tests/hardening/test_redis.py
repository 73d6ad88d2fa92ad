"""The page cache and the rate-limit counters on Redis (REDIS_URL), as production runs them on several
hosts. Skipped, with the reason, where no Redis answers (REDIS_URL, else 127.0.0.1:6379)."""

import os
import threading
import uuid

import pytest
from django.core.cache import caches
from django.test import Client

from common.ratelimit import hit
from tests.hardening.test_cache import cached_twice, fetch, rename_technique, text

REDIS_URL = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/15"


def redis_answers() -> bool:
    try:
        import redis

        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=0.5).ping())
    except Exception:
        return False


pytestmark = pytest.mark.skipif(not redis_answers(), reason=f"no Redis answers at {REDIS_URL}")


@pytest.fixture
def redis_cache(settings):
    prefix = f"studio-test-{uuid.uuid4().hex[:12]}"
    backend = {"BACKEND": "common.cache.RedisCache", "LOCATION": REDIS_URL, "KEY_PREFIX": prefix}
    settings.CACHES = {"default": backend}
    store = caches["default"]
    yield store
    # Never FLUSHDB (cache.clear()): the Redis may be shared. Only this test's keys go.
    client = store._cache.get_client(write=True)
    keys = list(client.scan_iter(match=f"{prefix}:*"))
    if keys:
        client.delete(*keys)


def test_the_redis_client_is_made_once_not_per_call(redis_cache):
    first = redis_cache._cache.get_client()
    redis_cache.set("a", 1)
    assert redis_cache.get("a") == 1
    assert redis_cache._cache.get_client() is first
    assert redis_cache._cache.get_client(write=True) is first  # one server: one pool, one client


def test_pages_are_cached_in_redis_and_dropped_after_a_change(
    studio, redis_cache, settings, django_capture_on_commit_callbacks
):
    settings.PAGE_CACHE = True
    client = Client()
    before = cached_twice(client, "/techniques/classical/")
    with django_capture_on_commit_callbacks(execute=True):
        name = rename_technique()
    after = fetch(client, "/techniques/classical/")
    assert name not in before
    assert after["X-Page-Cache"] == "miss"
    assert name in text(after)


def test_concurrent_rate_limit_counts_all_count_on_redis(redis_cache):
    results = []
    start = threading.Barrier(8)

    def work():
        start.wait()
        for _ in range(10):
            results.append(hit(scope="storm", address="192.0.2.1", limit=1000, seconds=600, now=6000.0))

    threads = [threading.Thread(target=work) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(results) == 80
    # Every one of the 80 counted: the 81st is within a limit of 81, the 82nd is not.
    assert hit(scope="storm", address="192.0.2.1", limit=81, seconds=600, now=6000.0)[0] is True
    assert hit(scope="storm", address="192.0.2.1", limit=81, seconds=600, now=6000.0)[0] is False
