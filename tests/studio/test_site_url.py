"""SITE_URL: `make run` derives it from PORT; with DEBUG off the site refuses to start without a good one."""

import os
import shutil
import subprocess

import pytest
from django.core.exceptions import ImproperlyConfigured

from studio.checks import refuse_to_start_misconfigured, site_url_check
from tests.studio.test_settings import PRODUCTION_ENV, PROJECT_DIR, manage

PRODUCTION = {"DEBUG": False, "ALLOWED_HOSTS": ["studio.example.com", ".solecalm.example"]}


@pytest.mark.parametrize(
    ("site_url", "error_id", "says"),
    [
        ("", "studio.E001", "SITE_URL is not set"),
        ("http://studio.example.com", "studio.E002", "must be an https:// address"),
        ("studio.example.com", "studio.E002", "must be an https:// address"),
        ("https://127.0.0.1:8000", "studio.E003", "not in ALLOWED_HOSTS"),
        ("https://elsewhere.example.org", "studio.E003", "not in ALLOWED_HOSTS"),
    ],
)
def test_production_refuses_a_missing_plain_or_foreign_site_url(settings, site_url, error_id, says):
    settings.DEBUG, settings.ALLOWED_HOSTS = PRODUCTION["DEBUG"], PRODUCTION["ALLOWED_HOSTS"]
    settings.SITE_URL = site_url

    errors = site_url_check()

    assert [error.id for error in errors] == [error_id]
    assert says in errors[0].msg
    with pytest.raises(ImproperlyConfigured, match=says):
        refuse_to_start_misconfigured()


@pytest.mark.parametrize("site_url", ["https://studio.example.com", "https://book.solecalm.example/"])
def test_production_accepts_its_own_https_address(settings, site_url):
    settings.DEBUG, settings.ALLOWED_HOSTS = PRODUCTION["DEBUG"], PRODUCTION["ALLOWED_HOSTS"]
    settings.SITE_URL = site_url

    assert site_url_check() == []
    refuse_to_start_misconfigured()


def test_development_takes_any_address(settings):
    settings.DEBUG = True
    settings.SITE_URL = "http://127.0.0.1:8080"

    assert site_url_check() == []


@pytest.mark.slow_subprocess
def test_check_refuses_production_without_site_url():
    env = {key: value for key, value in PRODUCTION_ENV.items() if key != "SITE_URL"}
    result = manage("check", env_overrides=env, drop=("SITE_URL",))

    assert result.returncode != 0
    assert "studio.E001" in result.stderr
    assert "SITE_URL is not set" in result.stderr


def test_make_run_derives_site_url_from_port():
    # `make -n` prints the commands without running them.
    result = subprocess.run(
        [shutil.which("make") or "/usr/bin/make", "-n", "run", "PORT=8080"],
        cwd=PROJECT_DIR,
        env={key: value for key, value in os.environ.items() if key not in {"SITE_URL", "PORT"}},
        capture_output=True,
        text=True,
        timeout=60,
    )

    runserver = [line for line in result.stdout.splitlines() if "runserver" in line]
    assert runserver, result.stdout + result.stderr
    assert "SITE_URL=http://127.0.0.1:8080" in runserver[0]
    assert "127.0.0.1:8080" in runserver[0]
