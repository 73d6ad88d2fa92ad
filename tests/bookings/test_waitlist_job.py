"""`manage.py run_waitlist`: expires holds (the time goes to the next client), ends past entries, purges."""

from datetime import time, timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.utils import timezone

from bookings.booking import cancel_appointment
from bookings.models import OfferStatus, WaitlistEntry, WaitlistOffer, WaitlistStatus
from bookings.waitlist import join_waitlist
from intake.models import Questionnaire
from tests.bookings.factories import at, clear_questionnaire, make_appointment, make_service, make_therapist

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def run_on_commit_now(monkeypatch):
    monkeypatch.setattr(transaction, "on_commit", lambda func, using=None, robust=False: func())


def run(*args) -> str:
    out = StringIO()
    call_command("run_waitlist", *args, stdout=out)
    return out.getvalue()


def soon():
    return timezone.localdate() + timedelta(days=7)


def join(service, email, **fields):
    values = {"first_day": soon(), "last_day": soon()} | fields
    return join_waitlist(
        service=service,
        client_name="W",
        client_email=email,
        questionnaire=clear_questionnaire(email),
        **values,
    )


def test_the_job_expires_a_hold_and_offers_the_time_to_the_next(set_policy):
    set_policy(slot_step_minutes=60)
    service = make_service(minutes=60)
    anna = make_therapist("anna", services=[service], hours={soon().weekday(): [(time(10), time(11))]})
    booked = make_appointment(service=service, therapist=anna, start=at(soon(), "10:00"))
    first, second = join(service, "first@example.com"), join(service, "second@example.com")
    cancel_appointment(appointment=booked, by="staff", notify=False)
    assert "Expired 0 hold(s)" in run()
    WaitlistOffer.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    assert "Would expire 1 hold(s)" in run("--dry-run")
    assert first.offers.get().status == OfferStatus.HELD  # a dry run changes nothing
    assert "Expired 1 hold(s)" in run()
    assert first.offers.get().status == OfferStatus.EXPIRED
    assert second.offers.get().status == OfferStatus.HELD
    assert "Expired 0 hold(s)" in run()  # idempotent


def test_the_job_ends_past_entries_and_purges_them_later_freeing_the_questionnaire():
    service = make_service(minutes=60)
    entry = join(service, "old@example.com")
    WaitlistEntry.objects.filter(pk=entry.pk).update(
        first_day=timezone.localdate() - timedelta(days=100),
        last_day=timezone.localdate() - timedelta(days=99),
    )
    assert "ended 1 entr(ies)" in run()
    entry.refresh_from_db()
    assert entry.status == WaitlistStatus.ENDED
    WaitlistEntry.objects.filter(pk=entry.pk).update(ended_at=timezone.now() - timedelta(days=91))
    assert "Would delete 1 entr(ies)" in run("--dry-run", "--purge-older-than", "90")
    assert "Deleted 1 entr(ies)" in run("--purge-older-than", "90")
    assert not WaitlistEntry.objects.exists()
    # Nothing of the waitlist keeps the questionnaire alive for the intake's own purge.
    long_ago = timezone.now() - timedelta(days=400)
    Questionnaire.objects.update(submitted_at=long_ago - timedelta(days=1), valid_until=long_ago)
    call_command("purge_intake", "--older-than", "365", stdout=StringIO())
    assert not Questionnaire.objects.exists()


def test_a_negative_purge_age_is_refused():
    with pytest.raises(CommandError):
        run("--purge-older-than", "-1")
