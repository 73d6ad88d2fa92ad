"""Reads for the reference pages: each returns what one page shows, in a fixed number of queries."""

from django.db.models import Case, Prefetch, QuerySet, Value, When

from reflexology.models import BodySystem, Claim, Technique, Zone

CARD_FIELDS = (
    "slug",
    "name",
    "kind",
    "setting",
    "summary",
    "duration_min",
    "duration_max",
    "duration_note",
    "intensity",
    "image_card",
    "image_alt",
    "order",
)


def body_systems() -> QuerySet[BodySystem]:
    return BodySystem.objects.only("slug", "name", "colour", "order")


def technique_cards(*, kind: str = "", system: str = "", setting: str = "") -> QuerySet[Technique]:
    """Published techniques for the cards, optionally narrowed (one query)."""
    techniques = Technique.objects.published().only(*CARD_FIELDS)
    if kind:
        techniques = techniques.filter(kind=kind)
    if setting:
        techniques = techniques.filter(setting__in=[setting, Technique.Setting.BOTH])
    if system:
        # A technique belongs to a system when it works at least one zone of that system.
        techniques = techniques.filter(
            pk__in=Technique.zones.through.objects.filter(zone__systems__slug=system).values("technique_id")
        )
    return techniques


def technique_page() -> QuerySet[Technique]:
    """Published techniques with everything their page shows: steps, published claims, zones."""
    return Technique.objects.published().prefetch_related(
        "steps",
        Prefetch("claims", queryset=Claim.objects.published(), to_attr="published_claims"),
        Prefetch("zones", queryset=Zone.objects.prefetch_related("systems"), to_attr="zone_list"),
    )


def related_techniques(
    *, technique: Technique, limit: int = 3, among: QuerySet[Technique] | None = None
) -> list[Technique]:
    """A few other published techniques to read next: same setting first, then the rest.

    `among`: the cards to choose from (default `technique_cards()`), e.g. annotated by a page above.
    """
    affinity = Case(
        When(setting=technique.setting, kind=technique.kind, then=Value(0)),
        When(setting=technique.setting, then=Value(1)),
        default=Value(2),
    )
    return list(
        (technique_cards() if among is None else among)
        .exclude(pk=technique.pk)
        .annotate(affinity=affinity)
        .order_by("affinity", "order")[:limit]
    )
