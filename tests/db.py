"""Data loaded once per module for the database tests (tests/conftest.py and the apps' own conftests)."""

import os
import time
from contextlib import contextmanager
from dataclasses import dataclass

import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.utils import timezone


def quietly(*args, **kwargs) -> None:
    with open(os.devnull, "w") as devnull:
        call_command(*args, verbosity=0, stdout=devnull, **kwargs)


# --- Replaying a data command's rows ---------------------------------------------------------------
#
# `load_content` costs about 1,400 queries (a natural-key look-up per row, through the serializers),
# and the suite loads the content dozens of times per process (once per module that uses it, once per
# browser test). `replayed(command)` runs the real command the first time in a process and records the
# rows it added; the next times, when the tables it wrote to and the tables those rows refer to are
# exactly as they were before that first run (row for row), it inserts the same rows again with one
# bulk INSERT per table instead (raw, no model save(), as loaddata saves). Otherwise, and for a command
# that changed or deleted a row that was already there, it runs the real command again. The command
# itself is tested by calling it (tests/studio/test_load_content.py and others), never through this.


def _models():
    return [
        model
        for model in apps.get_models(include_auto_created=True)
        if model._meta.managed and not model._meta.proxy
    ]


def _rows(model, alias: str) -> dict:
    names = [field.attname for field in model._meta.concrete_fields]
    pk = model._meta.pk.attname
    return {row[names.index(pk)]: row for row in model._base_manager.using(alias).values_list(*names)}


@dataclass
class Recording:
    added: dict  # model -> rows (tuples of the concrete fields' values) the command inserted
    guarded: dict  # model -> {pk: row} as before the command: the tables it wrote to or refers to

    def applies(self, alias: str) -> bool:
        return all(_rows(model, alias) == rows for model, rows in self.guarded.items())

    def replay(self, alias: str) -> None:
        with transaction.atomic(using=alias):
            for model, rows in self.added.items():
                fields = model._meta.concrete_fields
                names = [field.attname for field in fields]
                objects = [model(**dict(zip(names, row, strict=True))) for row in rows]
                size = connections[alias].ops.bulk_batch_size(fields, objects) or len(objects)
                for start in range(0, len(objects), size):
                    # raw: the values as recorded (no auto_now stamping), as loaddata's raw saves.
                    model._base_manager.using(alias)._insert(objects[start : start + size], fields, raw=True)
            # PostgreSQL: explicit primary keys do not move the sequences on; as loaddata does.
            statements = connections[alias].ops.sequence_reset_sql(no_style(), list(self.added))
            if statements:
                with connections[alias].cursor() as cursor:
                    for statement in statements:
                        cursor.execute(statement)


def record(command: tuple, alias: str) -> Recording | None:
    """Run `command` (its name and arguments) for real; the rows it added, or None if it also changed or
    deleted rows (or wrote a multi-table-inheritance child)."""
    models = _models()
    before = {model: _rows(model, alias) for model in models}
    quietly(*command)
    added = {}
    for model in models:
        after = _rows(model, alias)
        if any(after.get(pk) != row for pk, row in before[model].items()):
            return None
        new = [row for pk, row in after.items() if pk not in before[model]]
        if new:
            added[model] = new
    if any(model._meta.parents for model in added):  # one INSERT per table cannot write a child model
        return None
    referred = {
        field.related_model._meta.concrete_model
        for model in added
        for field in model._meta.concrete_fields
        if field.is_relation
    }
    return Recording(added=added, guarded={model: before[model] for model in {*added, *referred}})


# How long a demo studio recorded in this process is replayed (`load_demo` books from "now": ten minutes
# later its sessions are still where a client could see them).
DEMO_FRESH_FOR = 600

# (command, alias, database) -> (its recording or None, (when, which day) it was recorded)
_RECORDINGS: dict[tuple, tuple] = {}


def replayed(*command: str, alias: str = DEFAULT_DB_ALIAS, fresh_for: int = 0) -> None:
    """`quietly(*command)`, replaying the rows it added the first time when that gives the same result.

    As is, for commands whose result depends only on the database and the files they read
    (`load_content`, `loaddata`). A command that reads the clock (`load_demo` books from "now") is
    replayed only within `fresh_for` seconds of its recording and on the same day: a demo studio made a
    few minutes earlier, as a module-scoped fixture's data already is for the module's later tests.
    """
    key = (command, alias, connections[alias].settings_dict["NAME"])
    recording, made = _RECORDINGS.get(key, (None, None))
    if recording is not None and still_fresh(made, fresh_for) and recording.applies(alias):
        recording.replay(alias)
    elif key in _RECORDINGS and not (fresh_for and not still_fresh(made, fresh_for)):
        quietly(*command)
    else:
        made = time.time(), timezone.localdate()
        _RECORDINGS[key] = record(command, alias), made


def still_fresh(made, fresh_for: int) -> bool:
    return not fresh_for or (time.time() - made[0] < fresh_for and timezone.localdate() == made[1])


def is_transactional(request) -> bool:
    """Whether the test commits for real (a live server, another process): module data cannot serve it."""
    marker = request.node.get_closest_marker("django_db")
    return bool(
        {"transactional_db", "live_server"} & set(request.fixturenames)
        or (marker and (marker.kwargs.get("transaction") or (marker.args and marker.args[0])))
    )


@contextmanager
def kept_for_the_module(django_db_blocker):
    """Data loaded once for a module (or session) inside a transaction rolled back at its end.

    Each test still runs inside its own savepoint within it (pytest-django's `db`), as with Django's
    TestCase.setUpTestData, so a test sees only its own changes on top of the data. The block counts as
    a test case's own, so code that opens a durable transaction still may. As tests/hardening/conftest.py.
    """
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer._from_testcase = True
        outer.__enter__()
        try:
            yield
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


def refuse_transactional(request, name: str) -> None:
    if is_transactional(request):
        pytest.fail(
            f"`{name}` is loaded once per module inside a transaction; a transactional test (live server, "
            f"another process) cannot see it: use `{name}_committed` instead.",
            pytrace=False,
        )


MODULE_DATA = ("content_for_the_module", "reference_for_the_module", "rules_for_the_module")


def uses_module_data(item) -> bool:
    return any(name in getattr(item, "fixturenames", ()) for name in MODULE_DATA)
