#!/usr/bin/env python3
"""Size limits of the code (run by `make lint`): no module over 600 lines, no function over 60 lines,
no view over 30 lines. Migrations and the foot map's drawing are left out. Prints each breach and
exits 1 if there is any.

A view is a function in a module named `views.py`, `*_views.py` or inside a `views/` package that
takes `request` as its first argument (the staff area's `@staff_view` functions included).
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("common", "studio", "staff", "bookings", "intake", "reflexology")
MODULE_LINES, FUNCTION_LINES, VIEW_LINES = 600, 60, 30


def is_view_module(path: Path) -> bool:
    return path.name == "views.py" or path.name.endswith("_views.py") or "views" in path.parts[:-1]


def breaches(path: Path) -> list[str]:
    text = path.read_text(encoding="utf-8")
    relative = path.relative_to(ROOT)
    found = []
    if (lines := len(text.splitlines())) > MODULE_LINES:
        found.append(f"{relative}: module of {lines} lines (limit {MODULE_LINES})")
    views = is_view_module(path)
    for node in ast.walk(ast.parse(text)):
        if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        first = node.decorator_list[0].lineno if node.decorator_list else node.lineno
        length = node.end_lineno - first + 1
        arguments = [a.arg for a in node.args.args]
        limit = VIEW_LINES if views and arguments[:1] == ["request"] else FUNCTION_LINES
        if length > limit:
            kind = "view" if limit == VIEW_LINES else "function"
            found.append(f"{relative}:{node.lineno}: {kind} {node.name}() of {length} lines (limit {limit})")
    return found


def main() -> int:
    found = []
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            found += breaches(path)
    for line in found:
        print(line)
    print(f"sizes: {len(found)} over the limits" if found else "sizes: every module, function and view fits")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
