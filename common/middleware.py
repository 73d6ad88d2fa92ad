"""Request ids and the access log (the outermost middleware), and a cap on the size of any request body.

Every request gets an id: the `X-Request-ID` a proxy in front sent, if it looks like one (letters,
digits, `-`, `_`, `.`, 8 to 64 of them: anything else is replaced, so a client cannot write into
our logs), else a new random one. The id is put on every log line of the request
(`common.logging.RequestIdFilter`), sent back as the `X-Request-ID` header, and shown on the error
page, so a visitor's "reference" leads straight to the log lines.

One access line per request, as JSON: method, the route that matched (the URL pattern, not the path:
paths can carry signed links, which must not end up in logs), status and duration. Query strings are
never logged.
"""

from __future__ import annotations

import logging
import re
import time
import uuid

from django.conf import settings
from django.core.exceptions import RequestDataTooBig

from common.logging import request_id_var

access_log = logging.getLogger("studio.request")
REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
HEADER = "X-Request-ID"


def request_id_for(request) -> str:
    offered = request.META.get("HTTP_X_REQUEST_ID", "")
    return offered if REQUEST_ID.match(offered) else uuid.uuid4().hex


def route_of(request) -> str:
    """The URL pattern that matched ("appointments/<str:token>/"), or "(unmatched)" for a 404."""
    match = getattr(request, "resolver_match", None)
    if match is None:
        return "(unmatched)"
    return "/" + (match.route or "")


class RequestIdMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        request_id = request_id_for(request)
        request.request_id = request_id
        token = request_id_var.set(request_id)
        try:
            response = self.get_response(request)
            response[HEADER] = request_id
            access_log.info(
                "request",
                extra={
                    "method": request.method,
                    "route": route_of(request),
                    "view": getattr(getattr(request, "resolver_match", None), "view_name", "") or "",
                    "status": response.status_code,
                    "ms": round((time.perf_counter() - started) * 1000, 1),
                    "cache": response.get("X-Page-Cache", ""),
                },
            )
            return response
        finally:
            request_id_var.reset(token)


class RequestSizeLimitMiddleware:
    """Refuses a request body larger than settings.MAX_REQUEST_BYTES before anything reads it (413).

    Django caps form data (DATA_UPLOAD_MAX_MEMORY_SIZE) but streams uploaded files to disk whatever
    their size, and any POST to any URL may carry one. No form of the site takes more than a few
    megabytes (the admin's images, up to 10 MB), so a much bigger body is refused up front.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > settings.MAX_REQUEST_BYTES:
            # Django turns this into the handler400 page (413 for a body too large) and logs it.
            raise RequestDataTooBig("request body too large")
        return self.get_response(request)
