"""The availability API side by side with django-appointment (the Django peer), same schedule, same run.

    .venv/bin/python bench/vs_peer.py                   # SQLite files in a temporary folder
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/studio .venv/bin/python bench/vs_peer.py
                                                        # temporary databases on that server
    .venv/bin/python bench/vs_peer.py --rounds 9        # more rounds

The peer is django-appointment from PyPI, installed into a throw-away virtualenv in a temporary folder
(it pins its own Django; it is never one of the project's dependencies), with a small Django project of
its own (settings generated there). `PEER_PYTHON` names the interpreter for that virtualenv (default:
`scripts/find-python`); `PEER_VENV` reuses an existing one.

Both sides get the same schedule: 3 therapists x 30 days from tomorrow, 09:00-18:00 with a
13:00-14:00 break (here two working-hours periods; for the peer a working day and a daily
unavailability), a 60-minute service, a 15-minute step, two 60-minute bookings per therapist a day.

- Project: the whole API call, `GET /api/availability/?service=&from=&to=` ("any therapist", all 30
  days) through Django's test client, so the URL resolver, every middleware and the view run, with
  the page cache off (PAGE_CACHE=0): every call computes, none is a cache hit.
- Peer: its engine, `get_available_slots_for_staff(date, staff, weekday, service=service)`, once per
  therapist per day (what its own views call, without its views' overhead: this flatters the peer).

The per-therapist slot sets must agree (the project's answer asked with `&therapist=` for each, the
peer's per staff member), and the merged answer must be their union with a therapist who is free at
each start; otherwise the comparison is void and the script exits 1. The two are then timed
alternately, round after round (the peer in its own process, timing itself, so neither pays for the
pipe); queries are counted once on each side. Prints the median and the spread of the rounds (and
each side's CPU time, which other work on a shared machine disturbs less); the last line is

    vs_peer: project_ms=A peer_ms=B ratio=R project_queries=Q1 peer_queries=Q2

Never fails on time.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import time as clock
from datetime import date, datetime, time, timedelta
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT))

from bench.site import throwaway_database  # noqa: E402 (needs the project on the path)

PEER = "django-appointment==3.12.0"
THERAPISTS = 3
DAYS = 30
STEP = 15
DURATION = 60
OPENS, BREAK, RESUMES, CLOSES = time(9), time(13), time(14), time(18)


def schedule(first_day: date) -> dict:
    """The shared plan: days, therapists and their bookings (two a day each, one before the break)."""
    bookings = []
    for therapist in range(THERAPISTS):
        for offset in range(DAYS):
            day = first_day + timedelta(days=offset)
            morning = 9 * 60 + STEP * ((therapist * 7 + offset * 5) % 13)  # 09:00 to 12:00
            afternoon = 14 * 60 + STEP * ((therapist * 3 + offset * 11) % 13)  # 14:00 to 17:00
            for minute in (morning, afternoon):
                bookings.append([therapist, day.isoformat(), minute])
    return {"first_day": first_day.isoformat(), "days": DAYS, "therapists": THERAPISTS, "bookings": bookings}


# --- the peer: a Django project of its own in a virtualenv of its own ---------------------------------

PEER_SETTINGS = """
import os
SECRET_KEY = "bench-only"
DEBUG = False
ALLOWED_HOSTS = ["*"]
USE_TZ = True
TIME_ZONE = {time_zone!r}
INSTALLED_APPS = [
    "django.contrib.auth", "django.contrib.contenttypes", "django.contrib.sessions",
    "django.contrib.messages", "django.contrib.admin", "appointment",
]
MIDDLEWARE = []
ROOT_URLCONF = "peer_urls"
DATABASES = {{"default": {database!r}}}
CACHES = {{"default": {{"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}}}
TEMPLATES = [{{"BACKEND": "django.template.backends.django.DjangoTemplates", "APP_DIRS": True,
              "OPTIONS": {{"context_processors": []}}}}]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "auth.User"
APPOINTMENT_SLOT_DURATION = {step}
APPOINTMENT_BUFFER_TIME = 0
APPOINTMENT_LEAD_TIME = (9, 0)
APPOINTMENT_FINISH_TIME = (18, 0)
USE_I18N = True
LANGUAGE_CODE = "en"
"""

PEER_WORKER = r'''
"""Builds the schedule in the peer's models, then answers "count", "time" and "slots" on stdin."""
import json, os, sys, time as clock
from datetime import date, datetime, time, timedelta
sys.path.insert(0, os.path.dirname(__file__))
os.environ["DJANGO_SETTINGS_MODULE"] = "peer_settings"
import django
django.setup()
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.contrib.auth import get_user_model
call_command("migrate", verbosity=0)  # auth first: its tables refer to auth_user
call_command("migrate", run_syncdb=True, verbosity=0)  # it ships no migrations
from appointment.models import (Appointment, AppointmentRequest, Config, Service, StaffMember,
                                Unavailability, WorkingHours)
from appointment.services import get_available_slots_for_staff
from appointment.utils.db_helpers import get_weekday_num_from_date

plan = json.loads(sys.argv[1])
first_day = date.fromisoformat(plan["first_day"])
days = [first_day + timedelta(days=n) for n in range(plan["days"])]
Config.objects.create(slot_duration=15, lead_time=time(9), finish_time=time(18), appointment_buffer_time=0)
service = Service.objects.create(name="Classical 60", duration=timedelta(minutes=60), price=0)
User = get_user_model()
staff = []
for index in range(plan["therapists"]):
    user = User.objects.create(username=f"therapist-{index}", email=f"t{index}@x.example")
    member = StaffMember.objects.create(user=user, slot_duration=15, appointment_buffer_time=0)
    member.services_offered.add(service)
    for weekday in range(7):
        WorkingHours.objects.create(
            staff_member=member, day_of_week=weekday, start_time=time(9), end_time=time(18)
        )
    Unavailability.objects.bulk_create(
        Unavailability(staff_member=member, date=day, start_time=time(13), end_time=time(14)) for day in days
    )
    staff.append(member)
client = User.objects.create(username="client", email="client@x.example")
for therapist, day, minute in plan["bookings"]:
    start = time(minute // 60, minute % 60)
    end = time(minute // 60 + 1, minute % 60)
    request = AppointmentRequest.objects.create(
        date=date.fromisoformat(day), start_time=start, end_time=end,
        service=service, staff_member=staff[therapist],
    )
    Appointment.objects.bulk_create([Appointment(client=client, appointment_request=request, phone="")])

def compute():
    return {
        member.user.username: [
            slot
            for day in days
            for slot in get_available_slots_for_staff(
                day, member, get_weekday_num_from_date(day), service=service
            )
        ]
        for member in staff
    }

compute()  # warm: the config cache, the first queries
print("ready", flush=True)
for line in sys.stdin:
    command = line.strip()
    if command == "count":
        with CaptureQueriesContext(connection) as captured:
            compute()
        answer = {"queries": len(captured.captured_queries)}
    elif command == "time":
        started, started_cpu = clock.perf_counter(), clock.process_time()
        compute()
        answer = {
            "ms": (clock.perf_counter() - started) * 1000,
            "cpu_ms": (clock.process_time() - started_cpu) * 1000,
        }
    elif command == "slots":
        answer = {
            name: [slot.strftime("%Y-%m-%dT%H:%M") for slot in slots] for name, slots in compute().items()
        }
    else:
        break
    print(json.dumps(answer), flush=True)
'''


def peer_python() -> str:
    if os.environ.get("PEER_PYTHON"):
        return os.environ["PEER_PYTHON"]
    found = subprocess.run([str(PROJECT / "scripts" / "find-python")], capture_output=True, text=True)
    if found.returncode != 0:
        raise SystemExit(found.stderr)
    return found.stdout.strip()


def peer_venv(folder: Path) -> Path:
    """The peer's virtualenv: PEER_VENV if given, else a new one in `folder` with django-appointment."""
    if os.environ.get("PEER_VENV"):
        return Path(os.environ["PEER_VENV"])
    venv = folder / "venv"
    print(f"Installing {PEER} into a throw-away virtualenv ({venv})...", flush=True)
    subprocess.run([peer_python(), "-m", "venv", str(venv)], check=True)
    subprocess.run(
        [str(venv / "bin" / "pip"), "install", "-q", PEER, "psycopg[binary]"],
        check=True,
        stderr=subprocess.DEVNULL,
    )
    return venv


def peer_database(url: str, folder: Path) -> dict:
    if url.startswith("sqlite:///"):
        return {"ENGINE": "django.db.backends.sqlite3", "NAME": url.removeprefix("sqlite:///")}
    import dj_database_url

    config = dj_database_url.parse(url)
    return {key: config[key] for key in ("ENGINE", "NAME", "USER", "PASSWORD", "HOST", "PORT")}


class Peer:
    """django-appointment in its own process, talked to one line at a time."""

    def __init__(self, venv: Path, folder: Path, database_url: str, plan: dict, time_zone: str):
        (folder / "peer_settings.py").write_text(
            PEER_SETTINGS.format(time_zone=time_zone, database=peer_database(database_url, folder), step=STEP)
        )
        (folder / "peer_urls.py").write_text("urlpatterns = []\n")
        (folder / "peer_worker.py").write_text(PEER_WORKER)
        self.process = subprocess.Popen(
            [str(venv / "bin" / "python"), str(folder / "peer_worker.py"), json.dumps(plan)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            cwd=folder,
            env={
                key: value for key, value in os.environ.items() if key not in {"PYTHONPATH", "DATABASE_URL"}
            },
        )
        for line in self.process.stdout:  # past its log lines (it warns that django-q is missing)
            if line.strip() == "ready":
                break
        else:
            raise RuntimeError("the peer did not start")

    def ask(self, command: str) -> dict:
        self.process.stdin.write(command + "\n")
        self.process.stdin.flush()
        for line in self.process.stdout:
            if line.startswith("{"):
                return json.loads(line)
        raise RuntimeError(f"the peer stopped answering ({command})")

    def close(self) -> None:
        self.process.stdin.close()
        self.process.wait(timeout=30)


# --- the project ------------------------------------------------------------------------------------


def build_project(plan: dict):
    """The same schedule in the project's models; the service."""
    from django.conf import settings

    from bookings.availability import studio_zone
    from bookings.models import Appointment, BookingPolicy, Service, Therapist, WorkingHours
    from reflexology.models import Technique

    BookingPolicy(
        slot_step_minutes=STEP, min_notice_hours=2, booking_window_days=90, max_range_days=62
    ).save()
    technique = Technique.objects.create(
        slug="classical",
        name="Classical",
        kind="classical",
        summary=".",
        body=".",
        intensity="moderate",
        suits=".",
    )
    service = Service.objects.create(
        technique=technique,
        slug="classical-60",
        name="Classical 60",
        duration_minutes=DURATION,
        price="2500.00",
        buffer_minutes=0,
        needs_room=False,
    )
    therapists = []
    for index in range(plan["therapists"]):
        therapist = Therapist.objects.create(slug=f"therapist-{index}", name=f"Therapist {index}")
        therapist.services.add(service)
        for weekday in range(7):
            WorkingHours.objects.create(therapist=therapist, weekday=weekday, start=OPENS, end=BREAK)
            WorkingHours.objects.create(therapist=therapist, weekday=weekday, start=RESUMES, end=CLOSES)
        therapists.append(therapist)
    tz = studio_zone()
    appointments = []
    for number, (index, day, minute) in enumerate(plan["bookings"]):
        start = datetime.combine(date.fromisoformat(day), time(minute // 60, minute % 60), tzinfo=tz)
        appointments.append(
            Appointment(
                service=service,
                therapist=therapists[index],
                client_name="Bench Client",
                client_email=f"client{number}@example.com",
                start=start,
                end=start + timedelta(minutes=DURATION),
                blocked_until=start + timedelta(minutes=DURATION),
                price=service.price,
                currency=settings.STUDIO_CURRENCY,
            )
        )
    Appointment.objects.bulk_create(appointments)
    return service, therapists


def project_call(client, path: str) -> dict:
    answer = client.get(path)
    if answer.status_code != 200:
        raise RuntimeError(f"{path} answered {answer.status_code}: {answer.content[:300]!r}")
    return json.loads(answer.content)


def same_slots(project_sets: dict, merged: list, peer_sets: dict) -> str | None:
    """None when both sides offer the same starts per therapist; else what differs."""
    for name, starts in peer_sets.items():
        ours = project_sets.get(name, set())
        if ours != set(starts):
            here, there = sorted(ours - set(starts))[:5], sorted(set(starts) - ours)[:5]
            return f"{name}: only here {here}, only the peer {there}"
    union = set().union(*map(set, peer_sets.values()))
    starts = {slot["start"][:16] for slot in merged}
    if starts != union or len(starts) != len(merged):
        return "the merged answer is not the union of the therapists' starts"
    for slot in merged:
        if slot["start"][:16] not in peer_sets[slot["therapist"]]:
            return f"{slot['start']} is given to {slot['therapist']}, who is not free then"
    return None


def spread(timings: list[float]) -> str:
    quartiles = statistics.quantiles(timings, n=4) if len(timings) > 1 else [timings[0]] * 3
    return (
        f"median {statistics.median(timings):.2f} ms, IQR {quartiles[0]:.2f}-{quartiles[2]:.2f}, "
        f"min {min(timings):.2f}, max {max(timings):.2f}"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=7, help="timed rounds on each side (default 7)")
    parser.add_argument(
        "--repeat", type=int, default=5, help="project calls per round, their mean (default 5)"
    )
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="studio-vs-peer-"))
    project_url, drop_project = throwaway_database()
    peer_url, drop_peer = throwaway_database()
    peer = None
    os.environ.update(
        DATABASE_URL=project_url,
        DJANGO_SETTINGS_MODULE="studio.settings",
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="testserver",
        SECURE_SSL_REDIRECT="0",
        LOG_LEVEL="WARNING",
        # Every call computes: the page cache would answer repeats from memory.
        PAGE_CACHE="0",
    )
    try:
        import django

        django.setup()
        from django.conf import settings
        from django.core.management import call_command
        from django.db import connection
        from django.test import Client
        from django.test.utils import CaptureQueriesContext
        from django.utils import timezone

        call_command("migrate", verbosity=0)
        first_day = timezone.localdate() + timedelta(days=1)
        last_day = first_day + timedelta(days=DAYS - 1)
        plan = schedule(first_day)
        print(
            f"Database: {connection.vendor}. {THERAPISTS} therapists x {DAYS} days from {first_day}, "
            f"{len(plan['bookings'])} bookings, {settings.TIME_ZONE}."
        )
        service, therapists = build_project(plan)
        venv = peer_venv(folder)
        peer = Peer(venv, folder, peer_url, plan, settings.TIME_ZONE)
        client = Client()
        path = f"/api/availability/?service={service.slug}&from={first_day}&to={last_day}"

        project_sets = {
            therapist.slug: {
                slot["start"][:16]
                for slot in project_call(client, f"{path}&therapist={therapist.slug}")["slots"]
            }
            for therapist in therapists
        }
        merged = project_call(client, path)["slots"]
        peer_sets = peer.ask("slots")
        problem = same_slots(project_sets, merged, peer_sets)
        counts = {name: len(starts) for name, starts in peer_sets.items()}
        if problem:
            print(f"VOID: the slot sets differ ({problem}).")
            for name, starts in peer_sets.items():
                print(
                    f"  {name}: here {sorted(project_sets.get(name, ()))[:12]}\n  peer {sorted(starts)[:12]}"
                )
            return 1
        print(f"Slot sets agree: {counts} per therapist, {len(merged)} merged starts.")

        with CaptureQueriesContext(connection) as captured:
            project_call(client, path)
        project_queries = len(captured.captured_queries)
        peer_queries = peer.ask("count")["queries"]

        project_ms, peer_ms, project_cpu, peer_cpu = [], [], [], []
        for _round in range(args.rounds):
            started, started_cpu = clock.perf_counter(), clock.process_time()
            for _ in range(args.repeat):
                client.get(path)
            project_ms.append((clock.perf_counter() - started) * 1000 / args.repeat)
            project_cpu.append((clock.process_time() - started_cpu) * 1000 / args.repeat)
            timed = peer.ask("time")
            peer_ms.append(timed["ms"])
            peer_cpu.append(timed["cpu_ms"])
        project, other = statistics.median(project_ms), statistics.median(peer_ms)
        print(f"  project (whole API call): {spread(project_ms)}; {project_queries} queries")
        print(f"  peer (its engine, {THERAPISTS * DAYS} calls): {spread(peer_ms)}; {peer_queries} queries")
        cpu_ratio = statistics.median(peer_cpu) / statistics.median(project_cpu)
        print(
            f"  CPU time of each side's own process (no database server's share): project "
            f"{statistics.median(project_cpu):.2f} ms, peer {statistics.median(peer_cpu):.1f} ms, "
            f"ratio {cpu_ratio:.0f}"
        )
        print(
            f"vs_peer: project_ms={project:.2f} peer_ms={other:.1f} ratio={other / project:.0f} "
            f"project_queries={project_queries} peer_queries={peer_queries}"
        )
    finally:
        if peer is not None:
            peer.close()
        from django.db import connections

        connections.close_all()
        drop_project()
        drop_peer()
        if not os.environ.get("PEER_KEEP"):
            shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
