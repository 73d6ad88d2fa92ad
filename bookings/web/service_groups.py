"""Step 1's list of sessions (bookings/book/_service_groups.html), rendered once per process per price list.

The list is half of the page's rendering. With no therapist asked for, its groups are
`selectors.cached_price_list()`, which stays the same object until the content changes (any write to
the services, prices, techniques or therapists, in any process); the HTML is kept beside the very list
it was rendered from and reused only while that list is still the current one, so a change shows at
once. A therapist's own prices, or the page cache switched off, render every time.
"""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils.translation import get_language

TEMPLATE = "bookings/book/_service_groups.html"

# (language, technique slug) -> (the price list the HTML was rendered from, the HTML)
_KEPT: dict[tuple[str, str], tuple[list, str]] = {}


def service_groups_html(request, *, source: list | None, groups, technique, therapist) -> str:
    """The groups' HTML; `source` is the whole kept price list they come from (None: not kept)."""
    context = {"groups": groups, "technique": technique, "therapist": therapist}
    if source is None or therapist is not None:
        return render_to_string(TEMPLATE, context, request)
    key = (get_language() or "", technique.slug if technique else "")
    kept = _KEPT.get(key)
    if kept is not None and kept[0] is source:  # holding the list keeps its identity unique
        return kept[1]
    html = render_to_string(TEMPLATE, context, request)
    if any(list_ is not source for list_, _html in _KEPT.values()):
        _KEPT.clear()  # rendered from an older list: the content has changed since
    _KEPT[key] = (source, html)
    return html
