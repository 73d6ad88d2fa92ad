"""Structured logs (common/logging.py, common/middleware.py): one JSON object per line with the request's
id; the access line names the route, never the path or the query (they can carry signed links); the
booking and screening events carry ids and outcomes, never the client's details or answers."""

import datetime
import json
import logging
import sys
from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from bookings.availability import compute_slots, load_availability_data
from bookings.booking import book_appointment, cancel_appointment
from bookings.links import manage_link_token
from bookings.models import Service
from common.logging import JsonFormatter, RequestIdFilter, request_id_var
from common.middleware import REQUEST_ID
from intake.models import Outcome
from intake.questionnaires import ClientDetails, submit_questionnaire
from reflexology.models import Technique
from tests.bookings.factories import clear_questionnaire


def as_json_lines(records) -> list[dict]:
    formatter, add_id = JsonFormatter(), RequestIdFilter()
    lines = []
    for record in records:
        add_id.filter(record)
        line = formatter.format(record)
        assert "\n" not in line
        lines.append(json.loads(line))
    return lines


def test_a_record_becomes_one_json_line_with_its_fields_and_request_id():
    token = request_id_var.set("req-1234567890")
    try:
        record = logging.LogRecord("studio.events", logging.INFO, __file__, 1, "booked", None, None)
        record.f_appointment = 42
        record.status = 200
        (line,) = as_json_lines([record])
    finally:
        request_id_var.reset(token)
    assert line["message"] == "booked"
    assert line["level"] == "INFO"
    assert line["logger"] == "studio.events"
    assert line["request_id"] == "req-1234567890"
    assert line["appointment"] == 42
    assert line["status"] == 200
    assert datetime.datetime.fromisoformat(line["time"]).tzinfo is not None


def test_an_exception_is_kept_in_the_line():
    try:
        raise ValueError("broken\non two lines")
    except ValueError:
        record = logging.LogRecord("x", logging.ERROR, __file__, 1, "failed", None, True)
        record.exc_info = sys.exc_info()
    (line,) = as_json_lines([record])
    assert "ValueError: broken" in line["exception"]


def test_every_response_has_a_request_id(client, db):
    one, two = client.get("/healthz"), client.get("/techniques/")
    assert REQUEST_ID.match(one["X-Request-ID"])
    assert one["X-Request-ID"] != two["X-Request-ID"]


@pytest.mark.parametrize(
    ("offered", "kept"),
    [
        ("abc123def456", True),
        ("proxy-1.request_9", True),
        ("short", False),
        ("with space inside it", False),
        ("line\nbreak-0123456789", False),
        ("x" * 65, False),
        ('{"json": "injection"}', False),
    ],
)
def test_a_request_id_from_the_proxy_is_kept_only_if_it_looks_like_one(client, db, offered, kept):
    response = client.get("/healthz", HTTP_X_REQUEST_ID=offered)
    assert (response["X-Request-ID"] == offered) is kept
    assert REQUEST_ID.match(response["X-Request-ID"])


def test_the_access_line_names_the_route_not_the_signed_link(client, studio, caplog):
    from bookings.models import Appointment

    appointment = Appointment.objects.filter(status="booked").first()
    token = manage_link_token(appointment)
    with caplog.at_level(logging.INFO, logger="studio.request"):
        response = client.get(f"/appointments/{token}/?utm=secret-value")
    (line,) = as_json_lines([record for record in caplog.records if record.name == "studio.request"])
    assert line["route"] == "/appointments/<str:token>/"
    assert line["view"] == "bookings:manage"
    assert line["method"] == "GET"
    assert line["status"] == response.status_code
    assert line["request_id"] == response["X-Request-ID"]
    assert isinstance(line["ms"], float)
    text = json.dumps(line)
    assert token not in text
    assert "secret-value" not in text


def events(caplog) -> list[dict]:
    return as_json_lines([record for record in caplog.records if record.name == "studio.events"])


def free_slot():
    service = Service.objects.filter(active=True).order_by("pk").first()
    first = timezone.localdate() + timedelta(days=3)  # past the cancellation deadline
    data = load_availability_data(service=service, first_day=first, last_day=first + timedelta(days=13))
    return service, compute_slots(data)[0]


def book_one(service, slot):
    return book_appointment(
        service=service,
        start=slot.start,
        therapist=slot.therapist,
        client_name="Secret Name",
        client_email="secret@example.com",
        client_phone="+7 900 000-11-22",
        questionnaire=clear_questionnaire("secret@example.com"),
    )


def test_bookings_and_cancellations_are_logged_with_ids_only(
    studio, caplog, django_capture_on_commit_callbacks
):
    service, slot = free_slot()
    with (
        caplog.at_level(logging.INFO, logger="studio.events"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        booked = book_one(service, slot)
        cancel_appointment(appointment=booked, reason="my knee hurts")

    logged = events(caplog)
    assert [line["event"] for line in logged] == ["appointment.booked", "appointment.cancelled"]
    assert all(line["appointment"] == booked.pk for line in logged)
    assert logged[0]["by"] == "client"
    assert logged[0]["source"] == "online"
    text = json.dumps(logged)
    for personal in ("Secret Name", "secret@example.com", "000-11-22", "knee"):
        assert personal not in text


def test_nothing_is_logged_for_a_booking_that_was_rolled_back(
    studio, caplog, django_capture_on_commit_callbacks
):
    service, slot = free_slot()
    with (
        caplog.at_level(logging.INFO, logger="studio.events"),
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        book_one(service, slot)
        raise RuntimeError("changed our mind")
    assert events(caplog) == []


def test_a_questionnaire_logs_its_outcomes_never_its_answers(studio, caplog):
    details = ClientDetails(
        name="Private Person",
        email="private@example.com",
        signature="Private Person",
        consent_health_data=True,
        consent_terms=True,
        consent_personal_data=True,
        date_of_birth=datetime.date(1980, 1, 1),
        medicines="warfarin",
    )
    with caplog.at_level(logging.INFO, logger="studio.events"):
        saved = submit_questionnaire(
            details=details, answers={"fever": "yes", "epilepsy": "no"}, origin="http://testserver"
        )
    (line,) = events(caplog)
    assert line["event"] == "questionnaire.submitted"
    assert line["questionnaire"] == str(saved.public_id)
    assert set(line["outcomes"]) <= set(Outcome.values)
    assert sum(line["outcomes"].values()) == len(Technique.Kind.values)
    text = json.dumps(line)
    for private in ("Private Person", "private@example.com", "warfarin", "fever", "epilepsy"):
        assert private not in text
