"""The interactive foot map and the page of one zone.

Both pages draw the same SVG (templates/reflexology/includes/_foot_map.html) from the geometry in
reflexology/footmap.py and the zones in the database, fetched in a fixed number of queries.
"""

from dataclasses import dataclass, field
from urllib.parse import urlencode

from django import forms
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from reflexology import footmap
from reflexology.models import BodySystem, Technique, Zone


@dataclass
class MapData:
    """Every zone and body system, with each zone's systems in the order the data set lists them."""

    zones: list[Zone]
    systems: list[BodySystem]
    zone_systems: dict[int, list[BodySystem]] = field(default_factory=dict)

    @property
    def colours(self) -> dict[str, str]:
        return {system.slug: system.colour for system in self.systems}

    def infos(self) -> dict[str, footmap.ZoneInfo]:
        """What the drawing needs to know about each zone, keyed by slug."""
        return {
            zone.slug: footmap.ZoneInfo(
                slug=zone.slug,
                name=zone.name,
                url=zone.get_absolute_url(),
                systems=tuple(system.slug for system in self.zone_systems.get(zone.pk, ())),
                caption=_caption(zone, self.zone_systems.get(zone.pk, ())),
            )
            for zone in self.zones
        }


def load_map_data() -> MapData:
    """All zones and systems in three queries, whatever the size of the data set."""
    systems = list(BodySystem.objects.only("slug", "name", "colour", "description", "order"))
    zones = list(Zone.objects.prefetch_related(Prefetch("systems", queryset=BodySystem.objects.only("pk"))))
    by_pk = {system.pk: system for system in systems}
    zone_systems = {
        zone.pk: footmap.colour_first(
            zone.slug,
            (by_pk[item.pk] for item in zone.systems.all() if item.pk in by_pk),
            slug=lambda s: s.slug,
        )
        for zone in zones
    }
    return MapData(zones=zones, systems=systems, zone_systems=zone_systems)


def _caption(zone: Zone, systems) -> str:
    parts = _("In reflexology: %(parts)s") % {"parts": zone.body_parts}
    names = ", ".join(system.name for system in systems)
    return f"{parts} · {names}" if names else parts


class MapOptionsForm(forms.Form):
    """?view= and ?system= on the map. Unknown values are reported and ignored, never an error page."""

    view = forms.ChoiceField(required=False)
    system = forms.ChoiceField(required=False)

    def __init__(self, data, *, systems: list[BodySystem], views: list[str] | None = None):
        super().__init__(data)
        keys = views if views is not None else list(footmap.VIEW_KEYS)
        self.fields["view"].choices = [("", "")] + [(key, key) for key in keys]
        self.fields["system"].choices = [("", "")] + [(system.slug, system.name) for system in systems]
        self.fields["view"].error_messages["invalid_choice"] = _(
            "We have no view of the feet called “%(value)s”, so here is the sole."
        )
        self.fields["system"].error_messages["invalid_choice"] = _(
            "We do not know a body system called “%(value)s”, so all zones are shown."
        )

    def option(self, name: str) -> str:
        """The cleaned value of a field, or "" when it was missing or not valid."""
        if not self.is_bound:
            return ""
        self.is_valid()
        return self.cleaned_data.get(name, "") if name not in self.errors else ""

    def notes(self) -> list[str]:
        self.is_valid()
        return [
            error % {"value": self.data.get(name, "")[:40]} if "%(value)s" in error else error
            for name in ("view", "system")
            for error in self.errors.get(name, [])
        ]


def _query(*, view: str = "", system: str = "", default_view: str = footmap.DEFAULT_VIEW) -> str:
    """A query string for the map's options, leaving out what is already the default."""
    params = {"view": view if view != default_view else "", "system": system}
    query = urlencode({key: value for key, value in params.items() if value})
    return f"?{query}" if query else ""


def _tabs(
    base_url: str,
    active: str,
    *,
    system: str = "",
    views: list[str] | None = None,
    default_view: str = footmap.DEFAULT_VIEW,
) -> list[dict]:
    keys = views if views is not None else list(footmap.VIEW_KEYS)
    return [
        {
            "key": view.key,
            "label": view.label,
            "url": base_url + _query(view=view.key, system=system, default_view=default_view),
            "active": view.key == active,
        }
        for view in footmap.VIEWS
        if view.key in keys
    ]


def _legend(data: MapData, *, active_view: str, system: str) -> list[dict]:
    counts: dict[str, int] = {}
    for systems in data.zone_systems.values():
        for item in systems:
            counts[item.slug] = counts.get(item.slug, 0) + 1
    url = reverse("reflexology:foot_map")
    return [
        {
            "system": item,
            "count": counts.get(item.slug, 0),
            "active": item.slug == system,
            "url": url + _query(view=active_view, system=item.slug),
        }
        for item in data.systems
    ]


def _zone_groups(data: MapData, *, system: str) -> list[dict]:
    groups = footmap.group_zones(data.zones, region=lambda zone: zone.region)
    return [
        {
            "key": key,
            "label": label,
            "zones": [
                {
                    "zone": zone,
                    "systems": data.zone_systems.get(zone.pk, []),
                    "lit": bool(system) and any(s.slug == system for s in data.zone_systems.get(zone.pk, [])),
                }
                for zone in zones
            ],
        }
        for key, label, zones in groups
    ]


@require_safe
def foot_map(request):
    """The foot map: every zone on four views of both feet, a legend of body systems, a list of zones."""
    data = load_map_data()
    form = MapOptionsForm(request.GET, systems=data.systems)
    view = form.option("view") or footmap.DEFAULT_VIEW
    system = form.option("system")
    selected = next((item for item in data.systems if item.slug == system), None)
    url = reverse("reflexology:foot_map")
    context = {
        "map_views": footmap.build_views(data.infos(), colours=data.colours, active=view, system=system),
        "map_size": "full",
        "active_view": view,
        "tabs": _tabs(url, view, system=system),
        "legend": _legend(data, active_view=view, system=system),
        "selected_system": selected,
        "clear_url": url + _query(view=view) if view != footmap.DEFAULT_VIEW else url,
        "zone_groups": _zone_groups(data, system=system),
        "zone_count": len(data.zones),
        "notes": form.notes(),
    }
    return render(request, "reflexology/foot_map.html", context)


@require_safe
def zone_detail(request, slug):
    """One zone: where it is on the map, what reflexology associates it with, techniques, neighbours."""
    data = load_map_data()
    zone = next((item for item in data.zones if item.slug == slug), None)
    if zone is None:
        raise Http404(_("No foot zone is called “%(slug)s”.") % {"slug": slug})
    views = footmap.views_for_zone(zone.slug) or [footmap.DEFAULT_VIEW]
    form = MapOptionsForm(request.GET, systems=data.systems, views=views)
    primary = footmap.primary_view(zone.slug, zone.surface)
    view = form.option("view") or primary
    near = footmap.neighbours().get(zone.slug, frozenset())
    techniques = (
        Technique.objects.published().filter(zones=zone).only("slug", "name", "summary", "kind", "order")
    )
    context = {
        **_zone_map(data, zone, view=view, views=views, primary=primary),
        "zone": zone,
        "systems": data.zone_systems.get(zone.pk, []),
        "techniques": list(techniques),
        "neighbours": [item for item in data.zones if item.slug in near],
        "notes": form.notes(),
    }
    return render(request, "reflexology/zone_detail.html", context)


def _zone_map(data, zone, *, view: str, views: list[str], primary: str) -> dict:
    """The zone page's map: the views that show it, the zone highlighted, its tabs and feet."""
    return {
        "map_views": footmap.build_views(
            data.infos(), colours=data.colours, active=view, highlight={zone.slug}, views=views, uid="zm"
        ),
        "map_size": "full",
        "active_view": view,
        "tabs": _tabs(zone.get_absolute_url(), view, views=views, default_view=primary)
        if len(views) > 1
        else [],
        "feet": footmap.feet_for_zone(zone.slug),
        "map_url": reverse("reflexology:foot_map") + _query(view=view),
    }
