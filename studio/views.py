"""Project-level pages: home, health check, and placeholders for pages still being built."""

import logging

from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

logger = logging.getLogger(__name__)


@require_safe
def home(request):
    """The studio's front page: who we are, and the ways in (techniques, map, prices, booking)."""
    return render(request, "studio/home.html")


@never_cache
@require_safe
def healthz(request):
    """200 when the app and its database answer, 503 when the database does not."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        logger.warning("healthz: database unavailable", exc_info=True)
        return JsonResponse({"status": "unavailable"}, status=503)
    return JsonResponse({"status": "ok"})


def placeholder(request, title, **kwargs):
    """A calm 'being prepared' page for a section another piece of work will fill in."""
    return render(request, "studio/placeholder.html", {"title": title})
