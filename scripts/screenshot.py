"""Take screenshots of pages at desktop and phone sizes, for looking at what we build.

    .venv/bin/python scripts/screenshot.py http://127.0.0.1:8000/ /foot-map/ --out screenshots
    .venv/bin/python scripts/screenshot.py http://127.0.0.1:8000/      # the visitor's pages (VISITOR_PAGES)

Paths are joined to the first URL's origin; with the site's address alone, the pages a visitor deciding
whether to come looks at are taken: home, contact, the team and a technique. Prints console errors and
failed requests, so a page that looks fine but logs a CSP violation is noticed too.
"""

import argparse
import shutil
import sys
from pathlib import Path
from urllib.parse import urljoin, urlparse

from playwright.sync_api import sync_playwright

SIZES = {"desktop": (1280, 900), "phone": (390, 844)}
VISITOR_PAGES = ["/", "/contact/", "/therapists/", "/techniques/reflexology/"]
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("urls", nargs="+")
    parser.add_argument("--out", default="screenshots")
    parser.add_argument("--sizes", default="desktop,phone")
    parser.add_argument("--full-page", action="store_true", default=True)
    args = parser.parse_args()
    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    base = args.urls[0]
    if len(args.urls) == 1 and urlparse(base).path in ("", "/"):
        args.urls = [urljoin(base, path) for path in VISITOR_PAGES]
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    problems = 0
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        for size_name in args.sizes.split(","):
            width, height = SIZES[size_name]
            page = browser.new_page(viewport={"width": width, "height": height})
            messages = []
            page.on("console", lambda m, messages=messages: m.type == "error" and messages.append(m.text))
            page.on("requestfailed", lambda r, messages=messages: messages.append(f"failed: {r.url}"))
            page.on(
                "response",
                lambda r, messages=messages: (
                    r.status >= 400
                    and r.request.resource_type != "document"
                    and messages.append(f"{r.status}: {r.url}")
                ),
            )
            for url in args.urls:
                full = urljoin(base, url)
                page.goto(full, wait_until="networkidle")
                slug = urlparse(full).path.strip("/").replace("/", "_") or "home"
                query = urlparse(full).query
                if query:
                    slug += "_" + query.replace("=", "-").replace("&", "_")[:40]
                target = out / f"{slug}-{size_name}.png"
                page.screenshot(path=str(target), full_page=args.full_page)
                print(target)
                for message in messages:
                    print(f"  console: {message}")
                    problems += 1
                messages.clear()
        browser.close()
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
