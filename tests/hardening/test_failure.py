"""When the database goes away: /healthz says 503, pages show a calm 503 in the site's style (no
traceback, a reference that leads to the log), and the site recovers by itself when it comes back.
A bug gets the 500 page with the same kind of reference.

The database is made unreachable for real: the connection is pointed at a closed port (PostgreSQL) or
at a file that cannot exist (SQLite), and closed, so the next query has to connect and fails.
"""

import json
import re
import socket

import psycopg
import pytest
from django.db import close_old_connections, connection

from tests.utils import assert_csp_clean

REFERENCE = re.compile(r"Reference: ([0-9a-f]{32})")


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def database_switch(transactional_db):
    """cut() makes the database unreachable, restore() gives it back (as a restarted server would)."""
    saved = dict(connection.settings_dict)

    class Switch:
        def cut(self):
            connection.close()
            if connection.vendor == "sqlite":
                connection.settings_dict["NAME"] = "/nonexistent-folder/for-the-tests/gone.sqlite3"
            else:
                connection.settings_dict.update(HOST="127.0.0.1", PORT=str(closed_port()))

        def restore(self):
            connection.settings_dict.clear()
            connection.settings_dict.update(saved)

    switch = Switch()
    yield switch
    switch.restore()
    connection.close()


def assert_calm_503(response):
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    html = response.content.decode()
    assert "We are back in a moment" in html
    assert "css/studio.css" in html  # the site's own look
    assert "Traceback" not in html
    assert "OperationalError" not in html
    match = REFERENCE.search(html)
    assert match is not None
    assert match.group(1) == response["X-Request-ID"]
    assert_csp_clean(response)


def test_with_the_database_gone_pages_say_503_and_recover_without_a_restart(
    error_client, database_switch, caplog
):
    assert error_client.get("/healthz").status_code == 200
    assert error_client.get("/techniques/").status_code == 200

    database_switch.cut()
    health = error_client.get("/healthz")
    assert health.status_code == 503
    assert json.loads(health.content) == {"status": "unavailable"}
    page = error_client.get("/techniques/")
    assert_calm_503(page)
    form = error_client.post("/intake/", {"client_name": "Anna"})
    assert_calm_503(form)

    # The failure is in the log, with the reference the visitor was shown.
    reference = page["X-Request-ID"]
    logged = [record for record in caplog.records if getattr(record, "request_id", "") == reference]
    assert any(record.levelname == "ERROR" and record.exc_info for record in logged)

    database_switch.restore()
    assert error_client.get("/healthz").status_code == 200
    assert error_client.get("/techniques/").status_code == 200


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="PostgreSQL only: it ends the server side of the connection"
)
def test_a_connection_dropped_by_the_server_is_replaced_on_the_next_request(error_client, transactional_db):
    """A database restart kills the open connection; one request fails politely, the next one works."""
    assert error_client.get("/techniques/").status_code == 200
    connection.ensure_connection()
    backend = connection.connection.info.backend_pid
    settings = connection.settings_dict
    with psycopg.connect(
        host=settings["HOST"] or None,
        port=settings["PORT"] or None,
        user=settings["USER"] or None,
        password=settings["PASSWORD"] or None,
        dbname=settings["NAME"],
        autocommit=True,
    ) as other:
        other.execute("SELECT pg_terminate_backend(%s)", [backend])

    try:
        assert_calm_503(error_client.get("/techniques/"))
        # What a WSGI server does when a request ends (the test client leaves it out on purpose, since
        # tests usually run inside a transaction): close a connection that had errors and is unusable.
        close_old_connections()
        assert error_client.get("/techniques/").status_code == 200
    finally:
        connection.close()


def test_a_bug_gets_the_500_page_with_its_reference_in_the_log(error_client, db, settings, caplog):
    settings.ROOT_URLCONF = "tests.hardening.urls"
    response = error_client.get("/__tests__/boom")

    assert response.status_code == 500
    html = response.content.decode()
    assert "Sorry, something went wrong on our side" in html
    assert "a bug for the tests" not in html
    assert "Traceback" not in html
    assert REFERENCE.search(html).group(1) == response["X-Request-ID"]
    (logged,) = [record for record in caplog.records if record.name == "django.request"]
    assert logged.request_id == response["X-Request-ID"]
    assert "a bug for the tests" in str(logged.exc_info[1])


def test_a_database_error_deep_in_a_view_is_a_503_too(error_client, db, settings, monkeypatch):
    from django.db import OperationalError

    def refuse(*args, **kwargs):
        raise OperationalError("server closed the connection unexpectedly")

    settings.ROOT_URLCONF = "tests.hardening.urls"
    with monkeypatch.context() as patched:
        patched.setattr(connection, "cursor", refuse)
        response = error_client.get("/__tests__/database")
    assert_calm_503(response)
