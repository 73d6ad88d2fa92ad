"""Demo data: built through the booking functions, idempotent, and clear when content is missing."""

import io

import pytest
from django.core.management import CommandError, call_command

from bookings.demo import BOOKABLE_TECHNIQUES, build_demo
from bookings.models import Appointment, Room, Service, Therapist, WorkingHours
from tests.bookings.factories import TECHNIQUE_KINDS, make_technique

pytestmark = pytest.mark.django_db


def test_the_demo_needs_the_content_and_says_so():
    make_technique("classical")
    with pytest.raises(CommandError, match=r"load_content.*|missing: relaxing"):
        build_demo(io.StringIO())
    assert not Service.objects.exists()


def test_the_demo_uses_the_briefs_technique_slugs():
    assert set(BOOKABLE_TECHNIQUES) == set(TECHNIQUE_KINDS)


def test_the_demo_builds_a_studio_and_running_it_again_changes_nothing():
    for slug in BOOKABLE_TECHNIQUES:
        make_technique(slug)
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    counts = (
        Room.objects.count(),
        Service.objects.count(),
        Therapist.objects.count(),
        WorkingHours.objects.count(),
        Appointment.objects.count(),
    )
    assert counts[:3] == (3, 11, 4)
    assert counts[4] > 40
    statuses = set(Appointment.objects.values_list("status", flat=True))
    assert {"booked", "completed"} <= statuses
    assert all(t.working_hours.values("weekday").distinct().count() < 7 for t in Therapist.objects.all())
    assert all(Service.objects.filter(technique__slug=slug).exists() for slug in BOOKABLE_TECHNIQUES)
    call_command("load_demo", stdout=io.StringIO())
    assert (
        Room.objects.count(),
        Service.objects.count(),
        Therapist.objects.count(),
        WorkingHours.objects.count(),
        Appointment.objects.count(),
    ) == counts
