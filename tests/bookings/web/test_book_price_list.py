"""The booking flow's step 1 keeps its price list per process, and a price change shows at once."""

from decimal import Decimal

import pytest
from django.core.cache import caches

from bookings import selectors
from bookings.web import service_groups
from tests.bookings.factories import make_service, make_therapist

# Real commits: the generation moves when a write commits (common/cache.py).
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def page_cache_on(settings):
    settings.PAGE_CACHE = True
    caches["default"].clear()
    selectors._KEPT_PRICE_LIST.clear()
    service_groups._KEPT.clear()
    yield
    selectors._KEPT_PRICE_LIST.clear()
    service_groups._KEPT.clear()


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


def _sessions(page) -> str:
    """The step's list of sessions, as rendered (between the form's start and its end)."""
    html = page.content.decode()
    start = html.index('class="service-form"')
    return html[start : html.index("</form>", start)]


def test_step_one_keeps_its_list_of_sessions_until_the_content_changes(client, page_cache_on):
    service = make_service(minutes=60, price="2500.00")
    make_therapist(services=[service])
    first = _sessions(client.get("/book/"))
    assert 'value="classical-60"' in first
    assert len(service_groups._KEPT) == 1
    ((kept_list, kept_html),) = service_groups._KEPT.values()
    assert kept_list is selectors.cached_price_list()
    assert _sessions(client.get("/book/")) == first  # served from what was kept
    service.name = "Classical, renamed"
    service.save()
    fresh = _sessions(client.get("/book/"))
    assert "Classical, renamed" in fresh and fresh != first
    ((kept_list, kept_html),) = service_groups._KEPT.values()  # the old one is dropped
    assert "Classical, renamed" in kept_html


def test_step_one_keeps_one_list_per_technique(client, page_cache_on):
    make_therapist(services=[make_service(minutes=60), make_service(technique="thai", minutes=45)])
    everything = _sessions(client.get("/book/"))
    thai = _sessions(client.get("/book/?technique=thai"))
    assert "thai-45" in thai and "classical-60" not in thai
    assert "thai-45" in everything and "classical-60" in everything
    assert _sessions(client.get("/book/")) == everything
    assert _sessions(client.get("/book/?technique=thai")) == thai
    assert sorted(technique for _language, technique in service_groups._KEPT) == ["", "thai"]


def test_a_therapists_own_prices_are_never_kept(client, page_cache_on):
    service = make_service(minutes=60, price="2500.00")
    make_therapist("anna", services=[service])
    page = client.get("/book/?therapist=anna")
    assert 'name="therapist" value="anna"' in page.content.decode()
    assert 'value="classical-60"' in _sessions(page)
    assert service_groups._KEPT == {}
