"""Requests per second and latency of the public pages under gunicorn, compared with a bare Django view.

    .venv/bin/python bench/load.py                     # SQLite file in a temporary folder
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/studio .venv/bin/python bench/load.py
                                                       # a temporary database on that server
    .venv/bin/python bench/load.py --no-cache          # the same without the page cache
    .venv/bin/python bench/load.py --duration 5        # shorter runs

Starts the site as production runs it (bench/site.py: gunicorn with 2 workers, DEBUG=0, a throw-away
database with the content and the demo data, collected static files) on a loopback port, and measures
each page with wrk (Debian's `wrk` package) from a second process, sending the headers a browser
sends (Accept-Encoding: gzip). The yardstick is a bare Django view that returns a fixed string
through the whole middleware stack (bench/bench_urls.py, reachable only in the benchmark); it is
measured first and last, and the ratios use the mean of the two.

Prints a table and, per page, its throughput as a ratio to the bare view. Goals: content pages at
least 0.6, the availability API (14 days) at least 0.4, and the two forms that are never cached
(they carry a CSRF token) `/intake/` at least 0.15 and `/book/` (step 1) at least 0.2. Never
fails on time; exits non-zero only if a page does not answer 200 or wrk is missing.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.site import BenchSite, machine

CONTENT_GOAL = 0.6
API_GOAL = 0.4
# Never page-cached (they carry a CSRF token): their speed is the rendering's.
FORM_GOALS = {"/intake/": 0.15, "/book/": 0.2}
BROWSER_HEADERS = {
    "Accept": "text/html,application/xhtml+xml,application/json;q=0.9,*/*;q=0.8",
    "Accept-Encoding": "gzip, deflate",
    "User-Agent": "studio-bench/1.0 (wrk)",
}
REPORT_SCRIPT = """
done = function(summary, latency, requests)
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout
  io.write(string.format(
    "WRK-JSON {\\"requests\\": %d, \\"duration_us\\": %d, \\"bytes\\": %d, \\"p50_us\\": %d, " ..
    "\\"p99_us\\": %d, \\"non2xx\\": %d, \\"socket_errors\\": %d}\\n",
    summary.requests, summary.duration, summary.bytes, latency:percentile(50), latency:percentile(99),
    summary.errors.status, errors))
end
"""


@dataclass
class Target:
    label: str
    path: str
    kind: str  # "bare", "content", "api" or "form"


@dataclass
class Result:
    target: Target
    rps: float
    p50_ms: float
    p99_ms: float
    bytes_per_request: float
    non2xx: int
    socket_errors: int
    cache: str


def targets(site: BenchSite) -> list[Target]:
    technique, service = site.python(
        "from reflexology.models import Technique; from bookings.models import Service; "
        "t = Technique.objects.published().order_by('order', 'pk').first(); "
        "s = Service.objects.filter(active=True).order_by('pk').first(); "
        "print(t.slug, s.slug)"
    ).split()
    first = date.today()
    last = first + timedelta(days=13)
    return [
        Target("bare view", "/__bench__/bare", "bare"),
        Target("/", "/", "content"),
        Target("/techniques/", "/techniques/", "content"),
        Target(f"/techniques/{technique}/", f"/techniques/{technique}/", "content"),
        Target("/foot-map/", "/foot-map/", "content"),
        Target("/prices/", "/prices/", "content"),
        Target(
            "/api/availability/ (14 days)",
            f"/api/availability/?service={service}&from={first}&to={last}",
            "api",
        ),
        Target("/intake/", "/intake/", "form"),
        Target("/book/", "/book/", "form"),
    ]


def check(site: BenchSite, target: Target) -> str:
    """The page answers 200 (a few times, which also warms the cache); what the cache said."""
    cache = ""
    for _ in range(3):
        request = urllib.request.Request(site.url(target.path), headers=BROWSER_HEADERS)
        with urllib.request.urlopen(request, timeout=30) as answer:
            if answer.status != 200:
                raise RuntimeError(f"{target.path} answered {answer.status}")
            answer.read()
            cache = answer.headers.get("X-Page-Cache", "")
    return cache or "-"


def run_wrk(site: BenchSite, target: Target, *, duration: int, connections: int, threads: int, script: Path):
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{duration}s", "--latency", "-s", str(script)]
    for name, value in BROWSER_HEADERS.items():
        command += ["-H", f"{name}: {value}"]
    command.append(site.url(target.path))
    done = subprocess.run(command, capture_output=True, text=True, timeout=duration + 60)
    line = next((line for line in done.stdout.splitlines() if line.startswith("WRK-JSON ")), None)
    if line is None:
        raise RuntimeError(f"wrk printed no summary:\n{done.stdout}\n{done.stderr}")
    figures = json.loads(line.removeprefix("WRK-JSON "))
    seconds = figures["duration_us"] / 1e6
    requests = max(figures["requests"], 1)
    return figures["requests"] / seconds, figures, requests


def measure(site: BenchSite, target: Target, args, script: Path) -> Result:
    cache = check(site, target)
    rps, figures, requests = run_wrk(
        site,
        target,
        duration=args.duration,
        connections=args.connections,
        threads=args.threads,
        script=script,
    )
    return Result(
        target=target,
        rps=rps,
        p50_ms=figures["p50_us"] / 1000,
        p99_ms=figures["p99_us"] / 1000,
        bytes_per_request=figures["bytes"] / requests,
        non2xx=figures["non2xx"],
        socket_errors=figures["socket_errors"],
        cache=cache,
    )


def print_table(results: list[Result], bare_rps: float) -> None:
    print()
    columns = ["req/s", "p50 ms", "p99 ms", "KB/resp"]
    header = (
        f"{'page':<44} " + " ".join(f"{name:>8}" for name in columns) + f" {'ratio':>6} {'goal':>5}  cache"
    )
    print(header)
    print("-" * len(header))
    for result in results:
        kind = result.target.kind
        ratio = result.rps / bare_rps if bare_rps else 0.0
        goal = {"content": CONTENT_GOAL, "api": API_GOAL}.get(kind) or FORM_GOALS.get(result.target.path)
        verdict = "" if goal is None else ("ok" if ratio >= goal else "MISS")
        flags = []
        if result.non2xx:
            flags.append(f"{result.non2xx} non-2xx")
        if result.socket_errors:
            flags.append(f"{result.socket_errors} socket errors")
        print(
            f"{result.target.label:<44} {result.rps:>8.0f} {result.p50_ms:>8.1f} {result.p99_ms:>8.1f} "
            f"{result.bytes_per_request / 1024:>8.1f} {ratio:>6.2f} {verdict:>5}  {result.cache}"
            + (f"  ({', '.join(flags)})" if flags else "")
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--duration", type=int, default=10, help="seconds per page (default 10)")
    parser.add_argument("--connections", type=int, default=8, help="wrk connections (default 8)")
    parser.add_argument("--threads", type=int, default=1, help="wrk threads (default 1)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (default 2)")
    parser.add_argument("--no-cache", action="store_true", help="switch the page cache off")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        print("wrk is not installed: `sudo apt-get install wrk` (Debian's package).", file=sys.stderr)
        return 2

    extra_env = {"PAGE_CACHE": "0"} if args.no_cache else {}
    with (
        tempfile.TemporaryDirectory() as folder,
        BenchSite(workers=args.workers, extra_env=extra_env) as site,
    ):
        script = Path(folder) / "report.lua"
        script.write_text(REPORT_SCRIPT)
        page_targets = targets(site)
        bare = page_targets[0]
        print(
            f"wrk: {args.threads} thread(s), {args.connections} connections, {args.duration} s per page; "
            f"page cache {'off' if args.no_cache else 'on'}"
        )
        results = []
        for target in [*page_targets, bare]:
            result = measure(site, target, args, script)
            print(f"  {target.label}: {result.rps:.0f} req/s", flush=True)
            results.append(result)
            time.sleep(0.5)
        bare_runs = [result for result in results if result.target.kind == "bare"]
        bare_rps = sum(result.rps for result in bare_runs) / len(bare_runs)
        print_table(results[:-1], bare_rps)
        print(
            f"\nbare view: {bare_runs[0].rps:.0f} req/s first, {bare_runs[1].rps:.0f} req/s last; "
            f"ratios use the mean, {bare_rps:.0f} req/s."
        )
        print(
            f"Goals: content pages >= {CONTENT_GOAL} of the bare view, availability API >= {API_GOAL}, "
            + ", ".join(f"{path} >= {goal}" for path, goal in FORM_GOALS.items())
            + " (never cached)."
        )
        print(f"Machine: {machine()}; {time.strftime('%Y-%m-%d %H:%M %Z')}")
        database = "PostgreSQL" if site.database_url.startswith("postgres") else "SQLite"
        print(f"Database: {database}; gunicorn {args.workers} sync workers; wrk from a second process.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
