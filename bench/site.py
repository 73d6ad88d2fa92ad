"""Run the site as production does, for the benchmarks: gunicorn, DEBUG=0, a throw-away database.

    with BenchSite(workers=2) as site:
        site.url("/techniques/")      # http://127.0.0.1:<port>/techniques/
        site.manage("shell", "-c", "...")

A fresh SQLite file in a temporary folder, or, when DATABASE_URL names a PostgreSQL server, a
temporary database created next to the one it names (and dropped afterwards): your own data is never
touched. The database is migrated and gets the content and the demo data; static files are collected
into a temporary STATIC_ROOT. The settings are the production ones (bench/bench_settings.py adds only
the bare view), with a generated SECRET_KEY, ALLOWED_HOSTS=127.0.0.1 and no HTTPS redirect (the
benchmark talks plain HTTP on the loopback).
"""

from __future__ import annotations

import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
if str(PROJECT) not in sys.path:
    sys.path.insert(0, str(PROJECT))

# The project's virtualenv; from a git worktree without one, the interpreter running the bench.
_BIN = PROJECT / ".venv" / "bin" if (PROJECT / ".venv" / "bin").is_dir() else Path(sys.executable).parent
PYTHON = _BIN / "python"
GUNICORN = _BIN / "gunicorn"


def throwaway_database() -> tuple[str, callable]:
    """A DATABASE_URL for a database made for this run, and how to remove it afterwards."""
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://")):
        import dj_database_url
        import psycopg

        config = dj_database_url.parse(url)
        name = f"{config['NAME']}_bench_{uuid.uuid4().hex[:8]}"
        params = {
            "host": config.get("HOST") or None,
            "port": config.get("PORT") or None,
            "user": config.get("USER") or None,
            "password": config.get("PASSWORD") or None,
            "dbname": config["NAME"],
            "autocommit": True,
        }
        with psycopg.connect(**params) as admin:
            admin.execute(f'CREATE DATABASE "{name}"')

        def drop():
            with psycopg.connect(**params) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

        return url.rsplit("/", 1)[0] + "/" + name, drop
    folder = tempfile.mkdtemp(prefix="studio-bench-db-")
    return f"sqlite:///{folder}/bench.sqlite3", lambda: shutil.rmtree(folder, ignore_errors=True)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def machine() -> str:
    """Cores, CPU model and load average, for the figures' footnote."""
    model = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
    return f"{os.cpu_count()} cores, {model}; load average {load}"


class BenchSite:
    """The site under gunicorn on a loopback port, with its own database and static files."""

    def __init__(self, *, workers: int = 2, extra_env: dict[str, str] | None = None, quiet: bool = False):
        self.workers = workers
        self.extra_env = extra_env or {}
        self.quiet = quiet
        self.port = free_port()
        self.folder = Path(tempfile.mkdtemp(prefix="studio-bench-"))
        self.database_url = ""
        self._drop_database = None
        self._server: subprocess.Popen | None = None

    # --- set-up ---------------------------------------------------------------------------------

    def say(self, text: str) -> None:
        if not self.quiet:
            print(text, flush=True)

    @property
    def env(self) -> dict[str, str]:
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "bench.bench_settings",
            "DEBUG": "0",
            "SECRET_KEY": self._secret,
            "ALLOWED_HOSTS": "127.0.0.1",
            "SECURE_SSL_REDIRECT": "0",
            "STATIC_ROOT": str(self.folder / "static"),
            "MEDIA_ROOT": str(self.folder / "media"),
            "DATABASE_URL": self.database_url,
            "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
            # As production must (studio/checks.py): https, a host in ALLOWED_HOSTS. TLS would be nginx's.
            "SITE_URL": f"https://127.0.0.1:{self.port}",
            # Its own keys when REDIS_URL points at a shared Redis.
            "CACHE_KEY_PREFIX": f"studio-bench-{self.port}",
            "PYTHONPATH": str(PROJECT),
        }
        env.update(self.extra_env)
        return env

    def manage(self, *args: str) -> str:
        """Run `manage.py <args>` against the benchmark's database; its standard output."""
        done = subprocess.run(
            [str(PYTHON), str(PROJECT / "manage.py"), *args],
            env=self.env,
            cwd=PROJECT,
            capture_output=True,
            text=True,
        )
        if done.returncode != 0:
            raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
        return done.stdout

    def python(self, code: str) -> str:
        """Run Python code with Django set up on the benchmark's database; its standard output."""
        return self.manage("shell", "--no-imports", "-c", code).strip()

    def __enter__(self) -> BenchSite:
        self._secret = secrets.token_urlsafe(50)
        self.database_url, self._drop_database = throwaway_database()
        try:
            self.say(f"Preparing a throw-away site ({self.database_url.split('@')[-1]})...")
            self.manage("migrate", "--noinput")
            self.manage("load_content")
            self.manage("load_demo")
            self.manage("collectstatic", "--noinput")
            self.start()
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self

    def start(self) -> None:
        log = (self.folder / "server.log").open("ab")
        self._server = subprocess.Popen(
            [
                str(GUNICORN),
                "studio.wsgi:application",
                "--workers",
                str(self.workers),
                "--bind",
                f"127.0.0.1:{self.port}",
                "--chdir",
                str(PROJECT),
                "--backlog",
                "2048",
                "--log-level",
                "warning",
            ],
            env=self.env,
            cwd=PROJECT,
            stdout=log,
            stderr=log,
            start_new_session=True,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self._server.poll() is not None:
                raise RuntimeError(f"gunicorn stopped; see {self.folder / 'server.log'}:\n{self.log_tail()}")
            try:
                with urllib.request.urlopen(self.url("/healthz"), timeout=2) as answer:
                    if answer.status == 200:
                        self.say(f"gunicorn: {self.workers} workers on {self.url('/')}")
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.2)
        raise RuntimeError(f"gunicorn did not answer /healthz within a minute:\n{self.log_tail()}")

    def log_tail(self, lines: int = 40) -> str:
        try:
            return "\n".join((self.folder / "server.log").read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    # --- tear-down ------------------------------------------------------------------------------

    def stop(self) -> None:
        if self._server is not None and self._server.poll() is None:
            os.killpg(self._server.pid, signal.SIGTERM)
            try:
                self._server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self._server.pid, signal.SIGKILL)
                self._server.wait()
        self._server = None

    def __exit__(self, *exc) -> None:
        self.stop()
        if self._drop_database is not None:
            self._drop_database()
            self._drop_database = None
        shutil.rmtree(self.folder, ignore_errors=True)
