"""The demo staff logins for `make run`: idempotent, linked to the demo therapists, DEBUG only."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from bookings.models import Appointment, Therapist
from staff.demo import DEMO_PASSWORD, build_demo
from staff.permissions import StaffAccess

pytestmark = pytest.mark.django_db


def test_load_demo_makes_the_logins_once(content, settings):
    settings.DEBUG = True
    out = io.StringIO()

    call_command("load_demo", stdout=out)
    call_command("load_demo", stdout=out)

    users = get_user_model().objects.filter(
        username__in=["manager", "reception", "anna", "mikhail", "elena", "daria"]
    )
    assert users.count() == 6
    assert "staff: 6 demo logins new" in out.getvalue() and "staff: 0 demo logins new" in out.getvalue()
    assert DEMO_PASSWORD in out.getvalue()
    assert Therapist.objects.get(slug="anna-sokolova").user.username == "anna"
    manager = get_user_model().objects.get(username="manager")
    assert StaffAccess(manager).can("view_reports")
    assert get_user_model().objects.get(username="reception").check_password(DEMO_PASSWORD)
    with_questionnaire = Appointment.objects.filter(
        idempotency_key__startswith="staff-demo-", questionnaire__isnull=False
    )
    assert with_questionnaire.count() == 3
    assert set(with_questionnaire.values_list("source", flat=True)) == {"staff"}


def test_no_demo_logins_when_debug_is_off(content, settings):
    settings.DEBUG = False
    out = io.StringIO()

    build_demo(out)

    assert "no demo logins" in out.getvalue()
    assert not get_user_model().objects.exists()
