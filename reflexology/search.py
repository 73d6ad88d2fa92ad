"""Site search over published techniques and foot zones.

PostgreSQL gets real full-text search (English stemming, weighted and ranked, `websearch` syntax
so quotes, minus signs and stray punctuation are never a syntax error); SQLite, used in
development, gets a plain case-insensitive match of every word. Both also match a name that
contains the query as typed, so a partial word such as "thai" or "kidn" still finds something.
"""

import re
import unicodedata
from dataclasses import dataclass, field

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.db.models import Case, IntegerField, Q, QuerySet, Value, When

from reflexology.models import BodySystem, Technique, Zone

MAX_QUERY_LENGTH = 200
MAX_TERMS = 8
SEARCH_CONFIG = "english"
WORD = re.compile(r"\w+", re.UNICODE)


@dataclass(frozen=True)
class CleanQuery:
    text: str
    truncated: bool = False

    @property
    def terms(self) -> list[str]:
        return WORD.findall(self.text.lower())[:MAX_TERMS]


@dataclass
class SearchResults:
    query: CleanQuery
    techniques: list[Technique] = field(default_factory=list)
    zones: list[Zone] = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.techniques) + len(self.zones)


def clean_query(raw: str) -> CleanQuery:
    """The query as we search it: no control characters (NUL included), single spaces, capped."""
    visible = "".join(" " if unicodedata.category(char).startswith("C") else char for char in raw or "")
    text = " ".join(visible.split())
    if len(text) > MAX_QUERY_LENGTH:
        return CleanQuery(text=text[:MAX_QUERY_LENGTH].rstrip(), truncated=True)
    return CleanQuery(text=text)


def search_content(*, query: CleanQuery) -> SearchResults:
    """Published techniques and zones matching `query`, best first (three queries at most)."""
    results = SearchResults(query=query)
    if not query.terms:
        return results
    if connection.vendor == "postgresql":
        techniques, zones = _postgres_techniques(query.text), _postgres_zones(query.text)
    else:
        techniques, zones = _plain_techniques(query), _plain_zones(query)
    results.techniques = list(techniques)
    results.zones = list(zones.prefetch_related("systems"))
    return results


# --- PostgreSQL -----------------------------------------------------------------------------


def _vector(*weighted: tuple[str, str]) -> SearchVector:
    vectors = [SearchVector(name, weight=weight, config=SEARCH_CONFIG) for name, weight in weighted]
    combined = vectors[0]
    for vector in vectors[1:]:
        combined = combined + vector
    return combined


def _postgres_techniques(text: str) -> QuerySet[Technique]:
    search = SearchQuery(text, search_type="websearch", config=SEARCH_CONFIG)
    vector = _vector(("name", "A"), ("summary", "B"), ("body", "C"), ("suits", "C"))
    return (
        Technique.objects.published()
        .annotate(document=vector, rank=SearchRank(vector, search))
        .filter(Q(document=search) | Q(name__icontains=text))
        .order_by("-rank", "order", "name")
    )


def _postgres_zones(text: str) -> QuerySet[Zone]:
    search = SearchQuery(text, search_type="websearch", config=SEARCH_CONFIG)
    vector = _vector(("name", "A"), ("body_parts", "A"), ("description", "C"))
    systems = BodySystem.objects.annotate(document=_vector(("name", "A"), ("description", "B"))).filter(
        Q(document=search) | Q(name__icontains=text)
    )
    in_matching_system = Zone.systems.through.objects.filter(bodysystem__in=systems).values("zone_id")
    return (
        Zone.objects.annotate(document=vector, rank=SearchRank(vector, search))
        .filter(Q(document=search) | Q(name__icontains=text) | Q(pk__in=in_matching_system))
        .order_by("-rank", "order", "name")
    )


# --- SQLite and anything else -----------------------------------------------------------------


def _stem(term: str) -> str:
    # Good enough for English plurals here: "toes" finds "toe", "kidneys" finds "kidney".
    return term[:-1] if len(term) > 3 and term.endswith("s") and not term.endswith("ss") else term


def _every_term(query: CleanQuery, fields: tuple[str, ...], extra=None) -> Q:
    condition = Q()
    for term in query.terms:
        stem = _stem(term)
        matches_term = Q()
        for name in fields:
            matches_term |= Q(**{f"{name}__icontains": stem})
        if extra is not None:
            matches_term |= extra(stem)
        condition &= matches_term
    return condition


def _name_first(query: CleanQuery) -> Case:
    return Case(
        When(name__icontains=query.text, then=Value(0)), default=Value(1), output_field=IntegerField()
    )


def _plain_techniques(query: CleanQuery) -> QuerySet[Technique]:
    condition = _every_term(query, ("name", "summary", "body", "suits"))
    return (
        Technique.objects.published()
        .filter(condition | Q(name__icontains=query.text))
        .annotate(name_match=_name_first(query))
        .order_by("name_match", "order", "name")
    )


def _plain_zones(query: CleanQuery) -> QuerySet[Zone]:
    def in_system(stem: str) -> Q:
        systems = BodySystem.objects.filter(name__icontains=stem)
        return Q(pk__in=Zone.systems.through.objects.filter(bodysystem__in=systems).values("zone_id"))

    condition = _every_term(query, ("name", "body_parts", "description"), extra=in_system)
    return (
        Zone.objects.filter(condition | Q(name__icontains=query.text))
        .annotate(name_match=_name_first(query))
        .order_by("name_match", "order", "name")
    )
