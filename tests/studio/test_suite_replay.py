"""The suite's shortcut for the content data set (tests/db.py `replayed`) gives the database exactly what
`load_content` gives it, and falls back to the real command whenever it could not."""

import pytest
from django.db import transaction

from reflexology.models import Technique
from tests.db import _models, _rows, quietly, record, replayed
from tests.intake.factories import make_technique


def everything() -> dict:
    return {model._meta.label: _rows(model, "default") for model in _models()}


def rolled_back(load) -> dict:
    """The whole database after `load()`, inside a transaction undone afterwards."""
    with transaction.atomic():
        load()
        seen = everything()
        transaction.set_rollback(True)
    return seen


@pytest.mark.django_db
def test_a_replay_leaves_the_database_as_the_command_does():
    real = rolled_back(lambda: quietly("load_content"))
    with transaction.atomic():
        recording = record(("load_content",), "default")
        recorded = everything()
        transaction.set_rollback(True)

    assert recording is not None
    assert recording.applies("default")
    replay = rolled_back(lambda: recording.replay("default"))
    assert replay == recorded
    # As a fresh run of the command: the same rows in each table (on PostgreSQL the numbering differs,
    # since a rolled-back transaction does not give its sequence numbers back).
    assert {label: len(rows) for label, rows in replay.items()} == {
        label: len(rows) for label, rows in real.items()
    }
    assert sum(len(rows) for rows in real.values()) > 400
    # Only the content's own tables are guarded: they refer to nothing else.
    assert {model._meta.app_label for model in recording.guarded} == {"reflexology", "intake"}


@pytest.mark.django_db
def test_a_replay_continues_the_numbering_after_its_rows():
    with transaction.atomic():
        replayed("load_content")  # recorded in this process, now or by an earlier test
        transaction.set_rollback(True)
    replayed("load_content")
    newest = Technique.objects.order_by("-pk").first()
    made = make_technique("one-more", "One more", newest.kind)
    assert made.pk > newest.pk


@pytest.mark.django_db
def test_no_replay_on_tables_that_are_not_as_they_were():
    with transaction.atomic():
        recording = record(("load_content",), "default")
        transaction.set_rollback(True)
    make_technique("already-here", "Already here", Technique.Kind.CLASSICAL)

    assert not recording.applies("default")
    replayed("load_content")  # the real command then, which keeps the row and adds the others
    assert Technique.objects.filter(slug="already-here").exists()
    assert Technique.objects.count() == 1 + sum(
        len(rows) for model, rows in recording.added.items() if model is Technique
    )


@pytest.mark.django_db
def test_the_demo_studio_is_replayed_as_it_was_recorded():
    quietly("load_content")
    with transaction.atomic():
        recording = record(("load_demo",), "default")
        recorded = everything()
        transaction.set_rollback(True)

    assert recording is not None, "load_demo changed rows that were there: it cannot be replayed"
    assert recording.applies("default")
    assert rolled_back(lambda: recording.replay("default")) == recorded
