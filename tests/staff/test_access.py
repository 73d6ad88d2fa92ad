"""Every staff URL, for every role: the designed answer, so no page or action leaks.

The URL list comes from the URLconf: a new staff URL without a line in RULES fails
`test_every_staff_url_has_a_rule`. A role not allowed gets 403 (and nothing changes); an anonymous
visitor is sent to the sign-in page; an allowed role gets the answer written in RULES.
"""

from decimal import Decimal

import pytest
from django.urls import URLPattern, reverse

from bookings.models import (
    Appointment,
    AppointmentEvent,
    Certificate,
    Course,
    StudioClosure,
    TimeOff,
    WaitlistEntry,
    WaitlistOffer,
)
from bookings.prepaid import sell_certificate
from intake.models import HealthAccessLog
from staff import urls as staff_urls
from tests.bookings.factories import MONDAY, at, make_time_off
from tests.staff.conftest import ROLE_NAMES

pytestmark = pytest.mark.django_db

EVERY_STAFF_ROLE = {"therapist", "other_therapist", "reception", "manager"}
OWN = {"therapist", "reception", "manager"}  # those who may see Anna's appointment
DESK = {"reception", "manager"}
MANAGER = {"manager"}


def post_data(studio):
    return {
        "attendance": {"status": "completed"},
        "note": {"text": "Arrived early, prefers the window room."},
        "cancel": {"reason": "The client called to cancel."},
        "reschedule": {},  # incomplete: the form's answer (400) with nothing changed
        "book": {},
        "working_hours": {},
        "time_off": {},
        "closures": {},
        "time_off_delete": {},
        "closure_delete": {},
        "waitlist_offer": {},  # no time chosen: the form's answer (400), nothing held
        "logout": {},
    }


# url name -> {method: (roles allowed, status for them)}. Anonymous: sign-in page, unless listed.
RULES = {
    "dashboard": {"GET": (EVERY_STAFF_ROLE, 200)},
    "week": {"GET": (EVERY_STAFF_ROLE, 200)},
    "login": {"GET": ({"anonymous"}, 200)},  # staff who are signed in are sent to their day (302)
    "logout": {"POST": ({"anonymous", *EVERY_STAFF_ROLE}, 302)},
    "appointment": {"GET": (OWN, 200)},
    "answers": {"GET": ({"therapist", "manager"}, 200)},
    "session_sheet": {"GET": ({"therapist", "manager"}, 200)},
    "attendance": {"POST": (OWN, 302)},
    "note": {"POST": (OWN, 302)},
    "cancel": {"POST": (DESK, 302)},
    "reschedule": {"GET": (DESK, 200), "POST": (DESK, 400)},
    "client": {"GET": (OWN, 200)},
    "prepaid_sell_course": {"GET": (DESK, 200), "POST": (DESK, 400)},
    "prepaid_sell_certificate": {"GET": (DESK, 200), "POST": (DESK, 400)},
    "prepaid_certificates": {"GET": (DESK, 200)},
    "prepaid_redeem": {"POST": (DESK, 400)},
    "prepaid_certificate_print": {"GET": (DESK, 200)},
    "prepaid_courses": {"GET": (DESK, 200)},
    "book": {"GET": (DESK, 200), "POST": (DESK, 400)},
    "book_questionnaire": {"GET": (DESK, 200)},
    "therapists": {"GET": (MANAGER, 200)},
    "working_hours": {"GET": (MANAGER, 200), "POST": (MANAGER, 400)},
    "time_off": {"GET": (MANAGER, 200), "POST": (MANAGER, 400)},
    "time_off_delete": {"POST": (MANAGER, 302)},
    "closures": {"GET": (MANAGER, 200), "POST": (MANAGER, 400)},
    "closure_delete": {"POST": (MANAGER, 302)},
    "reports": {"GET": (MANAGER, 200)},
    "reports_csv": {"GET": (MANAGER, 200)},
    "audit": {"GET": (MANAGER, 200)},
    "waitlist": {"GET": (DESK, 200)},
    "waitlist_entry": {"GET": (DESK, 200)},
    "waitlist_offer": {"POST": (DESK, 400)},
}
CASES = [(name, method, role) for name, methods in RULES.items() for method in methods for role in ROLE_NAMES]


def staff_url_names() -> set[str]:
    return {pattern.name for pattern in staff_urls.urlpatterns if isinstance(pattern, URLPattern)}


def test_every_staff_url_has_a_rule():
    assert staff_url_names() == set(RULES)


def test_every_staff_view_checks_a_permission_or_is_an_auth_page():
    for pattern in staff_urls.urlpatterns:
        if pattern.name in {"login", "logout"}:
            continue
        assert hasattr(pattern.callback, "staff_permission"), f"{pattern.name} is not wrapped in staff_view"


def url_for(name: str, studio, extras) -> str:
    kwargs = {}
    pattern = next(p for p in staff_urls.urlpatterns if p.name == name)
    converters = pattern.pattern.converters
    if "pk" in converters:
        kwargs["pk"] = {
            "time_off_delete": extras["time_off"].pk,
            "closure_delete": extras["closure"].pk,
            "waitlist_entry": extras["entry"].pk,
            "waitlist_offer": extras["entry"].pk,
        }.get(name, studio.appointment.pk)
    if "slug" in converters:
        kwargs["slug"] = studio.anna.slug
    if "code" in converters:
        kwargs["code"] = extras["certificate"].code
    return reverse(f"staff:{name}", kwargs=kwargs)


def snapshot():
    return (
        AppointmentEvent.objects.count(),
        list(Appointment.objects.order_by("pk").values_list("status", "start")),
        TimeOff.objects.count(),
        StudioClosure.objects.count(),
        HealthAccessLog.objects.count(),
        list(Certificate.objects.values_list("code", "balance")),
        Course.objects.count(),
        WaitlistOffer.objects.count(),
    )


@pytest.mark.parametrize(("name", "method", "role"), CASES)
def test_the_designed_answer_for_every_url_and_role(name, method, role, studio, login, mailoutbox):
    extras = {
        "time_off": make_time_off(studio.anna, at(MONDAY, "16:00"), at(MONDAY, "17:00"), "Dentist"),
        "closure": StudioClosure.objects.create(
            start_date=MONDAY.replace(month=12, day=30), end_date=MONDAY.replace(month=12, day=31)
        ),
        "certificate": sell_certificate(payment_method="cash", buyer_name="Vera", amount=Decimal("3000")),
        "entry": WaitlistEntry.objects.create(
            service=studio.service,
            first_day=MONDAY,
            last_day=MONDAY,
            client_name="W",
            client_email="w@example.com",
        ),
    }
    client = login(studio.user(role))
    url = url_for(name, studio, extras)
    before = snapshot()

    data = post_data(studio).get(name, {})
    response = client.get(url) if method == "GET" else client.post(url, data)

    allowed, expected = RULES[name][method]
    if name == "login" and role != "anonymous":
        assert response.status_code == 302
        assert response.url == reverse("staff:dashboard")
    elif role in allowed:
        assert response.status_code == expected, response.content.decode()[:500]
    elif role == "anonymous":
        assert response.status_code == 302
        assert response.url.startswith(reverse("staff:login") + "?next=")
        assert snapshot() == before
    else:
        assert response.status_code == 403
        assert snapshot() == before
        assert mailoutbox == []


def test_an_htmx_request_without_a_session_is_told_to_go_to_the_sign_in_page(client):
    response = client.get(reverse("staff:dashboard"), headers={"HX-Request": "true"})

    assert response.status_code == 200
    assert response.headers["HX-Redirect"].startswith(reverse("staff:login"))


def test_a_signed_in_user_without_a_staff_role_is_refused(client, studio):
    from tests.staff.conftest import make_user

    client.force_login(make_user("visitor"))

    assert client.get(reverse("staff:dashboard")).status_code == 403
    assert client.get(reverse("staff:appointment", args=[studio.appointment.pk])).status_code == 403
    login_page = client.get(reverse("staff:login"))
    assert login_page.status_code == 200
    assert "has no access to the staff area" in login_page.content.decode()


def test_a_therapist_never_sees_another_therapists_session_anywhere(client, studio):
    client.force_login(studio.user("other_therapist"))

    day = client.get(reverse("staff:dashboard"), {"date": MONDAY.isoformat()}).content.decode()
    week = client.get(reverse("staff:week"), {"date": MONDAY.isoformat()}).content.decode()

    for html in (day, week):
        assert "Clara Client" not in html
        assert "Anna Example" not in html
        assert "Boris Example" in html
    assert client.get(reverse("staff:answers", args=[studio.appointment.pk])).status_code == 403
    assert HealthAccessLog.objects.count() == 0


def test_the_actions_refuse_get(client, studio):
    client.force_login(studio.user("manager"))

    for name in ("attendance", "note", "cancel", "time_off_delete", "closure_delete", "logout"):
        pattern = next(p for p in staff_urls.urlpatterns if p.name == name)
        kwargs = {"pk": studio.appointment.pk} if "pk" in pattern.pattern.converters else {}
        assert client.get(reverse(f"staff:{name}", kwargs=kwargs)).status_code == 405, name


def test_actions_need_the_csrf_token(studio):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(studio.user("manager"))

    response = client.post(reverse("staff:attendance", args=[studio.appointment.pk]), {"status": "completed"})

    assert response.status_code == 403
    studio.appointment.refresh_from_db()
    assert studio.appointment.status == "booked"
