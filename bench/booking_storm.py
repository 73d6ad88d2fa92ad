"""Many clients booking at once, through the real booking flow over HTTP: no double booking, no 5xx.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/studio .venv/bin/python bench/booking_storm.py
    .venv/bin/python bench/booking_storm.py --same 50 --different 200 --workers 8

Starts the site as production runs it (bench/site.py: gunicorn, DEBUG=0, a throw-away database with
the content and the demo data; PostgreSQL when DATABASE_URL names one, which is what this is for).
Then, like real people, each client is a separate visitor with its own cookies (session, CSRF) and its
own loopback address (so the per-address rate limits stay on and see separate clients): it opens the
day-and-time page and takes a time from it, gives its details, fills in the health questionnaire (which
proves a questionnaire in its session, as the flow requires), and opens the summary with its confirm
form. When every client is ready, they all press "Confirm" at the same moment:

  1. `--same` clients (50) confirm the same time with the same therapist;
  2. `--different` clients (200) confirm different, non-overlapping times.

Prints bookings made, refusals (and what the refused clients were told), 5xx answers, and what the
database holds afterwards: bookings at the shared time, and overlapping appointments of one therapist
or one room (the double bookings). Goal: exactly one booking for the shared time, every other client
refused clearly, no 5xx, no overlaps. Never fails on the figures; exits 1 if a client could not even
get ready (the flow changed under the script).
"""

from __future__ import annotations

import argparse
import base64
import json
import sys
import threading
import time
import zlib
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.site import BenchSite, machine
from bench.visitor import Form, Page, Visitor

NONE = "none"  # the questionnaire's "None of these apply to me" (intake.question_groups.NONE)

CHECK_DATABASE = """
import json
from collections import defaultdict
from bookings.models import Appointment
active = list(Appointment.objects.active().values("id", "therapist_id", "room_id", "start", "blocked_until"))
def overlaps(key):
    found = 0
    groups = defaultdict(list)
    for row in active:
        if row[key] is not None:
            groups[row[key]].append(row)
    for rows in groups.values():
        rows.sort(key=lambda row: row["start"])
        for index, row in enumerate(rows):
            for later in rows[index + 1:]:
                if later["start"] >= row["blocked_until"]:
                    break
                found += 1
    return found
shared = Appointment.objects.active().filter(therapist__slug=THERAPIST, start=START).count()
storm = Appointment.objects.filter(client_email__startswith="storm-").count()
print(json.dumps({"therapist_overlaps": overlaps("therapist_id"), "room_overlaps": overlaps("room_id"),
                  "at_shared_time": shared, "storm_bookings": storm, "active": len(active)}))
"""

SERVICE_INFO = """
import json
from bookings.models import Service, Therapist
service = (Service.objects.filter(active=True, technique__slug="classical")
           .order_by("duration_minutes", "pk").first())
therapists = list(Therapist.objects.active().performing(service).order_by("pk")
                  .values_list("slug", flat=True))
print(json.dumps({"service": service.slug, "block": service.duration_minutes + service.buffer_minutes,
                  "therapists": therapists}))
"""


@dataclass
class Slot:
    token: str
    start: int  # seconds since the epoch
    therapist: str


@dataclass
class Ready:
    visitor: Visitor
    form: Form
    page: Page


def read_slot(token: str) -> tuple[int, str]:
    """The start and therapist a slot token names (it is signed, not secret: see bookings/web/flow.py)."""
    payload = token.split(":", 1)[0]
    compressed = payload.startswith(".")
    raw = base64.urlsafe_b64decode(payload.lstrip(".") + "=" * (-len(payload.lstrip(".")) % 4))
    data = json.loads(zlib.decompress(raw) if compressed else raw)
    return data["s"], data["t"]


def free_slots(site: BenchSite, service: str, therapist: str, day: date) -> list[Slot]:
    """The times the day-and-time page offers with `therapist` on `day` (the buttons' slot tokens)."""
    page = Visitor(site.url("")).get(f"/book/time/?service={service}&therapist={therapist}&day={day}")
    slots = []
    for button in page.buttons("slot"):
        start, named = read_slot(button["value"])
        if named == therapist:
            slots.append(Slot(button["value"], start, therapist))
    return slots


def choose_slots(site: BenchSite, info: dict, count: int) -> tuple[Slot, list[Slot]]:
    """One shared slot, and `count` others that overlap neither it nor each other."""
    block = info["block"] * 60
    taken: dict[str, list[int]] = {therapist: [] for therapist in info["therapists"]}
    chosen: list[Slot] = []
    shared = None
    day = date.today() + timedelta(days=3)
    while len(chosen) < count and day < date.today() + timedelta(days=60):
        for therapist in info["therapists"]:
            for slot in sorted(free_slots(site, info["service"], therapist, day), key=lambda s: s.start):
                if any(abs(slot.start - other) < block for other in taken[therapist]):
                    continue
                taken[therapist].append(slot.start)
                if shared is None:
                    shared = slot
                elif len(chosen) < count:
                    chosen.append(slot)
        day += timedelta(days=1)
    if shared is None or len(chosen) < count:
        raise RuntimeError(f"found only {len(chosen)} free times to book")
    return shared, chosen


def answer_questionnaire(form: Form, *, name: str, email: str) -> dict[str, str]:
    """ "None of these apply to me" in every group of health questions, consent given, signed: the
    answers of a client every technique suits."""
    answers = {}
    for field, entries in form.fields.items():
        kinds = {kind for kind, _value in entries}
        values = [value for _kind, value in entries]
        if "checkbox" in kinds and NONE in values:  # a group of the questionnaire (intake.question_groups)
            answers[field] = NONE
        elif "radio" in kinds and field.startswith("c_"):
            answers[field] = "no" if "no" in values else values[0]
        elif "checkbox" in kinds and field.startswith("consent"):
            answers[field] = values[0]
    answers.update(
        client_name=name, client_email=email, signature=name, date_of_birth="1980-05-05", client_phone=""
    )
    return answers


def get_ready(site: BenchSite, index: int, slot: Slot) -> Ready:
    """Details, questionnaire, summary: one client up to the confirm button, as a browser goes."""
    visitor = Visitor(site.url(""), source=f"127.0.{1 + index // 250}.{1 + index % 250}")
    name, email = f"Storm Client {index}", f"storm-{index}@example.com"
    details = visitor.get(f"/book/details/?slot={slot.token}")
    sent = visitor.submit(
        details.form(action="/book/details/"),
        {"client_name": name, "client_email": email, "client_phone": "", "consent_personal_data": "on"},
        page=details,
    )
    intake = visitor.follow(sent)
    form = intake.form(action="/intake/")
    summary = visitor.follow(
        visitor.submit(form, answer_questionnaire(form, name=name, email=email), page=intake)
    )
    return Ready(visitor, summary.form(action="/book/confirm/"), summary)


def prepare(site: BenchSite, slots: list[Slot], first_index: int, threads: int) -> list[Ready]:
    with ThreadPoolExecutor(max_workers=threads) as pool:
        return list(pool.map(lambda pair: get_ready(site, first_index + pair[0], pair[1]), enumerate(slots)))


def storm(ready: list[Ready]) -> list[Page]:
    """Everyone presses Confirm at the same moment."""
    start = threading.Barrier(len(ready))
    answers: list[Page | None] = [None] * len(ready)

    def confirm(index: int) -> None:
        client = ready[index]
        start.wait()
        answers[index] = client.visitor.submit(client.form, page=client.page)

    workers = [threading.Thread(target=confirm, args=(index,)) for index in range(len(ready))]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return answers


def report(label: str, answers: list[Page]) -> dict:
    booked = [page for page in answers if page.status in {302, 303} and "/book/done/" in page.location]
    errors = [page for page in answers if page.status >= 500]
    refused = [page for page in answers if page not in booked and page not in errors]
    told = Counter(f"{page.status} {page.heading()!r}: {page.alert()!r}" for page in refused)
    print(f"\n{label}: {len(answers)} clients confirmed at once")
    print(f"  bookings made: {len(booked)}")
    print(f"  refusals:      {len(refused)}")
    for what, count in told.most_common():
        print(f"      {count:>4} x {what}")
    print(f"  5xx answers:   {len(errors)}")
    return {"booked": len(booked), "refused": len(refused), "errors": len(errors)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--same", type=int, default=50, help="clients confirming the same time (default 50)")
    parser.add_argument("--different", type=int, default=200, help="clients booking different times (200)")
    parser.add_argument("--workers", type=int, default=8, help="gunicorn workers (default 8)")
    parser.add_argument("--threads", type=int, default=12, help="clients getting ready in parallel (12)")
    args = parser.parse_args()

    with BenchSite(workers=args.workers) as site:
        database = "PostgreSQL" if site.database_url.startswith("postgres") else "SQLite"
        if database != "PostgreSQL":
            print("Note: DATABASE_URL names no PostgreSQL server; this storm runs on SQLite.")
        info = json.loads(site.python(SERVICE_INFO))
        shared, different = choose_slots(site, info, args.different)
        print(
            f"{database}; gunicorn {args.workers} sync workers; service {info['service']} "
            f"({info['block']} min with its pause), therapists {', '.join(info['therapists'])}"
        )
        started = time.monotonic()
        try:
            crowd = prepare(site, [shared] * args.same, 0, args.threads)
            others = prepare(site, different, args.same, args.threads)
        except (LookupError, RuntimeError) as error:
            print(f"A client could not get to the confirm button: {error}", file=sys.stderr)
            print(site.log_tail(), file=sys.stderr)
            return 1
        print(
            f"{len(crowd) + len(others)} clients ready (details, questionnaire, summary) "
            f"in {time.monotonic() - started:.0f} s"
        )

        when = time.strftime("%Y-%m-%d %H:%M", time.gmtime(shared.start))
        same = report(f"Same time ({shared.therapist}, {when} UTC)", storm(crowd))
        other = report("Different times", storm(others))

        check = CHECK_DATABASE.replace("THERAPIST", repr(shared.therapist)).replace(
            "START",
            f"__import__('datetime').datetime.fromtimestamp({shared.start}, __import__('datetime').UTC)",
        )
        held = json.loads(site.python(check).splitlines()[-1])
        print("\nIn the database afterwards:")
        print(f"  bookings at the shared time:  {held['at_shared_time']}")
        print(f"  bookings made by the storm:   {held['storm_bookings']}")
        print(f"  double bookings (therapist):  {held['therapist_overlaps']}")
        print(f"  double bookings (room):       {held['room_overlaps']}")
        goal = (
            same["booked"] == 1
            and held["at_shared_time"] == 1
            and same["errors"] + other["errors"] == 0
            and held["therapist_overlaps"] + held["room_overlaps"] == 0
        )
        print(
            "\nbooking storm: "
            f"same={args.same} booked={same['booked']} refused={same['refused']} "
            f"different={args.different} booked={other['booked']} refused={other['refused']} "
            f"5xx={same['errors'] + other['errors']} "
            f"overlaps={held['therapist_overlaps'] + held['room_overlaps']} "
            f"goal={'met' if goal else 'MISSED'}"
        )
        print(f"Machine: {machine()}; {time.strftime('%Y-%m-%d %H:%M %Z')}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
