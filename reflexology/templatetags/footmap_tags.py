"""Template tags for the foot map drawn outside its own pages (the small map on a technique page)."""

from collections.abc import Iterable

from django import template
from django.utils.translation import gettext as _

from reflexology import footmap
from reflexology.session_map import WORKED_FILL

register = template.Library()


@register.simple_tag
def technique_zone_map(zones: Iterable, *, uid: str = "tm") -> list[footmap.DrawnView]:
    """The views that show any of `zones`, with those zones lit and linked and the rest faded.

    `zones` are Zone objects (their systems prefetched); no query is made here.
    """
    infos = {
        zone.slug: footmap.ZoneInfo(
            slug=zone.slug,
            name=zone.name,
            url=zone.get_absolute_url(),
            caption=_("In reflexology: %(parts)s") % {"parts": zone.body_parts},
        )
        for zone in zones
    }
    if not infos:
        return []
    shown = {key for slug in infos for key in footmap.views_for_zone(slug)}
    keys = [key for key in footmap.VIEW_KEYS if key in shown]
    views = footmap.build_views(
        infos, colours={}, highlight=set(infos), views=keys, uid=uid, single_colour=WORKED_FILL
    )
    for view in views:
        view.active = True
    return views
