"""The settings read the environment, and production refuses to start half-configured."""

import os
import runpy
import subprocess
import sys
from pathlib import Path

import pytest

PROJECT_DIR = Path(__file__).resolve().parents[2]
PRODUCTION_ENV = {
    "DEBUG": "0",
    "SECRET_KEY": "test-only-4f8e2c1d9b7a6e5f3c2b1a0d9e8f7c6b5a4d3e2f1c0b9a8e7d6c5b4a3f2e1d0c",
    "ALLOWED_HOSTS": "studio.example.com",
    "SITE_URL": "https://studio.example.com",
}


def manage(*args, env_overrides=None, drop=()):
    env = {k: v for k, v in os.environ.items() if k not in drop}
    # Test-process variables that must not leak into a production start-up.
    for name in ("DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE"):
        env.pop(name, None)
    env.update(env_overrides or {})
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=PROJECT_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.slow_subprocess
def test_check_deploy_passes_with_the_documented_production_variables():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env_overrides=PRODUCTION_ENV)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.slow_subprocess
@pytest.mark.parametrize("missing", ["SECRET_KEY", "ALLOWED_HOSTS"])
def test_production_refuses_to_start_without_required_variables(missing):
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != missing}
    result = manage("check", env_overrides=env, drop=(missing,))

    assert result.returncode != 0
    assert f"{missing} is not set" in result.stderr


@pytest.mark.slow_subprocess
def test_a_bad_currency_code_is_refused_with_a_clear_message():
    result = manage("check", env_overrides={"STUDIO_CURRENCY": "roubles"})

    assert result.returncode != 0
    assert "STUDIO_CURRENCY must be a three-letter ISO 4217 code" in result.stderr


def test_development_defaults_use_sqlite_with_immediate_transactions():
    from django.conf import settings

    database = settings.DATABASES["default"]
    if database["ENGINE"] != "django.db.backends.sqlite3":
        pytest.skip("running on PostgreSQL (DATABASE_URL is set)")
    assert database["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    assert database["OPTIONS"]["timeout"] == 20
    assert "journal_mode=WAL" in database["OPTIONS"]["init_command"]


@pytest.mark.django_db
def test_sqlite_connection_really_is_in_wal_mode():
    from django.db import connection

    if connection.vendor != "sqlite":
        pytest.skip("running on PostgreSQL")
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        assert cursor.fetchone()[0] == "wal"


@pytest.mark.parametrize(
    ("argv", "conn_max_age"),
    [(["manage.py", "runserver", "127.0.0.1:8080"], 0), (["gunicorn", "studio.wsgi:application"], 60)],
)
def test_the_development_server_keeps_no_connection_open_on_postgresql(monkeypatch, argv, conn_max_age):
    monkeypatch.setattr(sys, "argv", argv)
    monkeypatch.setenv("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/studio")
    monkeypatch.delenv("CONN_MAX_AGE", raising=False)

    settings = runpy.run_path(str(PROJECT_DIR / "studio" / "settings.py"))

    assert settings["DATABASES"]["default"]["CONN_MAX_AGE"] == conn_max_age
