"""`make prod-check`: the production configuration, started here and used as a client would.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/studio REDIS_URL=redis://127.0.0.1:6379/0 \
        .venv/bin/python scripts/prod_check.py

Starts, with DEBUG=0 and studio.settings: gunicorn with 2 workers (bench/site.py's BenchSite: a throw-away
PostgreSQL database beside DATABASE_URL's, migrated, with the content and the demo data, static files
collected), the database tasks backend with a `db_worker` process, Redis as the shared cache and a file
e-mail backend. Then, over HTTP (bench/booking_storm.py's visitor: details, questionnaire, summary):

  1. books a session less than 24 hours ahead;
  2. waits for the worker to send the confirmation e-mail;
  3. opens the manage link from that e-mail (it must start with SITE_URL);
  4. runs `send_reminders` (sessions in the next 24 hours) and waits for the reminder e-mail.

Prints each step; stops everything it started and drops the database. Exits 1 on any 5xx answer, an
error in the server's log, or an e-mail that does not come. TLS is nginx's part (deploy/nginx/): here
SITE_URL is https://127.0.0.1:<port> as the e-mails must say, and the script talks plain HTTP to gunicorn.
"""

from __future__ import annotations

import email
import email.policy
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.booking_storm import SERVICE_INFO, free_slots, get_ready
from bench.site import PROJECT, PYTHON, BenchSite

MAIL_WAIT_SECONDS = 90
CLIENT_EMAIL = "storm-0@example.com"  # get_ready()'s first client


class CheckFailed(Exception):
    pass


def say(text: str) -> None:
    print(f"prod-check: {text}", flush=True)


def require_services() -> None:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        raise CheckFailed(
            f"DATABASE_URL must name a PostgreSQL server (got {url!r}); `make prod-check` sets one."
        )
    redis_url = os.environ.get("REDIS_URL", "")
    if not redis_url:
        raise CheckFailed("REDIS_URL must be set (e.g. redis://127.0.0.1:6379/0).")
    import redis

    try:
        redis.Redis.from_url(redis_url, socket_connect_timeout=3).ping()
    except redis.RedisError as error:
        raise CheckFailed(f"Redis at {redis_url} does not answer: {error}") from None


def mails(folder: Path) -> list[email.message.EmailMessage]:
    """Every message the file e-mail backend wrote (one file per connection, messages separated by dashes)."""
    found = []
    for path in sorted(folder.glob("*")):
        for chunk in path.read_bytes().split(b"\n" + b"-" * 79 + b"\n"):
            if chunk.strip():
                found.append(email.message_from_bytes(chunk.strip() + b"\n", policy=email.policy.default))
    return found


def text_of(message) -> str:
    body = message.get_body(("plain",))
    return body.get_content() if body is not None else ""


def wait_for_mail(folder: Path, *, to: str, subject_has: str, after: int) -> email.message.EmailMessage:
    deadline = time.monotonic() + MAIL_WAIT_SECONDS
    while time.monotonic() < deadline:
        for message in mails(folder)[after:]:
            if to in str(message["To"]) and subject_has.lower() in str(message["Subject"]).lower():
                return message
        time.sleep(0.5)
    subjects = [str(message["Subject"]) for message in mails(folder)]
    raise CheckFailed(
        f"no e-mail to {to} with {subject_has!r} within {MAIL_WAIT_SECONDS} s; sent: {subjects}"
    )


def soon_slot(site: BenchSite):
    """A free time less than 24 hours ahead, for the reminder run; else the first free one."""
    info = json.loads(site.python(SERVICE_INFO))
    now = datetime.now(UTC).timestamp()
    found = []
    for day in (date.today(), date.today() + timedelta(days=1), date.today() + timedelta(days=2)):
        for therapist in info["therapists"]:
            found += free_slots(site, info["service"], therapist, day)
        if found:
            break
    if not found:
        for offset in range(3, 15):
            for therapist in info["therapists"]:
                found += free_slots(site, info["service"], therapist, date.today() + timedelta(days=offset))
            if found:
                break
    if not found:
        raise CheckFailed("the day-and-time page offered no free time in the next two weeks")
    found.sort(key=lambda slot: slot.start)
    within = [slot for slot in found if slot.start - now < 23.5 * 3600]
    return (within or found)[0], bool(within)


def start_worker(site: BenchSite) -> subprocess.Popen:
    log = (site.folder / "worker.log").open("ab")
    worker = subprocess.Popen(
        [str(PYTHON), str(PROJECT / "manage.py"), "db_worker", "--interval", "0.5", "--no-startup-delay"],
        env=site.env,
        cwd=PROJECT,
        stdout=log,
        stderr=log,
        start_new_session=True,
    )
    time.sleep(1)
    if worker.poll() is not None:
        raise CheckFailed(f"db_worker stopped at once:\n{(site.folder / 'worker.log').read_text()[-2000:]}")
    return worker


def stop(process: subprocess.Popen | None) -> None:
    if process is None or process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def server_errors(site: BenchSite) -> list[str]:
    lines = []
    for name in ("server.log", "worker.log"):
        path = site.folder / name
        if path.exists():
            text = path.read_text(errors="replace")
            lines += [
                line
                for line in text.splitlines()
                if re.search(r'"level": "(ERROR|CRITICAL)"|Traceback', line)
            ]
    return lines


def check(site: BenchSite, mail_dir: Path) -> None:
    slot, within_a_day = soon_slot(site)
    when = datetime.fromtimestamp(slot.start, UTC)
    say(
        f"booking {when:%Y-%m-%d %H:%M} UTC with {slot.therapist} over HTTP (details, questionnaire, summary)"
    )
    ready = get_ready(site, 0, slot)
    answer = ready.visitor.submit(ready.form, page=ready.page)
    if answer.status >= 500 or "/book/done/" not in answer.location:
        raise CheckFailed(f"confirming answered {answer.status} {answer.location!r}: {answer.alert()!r}")
    done = ready.visitor.follow(answer)
    if done.status != 200:
        raise CheckFailed(f"the confirmation page answered {done.status}")
    say(f"booked: {answer.status} -> {urlsplit(answer.location).path.split('/book/done/')[0]}/book/done/…")

    # The client booked on the unprefixed site, in Russian (the production default): so is the e-mail.
    confirmation = wait_for_mail(mail_dir, to=CLIENT_EMAIL, subject_has="Ваш сеанс", after=0)
    say(f"the worker sent the confirmation: {confirmation['Subject']!r}")
    site_url = site.env["SITE_URL"].rstrip("/")
    links = re.findall(r"https?://[^\s<>\"']+/appointments/[^\s<>\"'/]+/", text_of(confirmation))
    if not links:
        raise CheckFailed(f"no manage link in the confirmation:\n{text_of(confirmation)[:1500]}")
    if not links[0].startswith(site_url + "/appointments/"):
        raise CheckFailed(
            f"the manage link {links[0].split('/appointments/')[0]}/… does not start with {site_url}"
        )
    manage = ready.visitor.get(urlsplit(links[0]).path)
    if manage.status != 200:
        raise CheckFailed(f"the e-mailed manage link answered {manage.status}")
    say(
        f"the e-mailed manage link starts with SITE_URL ({site_url}) and opens: "
        f"{manage.status} {manage.heading()!r}"
    )

    before = len(mails(mail_dir))
    hours = "24" if within_a_day else str(min(168, int((slot.start - time.time()) // 3600) + 2))
    if not within_a_day:
        say(f"no free time within 24 hours today; reminding for the next {hours} hours instead")
    output = site.manage("send_reminders", "--hours", hours)
    say("send_reminders: " + " / ".join(line.strip() for line in output.splitlines() if line.strip()))
    if "reminded" not in output:
        raise CheckFailed("send_reminders reminded nobody")
    reminder = wait_for_mail(mail_dir, to=CLIENT_EMAIL, subject_has="До скорой встречи", after=before)
    say(f"the reminder was sent: {reminder['Subject']!r}")


def main() -> int:
    try:
        require_services()
    except CheckFailed as error:
        say(f"FAILED: {error}")
        return 1
    mail_dir = Path(tempfile.mkdtemp(prefix="studio-prod-check-mail-"))
    site = BenchSite(
        workers=2,
        extra_env={
            "DJANGO_SETTINGS_MODULE": "studio.settings",
            "TASKS_BACKEND": "database",
            "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "EMAIL_FILE_PATH": str(mail_dir),
            "LOG_FORMAT": "json",
            "PAGE_CACHE": "1",
        },
    )
    site.extra_env["SITE_URL"] = f"https://127.0.0.1:{site.port}"
    worker = None
    try:
        with site:
            say(
                f"DEBUG=0, gunicorn with 2 workers on {site.url('/')}, PostgreSQL and Redis, "
                f"SITE_URL={site.extra_env['SITE_URL']}"
            )
            worker = start_worker(site)
            say("db_worker started (database tasks backend); e-mails go to files in " + str(mail_dir))
            try:
                check(site, mail_dir)
            finally:
                stop(worker)
                say("db_worker stopped")
                errors = server_errors(site)
            if errors:
                raise CheckFailed("errors in the server's log:\n" + "\n".join(errors[:20]))
        say("gunicorn stopped, throw-away database dropped")
    except (CheckFailed, RuntimeError) as error:
        stop(worker)
        say(f"FAILED: {error}")
        return 1
    finally:
        for path in mail_dir.glob("*"):
            path.unlink()
        mail_dir.rmdir()
    say("OK")
    return 0


if __name__ == "__main__":
    sys.exit(main())
