"""Which caches production gets (studio/settings.py reads the environment once, at start-up)."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parents[2]
SHOW = "import json, studio.settings as s; print(json.dumps({a: c['BACKEND'] for a, c in s.CACHES.items()}))"


def caches_with(**env) -> dict:
    skipped = {"REDIS_URL", "DATABASE_URL"}
    environment = {name: value for name, value in os.environ.items() if name not in skipped}
    environment.update(env)
    done = subprocess.run(
        [sys.executable, "-c", SHOW], env=environment, cwd=PROJECT, capture_output=True, text=True, check=True
    )
    return json.loads(done.stdout)


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        (
            {"DATABASE_URL": "sqlite:////tmp/somewhere/db.sqlite3"},
            {
                "default": "common.cache.DatabaseCache",
                "pages": "django.core.cache.backends.filebased.FileBasedCache",
            },
        ),
        ({"DATABASE_URL": "postgres://u@db.internal/studio"}, {"default": "common.cache.DatabaseCache"}),
        (
            {"DATABASE_URL": "postgres://u@db.internal/studio", "REDIS_URL": "redis://cache.internal:6379/0"},
            {"default": "common.cache.RedisCache"},
        ),
    ],
    ids=["sqlite: one host, pages in files", "postgresql: the database", "redis when REDIS_URL is set"],
)
def test_the_shared_cache_follows_the_environment(env, expected):
    assert caches_with(**env) == expected
