"""The booking flow's step 1 keeps its price list per process, and a price change shows at once."""

from decimal import Decimal

import pytest
from django.core.cache import caches

from bookings import selectors
from tests.bookings.factories import make_service, make_therapist

# Real commits: the generation moves when a write commits (common/cache.py).
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def page_cache_on(settings):
    settings.PAGE_CACHE = True
    caches["default"].clear()
    selectors._KEPT_PRICE_LIST.clear()
    yield
    selectors._KEPT_PRICE_LIST.clear()


def test_the_list_is_kept_until_the_content_changes(page_cache_on, django_assert_num_queries):
    service = make_service(minutes=60, price="2500.00")
    make_therapist(services=[service])
    first = selectors.cached_price_list()
    with django_assert_num_queries(0):  # kept; the generation is in the (local memory) cache
        assert selectors.cached_price_list() is first
    service.price = Decimal("3100.00")
    service.save()
    fresh = selectors.cached_price_list()
    assert fresh is not first
    assert fresh[0].rows[0].price == Decimal("3100.00")


def test_without_the_page_cache_every_call_builds_afresh(settings):
    settings.PAGE_CACHE = False
    make_therapist(services=[make_service(minutes=60)])
    assert selectors.cached_price_list() is not selectors.cached_price_list()


def test_step_one_shows_a_new_price_at_once(client, page_cache_on):
    service = make_service(minutes=60, price="2500.00")
    make_therapist(services=[service])
    assert "2" in client.get("/book/").content.decode()
    service.price = Decimal("3175.00")
    service.save()
    page = client.get("/book/").content.decode()
    assert "3175" in page.replace("\xa0", "").replace(" ", "").replace(",", "")
