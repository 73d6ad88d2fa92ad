"""The page cache across processes: a change written by a second Django process (a real one, on the test
database, with the caches production uses for it) shows on this process's next request."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.cache import caches
from django.core.management import call_command
from django.db import connection

from tests.hardening.test_cache import cached_twice, fetch, text

PROJECT = Path(__file__).resolve().parents[2]


def run_elsewhere(code: str, *, page_cache_on: bool, cache_dir: str) -> None:
    """Run `code` in a second Django process on the test database, with production's caches."""
    database = connection.settings_dict
    if connection.vendor == "sqlite":
        url = f"sqlite:///{database['NAME']}"
    else:
        url = (
            f"postgres://{database['USER']}:{database['PASSWORD'] or ''}@{database['HOST'] or '127.0.0.1'}:"
            f"{database['PORT'] or 5432}/{database['NAME']}"
        )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "studio.settings",
        "DATABASE_URL": url,
        "PAGE_CACHE": "1" if page_cache_on else "0",
        "PAGE_CACHE_DIR": cache_dir,
        "REDIS_URL": "",
    }
    done = subprocess.run(
        [sys.executable, str(PROJECT / "manage.py"), "shell", "--no-imports", "-c", code],
        env=env,
        cwd=PROJECT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr


@pytest.fixture
def production_caches(settings, transactional_db, tmp_path):
    """The caches as studio/settings.py makes them for this database (SQLite: pages in files)."""
    settings.PAGE_CACHE = True
    settings.CACHES = {"default": {"BACKEND": "common.cache.DatabaseCache", "LOCATION": "studio_cache"}}
    if connection.vendor == "sqlite":
        settings.CACHES["pages"] = {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(tmp_path / "page-cache"),
        }
    call_command("createcachetable", verbosity=0)
    yield str(tmp_path / "page-cache")
    for alias in settings.CACHES:
        caches[alias].clear()


@pytest.mark.slow_subprocess
def test_a_change_made_by_another_process_shows_on_the_next_request(
    client, production_caches, content_committed
):
    rename = (
        "from reflexology.models import Technique; "
        "t = Technique.objects.get(slug='classical'); t.name_en = t.name_ru = '{name}'; t.save()"
    )
    cached_twice(client, "/techniques/classical/")

    # Without the invalidation (the page cache switched off over there), this process would go on
    # serving the old page: the test can tell.
    run_elsewhere(rename.format(name="Renamed quietly"), page_cache_on=False, cache_dir=production_caches)
    stale = fetch(client, "/techniques/classical/")
    assert stale["X-Page-Cache"] == "hit"
    assert "Renamed quietly" not in text(stale)

    run_elsewhere(rename.format(name="Renamed elsewhere"), page_cache_on=True, cache_dir=production_caches)
    fresh = fetch(client, "/techniques/classical/")
    assert fresh["X-Page-Cache"] == "miss"
    assert "Renamed elsewhere" in text(fresh)
