"""The page cache: whole public pages kept in the shared cache, dropped the moment the data changes.

What is cached. Only the pages listed in `settings.PAGE_CACHE_VIEWS` (reference pages, prices, the
team, the availability API), only for GET, only for visitors without a session or messages cookie
(so never a signed-in or mid-booking visitor's page), only with the query parameters the page reads
(anything else goes to the view), and only a response that carries nothing of its visitor: status
200, no cookie set, no CSRF token rendered, no CSP nonce used, the session not touched, and no
`Vary` beyond `Accept-Encoding` and htmx's headers (all part of the key). Compressed pages are stored
compressed (GZipMiddleware runs inside this one), so a hit costs a lookup and a copy.

How it stays correct across processes. Every entry stores the *generation* it was rendered under: a
random token in the shared cache (the database cache table, or Redis when REDIS_URL is set), read
together with the entry in one round trip. Any INSERT, UPDATE or DELETE on a table of the content,
the screening rules, the services and prices, the therapists and their hours, or the appointments
(`watched_tables`), made by any code in any process (a view, the admin, a management command,
`QuerySet.update()`), replaces the token once its transaction commits: every page rendered before
is stale from then on, in every worker (there are two tokens: the appointments move only the one
the availability API reads; see GENERATION_KEYS). The generation is read before rendering, so a
page rendered while a change commits is stored under the old token and never served. Entries
also expire (`PAGE_CACHE_VIEWS` seconds: the availability API's free times depend on the clock), and the
key includes a fingerprint of the code and templates, so a deployment never serves old pages.

`DatabaseCache` is Django's database cache with an atomic `incr()` (the rate limiter's counters);
`RedisCache` is Django's Redis cache without the cost of a new client object for every call.
"""

from __future__ import annotations

import base64
import hashlib
import logging
import pickle
import re
import uuid
from functools import cache as memoize
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import caches
from django.core.cache.backends.db import DatabaseCache as DjangoDatabaseCache
from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient
from django.db import connections, router, transaction
from django.db.backends.signals import connection_created
from django.http import HttpResponse
from django.urls import Resolver404, resolve
from django.utils.timezone import localdate
from django.utils.timezone import now as tz_now
from django.utils.translation import get_language

logger = logging.getLogger(__name__)

# Two generations. "content": all a reference page shows (content, screening rules, services, prices,
# therapists, hours, closures). "bookings": all that and the appointments, which change all day long:
# a write to them moves only "bookings", so a busy booking day does not keep re-rendering the foot map;
# any other watched write moves both. Pages read "content" unless PAGE_CACHE_VIEWS says "bookings".
CONTENT, BOOKINGS = "content", "bookings"
GENERATION_KEYS = {CONTENT: "studio:page-generation:content", BOOKINGS: "studio:page-generation:bookings"}
HIT_HEADER = "X-Page-Cache"
# Which apps' tables the cached pages read, which of their models change nothing a cached page shows,
# and which move only the "bookings" generation: settings PAGE_CACHE_WATCHED_APPS,
# PAGE_CACHE_IGNORED_MODELS and PAGE_CACHE_BOOKINGS_ONLY_MODELS (this module names no app).
# Headers a cached response may vary on: all part of the key.
# Accept-Language (set on unprefixed pages by common/locale.py) is not in the key: that middleware runs
# first and redirects every visitor whose language cookie or browser asks for another language to
# /en/..., so all who reach an unprefixed page's entry get the same page.
ALLOWED_VARY = {
    "accept-encoding",
    "accept-language",
    "hx-request",
    "hx-history-restore-request",
    "hx-target",
    "hx-trigger",
}
PER_REQUEST_HEADERS = {"x-request-id", HIT_HEADER.lower(), "set-cookie", "date"}
LARGEST_PAGE = 1024 * 1024
LONGEST_QUERY = 512
WRITE = re.compile(r'^\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?([A-Za-z0-9_]+)"?', re.IGNORECASE)


# --- The generation -----------------------------------------------------------------------------


def page_cache():
    """The cache the pages and their generation live in: CACHES["pages"] if configured, else "default"."""
    return caches["pages" if "pages" in settings.CACHES else "default"]


def new_generation(*kinds: str) -> None:
    page_cache().set_many({GENERATION_KEYS[kind]: uuid.uuid4().hex for kind in kinds}, timeout=None)


def current_generation(kind: str = CONTENT) -> str:
    """The shared generation token (made if the cache lost it: a new token stales every entry)."""
    store, key = page_cache(), GENERATION_KEYS[kind]
    token = store.get(key)
    if token is None:
        store.add(key, uuid.uuid4().hex, timeout=None)
        token = store.get(key)
    return token


def _bump(*kinds: str) -> None:
    try:
        new_generation(*kinds)
    except Exception:
        # The write has committed; a page cache we cannot reach serves nothing either (see the middleware).
        logger.warning("page cache: could not move the generation on", exc_info=True)


def bump_generation() -> None:
    """Every cached page is stale from now on, in every process."""
    _bump(CONTENT, BOOKINGS)


def bump_bookings_generation() -> None:
    """The cached pages that show the appointments (the availability API) are stale from now on."""
    _bump(BOOKINGS)


@memoize
def watched_tables() -> dict[str, callable]:
    """Table name -> what a committed write to it moves on."""
    tables = {}
    ignored, bookings_only = settings.PAGE_CACHE_IGNORED_MODELS, settings.PAGE_CACHE_BOOKINGS_ONLY_MODELS
    for label in settings.PAGE_CACHE_WATCHED_APPS:
        for model in apps.get_app_config(label).get_models(include_auto_created=True):
            name = model._meta.label_lower
            if name not in ignored:
                bump = bump_bookings_generation if name in bookings_only else bump_generation
                tables[model._meta.db_table.lower()] = bump
    return tables


def _watch_writes(execute, sql, params, many, context):
    result = execute(sql, params, many, context)
    if not settings.PAGE_CACHE:
        return result
    match = WRITE.match(sql) if isinstance(sql, str) else None
    bump = watched_tables().get(match.group(1).lower()) if match else None
    if bump is not None:
        connection = context["connection"]
        # Once per transaction (and again after a rolled-back savepoint dropped it); right away
        # in autocommit, where the statement has committed already.
        if not any(entry[1] is bump for entry in connection.run_on_commit):
            transaction.on_commit(bump, using=connection.alias)
    return result


def _install(sender, connection, **kwargs):
    if _watch_writes not in connection.execute_wrappers:
        connection.execute_wrappers.append(_watch_writes)


def watch_database_writes() -> None:
    """Called from StudioConfig.ready(): every connection, in every process, watches its writes."""
    connection_created.connect(_install, dispatch_uid="common.cache.watch_writes")
    for connection in connections.all(initialized_only=True):
        _install(None, connection)


# --- The page cache ---------------------------------------------------------------------------


@memoize
def code_fingerprint() -> str:
    """Changes when the code, the templates or the collected static files change (a deployment)."""
    digest = hashlib.sha256()
    base = Path(settings.BASE_DIR)
    roots = [Path(config.path) for config in apps.get_app_configs() if Path(config.path).is_relative_to(base)]
    roots += [Path(folder) for engine in settings.TEMPLATES for folder in engine.get("DIRS", [])]
    manifest = Path(settings.STATIC_ROOT) / "staticfiles.json"
    for root in roots:
        for path in sorted(root.rglob("*")):
            if path.suffix in {".py", ".html", ".txt"} and "migrations" not in path.parts:
                # Contents, not times: hosts deployed from the same commit share their entries.
                digest.update(str(path.relative_to(settings.BASE_DIR)).encode() + b"\0" + path.read_bytes())
    if manifest.exists():
        digest.update(manifest.read_bytes())
    return digest.hexdigest()[:16]


def _accepts_gzip(request) -> bool:
    return "gzip" in request.META.get("HTTP_ACCEPT_ENCODING", "").lower()


def page_key(request, view_name: str) -> str:
    # The studio's date is part of the key: the home and contact pages show today's opening hours, so a
    # page rendered before midnight must not answer after it.
    parts = "\n".join(
        [
            code_fingerprint(),
            localdate().isoformat(),
            get_language() or "",  # the content is stored in two languages (modeltranslation)
            request.path,
            request.META.get("QUERY_STRING", ""),
            "gzip" if _accepts_gzip(request) else "identity",
            request.META.get("HTTP_HX_REQUEST", ""),
            request.META.get("HTTP_HX_HISTORY_RESTORE_REQUEST", ""),
            request.META.get("HTTP_HX_TARGET", ""),
            request.META.get("HTTP_HX_TRIGGER", ""),
        ]
    )
    return f"studio:page:{view_name}:{hashlib.sha256(parts.encode()).hexdigest()}"


def _carries_visitor_state(request) -> bool:
    cookies = request.COOKIES
    return (
        settings.SESSION_COOKIE_NAME in cookies
        or CookieStorage.cookie_name in cookies
        or "HTTP_AUTHORIZATION" in request.META
    )


def cache_policy(request) -> tuple[str, int, str] | None:
    """(URL name, seconds, generation) when this request may be answered from the page cache, else None."""
    if not settings.PAGE_CACHE or request.method != "GET":
        return None
    if _carries_visitor_state(request) or len(request.META.get("QUERY_STRING", "")) > LONGEST_QUERY:
        return None
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return None
    listed = settings.PAGE_CACHE_VIEWS.get(match.view_name)
    if listed is None:
        return None
    parameters, seconds, *reads = listed
    if not set(request.GET.keys()) <= set(parameters):
        return None
    request.resolver_match = match
    return match.view_name, seconds, reads[0] if reads else CONTENT


def _vary(response) -> set[str]:
    return {part.strip().lower() for part in response.get("Vary", "").split(",") if part.strip()}


def storable(request, response) -> bool:
    """The response shows nothing that belongs to this visitor, so any visitor may be sent it."""
    session = getattr(request, "session", None)
    nonce = getattr(request, "_csp_nonce", None)
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        and not (nonce is not None and bool(nonce))
        and not (session is not None and session.accessed)
        and _vary(response) <= ALLOWED_VARY
        and len(response.content) <= LARGEST_PAGE
    )


def _freeze(response, generation: str) -> tuple:
    headers = tuple(
        (name, value) for name, value in response.items() if name.lower() not in PER_REQUEST_HEADERS
    )
    return (generation, response.status_code, headers, bytes(response.content))


def _thaw(entry: tuple) -> HttpResponse:
    _generation, status, headers, content = entry
    response = HttpResponse(content, status=status)
    for name, value in headers:
        response[name] = value
    response[HIT_HEADER] = "hit"
    return response


class PageCacheMiddleware:
    """Answers listed public pages from the shared cache; see the module docstring for the rules."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        policy = cache_policy(request)
        if policy is None:
            return self.get_response(request)
        view_name, seconds, reads = policy
        key = page_key(request, view_name)
        generation_key = GENERATION_KEYS[reads]
        try:
            found = _lookup([generation_key, key])
            generation = found.get(generation_key) or current_generation(reads)
        except Exception:
            logger.warning("page cache: lookup failed, rendering the page", exc_info=True)
            return self.get_response(request)
        entry = found.get(key)
        if entry is not None and entry[0] == generation:
            return _thaw(entry)
        response = self.get_response(request)
        if storable(request, response):
            try:
                page_cache().set(key, _freeze(response, generation), timeout=seconds)
            except Exception:
                logger.warning("page cache: could not store a page", exc_info=True)
            response[HIT_HEADER] = "miss"
        return response


def _lookup(keys: list[str]) -> dict:
    """The page cache's `get_many`, in one round trip on the database cache, not two.

    With CONN_HEALTH_CHECKS, a persistent connection's first query in a request is preceded by a
    `SELECT 1`; on a hit, the cache row is the only query, so that check doubled the round trips.
    Here the lookup itself is the check: if it fails, the connection is closed (the view then opens
    a new one, as after a failed health check) and the error goes to the caller, which renders.
    """
    store = page_cache()
    if not isinstance(store, DjangoDatabaseCache):
        return store.get_many(keys)
    connection = connections[router.db_for_read(store.cache_model_class)]
    if connection.connection is None or not connection.health_check_enabled or connection.health_check_done:
        return store.get_many(keys)
    connection.health_check_done = True
    try:
        return store.get_many(keys)
    except Exception:
        connection.close()
        raise


# --- The database cache with an atomic incr() ----------------------------------------------------


class DatabaseCache(DjangoDatabaseCache):
    """Django's database cache, with `incr()` done under a row lock in one transaction.

    Django's own `incr()` on this backend is a read and then a write, so two processes can both
    read 3 and both write 4 (and it resets the expiry). Here the row is locked (SELECT ... FOR
    UPDATE on PostgreSQL; SQLite's IMMEDIATE transactions take the write lock at BEGIN), so
    concurrent increments all count, and the expiry is kept.
    """

    def incr(self, key, delta=1, version=None):
        key = self.make_and_validate_key(key, version=version)
        db = router.db_for_write(self.cache_model_class)
        connection = connections[db]
        quote_name = connection.ops.quote_name
        table = quote_name(self._table)
        lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
        now = connection.ops.adapt_datetimefield_value(tz_now().replace(microsecond=0))
        with transaction.atomic(using=db), connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {quote_name('value')} FROM {table} "  # noqa: S608 (names are quoted identifiers)
                f"WHERE {quote_name('cache_key')} = %s AND {quote_name('expires')} > %s{lock}",
                [key, now],
            )
            row = cursor.fetchone()
            if row is None:
                raise ValueError(f"Key '{key}' not found")
            value = connection.ops.process_clob(row[0])
            current = pickle.loads(base64.b64decode(value.encode(), validate=True))  # noqa: S301 (our own rows)
            updated = current + delta
            pickled = base64.b64encode(pickle.dumps(updated, self.pickle_protocol)).decode("latin1")
            cursor.execute(
                f"UPDATE {table} SET {quote_name('value')} = %s WHERE {quote_name('cache_key')} = %s",  # noqa: S608
                [pickled, key],
            )
        return updated


# --- Redis, with its client kept ----------------------------------------------------------------


class _KeptClientRedis(RedisCacheClient):
    """Django's Redis client keeps its connection pools but builds a new `redis.Redis` for every call,
    which sets up ~170 response callbacks each time (a quarter of a millisecond per page hit here).
    One client per pool is enough: redis-py clients are safe to share."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            client = self._clients[index] = self._client(connection_pool=self._get_connection_pool(write))
        return client


class RedisCache(DjangoRedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = _KeptClientRedis
