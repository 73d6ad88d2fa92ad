"""The Russian catalog is complete: every message the code and templates mark is translated, none
fuzzy, and the Russian site shows no English apart from names.

These need the merged catalog (locale/ru/LC_MESSAGES/django.po) and, for the walk through the pages,
the content in Russian: until both land they fail, by design (marker `needs_catalog`)."""

import re
import shutil
from html import unescape
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from scripts.check_translations import statistics
from tests.bookings.conftest import set_policy  # noqa: F401 (a fixture)
from tests.bookings.web.flow_support import make_studio

ROOT = Path(settings.BASE_DIR)
CATALOG = ROOT / "locale" / "ru" / "LC_MESSAGES" / "django.po"
# What makemessages must not read: third-party code, build output, the tests' own strings.
IGNORED = [
    "node_modules/*",
    ".venv/*",
    "staticfiles/*",
    "tests/*",
    "bench/*",
    "build/*",
    "deploy/*",
    "screenshots/*",
]


def needs_gettext():
    if shutil.which("msgfmt") is None or shutil.which("xgettext") is None:
        pytest.skip("GNU gettext (msgfmt, xgettext) is not installed: apt-get install gettext")


def source_copy(target: Path) -> Path:
    """The code, templates and scripts with locale/, copied: makemessages writes into the locale/ folder
    of the tree it walks (not only LOCALE_PATHS), so it runs in a copy and the real catalog is untouched."""
    skip = shutil.ignore_patterns(
        "node_modules",
        ".venv",
        ".git",
        "staticfiles",
        "media",
        "tests",
        "bench",
        "deploy",
        "fixtures",
        "page-cache",
        "__pycache__",
        "*.mo",
        "*.sqlite3*",
        "screenshots",
    )
    shutil.copytree(ROOT, target, ignore=skip, symlinks=True)
    return target


@pytest.mark.needs_catalog
def test_every_marked_string_is_translated_and_none_is_fuzzy(tmp_path, settings, monkeypatch):
    """makemessages over a copy of the project: the catalog as it would be with today's code, then msgfmt."""
    needs_gettext()
    assert CATALOG.exists(), "locale/ru/LC_MESSAGES/django.po is missing: the Russian catalog is not merged"
    copy = source_copy(tmp_path / "project")
    settings.LOCALE_PATHS = [copy / "locale"]
    monkeypatch.chdir(copy)
    for domain in ("django", "djangojs"):
        call_command(
            "makemessages",
            locale=["ru"],
            domain=domain,
            ignore_patterns=IGNORED,
            no_obsolete=True,
            verbosity=0,
        )
    catalogs = sorted((copy / "locale" / "ru" / "LC_MESSAGES").glob("*.po"))
    assert catalogs, "makemessages wrote no catalog"
    for po in catalogs:
        counts, messages = statistics(po)
        assert not counts.get("errors"), messages
        assert counts["untranslated"] == 0 and counts["fuzzy"] == 0, f"{po.name}: {messages}"


# Words of the English interface that never occur in a name or an address.
ENGLISH = re.compile(
    r"\b(the|and|your|you|our|with|for|book|booking|session|sessions|price|prices|minutes|therapist|"
    r"therapists|please|what|when|how|about|questionnaire|technique|techniques|foot map|opening hours|"
    r"search|next|back)\b",
    re.IGNORECASE,
)
PUBLIC_PAGES = [
    "/",
    "/techniques/",
    "/foot-map/",
    "/reflexology-and-evidence/",
    "/prices/",
    "/therapists/",
    "/contact/",
    "/intake/",
    "/intake/returning/",
    "/book/",
    "/search/?q=стопа",
    "/staff/login/",
]


def visible_text(html: str) -> str:
    html = re.sub(r"(?is)<(script|style|svg)\b.*?</\1>", " ", html)
    html = re.sub(
        r"(?is)<span lang=\"en\".*?</span>|<a [^>]*lang=\"en\"[^>]*>.*?</a>", " ", html
    )  # the switcher
    return " ".join(unescape(re.sub(r"(?s)<[^>]+>", " ", html)).split())


@pytest.mark.needs_catalog
@pytest.mark.django_db
def test_the_russian_site_shows_no_english(client, content, set_policy, russian_default):  # noqa: F811  # noqa: F811
    make_studio(set_policy)
    found = {}
    for path in PUBLIC_PAGES:
        response = client.get(path, follow=True)
        assert response.status_code == 200, path
        html = response.content.decode()
        assert '<html lang="ru">' in html, path
        words = sorted({match.lower() for match in ENGLISH.findall(visible_text(html))})
        if words:
            found[path] = words
    assert found == {}, f"English left on Russian pages: {found}"
