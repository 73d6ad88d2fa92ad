"""Fixtures every test folder can use.

Browser tests (tests/e2e/ and anything using `page`) drive Debian's Chromium through
Playwright. Without a browser they are skipped with the reason; with REQUIRE_BROWSER=1
(as .ci/run sets) a missing browser is a failure instead.
"""

import os
import shutil
import time
from pathlib import Path

import pytest
from django.core.servers.basehttp import ThreadedWSGIServer

from tests.db import kept_for_the_module, refuse_transactional, replayed, uses_module_data

# Playwright's sync API runs an event loop in the test thread; Django refuses ORM calls from
# a thread with a running loop unless told it is safe (it is: one test, one thread).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

PROJECT_DIR = Path(__file__).resolve().parent.parent
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


def chromium_path() -> str | None:
    for candidate in (os.environ.get("CHROMIUM_PATH"), shutil.which("chromium"), "/usr/bin/chromium"):
        if candidate and os.path.exists(candidate):
            return candidate
    return None


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config, items):
    """Marks the browser tests; within each module, runs the tests using data kept for the module last.

    Data loaded once per module (tests/db.py) stays until the module's last test; a test of the same
    module that did not ask for it must not see it. Runs after pytest-django's own ordering (by kind of
    database test) and keeps it: only tests next to each other from the same module change places.
    """
    for item in items:
        if "page" in getattr(item, "fixturenames", ()) or "/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)
    ordered, run = [], []
    for item in items:
        if run and getattr(item, "module", None) is not getattr(run[0], "module", None):
            ordered.extend(sorted(run, key=uses_module_data))
            run = []
        run.append(item)
    ordered.extend(sorted(run, key=uses_module_data))
    items[:] = ordered


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    path = chromium_path()
    if path is None:
        reason = (
            "no Chromium found (looked at $CHROMIUM_PATH, `chromium` on PATH and /usr/bin/chromium); "
            "install Debian's chromium package to run the browser tests"
        )
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail(f"REQUIRE_BROWSER=1 but {reason}", pytrace=False)
        pytest.skip(reason)
    return {**browser_type_launch_args, "executable_path": path, "args": CHROMIUM_ARGS}


class PatientLiveServer(ThreadedWSGIServer):
    """The live server with room for a browser's burst of parallel requests (the CSS, scripts and fonts
    of one page) while the machine is busy: Django's queue of 10 waiting connections overflowed under
    load, and a static file failed to load."""

    request_queue_size = 128


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Every test starts with an empty in-memory cache. The per-address counters (sign-in links, rate
    limits) live there: a browser test that asked for links earlier in the same process must not use
    up a later test's allowance. Only the suite's own locmem cache is cleared, never a shared Redis."""
    from django.core.cache import caches
    from django.core.cache.backends.locmem import LocMemCache

    default = caches["default"]
    if isinstance(default, LocMemCache):
        default.clear()


@pytest.fixture(scope="session", autouse=True)
def _patient_live_server():
    from django.test.testcases import LiveServerThread

    previous, LiveServerThread.server_class = LiveServerThread.server_class, PatientLiveServer
    yield
    LiveServerThread.server_class = previous


# A page is settled when it has loaded (sub-resources included), its fonts are in, no request of its
# browser context is still in flight (htmx's fragments: the footer's opening hours load after the page),
# no htmx swap is still settling, and two frames have been drawn since. What `networkidle` gave, without
# its fixed half second of silence per page (about 40 s of the suite's browser time went on that).
SETTLED = """async () => {
  await document.fonts.ready;
  await new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)));
  return !document.querySelector(".htmx-request, .htmx-swapping, .htmx-settling, .htmx-added");
}"""


def watch_requests(context) -> set:
    """The requests `context` has in flight, kept up to date from its events (set once per context)."""
    pending = getattr(context, "_studio_pending", None)
    if pending is None:
        pending = context._studio_pending = set()
        context.on("request", lambda request: pending.add(request))
        context.on("requestfinished", lambda request: pending.discard(request))
        context.on("requestfailed", lambda request: pending.discard(request))
    return pending


def settle(page, *, timeout: float = 15.0) -> None:
    """Wait until `page` has settled (above): what a test asserts next is on the page, and stays."""
    pending = watch_requests(page.context)
    page.wait_for_load_state("load")
    deadline = time.monotonic() + timeout
    while not (page.evaluate(SETTLED) and not pending):
        if time.monotonic() > deadline:
            still = ", ".join(sorted(request.url for request in pending)) or "an htmx swap"
            raise AssertionError(f"{page.url} did not settle in {timeout:.0f} s: waiting for {still}")
        page.wait_for_timeout(20)  # lets Playwright deliver the events that empty `pending`


@pytest.fixture
def context(context):
    """pytest-playwright's browser context, with its requests in flight watched (for `settle`)."""
    watch_requests(context)
    return context


def failed_request(request) -> str | None:
    """A sub-resource that failed, or None for one the browser cancelled itself (a page that navigates
    away while its last requests are in flight: net::ERR_ABORTED), which says nothing about the site."""
    failure = request.failure or ""
    if "ERR_ABORTED" in failure:
        return None
    return f"request failed: {request.url} ({failure})"


@pytest.fixture
def console_errors(page):
    """Console errors and failed sub-resources seen by `page`; a test asserts it stays empty."""
    errors: list[str] = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.on("pageerror", lambda error: errors.append(f"page error: {error}"))
    page.on("requestfailed", lambda request: (failed := failed_request(request)) and errors.append(failed))
    return errors


@pytest.fixture(scope="module")
def content_for_the_module(django_db_setup, django_db_blocker):
    with kept_for_the_module(django_db_blocker):
        replayed("load_content")
        yield


@pytest.fixture
def content(request, content_for_the_module, db):
    """The site's content data set (techniques, zones, systems, screening rules) from fixtures/, loaded once
    per module; each test's changes to it are rolled back."""
    refuse_transactional(request, "content")


@pytest.fixture
def content_committed(transactional_db):
    """The content data set, committed, for a test another thread or process reads (flushed afterwards)."""
    replayed("load_content")


@pytest.fixture
def russian_default(settings):
    """The production arrangement: Russian the default (unprefixed) language, English under /en/.

    The suite runs with English the default (studio/settings_test.py) so that its English assertions
    hold; i18n tests ask for this. The URL resolvers cache each language's prefix: cleared both ways.
    """
    from django.urls import clear_url_caches
    from django.utils import translation

    settings.LANGUAGE_CODE = "ru"
    clear_url_caches()
    with translation.override("ru"):
        yield settings
    settings.LANGUAGE_CODE = "en"
    clear_url_caches()
