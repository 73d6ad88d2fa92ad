"""Site search over published techniques and foot zones, in the language of the page.

The text searched is the text shown: each field in the active language (`name_ru` on the Russian
site, `name_en` under /en/), or the other language's where that one is still empty (the page falls
back the same way). PostgreSQL gets real full-text search with that language's stemming (the
`russian` configuration, which stems Latin-script words as English; `english` under /en/), weighted
and ranked, `websearch` syntax so quotes, minus signs and stray punctuation are never a syntax
error. SQLite, used in development, gets a plain case-insensitive match of every word: its LIKE and
lower() fold ASCII only, so both sides go through Python's casefold() (registered on each SQLite
connection as CASEFOLD by common.apps), which folds Cyrillic too. Both also match a name that
contains the query as typed, so a partial word such as "thai" or "kidn" still finds something.
"""

import re
import unicodedata
from dataclasses import dataclass, field

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.db.models import Case, CharField, Func, IntegerField, Q, QuerySet, Value, When
from django.db.models.functions import Coalesce, NullIf
from django.utils.translation import get_language

from reflexology.models import BodySystem, Technique, Zone

MAX_QUERY_LENGTH = 200
MAX_TERMS = 8
# The full-text configuration of each language; another language is searched as Russian.
SEARCH_CONFIGS = {"ru": "russian", "en": "english"}
WORD = re.compile(r"\w+", re.UNICODE)
# Common Russian endings, so that "массажа" or "классического" find "массаж", "классический".
RUSSIAN_ENDING = re.compile(
    r"(ами|ями|ого|его|ому|ему|ыми|ими|ая|яя|ое|ее|ые|ие|ый|ий|ой"
    r"|ам|ям|ах|ях|ов|ев|ом|ем|а|я|о|е|ы|и|у|ю|ь|й)$"
)


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


# --- The text shown, in the active language ---------------------------------------------------


def _languages() -> tuple[str, str]:
    """(the active language, the other one): ("ru", "en") on the Russian site, ("en", "ru") under /en/."""
    active = (get_language() or "ru").split("-")[0]
    active = active if active in SEARCH_CONFIGS else "ru"
    return active, "en" if active == "ru" else "ru"


def _shown(name: str) -> Coalesce:
    """A translated field as the page shows it: the active language's text, else the other one's."""
    active, other = _languages()
    shown = NullIf(f"{name}_{active}", Value(""))
    return Coalesce(shown, f"{name}_{other}", Value(""), output_field=CharField())


def _config() -> str:
    return SEARCH_CONFIGS[_languages()[0]]


def _name_contains(text: str) -> Q:
    """The name shown contains `text` (any case), for partial words: "thai", "kidn", "класс".
    Needs `shown_name` annotated (`_shown("name")`)."""
    return Q(shown_name__icontains=text)


# --- PostgreSQL -----------------------------------------------------------------------------


def _vector(*weighted: tuple[str, str]) -> SearchVector:
    config = _config()
    vectors = [SearchVector(_shown(name), weight=weight, config=config) for name, weight in weighted]
    combined = vectors[0]
    for vector in vectors[1:]:
        combined = combined + vector
    return combined


def _postgres_techniques(text: str) -> QuerySet[Technique]:
    search = SearchQuery(text, search_type="websearch", config=_config())
    vector = _vector(("name", "A"), ("summary", "B"), ("body", "C"), ("suits", "C"))
    return (
        Technique.objects.published()
        .annotate(document=vector, rank=SearchRank(vector, search), shown_name=_shown("name"))
        .filter(Q(document=search) | _name_contains(text))
        .order_by("-rank", "order", "name")
    )


def _postgres_zones(text: str) -> QuerySet[Zone]:
    search = SearchQuery(text, search_type="websearch", config=_config())
    vector = _vector(("name", "A"), ("body_parts", "A"), ("description", "C"))
    systems = BodySystem.objects.annotate(
        document=_vector(("name", "A"), ("description", "B")), shown_name=_shown("name")
    ).filter(Q(document=search) | _name_contains(text))
    in_matching_system = Zone.systems.through.objects.filter(bodysystem__in=systems).values("zone_id")
    return (
        Zone.objects.annotate(document=vector, rank=SearchRank(vector, search), shown_name=_shown("name"))
        .filter(Q(document=search) | _name_contains(text) | Q(pk__in=in_matching_system))
        .order_by("-rank", "order", "name")
    )


# --- SQLite and anything else -----------------------------------------------------------------


class Casefold(Func):
    """Python's str.casefold() in SQL (registered on SQLite connections by common.apps): unlike
    SQLite's lower() and LIKE it folds every script, so "Классический" matches "классический"."""

    function = "CASEFOLD"
    output_field = CharField()


def _stem(term: str) -> str:
    # Good enough here: "toes" finds "toe", "kidneys" finds "kidney", "почки" finds "почка".
    if len(term) > 3 and term.endswith("s") and not term.endswith("ss"):
        return term[:-1]
    shorter = RUSSIAN_ENDING.sub("", term)
    return shorter if len(shorter) >= 4 else term


def _folded(*names: str) -> dict[str, Casefold]:
    return {f"{name}_folded": Casefold(_shown(name)) for name in names}


def _every_term(query: CleanQuery, fields: tuple[str, ...], extra=None) -> Q:
    """Each term is in one of the (folded) `fields`, or matches `extra`."""
    condition = Q()
    for term in query.terms:
        stem = _stem(term.casefold())
        matches_term = Q()
        for name in fields:
            matches_term |= Q(**{f"{name}_folded__contains": stem})
        if extra is not None:
            matches_term |= extra(stem)
        condition &= matches_term
    return condition


def _name_first(query: CleanQuery) -> Case:
    return Case(
        When(name_folded__contains=query.text.casefold(), then=Value(0)),
        default=Value(1),
        output_field=IntegerField(),
    )


def _plain_techniques(query: CleanQuery) -> QuerySet[Technique]:
    fields = ("name", "summary", "body", "suits")
    return (
        Technique.objects.published()
        .annotate(**_folded(*fields))
        .filter(_every_term(query, fields) | Q(name_folded__contains=query.text.casefold()))
        .annotate(name_match=_name_first(query))
        .order_by("name_match", "order", "name")
    )


def _plain_zones(query: CleanQuery) -> QuerySet[Zone]:
    def in_system(stem: str) -> Q:
        systems = BodySystem.objects.annotate(**_folded("name")).filter(name_folded__contains=stem)
        return Q(pk__in=Zone.systems.through.objects.filter(bodysystem__in=systems).values("zone_id"))

    fields = ("name", "body_parts", "description")
    return (
        Zone.objects.annotate(**_folded(*fields))
        .filter(_every_term(query, fields, extra=in_system) | Q(name_folded__contains=query.text.casefold()))
        .annotate(name_match=_name_first(query))
        .order_by("name_match", "order", "name")
    )
