"""manage.py purge_intake: expired questionnaires are deleted, or anonymised when still linked."""

from datetime import timedelta
from io import StringIO

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.utils import timezone

from intake.models import Clearance, HealthAccessLog, Questionnaire
from intake.retention import linking_fields, purge_expired
from tests.intake.factories import make_questionnaire

pytestmark = pytest.mark.django_db


def expired(days_ago: int, **fields) -> Questionnaire:
    now = timezone.now()
    return make_questionnaire(
        submitted_at=now - timedelta(days=days_ago + 183),
        valid_until=now - timedelta(days=days_ago),
        medicines="Warfarin",
        **fields,
    )


def run(*args) -> str:
    out = StringIO()
    call_command("purge_intake", *args, stdout=out)
    return out.getvalue()


def test_expired_questionnaires_are_deleted_and_recent_ones_kept():
    old = expired(400)
    recent_expiry = expired(10)
    valid = make_questionnaire()

    output = run("--older-than", "365")

    assert "Deleted 1 questionnaire(s) and anonymised 0" in output
    assert not Questionnaire.objects.filter(pk=old.pk).exists()
    assert set(Questionnaire.objects.values_list("pk", flat=True)) == {recent_expiry.pk, valid.pk}


def test_dry_run_counts_and_changes_nothing():
    expired(400)

    output = run("--older-than", "30", "--dry-run")

    assert "Would delete 1 questionnaire(s)" in output
    assert Questionnaire.objects.count() == 1


def test_it_is_idempotent():
    expired(400)
    run("--older-than", "30")

    assert "Nothing to do." in run("--older-than", "30")


def test_a_negative_age_is_refused():
    with pytest.raises(CommandError):
        call_command("purge_intake", "--older-than", "-1", stdout=StringIO())


def test_linked_questionnaires_are_anonymised_not_deleted():
    """An appointment's questionnaire stays as a row without any personal or health detail.

    Bookings' Appointment points at questionnaires; here the access log stands in for such a link,
    so this test does not depend on the bookings app's models.
    """
    user = User.objects.create_user("therapist")
    linked = expired(400, answers={"diabetes": "yes"}, screening={"classical": {"outcome": "decline"}})
    unlinked = expired(400)
    HealthAccessLog.objects.create(
        user=user, username="therapist", questionnaire=linked, questionnaire_ref=linked.public_id, via="staff"
    )
    Clearance.objects.create(
        questionnaire=linked,
        condition_key="diabetes",
        issued_on=timezone.localdate(),
        valid_until=timezone.localdate(),
        recorded_by=user,
    )

    report = purge_expired(older_than_days=30, links=[HealthAccessLog._meta.get_field("questionnaire")])

    assert (report.deleted, report.anonymised) == (1, 1)
    assert not Questionnaire.objects.filter(pk=unlinked.pk).exists()
    linked.refresh_from_db()
    assert linked.anonymised_at is not None
    assert (linked.client_name, linked.client_email, linked.signature, linked.medicines) == ("", "", "", "")
    assert linked.answers == {} and linked.screening == {} and linked.date_of_birth is None
    assert not Clearance.objects.exists()
    assert not linked.is_valid()
    assert str(linked).startswith("Anonymised questionnaire")
    # Running again leaves the anonymised row alone.
    again = purge_expired(older_than_days=30, links=[HealthAccessLog._meta.get_field("questionnaire")])
    assert (again.deleted, again.anonymised) == (0, 0)


def test_links_from_other_apps_are_found_by_introspection():
    fields = {(field.model._meta.label, field.name) for field in linking_fields()}

    assert ("intake.Clearance", "questionnaire") not in fields
    assert ("intake.HealthAccessLog", "questionnaire") not in fields
    try:
        from bookings.models import Appointment
    except ImportError:
        return
    if any(f.name == "questionnaire" for f in Appointment._meta.get_fields()):
        assert ("bookings.Appointment", "questionnaire") in fields


def test_the_purge_is_atomic(monkeypatch):
    expired(400)
    expired(400)

    def fail(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(Clearance.objects, "filter", fail)
    with pytest.raises(RuntimeError):
        purge_expired(older_than_days=30)

    assert Questionnaire.objects.count() == 2
