"""The technique pages, /techniques/ and /techniques/<slug>/: content from `reflexology`, who should
wait from `intake`, and the lengths and "Book this" from the services sold. A page that combines
apps is rendered by the highest app it uses, so these live here. Thin: parse, call, render."""

from django.shortcuts import get_object_or_404, render
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_safe

from bookings.selectors import with_session_lengths
from reflexology import selectors
from reflexology.forms import TechniqueFilterForm


def _wants_fragment(request) -> bool:
    """An htmx swap of part of the page (not a history restore, which needs the whole page)."""
    htmx = getattr(request, "htmx", None)
    return bool(htmx) and not htmx.history_restore_request


@require_safe
def technique_list(request):
    """Technique cards, filtered by kind, body system and setting with a plain GET form.

    htmx requests get only the results fragment, so the filters update the cards in place.
    """
    form = TechniqueFilterForm(request.GET or None, systems=list(selectors.body_systems()))
    filters = form.filters() if request.GET else {}
    fragment = _wants_fragment(request)
    context = {
        "form": form,
        "techniques": list(with_session_lengths(selectors.technique_cards(**filters))),
        "filters_active": any(filters.values()),
        "fragment": fragment,
    }
    response = render(request, "bookings/technique_list.html" + ("#results" if fragment else ""), context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@require_safe
def technique_detail(request, slug):
    """One technique: what it is, its steps and the session lengths sold, the claims, its zones."""
    technique = get_object_or_404(with_session_lengths(selectors.technique_page()), slug=slug)
    context = {
        "technique": technique,
        "steps": technique.steps.all(),
        "claims": technique.published_claims,
        "zones": technique.zone_list,
        "related": selectors.related_techniques(
            technique=technique, among=with_session_lengths(selectors.technique_cards())
        ),
    }
    return render(request, "bookings/technique_detail.html", context)
