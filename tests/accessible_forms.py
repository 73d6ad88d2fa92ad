"""What every rendered form field must carry, read from a page's HTML (the standard library's parser).

`form_fields(html)` lists the fields inside <form> elements; `field_problems(html)` says, in words,
which of them lacks a label, or is marked invalid without `aria-describedby` naming its error (and its
help, when it has some), or names an id the page does not have.
"""

from dataclasses import dataclass
from html.parser import HTMLParser

CONTROLS = {"input", "select", "textarea"}
NOT_FIELDS = {"hidden", "submit", "button", "reset", "image"}
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


@dataclass
class Control:
    tag: str
    attrs: dict
    in_label: bool  # wrapped in a <label>
    group_describedby: tuple = ()  # what its <fieldset> (a group of radios, say) is described by

    @property
    def name(self) -> str:
        return self.attrs.get("name") or ""

    @property
    def id(self) -> str:
        return self.attrs.get("id") or ""

    @property
    def describedby(self) -> list[str]:
        return (self.attrs.get("aria-describedby") or "").split()

    @property
    def all_describedby(self) -> list[str]:
        return self.describedby + list(self.group_describedby)

    @property
    def error_id(self) -> str:
        """A radio's error belongs to its group (id_when_0 -> id_when_error)."""
        if self.attrs.get("type") in ("radio", "checkbox") and self.group_describedby:
            return f"{self.id.rsplit('_', 1)[0]}_error"
        return f"{self.id}_error"

    @property
    def invalid(self) -> bool:
        return self.attrs.get("aria-invalid") == "true"


class Page(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.controls: list[Control] = []
        self.label_for: set[str] = set()
        self.texts: dict[str, str] = {}  # id -> its text
        self.classes: dict[str, str] = {}  # id -> its class attribute
        self.forms = 0
        self.labels = 0
        self.fieldsets: list[list[str]] = []  # the aria-describedby of each open <fieldset>
        self.open_ids: list[tuple[str, str | None]] = []  # (tag, id) of the open elements

    def handle_starttag(self, tag, attrs):
        attrs = {key: value or "" for key, value in attrs}
        element_id = attrs.get("id")
        if element_id:
            self.texts.setdefault(element_id, "")
            self.classes[element_id] = attrs.get("class", "")
        if tag == "form":
            self.forms += 1
        elif tag == "fieldset":
            self.fieldsets.append((attrs.get("aria-describedby") or "").split())
        elif tag == "label":
            self.labels += 1
            if attrs.get("for"):
                self.label_for.add(attrs["for"])
        elif tag in CONTROLS and self.forms and attrs.get("type", "") not in NOT_FIELDS:
            group = tuple(ref for refs in self.fieldsets for ref in refs)
            self.controls.append(Control(tag, attrs, in_label=self.labels > 0, group_describedby=group))
        if tag not in VOID:
            self.open_ids.append((tag, element_id))

    def handle_endtag(self, tag):
        if tag == "form":
            self.forms -= 1
        elif tag == "fieldset" and self.fieldsets:
            self.fieldsets.pop()
        elif tag == "label":
            self.labels -= 1
        while self.open_ids:
            open_tag, _ = self.open_ids.pop()
            if open_tag == tag:
                break

    def handle_data(self, data):
        for _, element_id in self.open_ids:
            if element_id:
                self.texts[element_id] += data


def read(html: str) -> Page:
    page = Page()
    page.feed(html)
    return page


def form_fields(html: str) -> list[Control]:
    return read(html).controls


def field_problems(html: str) -> list[str]:
    page = read(html)
    problems = []
    for control in page.controls:
        who = f"<{control.tag} name={control.name!r}>"
        labelled = (
            control.in_label
            or (control.id and control.id in page.label_for)
            or control.attrs.get("aria-label")
            or control.attrs.get("aria-labelledby")
        )
        if not labelled:
            problems.append(f"{who} has no label")
        for ref in control.all_describedby:
            if ref not in page.texts:
                problems.append(f"{who} is described by #{ref}, which is not on the page")
        help_id = f"{control.id}_helptext"
        if control.id and help_id in page.texts and help_id not in control.describedby:
            problems.append(f"{who} does not point at its help #{help_id}")
        error_id = control.error_id
        if control.invalid:
            if error_id not in control.all_describedby:
                problems.append(f"{who} is invalid but does not point at its error #{error_id}")
            elif not page.texts.get(error_id, "").strip():
                problems.append(f"{who} points at an empty error #{error_id}")
        elif control.id and error_id in page.texts:
            problems.append(f"{who} has an error #{error_id} but is not marked aria-invalid")
    return problems


def invalid_names(html: str) -> set[str]:
    return {control.name for control in form_fields(html) if control.invalid}
