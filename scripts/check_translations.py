#!/usr/bin/env python3
"""Fails when a catalog under locale/ has an untranslated or fuzzy message, or does not compile.

    python scripts/check_translations.py            every locale/*/LC_MESSAGES/*.po
    python scripts/check_translations.py FILE.po    just these

Runs GNU gettext's `msgfmt --check --statistics` on each catalog (a syntax or format-string error
fails it) and reads its statistics line: "N translated messages, M fuzzy translations, K untranslated
messages." Anything but translated messages is a failure. Needs msgfmt (Debian: gettext).
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
COUNTS = re.compile(r"(\d+) (translated|fuzzy|untranslated)")


def statistics(po: Path) -> tuple[dict[str, int], str]:
    """({"translated": n, "fuzzy": m, "untranslated": k}, msgfmt's messages) for one catalog."""
    done = subprocess.run(
        ["msgfmt", "--check", "--statistics", "-o", "/dev/null", str(po)],
        capture_output=True,
        text=True,
        check=False,
    )
    counts = {"translated": 0, "fuzzy": 0, "untranslated": 0}
    for number, kind in COUNTS.findall(done.stderr):
        counts[kind] = int(number)
    if done.returncode != 0:
        counts["errors"] = 1
    return counts, done.stderr.strip()


def main(argv: list[str]) -> int:
    if shutil.which("msgfmt") is None:
        print("check_translations: msgfmt is missing (apt-get install gettext)", file=sys.stderr)
        return 2
    catalogs = [Path(arg) for arg in argv] or sorted(ROOT.glob("locale/*/LC_MESSAGES/*.po"))
    if not catalogs:
        print("check_translations: no catalog under locale/", file=sys.stderr)
        return 1
    failed = False
    for po in catalogs:
        counts, messages = statistics(po)
        bad = counts["fuzzy"] or counts["untranslated"] or counts.get("errors")
        failed = failed or bool(bad)
        print(f"{'FAIL' if bad else 'ok  '} {po}: {messages}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
