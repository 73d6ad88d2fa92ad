"""Data loaded once per module for the database tests (tests/conftest.py and the apps' own conftests)."""

import os
from contextlib import contextmanager

import pytest
from django.core.management import call_command
from django.db import transaction


def quietly(*args, **kwargs) -> None:
    with open(os.devnull, "w") as devnull:
        call_command(*args, verbosity=0, stdout=devnull, **kwargs)


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
