"""Search over techniques and zones: PostgreSQL full-text search, a plain match on SQLite."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from reflexology.search import MAX_QUERY_LENGTH, clean_query, search_content
from tests.utils import assert_csp_clean

on_postgres = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL full-text search")
on_sqlite = pytest.mark.skipif(connection.vendor != "sqlite", reason="the plain SQLite match")


def found(client, q) -> tuple[list[str], list[str]]:
    response = client.get("/search/", {"q": q})
    assert response.status_code == 200
    results = response.context["results"]
    return [t.slug for t in results.techniques], [z.slug for z in results.zones]


@pytest.mark.parametrize(
    ("q", "technique", "zone"),
    [
        ("thai", "thai-sticks", None),  # a technique by name
        ("Relaxing", "relaxing", None),  # any case
        ("liver", None, "liver"),  # a zone by name
        ("heel", None, "pelvis-sciatic"),  # by where it is
        ("sciatic nerve", None, "pelvis-sciatic"),  # by body part
        ("thyroid", None, "neck-throat-thyroid"),  # by body part
        ("digestion", None, "small-intestine"),  # by body system ("Digestion")
        ("lymph", None, "upper-lymph"),
        ("kidneys", None, "kidneys"),
        ("bunion", "therapeutic-hallux-valgus", None),  # words in the text
        ("socks", "bedtime-self-massage", None),
        ("mat", "mats-and-devices", None),
    ],
)
def test_search_finds_techniques_and_zones(client, reference, q, technique, zone):
    techniques, zones = found(client, q)
    if technique:
        assert technique in techniques, (q, techniques)
    if zone:
        assert zone in zones, (q, zones)


def test_a_name_match_comes_first(client, reference):
    techniques, _ = found(client, "thai")
    assert techniques[0] == "thai-sticks"
    _, zones = found(client, "liver")
    assert zones[0] == "liver"


def test_results_page_links_to_each_result(client, reference):
    response = client.get("/search/", {"q": "ankle"})
    assert_csp_clean(response)
    html = response.content.decode()
    assert "/foot-map/zones/uterus-prostate/" in html
    assert "results for" in html
    assert 'value="ankle"' in html  # the box keeps what was typed (also in the header)


def test_unpublished_techniques_are_not_found(client, reference):
    from reflexology.models import Technique

    Technique.objects.filter(slug="thai-sticks").update(published=False)
    techniques, _ = found(client, "thai")
    assert "thai-sticks" not in techniques


BAD_INPUT = [
    "",
    "   ",
    '"',
    "'",
    '"unclosed quote',
    "!!!???...",
    "&&& ||| !!!",
    "-",
    "- - -",
    "or",
    "heel or",
    "\\",
    "%",
    "_",
    "%_%",
    "a:*",
    "foot & (heel",
    "<script>alert(1)</script>",
    "'; DROP TABLE reflexology_zone; --",
    "heel\x00toe",
    "\x00",
    "\x00\x00\x00",
    "\u202eevil",
    "ступня",
    "足",
    "🦶",
    "x" * 10_000,
    "heel " * 2_000,
]


@pytest.mark.parametrize("q", BAD_INPUT, ids=range(len(BAD_INPUT)))
def test_any_input_is_answered_never_a_500(client, reference, q):
    response = client.get("/search/", {"q": q})
    assert response.status_code == 200
    assert_csp_clean(response)
    html = response.content.decode()
    assert "<script>alert(1)</script>" not in html
    assert len(response.context["query"].text) <= MAX_QUERY_LENGTH


def test_long_input_is_capped_and_says_so(client, reference):
    response = client.get("/search/", {"q": "heel " * 2_000})
    assert response.context["query"].truncated
    assert "first 200 characters" in response.content.decode()
    assert "pelvis-sciatic" in [z.slug for z in response.context["results"].zones]


def test_punctuation_only_gets_a_hint(client, reference):
    html = client.get("/search/", {"q": "!!!???"}).content.decode()
    assert "could not find any words" in html


def test_no_results_gets_suggestions(client, reference):
    html = client.get("/search/", {"q": "xylophone"}).content.decode()
    assert "Nothing matched" in html and "/techniques/" in html


def test_no_query_at_all(client, reference, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/search/")
    assert response.status_code == 200


def test_clean_query_removes_control_characters_and_caps_length():
    assert clean_query("  heel\x00 \t toe\n").text == "heel toe"
    long = clean_query("y" * 10_000)
    assert len(long.text) == MAX_QUERY_LENGTH and long.truncated
    assert clean_query("!!!").terms == []
    assert clean_query("Big toe, heel").terms == ["big", "toe", "heel"]


def test_search_query_count_is_fixed(client, reference, django_assert_num_queries):
    with django_assert_num_queries(3):  # techniques, zones, the zones' systems
        client.get("/search/", {"q": "foot"})


def test_search_query_count_does_not_grow_with_ten_times_the_data(client, tenfold, django_assert_num_queries):
    with django_assert_num_queries(3):
        response = client.get("/search/", {"q": "foot"})
    assert len(response.context["results"].zones) > 45


@on_postgres
def test_postgres_uses_ranked_full_text_search(reference):
    with CaptureQueriesContext(connection) as queries:
        results = search_content(query=clean_query("massaging the soles"))
    sql = " ".join(query["sql"] for query in queries.captured_queries)
    assert "websearch_to_tsquery" in sql and "to_tsvector" in sql and "ts_rank" in sql
    # English stemming: "massaging" finds "massage", "soles" finds "sole".
    assert results.techniques


@on_postgres
def test_postgres_websearch_syntax_is_forgiving(reference):
    phrase = [z.slug for z in search_content(query=clean_query('"sciatic nerve"')).zones]
    assert phrase[0] == "pelvis-sciatic" and set(phrase) == {"pelvis-sciatic", "heel-centre"}
    excluded = search_content(query=clean_query("kidney -seed")).zones
    assert "kidneys" in [z.slug for z in excluded]


@on_sqlite
def test_sqlite_uses_a_plain_match_of_every_word(reference):
    with CaptureQueriesContext(connection) as queries:
        results = search_content(query=clean_query("inner ankle"))
    sql = " ".join(query["sql"] for query in queries.captured_queries)
    assert "LIKE" in sql and "tsvector" not in sql
    assert "uterus-prostate" in [z.slug for z in results.zones]
    assert not search_content(query=clean_query("ankle xylophone")).zones  # every word must match
