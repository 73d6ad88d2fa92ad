"""A scripted visitor for the benchmarks: its own cookies, its own source address, the site's real forms.

    visitor = Visitor("http://127.0.0.1:8000", source="127.0.0.7")
    page = visitor.get("/book/details/?slot=...")
    form = page.form(action="/book/details/")
    answer = visitor.submit(form, {"client_name": "Ada"})

Each visitor connects from its own loopback address (the whole of 127.0.0.0/8 reaches the server), so
the site's per-address rate limits see separate clients, as they would in real life. Cookies are kept
by name, whatever their Secure flag (the benchmark talks plain HTTP on the loopback). Redirects are
not followed unless asked, so a script can see where a form sends it.
"""

from __future__ import annotations

import http.client
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urlencode, urljoin, urlsplit


@dataclass
class Form:
    action: str
    method: str
    fields: dict[str, list[tuple[str, str]]] = field(default_factory=dict)  # name -> [(type, value)]
    checked: set[tuple[str, str]] = field(default_factory=set)  # (name, value) of ticked boxes and radios

    def defaults(self) -> list[tuple[str, str]]:
        """What a browser would send untouched: text and hidden values, the boxes and radios ticked."""
        sent = []
        for name, entries in self.fields.items():
            for kind, value in entries:
                if kind in {"radio", "checkbox"} and (name, value) not in self.checked:
                    continue
                sent.append((name, value))
        return sent


class _Forms(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self.current: Form | None = None
        self.buttons: list[dict] = []
        self._textarea: tuple[Form, str] | None = None

    def handle_starttag(self, tag, attrs):
        attributes = {name: value or "" for name, value in attrs}
        if tag == "form":
            self.current = Form(attributes.get("action", ""), (attributes.get("method") or "get").lower())
            self.forms.append(self.current)
        elif tag == "button":
            self.buttons.append(attributes)
        elif tag in {"input", "textarea", "select"} and self.current is not None and attributes.get("name"):
            kind = attributes.get("type", "text").lower() if tag == "input" else tag
            if kind in {"submit", "button", "image", "reset"}:
                return
            entries = self.current.fields.setdefault(attributes["name"], [])
            value = attributes.get("value", "on" if kind in {"checkbox", "radio"} else "")
            entries.append((kind, value))
            if "checked" in attributes:
                self.current.checked.add((attributes["name"], value))

    def handle_endtag(self, tag):
        if tag == "form":
            self.current = None


@dataclass
class Page:
    status: int
    headers: dict[str, str]
    body: str
    url: str

    @property
    def location(self) -> str:
        return self.headers.get("location", "")

    def forms(self) -> list[Form]:
        reader = _Forms()
        reader.feed(self.body)
        return reader.forms

    def form(self, *, action: str) -> Form:
        for form in self.forms():
            if urlsplit(urljoin(self.url, form.action or self.url)).path == action:
                return form
        raise LookupError(f"no form posting to {action} on {self.url} (status {self.status})")

    def buttons(self, name: str) -> list[dict]:
        reader = _Forms()
        reader.feed(self.body)
        return [button for button in reader.buttons if button.get("name") == name]

    def heading(self) -> str:
        return self._text(r"<h1[^>]*>(.*?)</h1>")

    def alert(self) -> str:
        """The first message the page announces (role="alert"), e.g. why a booking was refused."""
        return self._text(r'<[^>]+role="alert"[^>]*>(.*?)</')

    def _text(self, pattern: str) -> str:
        match = re.search(pattern, self.body, re.S)
        return re.sub(r"<[^>]+>|\s+", " ", match.group(1)).strip() if match else ""


class Visitor:
    def __init__(self, base: str, *, source: str = "127.0.0.1", timeout: float = 120):
        parts = urlsplit(base)
        self.host, self.port = parts.hostname, parts.port
        self.base = base.rstrip("/")
        self.source = source
        self.timeout = timeout
        self.cookies: dict[str, str] = {}

    def _request(
        self, method: str, path: str, body: bytes | None = None, headers: dict | None = None
    ) -> Page:
        connection = http.client.HTTPConnection(
            self.host, self.port, timeout=self.timeout, source_address=(self.source, 0)
        )
        sent = {"Host": f"{self.host}:{self.port}", "User-Agent": "studio-bench/1.0", **(headers or {})}
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        try:
            connection.request(method, path, body=body, headers=sent)
            answer = connection.getresponse()
            content = answer.read().decode("utf-8", errors="replace")
            for header, value in answer.getheaders():
                if header.lower() == "set-cookie":
                    name, _, rest = value.partition("=")
                    self.cookies[name.strip()] = rest.split(";", 1)[0]
            headers_out = {name.lower(): value for name, value in answer.getheaders()}
            return Page(answer.status, headers_out, content, self.base + path)
        finally:
            connection.close()

    def get(self, path: str) -> Page:
        return self._request("GET", path)

    def post(self, path: str, data: list[tuple[str, str]]) -> Page:
        body = urlencode(data).encode()
        return self._request(
            "POST",
            path,
            body,
            {"Content-Type": "application/x-www-form-urlencoded", "Referer": self.base + path},
        )

    def submit(self, form: Form, changes: dict[str, str] | None = None, *, page: Page) -> Page:
        """Send `form` (from `page`) as a browser would, with `changes` typed, ticked or chosen."""
        changes = changes or {}
        data = [(name, value) for name, value in form.defaults() if name not in changes]
        data += list(changes.items())
        path = urlsplit(urljoin(page.url, form.action or page.url))
        target = path.path + (f"?{path.query}" if path.query else "")
        if form.method == "post":
            return self.post(target, data)
        return self.get(f"{path.path}?{urlencode(data)}")

    def follow(self, page: Page) -> Page:
        while page.status in {301, 302, 303} and page.location:
            location = urlsplit(urljoin(page.url, page.location))
            page = self.get(location.path + (f"?{location.query}" if location.query else ""))
        return page
