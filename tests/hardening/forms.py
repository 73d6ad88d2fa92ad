"""Read the forms of a page (html.parser, no dependency): where they go, how, and their fields."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

TEXT_TYPES = {"text", "email", "tel", "search", "url", "date", "time", "datetime-local", "number", ""}


@dataclass
class Field:
    name: str
    kind: str  # an input type, "textarea" or "select"
    value: str = ""
    options: list[str] = field(default_factory=list)

    @property
    def typed(self) -> bool:
        """A field a person types into (its value should come back when the form is refused)."""
        return self.kind == "textarea" or self.kind in TEXT_TYPES


@dataclass
class Form:
    action: str  # a path, resolved against the page's URL
    method: str
    fields: dict[str, Field] = field(default_factory=dict)
    page: str = ""

    @property
    def key(self) -> tuple:
        return (self.method, urlsplit(self.action).path, tuple(sorted(self.fields)))


class _Reader(HTMLParser):
    def __init__(self, page: str):
        super().__init__(convert_charrefs=True)
        self.page = page
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._textarea: Field | None = None
        self._select: Field | None = None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "form":
            action = urljoin(self.page, attributes.get("action") or self.page)
            method = (attributes.get("method") or "get").lower()
            self._form = Form(action=action, method=method, page=self.page)
            self.forms.append(self._form)
            return
        form = self._form
        name = attributes.get("name")
        if form is None or not name:
            return
        if tag == "input":
            kind = (attributes.get("type") or "text").lower()
            if kind in {"submit", "button", "image", "reset", "file"}:
                return
            existing = form.fields.get(name)
            if kind in {"radio", "checkbox"}:
                existing = existing or form.fields.setdefault(name, Field(name, kind))
                existing.options.append(attributes.get("value", "on"))
                if "checked" in attributes:
                    existing.value = attributes.get("value", "on")
            else:
                form.fields[name] = Field(name, kind, attributes.get("value", ""))
        elif tag == "textarea":
            self._textarea = form.fields[name] = Field(name, "textarea")
        elif tag == "select":
            self._select = form.fields[name] = Field(name, "select")
        elif tag == "option" and self._select is not None:
            self._select.options.append(attributes.get("value", ""))

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea.value += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "textarea" and self._textarea is not None:
            # HTML drops one newline right after <textarea>; Django writes one there.
            self._textarea.value = self._textarea.value.removeprefix("\n")
            self._textarea = None
        elif tag == "select":
            self._select = None


def forms_of(html: str, page: str) -> list[Form]:
    reader = _Reader(page)
    reader.feed(html)
    reader.close()
    return reader.forms
