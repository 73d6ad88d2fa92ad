"""The Russian catalog is complete: every message the code and templates mark is translated, none
fuzzy, and the Russian site shows no English apart from names.

These need the merged catalog (locale/ru/LC_MESSAGES/django.po) and, for the walk through the pages,
the content in Russian: until both land they fail, by design (marker `needs_catalog`)."""

import re
import shutil
from html import unescape
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from scripts.check_translations import statistics
from tests.bookings.conftest import set_policy  # noqa: F401 (a fixture)

ROOT = Path(settings.BASE_DIR)
CATALOG = ROOT / "locale" / "ru" / "LC_MESSAGES" / "django.po"
# What makemessages must not read: third-party code, build output, the tests' own strings.
IGNORED = [
    "node_modules/*",
    ".venv/*",
    "staticfiles/*",
    "tests/*",
    "bench/*",
    "build/*",
    "deploy/*",
    "screenshots/*",
]


def needs_gettext():
    if shutil.which("msgfmt") is None or shutil.which("xgettext") is None:
        pytest.skip("GNU gettext (msgfmt, xgettext) is not installed: apt-get install gettext")


def source_copy(target: Path) -> Path:
    """The code, templates and scripts with locale/, copied: makemessages writes into the locale/ folder
    of the tree it walks (not only LOCALE_PATHS), so it runs in a copy and the real catalog is untouched."""
    skip = shutil.ignore_patterns(
        "node_modules",
        ".venv",
        ".git",
        "staticfiles",
        "media",
        "tests",
        "bench",
        "deploy",
        "fixtures",
        "page-cache",
        "__pycache__",
        "*.mo",
        "*.sqlite3*",
        "screenshots",
    )
    shutil.copytree(ROOT, target, ignore=skip, symlinks=True)
    return target


@pytest.mark.needs_catalog
def test_every_marked_string_is_translated_and_none_is_fuzzy(tmp_path, settings, monkeypatch):
    """makemessages over a copy of the project: the catalog as it would be with today's code, then msgfmt."""
    needs_gettext()
    assert CATALOG.exists(), "locale/ru/LC_MESSAGES/django.po is missing: the Russian catalog is not merged"
    copy = source_copy(tmp_path / "project")
    settings.LOCALE_PATHS = [copy / "locale"]
    monkeypatch.chdir(copy)
    for domain in ("django", "djangojs"):
        call_command(
            "makemessages",
            locale=["ru"],
            domain=domain,
            ignore_patterns=IGNORED,
            no_obsolete=True,
            verbosity=0,
        )
    catalogs = sorted((copy / "locale" / "ru" / "LC_MESSAGES").glob("*.po"))
    assert catalogs, "makemessages wrote no catalog"
    for po in catalogs:
        counts, messages = statistics(po)
        assert not counts.get("errors"), messages
        assert counts["untranslated"] == 0 and counts["fuzzy"] == 0, f"{po.name}: {messages}"


# Words of the English interface that never occur in a name or an address.
ENGLISH = re.compile(
    r"\b(the|and|your|you|our|with|for|book|booking|bookings|session|sessions|price|prices|minutes|"
    r"therapist|therapists|please|what|when|how|about|questionnaire|technique|techniques|foot map|"
    r"opening hours|search|next|back|save|cancel|change|choose|continue|confirm|sign in|sign out|"
    r"email address|phone|name|date|time|today|tomorrow|week|day|client|clients|appointment|"
    r"appointments|waitlist|certificate|certificates|course|courses|gift|report|reports|history|"
    r"hours|closures|closure|answers|notes|note|status|booked|completed|cancelled|no-show|"
    r"paid|unpaid|total|amount|balance|leave|join|hold|move|delete|download|print|sell|add|"
    r"yes|no|none|free|open|closed|from|until|to|of|in|on|at|is|are|this|that|not|all)\b",
    re.IGNORECASE,
)
CYRILLIC = re.compile(r"[А-Яа-яЁё]+")
# Not interface text: e-mail addresses, codes and tokens, the studio's name.
NOT_INTERFACE = re.compile(r"\S+@\S+|Sole\s*&\s*Calm|\b[A-Z0-9]{4,}(?:-[A-Z0-9]{3,})+\b")


def visible_text(html: str) -> str:
    html = re.sub(r"(?is)<(script|style|svg|template)\b.*?</\1>", " ", html)
    # Text marked as in another language (the switcher, English titles of sources) is meant to be so.
    html = re.sub(r"(?is)<(span|a|li|cite|p)\b[^>]*\blang=\"(?:en|ru)\"[^>]*>.*?</\1>", " ", html)
    text = " ".join(unescape(re.sub(r"(?s)<[^>]+>", " ", html)).split())
    return NOT_INTERFACE.sub(" ", text)


def without_names(text: str, names) -> str:
    for name in sorted(names, key=len, reverse=True):
        text = text.replace(name, " ")
    return text


class Walk:
    """GETs pages in one language and notes what is wrong with each (all pages walked, then one assert)."""

    def __init__(self, client, language: str, names=()):
        self.client, self.language, self.names, self.found, self.walked = client, language, names, {}, []

    def url(self, path: str) -> str:
        if self.language == "en" and not path.startswith(("/staff/", "/en/")):
            return "/en" + path
        return path

    def check(self, path: str, response=None) -> str:
        url = self.url(path)
        if response is None:
            response = self.client.get(url, follow=True)
        self.walked.append(url)
        if response.status_code not in (200, 400):  # 400: a form's answer to bad input, still a page
            self.found[url] = f"status {response.status_code}"
            return ""
        html = response.content.decode()
        if "<html" in html and f'<html lang="{self.language}">' not in html:  # else a fragment
            self.found[url] = f'no <html lang="{self.language}">'
            return html
        text = without_names(visible_text(html), self.names)
        pattern = ENGLISH if self.language == "ru" else CYRILLIC
        words = sorted({match.lower() for match in pattern.findall(text)})
        if words:  # the words, and where the first few stand
            self.found[url] = (
                words,
                [text[max(0, m.start() - 30) : m.end() + 30] for m in pattern.finditer(text)][:3],
            )
        return html

    def done(self):
        assert self.found == {}, f"Wrong language on {self.language} pages: {self.found}"


PUBLIC_PAGES = [
    "/",
    "/techniques/",
    "/foot-map/",
    "/reflexology-and-evidence/",
    "/prices/",
    "/therapists/",
    "/contact/",
    "/privacy/",
    "/search/?q=стопа",
    "/intake/",
    "/intake/returning/",
    "/intake/returning/sent/",
    "/account/sign-in/",
    "/account/sign-in/sent/",
    "/book/",
    "/waitlist/",
]


@pytest.fixture
def demo(content, settings):
    """The demo studio (services, therapists with their texts, appointments, staff logins) on the content."""
    import io

    settings.DEMO_PORTRAITS = False
    call_command("load_demo", stdout=io.StringIO())


def people_names() -> set[str]:
    from django.contrib.auth import get_user_model

    from bookings.models import Appointment, StudioClosure, Therapist, TimeOff

    names = {"Maria Client", "Client Person", "Vera"}
    # What people typed (reasons for time off, closures, cancellations) is theirs, in their language.
    names |= set(TimeOff.objects.values_list("reason", flat=True))
    names |= set(StudioClosure.objects.values_list("reason", flat=True))
    names |= set(Appointment.objects.values_list("cancellation_reason", flat=True))
    names |= set(Therapist.objects.values_list("name", flat=True))
    names |= set(Appointment.objects.values_list("client_name", flat=True))
    for first, last in get_user_model().objects.values_list("first_name", "last_name"):
        names |= {f"{first} {last}", first, last}
    return {name for name in names if name}


def public_paths() -> list[str]:
    from bookings.models import Therapist
    from reflexology.models import Technique, Zone

    paths = list(PUBLIC_PAGES)
    paths += [f"/techniques/{slug}/" for slug in Technique.objects.values_list("slug", flat=True)]
    paths += [f"/foot-map/zones/{slug}/" for slug in Zone.objects.values_list("slug", flat=True)]
    paths += [
        f"/therapists/{slug}/"
        for slug in Therapist.objects.filter(active=True).values_list("slug", flat=True)
    ]
    return paths


def client_paths(client, walk) -> list[str]:
    """The booking steps with a real slot, the manage link, the questionnaire's result, the account, the
    waitlist place and hold, a certificate: the pages a client reaches with a link or a session."""
    from datetime import timedelta
    from decimal import Decimal

    from django.utils import timezone

    from bookings.accounts import sign_in_token
    from bookings.availability import compute_slots, load_availability_data  # noqa: F401
    from bookings.certificate_links import certificate_link_token
    from bookings.models import Service, WaitlistEntry, WaitlistOffer
    from bookings.prepaid import sell_certificate
    from bookings.waitlist_links import entry_path, hold_path
    from intake.links import result_token, returning_token
    from tests.bookings.web.flow_support import manage_path, ready_client

    email = "maria@example.com"
    questionnaire = ready_client(client, email=email, screening=None)
    service = Service.objects.filter(active=True, therapists__isnull=False).order_by("pk").first()
    questionnaire.screening = {
        s.technique.slug: {"outcome": "proceed", "reasons": []} for s in Service.objects.all()
    }
    questionnaire.save()
    paths = [f"/book/?service={service.slug}", f"/book/time/?service={service.slug}"]
    time_page = client.get(walk.url(f"/book/time/?service={service.slug}"), follow=True).content.decode()
    slot = re.search(r'name="slot" value="([^"]+)"', time_page)
    assert slot, "no free time offered on the picker"
    token = slot.group(1)
    walk.check(f"/book/details/?slot={token}")
    walk.check(f"/book/summary/?slot={token}")
    summary = client.get(walk.url(f"/book/summary/?slot={token}"), follow=True).content.decode()
    confirmation = re.search(r'name="confirmation" value="([^"]+)"', summary)
    assert confirmation, summary[:3000]
    confirmed = client.post(walk.url("/book/confirm/"), {"confirmation": confirmation.group(1)})
    done = confirmed.headers.get("Location", "")
    if done:
        paths.append(done)
    from bookings.models import Appointment

    appointment = Appointment.objects.filter(client_email=email).order_by("-pk").first()
    assert appointment is not None, confirmed.content.decode()[:2000]
    paths += [
        manage_path(appointment),
        manage_path(appointment, "move/"),
        manage_path(appointment, "cancel/"),
    ]
    paths += [
        f"/intake/result/{result_token(questionnaire)}/",
        f"/intake/continue/{returning_token(questionnaire)}/",
    ]
    entry = WaitlistEntry.objects.create(
        service=service,
        first_day=timezone.localdate() + timedelta(days=3),
        last_day=timezone.localdate() + timedelta(days=5),
        client_name="Maria Client",
        client_email=email,
    )
    start = timezone.now() + timedelta(days=3)
    offer = WaitlistOffer.objects.create(
        entry=entry,
        therapist=appointment.therapist,
        start=start,
        end=start + timedelta(hours=1),
        blocked_until=start + timedelta(hours=1),
        expires_at=timezone.now() + timedelta(hours=2),
    )
    paths += [entry_path(entry), hold_path(offer)]
    certificate = sell_certificate(payment_method="cash", buyer_name="Vera", amount=Decimal("3000"))
    paths.append(f"/certificates/{certificate_link_token(certificate)}/")
    client.get(walk.url(f"/account/sign-in/{sign_in_token(email)}/"), follow=True)
    paths += ["/account/", "/account/data/", "/account/data/delete/"]
    return paths


def staff_paths() -> list[str]:
    """Every staff page a manager opens with GET, from the URLconf: a new staff page is walked too."""
    from django.urls import URLPattern, reverse
    from django.utils import timezone

    from bookings.models import Appointment, Certificate, StudioClosure, Therapist, TimeOff, WaitlistEntry
    from staff import urls as staff_urls

    future = Appointment.objects.filter(status="booked", start__gt=timezone.now()).exclude(questionnaire=None)
    appointment = future.order_by("start").first()
    objects = {
        "time_off_delete": TimeOff.objects.first(),
        "closure_delete": StudioClosure.objects.first(),
        "waitlist_entry": WaitlistEntry.objects.first(),
    }
    paths = []
    for pattern in staff_urls.urlpatterns:
        if not isinstance(pattern, URLPattern) or pattern.name in {"login", "logout", "reports_csv"}:
            continue
        converters, kwargs = pattern.pattern.converters, {}
        if "pk" in converters:
            target = objects.get(pattern.name, appointment)
            if target is None:
                continue
            kwargs["pk"] = target.pk
        if "slug" in converters:
            kwargs["slug"] = Therapist.objects.first().slug
        if "code" in converters:
            kwargs["code"] = Certificate.objects.first().code
        paths.append(reverse(f"staff:{pattern.name}", kwargs=kwargs))
    return paths


def walk_everything(client, language: str) -> Walk:
    from staff.roles import Role
    from tests.staff.conftest import make_user

    walk = Walk(client, language, people_names())
    if language == "en":
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    for path in public_paths():
        walk.check(path if language == "ru" or "?q=" not in path else "/search/?q=foot")  # the query is shown
    walk.check("/intake/", client.post(walk.url("/intake/"), {}))  # the questionnaire with its messages
    walk.check("/staff/login/")
    for path in client_paths(client, walk):
        walk.check(path)
    walk.names = people_names()
    client.force_login(make_user("walker", Role.MANAGER))
    for path in staff_paths():
        response = client.get(path)
        if response.status_code == 405:  # an action, not a page
            continue
        walk.check(path, response)
    return walk


@pytest.mark.needs_catalog
@pytest.mark.django_db
def test_every_russian_page_shows_no_english(client, demo, russian_default):
    walk = walk_everything(client, "ru")
    assert len(walk.walked) > 60
    walk.done()


@pytest.mark.needs_catalog
@pytest.mark.django_db
def test_every_english_page_shows_no_russian(client, demo, russian_default):
    walk = walk_everything(client, "en")
    walk.done()
