"""Reference pages: reflexology and the evidence, and site search.

The technique pages combine content, screening and booking, so they live in the highest app they use
(`bookings.web.technique_views`).
"""

from django.shortcuts import render
from django.views.decorators.http import require_safe

from reflexology import search
from reflexology.forms import SearchForm


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
