"""deploy/ stays true to the code: each timer runs a real command, nginx's body limit is the site's, and
README's Deploying section lists every job with its schedule."""

import configparser
import re
import shlex
from pathlib import Path

from django.conf import settings
from django.core.management import get_commands

DEPLOY = Path(settings.BASE_DIR) / "deploy"
UNITS = DEPLOY / "systemd"


def unit(path: Path) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str
    parser.read_string(path.read_text().replace("\\\n", " "))
    return parser


def test_every_timer_starts_a_service_whose_command_exists():
    timers = sorted(UNITS.glob("*.timer"))
    assert {path.stem for path in timers} >= {"studio-reminders", "studio-purge-intake", "studio-prune-tasks"}
    for timer in timers:
        assert unit(timer)["Timer"]["OnCalendar"]
        service = unit(UNITS / f"{timer.stem}.service")["Service"]
        command = shlex.split(service["ExecStart"])
        if command[1:2] == ["manage.py"]:
            assert command[2] in get_commands(), f"{timer.name}: no command {command[2]}"
        else:
            assert (Path(settings.BASE_DIR) / command[0].removeprefix("/srv/studio/app/")).exists()


def test_the_always_on_units_run_gunicorn_and_the_worker():
    web = unit(UNITS / "studio-web.service")["Service"]
    assert "gunicorn studio.wsgi:application" in web["ExecStart"]
    assert "check --deploy" in web["ExecStartPre"]
    assert "db_worker" in unit(UNITS / "studio-worker.service")["Service"]["ExecStart"]


def test_nginx_refuses_what_the_site_refuses():
    conf = (DEPLOY / "nginx" / "studio.conf").read_text()
    size = re.search(r"client_max_body_size (\d+)m;", conf)
    assert size and int(size.group(1)) * 1024 * 1024 == settings.MAX_REQUEST_BYTES
    for header in ("X-Forwarded-Proto", "X-Forwarded-For"):
        assert f"proxy_set_header {header}" in conf


def test_the_readme_lists_every_job_with_its_schedule():
    readme = (Path(settings.BASE_DIR) / "README.md").read_text()
    section = readme.split("## Deploying", 1)[1].split("\n## ", 1)[0]
    for timer in UNITS.glob("*.timer"):
        row = next((line for line in section.splitlines() if f"`{timer.name}`" in line), None)
        assert row, f"{timer.name} is not in README's Deploying section"
        calendar = unit(timer)["Timer"]["OnCalendar"]
        assert ("hourly" in row) if calendar == "hourly" else (calendar.split()[-1][:5] in row)
