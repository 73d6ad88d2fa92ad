"""Every URL of the site, from the URLconf itself, with its parameters filled in: existing slugs, tokens
and ids from the demo studio, and garbage. New pages are covered as soon as they are routed.

    routes()                 -> [Route("techniques/<slug:slug>/", "bookings:technique_detail", ...), ...]
    Known.build()            -> ids, slugs and signed links that exist (needs the database)
    paths_for(route, known)  -> ["/techniques/classical/", "/techniques/no-such-thing/", ...]
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

SKIPPED_PREFIXES = ("admin/",)  # Django's own admin; its forms are Django's to harden
GARBAGE = {
    "slug": ["no-such-thing", "x" * 300, "0", "--", "_"],
    "str": ["garbage", "a" * 3000, "тест-ключ", "%2E%2E", "%00", "' OR '1'='1", "eyJhIjoxfQ:1abc:def"],
    "int": ["0", "99999999999999999999", "2147483648", "9223372036854775808"],
    "path": ["x", "../../etc/passwd"],
    "uuid": ["00000000-0000-0000-0000-000000000000"],
}


@dataclass(frozen=True)
class Route:
    route: str  # "techniques/<slug:slug>/"
    name: str  # "bookings:technique_detail"
    parameters: tuple[tuple[str, str], ...]  # (name, converter type)

    @property
    def staff(self) -> bool:
        return self.name.startswith("staff:")


def _converter_type(converter) -> str:
    return {
        "SlugConverter": "slug",
        "StringConverter": "str",
        "IntConverter": "int",
        "PathConverter": "path",
        "UUIDConverter": "uuid",
    }.get(type(converter).__name__, "str")


def _walk(patterns, prefix: str = "", namespace: str = ""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern), inner)
        elif isinstance(pattern, URLPattern):
            route = prefix + str(pattern.pattern)
            converters = dict(getattr(pattern.pattern, "converters", {}))
            parameters = tuple((name, _converter_type(converter)) for name, converter in converters.items())
            yield Route(route=route, name=f"{namespace}{pattern.name or ''}", parameters=parameters)


def routes() -> list[Route]:
    found = [
        route
        for route in _walk(get_resolver().url_patterns)
        if not route.route.startswith(SKIPPED_PREFIXES) and "__tests__" not in route.route
    ]
    return sorted(set(found), key=lambda route: route.route)


@dataclass
class Known:
    """Values that exist in the demo studio, by (URL name, parameter) or by parameter."""

    values: dict[str, str]
    manager: object

    @classmethod
    def build(cls) -> Known:
        from bookings.links import manage_link_token
        from bookings.models import Appointment, AppointmentStatus, StudioClosure, Therapist, TimeOff
        from intake.links import result_token, returning_token
        from reflexology.models import Technique, Zone
        from staff.roles import Role, assign_role
        from tests.bookings.factories import make_questionnaire

        now = timezone.now()
        upcoming = (
            Appointment.objects.filter(status=AppointmentStatus.BOOKED, start__gte=now + timedelta(days=2))
            .order_by("start")
            .first()
        )
        therapist = Therapist.objects.active().order_by("pk").first()
        time_off = TimeOff.objects.order_by("pk").first() or TimeOff.objects.create(
            therapist=therapist, start=now + timedelta(days=30), end=now + timedelta(days=31), reason="test"
        )
        closure = StudioClosure.objects.order_by("pk").first()
        questionnaire = make_questionnaire(email="known@example.com", screening={})
        manager, _ = get_user_model().objects.get_or_create(username="hardening-manager")
        manager.set_password("a-long-test-password")
        manager.save()
        assign_role(manager, Role.MANAGER)
        values = {
            "bookings:technique_detail/slug": Technique.objects.published().order_by("pk").first().slug,
            "reflexology:zone_detail/slug": Zone.objects.order_by("pk").first().slug,
            "therapist/slug": therapist.slug,
            "manage/token": manage_link_token(upcoming),
            "intake:result/token": result_token(questionnaire),
            "intake:returning/token": returning_token(questionnaire),
            "appointment/pk": str(upcoming.pk),
            "staff:time_off_delete/pk": str(time_off.pk),
            "staff:closure_delete/pk": str(closure.pk if closure else 1),
        }
        return cls(values=values, manager=manager)

    def value_for(self, route: Route, parameter: str) -> str:
        name = route.name
        for key in (f"{name}/{parameter}",):
            if key in self.values:
                return self.values[key]
        if parameter == "slug":
            return self.values["therapist/slug"]
        if parameter == "token":
            if name.startswith("intake:returning"):
                return self.values["intake:returning/token"]
            if name.startswith("intake:"):
                return self.values["intake:result/token"]
            return self.values["manage/token"]
        if parameter == "pk":
            return self.values["appointment/pk"]
        # A parameter this map does not know yet: a plausible value (the garbage variants still run).
        kind = dict(route.parameters).get(parameter, "str")
        return {"int": "1", "uuid": GARBAGE["uuid"][0]}.get(kind, "x")


def fill(route: Route, values: dict[str, str]) -> str:
    path = "/" + route.route
    for name, kind in route.parameters:
        path = path.replace(f"<{kind}:{name}>", values[name]).replace(f"<{name}>", values[name])
    return path


def paths_for(route: Route, known: Known) -> list[str]:
    """The route with known values, then with each parameter in turn replaced by garbage."""
    good = {name: known.value_for(route, name) for name, _kind in route.parameters}
    paths = [fill(route, good)]
    for name, kind in route.parameters:
        for junk in GARBAGE.get(kind, GARBAGE["str"]):
            paths.append(fill(route, {**good, name: junk}))
    return paths
