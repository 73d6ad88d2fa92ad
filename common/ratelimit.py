"""Per-address limits on the forms that write: the booking steps, the questionnaire, changing a booking.

Configured in one place, `settings.RATE_LIMITS` (URL name -> (submissions, seconds)), so the apps'
views need no edits. Only POSTs count. Each (URL name, client address, time window) has a counter in
the shared cache, increased atomically (Redis, or `common.cache.DatabaseCache`), so every worker and
host counts together. A client over the limit gets a 429 page in the site's style that says how long
to wait and keeps what they typed: it holds their fields in a form that sends them again.

The client address is REMOTE_ADDR; behind our own TLS proxy (BEHIND_TLS_PROXY=1) it is the last
address of X-Forwarded-For, the one that proxy saw (earlier entries are whatever the client claimed).
IPv6 addresses are counted per /64, the block one subscriber usually holds. django-axes (staff
sign-in lockouts) reads the same address through `client_ip` (settings.AXES_CLIENT_IP_CALLABLE).

If the cache cannot be reached the request goes through (logged): refusing every booking because a
counter is down would be worse than not counting for a while.
"""

from __future__ import annotations

import ipaddress
import logging
import math
import time

from django.conf import settings
from django.core.cache import cache
from django.shortcuts import render
from django.utils.crypto import salted_hmac
from django.views.decorators.cache import never_cache

from common.logging import log_event

logger = logging.getLogger(__name__)


def client_ip(request) -> str | None:
    """The client's IP address as a string, or None when there is no valid one.

    REMOTE_ADDR; behind our own TLS proxy (RATE_LIMIT_TRUST_FORWARDED_FOR, from BEHIND_TLS_PROXY)
    the last address of X-Forwarded-For. An IPv4-mapped IPv6 address is given as IPv4. Also
    django-axes' AXES_CLIENT_IP_CALLABLE, which stores it in a GenericIPAddressField: hence a plain
    address or None, never a network.
    """
    address = request.META.get("REMOTE_ADDR", "") or ""
    if settings.RATE_LIMIT_TRUST_FORWARDED_FOR:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        if forwarded and forwarded[-1]:
            address = forwarded[-1]
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return None
    if parsed.version == 6 and parsed.ipv4_mapped:
        return str(parsed.ipv4_mapped)
    return str(parsed)


def client_address(request) -> str:
    """What the rate limits count by: client_ip(), IPv6 per /64, "unknown" when there is none."""
    address = client_ip(request)
    if address is None:
        return "unknown"
    parsed = ipaddress.ip_address(address)
    if parsed.version == 6:
        return str(ipaddress.ip_network(f"{parsed}/64", strict=False).network_address) + "/64"
    return address


def logged_client(address: str) -> str:
    """A short pseudonym for an address in the logs: stable within a deployment (keyed on SECRET_KEY)."""
    return salted_hmac("common.ratelimit", address, algorithm="sha256").hexdigest()[:12]


def hit(*, scope: str, address: str, limit: int, seconds: int, now: float | None = None) -> tuple[bool, int]:
    """Count one submission; (allowed, seconds until the window ends)."""
    now = time.time() if now is None else now
    window = int(now // seconds)
    key = f"studio:rate:{scope}:{address}:{window}"
    cache.add(key, 0, timeout=seconds + 5)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add() and incr()
        cache.add(key, 1, timeout=seconds + 5)
        count = 1
    retry_after = max(1, math.ceil((window + 1) * seconds - now))
    return count <= limit, retry_after


@never_cache
def too_many(request, *, retry_after: int):
    """The friendly 429: wait this long, or call us; what was typed is kept in a form to send again."""
    kept = [
        (name, value)
        for name, values in request.POST.lists()
        # never a password: the page would write it back into its HTML
        if name != "csrfmiddlewaretoken" and "password" not in name
        for value in values
    ]
    context = {"retry_minutes": max(1, math.ceil(retry_after / 60)), "kept": kept, "action": request.path}
    response = render(request, "429.html", context, status=429)
    response["Retry-After"] = str(retry_after)
    return response


class RateLimitMiddleware:
    """Refuses a POST to a URL name in settings.RATE_LIMITS once its address is over the limit."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.method != "POST" or not settings.RATE_LIMIT:
            return None
        match = getattr(request, "resolver_match", None)
        rule = settings.RATE_LIMITS.get(getattr(match, "view_name", None))
        if rule is None:
            return None
        limit, seconds = rule
        address = client_address(request)
        try:
            allowed, retry_after = hit(scope=match.view_name, address=address, limit=limit, seconds=seconds)
        except Exception:
            logger.warning("rate limit: counter unavailable, letting the request through", exc_info=True)
            return None
        if allowed:
            return None
        log_event(
            "ratelimit.refused",
            view=match.view_name,
            client=logged_client(address),
            retry_after=retry_after,
        )
        return too_many(request, retry_after=retry_after)


def axes_username(request, credentials: dict | None = None):
    """django-axes' user name for a sign-in attempt, cut to the 255 characters its tables hold.

    Axes stores the attempted user name as typed, in a 255-character column: a longer one (scanners
    send them) made PostgreSQL refuse the insert and the sign-in page answer 500
    (jazzband/django-axes#1381). Settings: AXES_USERNAME_CALLABLE.
    """
    field = getattr(settings, "AXES_USERNAME_FORM_FIELD", "username")
    source = credentials if credentials else getattr(request, "data", request.POST)
    name = source.get(field) if source else None
    return name[:255] if isinstance(name, str) else name
