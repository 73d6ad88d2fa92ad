"""A waitlist hold takes its time out of the cached availability API at once (common/cache.py), and
joining the waitlist (no cached page shows it) keeps the cache."""

import json
from datetime import datetime, timedelta

from django.utils import timezone

from bookings.models import Service, Therapist, WaitlistEntry, WaitlistOffer
from tests.hardening.test_cache import availability_path, cached_twice, fetch, slots, text


def test_a_hold_takes_its_time_out_of_the_cached_availability(
    client, studio, page_cache, django_capture_on_commit_callbacks
):
    service = Service.objects.filter(active=True, technique__slug="classical").order_by("pk").first()
    path = availability_path(service)
    cached_twice(client, path)
    slot = slots(client, path)[5]
    start = datetime.fromisoformat(slot["start"])
    with django_capture_on_commit_callbacks(execute=True):
        entry = WaitlistEntry.objects.create(
            service=service,
            first_day=start.date(),
            last_day=start.date(),
            client_name="Cache Test",
            client_email="cache@example.com",
        )
    assert fetch(client, path)["X-Page-Cache"] == "hit"
    with django_capture_on_commit_callbacks(execute=True):
        WaitlistOffer.objects.create(
            entry=entry,
            therapist=Therapist.objects.get(slug=slot["therapist"]),
            start=start,
            end=start + service.duration,
            blocked_until=start + service.duration + service.buffer,
            expires_at=timezone.now() + timedelta(minutes=30),
        )
    after = fetch(client, path)
    assert after["X-Page-Cache"] == "miss"
    assert slot not in json.loads(text(after))["slots"]
