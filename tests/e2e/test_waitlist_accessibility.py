"""axe-core on the waitlist's pages (the client's and the staff's), at desktop and phone size, with the
same rules as tests/e2e/test_accessibility.py: no serious or critical finding, no console error."""

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.contrib.sessions.backends.db import SessionStore
from django.test import Client
from django.utils import timezone

from bookings.models import Service
from bookings.waitlist import join_waitlist, offer_time
from bookings.waitlist_links import entry_path, hold_path
from intake.session import SESSION_KEY
from staff.roles import Role, assign_role
from tests.bookings.factories import clear_questionnaire
from tests.e2e.test_accessibility import axe_page, demo, session_cookie, walk  # noqa: F401 (fixtures)


def test_the_waitlist_pages(live_server, demo, axe_page, console_errors):  # noqa: F811
    service = Service.objects.filter(active=True, technique__slug="classical").order_by("pk").first()
    questionnaire = clear_questionnaire("ada@example.com")
    first = timezone.localdate() + timedelta(days=3)
    entry = join_waitlist(
        service=service,
        first_day=first,
        last_day=first + timedelta(days=3),
        parts=["morning"],
        client_name="Ada Client",
        client_email="ada@example.com",
        questionnaire=questionnaire,
    )
    offer = offer_time(entry=entry)
    assert offer is not None
    session = SessionStore()
    session[SESSION_KEY] = str(questionnaire.public_id)
    session.create()
    axe_page.context.add_cookies([session_cookie(live_server, session.session_key)])
    pages = [
        ("waitlist: join", f"/waitlist/?service={service.slug}"),
        ("waitlist: my place", entry_path(entry)),
        ("waitlist: a held time", hold_path(offer)),
    ]
    walk(axe_page, live_server.url, pages, console_errors)
    member = get_user_model().objects.create_user("axe-desk", password="a-long-test-password")
    assign_role(member, Role.RECEPTION)
    signed_in = Client()
    signed_in.force_login(member)
    axe_page.context.add_cookies([session_cookie(live_server, signed_in.cookies["sessionid"].value)])
    pages = [
        ("staff: the waitlist", "/staff/waitlist/"),
        ("staff: a waitlist entry", f"/staff/waitlist/{entry.pk}/"),
    ]
    walk(axe_page, live_server.url, pages, console_errors)
