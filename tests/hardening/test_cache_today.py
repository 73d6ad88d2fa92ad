"""The page cache and "today": the home and contact pages show today's opening hours, so a page cached
before the studio's midnight never answers after it (the studio's date is part of the key)."""

from datetime import date

from django.urls import reverse

from common import cache as page_cache_module
from tests.hardening.test_cache import cached_twice, fetch


def test_a_page_cached_yesterday_is_not_served_today(client, studio, page_cache, monkeypatch):
    path = reverse("bookings:contact")
    monkeypatch.setattr(page_cache_module, "localdate", lambda: date(2026, 12, 31))
    cached_twice(client, path)
    assert fetch(client, path)["X-Page-Cache"] == "hit"

    monkeypatch.setattr(page_cache_module, "localdate", lambda: date(2027, 1, 1))

    assert fetch(client, path)["X-Page-Cache"] == "miss"


def test_the_footer_hours_fragment_is_cached_in_one_query(
    client, studio, page_cache, django_assert_num_queries
):
    path = reverse("bookings:hours_fragment")
    cached_twice(client, path)
    with django_assert_num_queries(1):
        assert fetch(client, path)["X-Page-Cache"] == "hit"
