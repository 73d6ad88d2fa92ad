"""Project-level pages: home, the health check, and the error pages (400/413, 500/503)."""

import logging
import sys
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.db import DatabaseError, InterfaceError, OperationalError, connection
from django.http import Http404, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import translate_url
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from bookings.hours import opening_hours
from common.logging import current_request_id

logger = logging.getLogger(__name__)


@require_safe
def home(request):
    """The front page: who we are, the ways in (techniques, map, prices, booking), when we are open."""
    return render(request, "studio/home.html", {"opening_hours": opening_hours()})


@require_safe
def privacy(request):
    """How the studio processes personal data: who, what, why, how long, the rights (152-FZ, GDPR)."""
    return render(request, "studio/privacy.html")


@never_cache
@require_safe
def choose_language(request, language):
    """The language switcher's link: remember `language` (a cookie) and go to `next` in that language.

    A plain link, not Django's set_language form, so that the cached public pages carry no CSRF token;
    choosing a language changes nothing but the visitor's own cookie. `next` must be on this site.
    """
    if language not in dict(settings.LANGUAGES):
        raise Http404
    target = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = "/"
    # `next` is read in its own language (its prefix), then written in the chosen one.
    with translation.override(
        translation.get_language_from_path(urlsplit(target).path) or settings.LANGUAGE_CODE
    ):
        target = translate_url(target, language)
    response = HttpResponseRedirect(target)
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=False,
    )
    return response


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


# --- Error pages (handler400 / handler500 in studio/urls.py) -----------------------------------------


def database_unavailable(error: BaseException | None) -> bool:
    """The database could not be reached or answered (down, restarting, locked), not a bug of ours."""
    seen = set()
    while error is not None and id(error) not in seen:
        if isinstance(error, (OperationalError, InterfaceError)):
            return True
        seen.add(id(error))
        error = error.__cause__ or error.__context__
    return False


def bad_request(request, exception, *args, **kwargs):
    """400, or 413 when the request was larger than the site takes; the site's own page either way."""
    too_large = isinstance(exception, (RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent))
    return render(request, "400.html", {"too_large": too_large}, status=413 if too_large else 400)


def server_error(request, *args, **kwargs):
    """500, or 503 while the database is unreachable: a calm page with the request's reference.

    Rendered without the request context (no database, no session), only from settings and static
    files, so it works when everything else does not. Django has already logged the exception, with
    the same request id.
    """
    request_id = getattr(request, "request_id", "") or current_request_id()
    if database_unavailable(sys.exc_info()[1]):
        response = HttpResponse(render_to_string("503.html", {"request_id": request_id}), status=503)
        response["Retry-After"] = "30"
    else:
        response = HttpResponse(render_to_string("500.html", {"request_id": request_id}), status=500)
    response["Cache-Control"] = "no-store"
    return response
