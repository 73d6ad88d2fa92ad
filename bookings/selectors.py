"""Read-only queries behind the public pages, each in a fixed number of queries.

price_list() -> list[TechniquePrices]        3 queries (services+technique, prices, therapists)
cached_price_list()                          the same, kept per process: 0 or 1 query (the generation)
team() -> list[TeamMember]                   2 queries
therapist_profile(slug) -> Profile | None    4 queries
with_session_lengths(techniques) -> QuerySet the techniques, each with the lengths sold (no extra query)
session_lengths(technique) -> str            "60 or 90 min" from the services sold, else its typical length
"""

from dataclasses import dataclass, field
from decimal import Decimal
from urllib.parse import urlencode

from django.conf import settings
from django.db.models import CharField, OuterRef, Prefetch, QuerySet, Subquery, Value
from django.db.models.aggregates import StringAgg
from django.db.models.functions import Cast
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from bookings.models import Service, Therapist, Weekday, WorkingHours
from bookings.pricing import LevelPrice, level_prices, price_with
from common.cache import CONTENT, current_generation


@dataclass
class ServicePriceRow:
    """One line of the price list: a service, its lowest price, and the prices by level if they differ."""

    service: Service
    price: Decimal
    level_prices: list[LevelPrice] = field(default_factory=list)

    @property
    def varies(self) -> bool:
        return len({row.price for row in self.level_prices}) > 1


@dataclass
class TechniquePrices:
    technique: object
    rows: list[ServicePriceRow]


def _services():
    return (
        Service.objects.bookable()
        .select_related("technique")
        .order_by("technique__order", "technique__name", "order", "duration_minutes", "name")
    )


def _price_row(service: Service, levels) -> ServicePriceRow:
    """Prices for the levels of the therapists who give the service (all levels if nobody yet)."""
    prices = level_prices(service, levels)
    return ServicePriceRow(service=service, price=min(row.price for row in prices), level_prices=prices)


def _by_technique(rows) -> list[TechniquePrices]:
    """Price rows (in technique order) grouped under their technique."""
    groups: list[TechniquePrices] = []
    for row in rows:
        if groups and groups[-1].technique.pk == row.service.technique_id:
            groups[-1].rows.append(row)
        else:
            groups.append(TechniquePrices(technique=row.service.technique, rows=[row]))
    return groups


def price_list() -> list[TechniquePrices]:
    """Active services grouped by technique, each with its prices by therapist level."""
    services = _services().prefetch_related(
        "level_prices",
        Prefetch(
            "therapists", queryset=Therapist.objects.active().only("pk", "level"), to_attr="active_therapists"
        ),
    )
    return _by_technique(
        _price_row(service, (therapist.level for therapist in service.active_therapists))
        for service in services
    )


# The last price list built in this process, under (content generation, language); see cached_price_list.
_KEPT_PRICE_LIST: dict[tuple[str, str], list[TechniquePrices]] = {}


def cached_price_list() -> list[TechniquePrices]:
    """`price_list()`, built once per process until the content changes (for the booking flow's step 1).

    Kept under the page cache's content generation (common/cache.py), which any write to the services,
    prices, techniques or therapists moves on, in every process; so a price change shows at once. The
    lists are shared between requests: read them, never change them. Without the page cache (its
    invalidation is off too) every call builds afresh.
    """
    if not settings.PAGE_CACHE:
        return price_list()
    try:
        key = (current_generation(CONTENT), get_language() or "")
    except Exception:  # the shared cache is unreachable: no generation, so nothing is kept
        return price_list()
    kept = _KEPT_PRICE_LIST.get(key)
    if kept is None:
        kept = price_list()
        _KEPT_PRICE_LIST.clear()
        _KEPT_PRICE_LIST[key] = kept
    return kept


@dataclass
class TeamMember:
    therapist: Therapist
    techniques: list


def _unique_techniques(services) -> list:
    seen, techniques = set(), []
    for service in services:
        if service.technique_id not in seen:
            seen.add(service.technique_id)
            techniques.append(service.technique)
    return techniques


def team() -> list[TeamMember]:
    """Active therapists, each with the techniques they give."""
    therapists = Therapist.objects.active().prefetch_related(
        Prefetch("services", queryset=_services(), to_attr="bookable_services")
    )
    return [TeamMember(t, _unique_techniques(t.bookable_services)) for t in therapists]


@dataclass
class Profile:
    therapist: Therapist
    groups: list[TechniquePrices]
    weekdays: str


def weekday_summary(days) -> str:
    """ "Tuesday to Saturday", "Monday, Tuesday, Thursday to Saturday": runs of three or more joined."""
    days = sorted(set(days))
    runs: list[list[int]] = []
    for day in days:
        if runs and day == runs[-1][-1] + 1:
            runs[-1].append(day)
        else:
            runs.append([day])
    parts = []
    for run in runs:
        if len(run) >= 3:
            parts.append(
                _("%(first)s to %(last)s") % {"first": Weekday(run[0]).label, "last": Weekday(run[-1]).label}
            )
        else:
            parts.extend(str(Weekday(day).label) for day in run)
    return ", ".join(parts)


def therapist_profile(slug: str) -> Profile | None:
    """An active therapist with what they give (at their level's prices) and the days they work."""
    therapist = (
        Therapist.objects.active()
        .filter(slug=slug)
        .prefetch_related(
            Prefetch(
                "services", queryset=_services().prefetch_related("level_prices"), to_attr="bookable_services"
            ),
        )
        .first()
    )
    if therapist is None:
        return None
    groups = _by_technique(
        ServicePriceRow(service=service, price=price_with(service, therapist))
        for service in therapist.bookable_services
    )
    days = sorted(set(WorkingHours.objects.filter(therapist=therapist).values_list("weekday", flat=True)))
    return Profile(therapist=therapist, groups=groups, weekdays=weekday_summary(days))


def booking_url_for_technique(technique) -> str | None:
    """Where "Book this" on a technique page leads: straight to its service when it has one,
    to the technique's choice of durations when it has several, nowhere when it has none. 1 query."""
    slugs = list(Service.objects.bookable().filter(technique=technique).values_list("slug", flat=True)[:2])
    if not slugs:
        return None
    query = {"service": slugs[0]} if len(slugs) == 1 else {"technique": technique.slug}
    return f"{reverse('bookings:book')}?{urlencode(query)}"


def with_session_lengths(techniques: QuerySet) -> QuerySet:
    """`techniques` annotated with `sold_minutes`: the lengths of their bookable services, comma-separated
    (None when nothing is sold). A subquery in the same query: the pages' query counts do not change."""
    lengths = (
        Service.objects.bookable()
        .filter(technique=OuterRef("pk"))
        .order_by()
        .values("technique")
        .annotate(minutes=StringAgg(Cast("duration_minutes", CharField()), Value(",")))
        .values("minutes")
    )
    return techniques.annotate(sold_minutes=Subquery(lengths))


def session_lengths(technique) -> str:
    """What a technique's page and card say about its length: "60 min", "60 or 90 min", "30, 60 or 90
    min" from the sessions clients can book; the technique's typical length when none is sold ("")."""
    minutes = sorted(
        {int(part) for part in (getattr(technique, "sold_minutes", None) or "").split(",") if part}
    )
    if not minutes:
        return technique.duration_label
    if len(minutes) == 1:
        return _("%(minutes)s min") % {"minutes": minutes[0]}
    return _("%(some)s or %(last)s min") % {"some": ", ".join(map(str, minutes[:-1])), "last": minutes[-1]}
