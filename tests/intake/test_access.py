"""Who may read health answers: the client's link, and staff with the permission; reads are logged."""

import pytest
from django.contrib.auth.models import Permission, User
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from intake.access import read_answers
from intake.models import HealthAccessLog
from intake.screening import screen
from tests.intake.factories import make_questionnaire

pytestmark = pytest.mark.django_db
SECRET_ANSWER = "Metformin 850 mg twice daily"


@pytest.fixture
def questionnaire(rules_in_db, techniques):
    answers = {"diabetes": "yes", "diabetes_insulin": "yes", "diabetes_numb": "no", "diabetes_sores": "no"}
    return make_questionnaire(answers=answers, medicines=SECRET_ANSWER, screening=screen(answers).as_json())


def staff(username, *, can_read=False, superuser=False):
    user = User.objects.create_user(username, password="pw", is_staff=True, is_superuser=superuser)
    user.user_permissions.add(Permission.objects.get(codename="view_questionnaire"))
    if can_read:
        user.user_permissions.add(Permission.objects.get(codename="view_health_answers"))
    return User.objects.get(pk=user.pk)  # fresh permission cache


def admin_page(questionnaire):
    return reverse("admin:intake_questionnaire_change", args=[questionnaire.pk])


def test_an_anonymous_visitor_cannot_read_a_questionnaire(client, questionnaire):
    admin = client.get(admin_page(questionnaire))
    no_token = client.get(f"/intake/result/{questionnaire.public_id}/")

    assert admin.status_code == 302
    assert admin.url.startswith(reverse("admin:login"))
    assert no_token.status_code == 404
    assert SECRET_ANSWER not in no_token.content.decode()
    assert HealthAccessLog.objects.count() == 0


def test_staff_without_the_permission_see_contact_details_but_no_health_answers(client, questionnaire):
    client.force_login(staff("reception"))

    response = client.get(admin_page(questionnaire))

    assert response.status_code == 200
    html = response.content.decode()
    assert "Anna Example" in html
    assert SECRET_ANSWER not in html
    assert "Do you have diabetes" not in html
    assert "Health answers are shown only to staff with permission" in html
    assert HealthAccessLog.objects.count() == 0
    with pytest.raises(PermissionDenied):
        read_answers(staff("reception2"), questionnaire, via="staff")


def test_the_questionnaire_list_never_shows_health_answers(client, questionnaire):
    client.force_login(staff("reader", can_read=True))

    html = client.get(reverse("admin:intake_questionnaire_changelist")).content.decode()

    assert "Anna Example" in html
    assert SECRET_ANSWER not in html
    assert "diabetes" not in html.lower()
    assert HealthAccessLog.objects.count() == 0


def test_a_permitted_read_in_the_admin_shows_the_answers_and_is_logged(client, questionnaire):
    reader = staff("therapist", can_read=True)
    client.force_login(reader)

    response = client.get(admin_page(questionnaire))

    html = response.content.decode()
    assert SECRET_ANSWER in html
    assert "Do you have diabetes (any type)?" in html
    assert "Uses insulin" in html  # the therapist note from the stored screening
    log = HealthAccessLog.objects.get()
    assert (log.user, log.username, log.questionnaire, log.via) == (
        reader,
        "therapist",
        questionnaire,
        "admin",
    )
    assert log.questionnaire_ref == questionnaire.public_id


def test_read_answers_logs_every_read_for_the_staff_area(questionnaire):
    reader = staff("therapist", can_read=True)

    record = read_answers(reader, questionnaire, via=HealthAccessLog.Via.STAFF)
    read_answers(reader, questionnaire, via=HealthAccessLog.Via.STAFF)

    assert [q.key for q in record.flagged] == ["diabetes"]
    assert record.flagged[0].follow_ups[0].answer == "Yes"
    assert record.medicines == SECRET_ANSWER
    assert {row.technique for row in record.screening} >= {"Reflexology and acupressure"}
    assert HealthAccessLog.objects.filter(via="staff").count() == 2


def test_an_inactive_or_non_staff_user_with_the_permission_is_refused(questionnaire):
    user = staff("former", can_read=True)
    user.is_active = False

    with pytest.raises(PermissionDenied):
        read_answers(user, questionnaire, via="staff")
    assert HealthAccessLog.objects.count() == 0


def test_the_access_log_survives_the_questionnaire_and_cannot_be_edited(client, questionnaire):
    reader = staff("therapist", can_read=True)
    read_answers(reader, questionnaire, via="staff")
    questionnaire.delete()
    client.force_login(User.objects.create_superuser("boss", password="pw"))

    log = HealthAccessLog.objects.get()
    page = client.get(reverse("admin:intake_healthaccesslog_change", args=[log.pk]))

    assert log.questionnaire is None and log.questionnaire_ref
    assert page.status_code == 200
    assert client.post(reverse("admin:intake_healthaccesslog_delete", args=[log.pk])).status_code == 403


def test_a_doctors_note_is_recorded_in_the_admin_by_permitted_staff(client, questionnaire):
    from intake.models import Clearance

    superuser = User.objects.create_superuser("boss", password="pw")
    client.force_login(superuser)
    url = admin_page(questionnaire)
    data = {
        "clearances-TOTAL_FORMS": "1",
        "clearances-INITIAL_FORMS": "0",
        "clearances-0-condition_key": "diabetes",
        "clearances-0-issued_on": "2026-11-01",
        "clearances-0-valid_until": "2027-04-01",
        "clearances-0-clinician_limits": "Gentle only.",
        "clearances-0-limit_outcome": "",
    }

    response = client.post(url, data)

    assert response.status_code == 302, response.content.decode()[:3000]
    clearance = Clearance.objects.get()
    assert clearance.recorded_by == superuser
    assert questionnaire.effective_outcome_for("classical", at=None) in ("modify", "needs_clearance")


def test_a_doctors_note_longer_than_six_months_is_refused(client, questionnaire):
    client.force_login(User.objects.create_superuser("boss", password="pw"))
    data = {
        "clearances-TOTAL_FORMS": "1",
        "clearances-INITIAL_FORMS": "0",
        "clearances-0-condition_key": "diabetes",
        "clearances-0-issued_on": "2026-11-01",
        "clearances-0-valid_until": "2027-11-01",
    }

    response = client.post(admin_page(questionnaire), data)

    assert response.status_code == 200
    assert "counts for 6 months at most" in response.content.decode()
