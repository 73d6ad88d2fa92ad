"""No health detail in any e-mail or log line; the session only remembers proven questionnaires."""

import logging
import re
from datetime import timedelta

import pytest
from django.core import mail
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from intake.models import Questionnaire
from intake.rules import load_rules
from intake.session import SESSION_KEY, forget, proven_questionnaire, remember
from tests.intake.factories import form_data, make_questionnaire

pytestmark = pytest.mark.django_db


@pytest.fixture
def rules(rules_in_db, techniques):
    return load_rules()


def health_words(rules, questionnaire) -> list[str]:
    """Every question, follow-up, answer label and screening sentence that could leak."""
    words = [c.question for c in rules.conditions.values()] + [
        c.short_label for c in rules.conditions.values()
    ]
    words += [f.question for f in rules.follow_ups.values()]
    words += [
        choice["label"] for f in rules.follow_ups.values() for choice in f.choices if len(choice["label"]) > 8
    ]
    words += [r.client_message for r in rules.rules] + [r.therapist_note for r in rules.rules]
    words += [*rules.conditions, "Metformin", "Ticklish", "diabetes", "pregnan", "insulin"]
    for entry in questionnaire.screening.values():
        words += [entry["outcome"], *entry["reasons"], *entry["therapist_notes"]]
    return [word for word in words if word]


def test_no_health_detail_in_emails_or_logs(client, rules, caplog, django_capture_on_commit_callbacks):
    caplog.set_level(logging.DEBUG)
    data = form_data(
        rules,
        c_diabetes="yes",
        f_diabetes_insulin="yes",
        f_diabetes_numb="no",
        f_diabetes_sores="no",
        f_diabetes_checked="yes",
        c_pregnancy="yes",
        f_pregnancy_weeks="t2",
        f_pregnancy_complications=["none"],
        f_pregnancy_midwife_knows="yes",
        medicines="Metformin",
        other_notes="Ticklish",
    )
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/intake/", data)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("intake:returning_request"), {"email": "anna@example.com"})
    questionnaire = Questionnaire.objects.get()

    assert len(mail.outbox) == 2
    texts = []
    for message in mail.outbox:
        texts += [message.subject, message.body] + [content for content, _type in message.alternatives]
    texts += [record.getMessage() for record in caplog.records]
    texts += [str(record.args) for record in caplog.records]
    blob = "\n".join(texts).lower()
    leaks = [word for word in health_words(rules, questionnaire) if word.lower() in blob]
    assert leaks == []
    # The e-mails do carry their links, and the logs say what happened.
    assert all(re.search(r"http://testserver/intake/(result|continue)/", m.body) for m in mail.outbox)
    assert any(str(questionnaire.public_id) in record.getMessage() for record in caplog.records)


def test_remember_and_proven_questionnaire():
    request = RequestFactory().get("/")
    request.session = {}
    questionnaire = make_questionnaire()

    assert proven_questionnaire(request) is None
    remember(request, questionnaire)
    assert proven_questionnaire(request) == questionnaire
    forget(request)
    assert proven_questionnaire(request) is None


def test_a_remembered_questionnaire_that_is_no_longer_valid_is_forgotten():
    request = RequestFactory().get("/")
    request.session = {}
    questionnaire = make_questionnaire()
    remember(request, questionnaire)
    now = timezone.now()
    Questionnaire.objects.filter(pk=questionnaire.pk).update(
        submitted_at=now - timedelta(days=200), valid_until=now - timedelta(days=1)
    )

    assert proven_questionnaire(request) is None
    assert SESSION_KEY not in request.session


def test_typing_someones_email_never_attaches_their_questionnaire(
    client, rules, django_capture_on_commit_callbacks
):
    make_questionnaire(client_email="victim@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("intake:returning_request"), {"email": "victim@example.com", "next": "/book/"})

    assert SESSION_KEY not in client.session
    page = client.get("/intake/?next=/book/").content.decode()
    assert "Continue with these answers" not in page
