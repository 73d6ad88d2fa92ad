"""Reference pages: techniques, a technique, reflexology and the evidence, and site search."""

from django.shortcuts import get_object_or_404, render
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_safe

from reflexology import search, selectors
from reflexology.forms import SearchForm, TechniqueFilterForm


def _wants_fragment(request) -> bool:
    """An htmx swap of part of the page (not a history restore, which needs the whole page)."""
    htmx = getattr(request, "htmx", None)
    return bool(htmx) and not htmx.history_restore_request


@require_safe
def technique_list(request):
    """Technique cards, filtered by kind, body system and setting with a plain GET form.

    htmx requests get only the results fragment, so the filters update the cards in place.
    """
    systems = list(selectors.body_systems())
    form = TechniqueFilterForm(request.GET or None, systems=systems)
    filters = form.filters() if request.GET else {}
    techniques = list(selectors.technique_cards(**filters))
    fragment = _wants_fragment(request)
    context = {
        "form": form,
        "techniques": techniques,
        "filters_active": any(filters.values()),
        "fragment": fragment,
    }
    template = "reflexology/technique_list.html"
    if fragment:
        template += "#results"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@require_safe
def technique_detail(request, slug):
    """One technique: what it is, its steps and durations, the claims with evidence, its zones."""
    technique = get_object_or_404(selectors.technique_page(), slug=slug)
    context = {
        "technique": technique,
        "steps": technique.steps.all(),
        "claims": technique.published_claims,
        "zones": technique.zone_list,
        "related": selectors.related_techniques(technique=technique),
    }
    return render(request, "reflexology/technique_detail.html", context)


@require_safe
def evidence(request):
    """A short, honest page on what reflexology is and what the research says."""
    return render(request, "reflexology/evidence.html")


@require_safe
def search_view(request):
    """Search results for ?q=: published techniques and zones. Any input gets an answer."""
    form = SearchForm(request.GET)
    query = form.query()
    results = search.search_content(query=query)
    context = {"form": form, "query": query, "results": results, "search_query": query.text}
    return render(request, "reflexology/search.html", context)
