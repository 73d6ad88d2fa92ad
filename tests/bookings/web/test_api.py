"""GET /api/availability/: the JSON DESIGN.md specifies, a readable 400 for every bad parameter,
and a number of queries that does not grow with days or therapists."""

from datetime import date, time, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.bookings.factories import make_room, make_service, make_therapist, zone

pytestmark = pytest.mark.django_db

URL = "/api/availability/"


def next_monday(weeks_ahead: int = 1) -> date:
    today = timezone.localdate(timezone=zone())
    return today + timedelta(days=(7 - today.weekday()) % 7 + 7 * weeks_ahead)


@pytest.fixture
def studio(set_policy):
    set_policy(slot_step_minutes=60, booking_window_days=90, max_range_days=62)
    service = make_service(slug="classical-60", minutes=60)
    anna = make_therapist("anna", services=[service], hours={0: [(time(9), time(12))]})
    return service, anna


def get(client, **params):
    return client.get(URL, {key.rstrip("_"): value for key, value in params.items()})


def test_the_url_is_where_design_says():
    assert reverse("api:availability") == URL


def test_slots_as_design_specifies(client, studio):
    monday = next_monday()
    response = get(client, service="classical-60", from_=monday.isoformat(), to=monday.isoformat())
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]
    body = response.json()
    assert set(body) == {"service", "timezone", "slots"}
    assert (body["service"], body["timezone"]) == ("classical-60", "Europe/Moscow")
    assert body["slots"] == [
        {
            "start": f"{monday}T{hour:02d}:00:00+03:00",
            "end": f"{monday}T{hour + 1:02d}:00:00+03:00",
            "therapist": "anna",
        }
        for hour in (9, 10, 11)
    ]


def test_times_carry_the_studios_offset(client, studio, settings):
    settings.TIME_ZONE = "America/New_York"
    monday = next_monday()
    body = get(client, service="classical-60", from_=monday.isoformat(), to=monday.isoformat()).json()
    assert body["timezone"] == "America/New_York"
    assert body["slots"][0]["start"].startswith(f"{monday}T09:00:00-0")


def test_a_therapist_filter(client, studio):
    service, _anna = studio
    make_therapist("boris", services=[service], hours={0: [(time(14), time(15))]})
    monday = next_monday()
    body = get(
        client, service="classical-60", from_=monday.isoformat(), to=monday.isoformat(), therapist="boris"
    ).json()
    assert [(s["start"][11:16], s["therapist"]) for s in body["slots"]] == [("14:00", "boris")]


def test_a_range_up_to_the_cap_is_fine(client, studio):
    monday = next_monday()
    response = get(
        client, service="classical-60", from_=monday.isoformat(), to=(monday + timedelta(days=61)).isoformat()
    )
    assert response.status_code == 200
    assert len(response.json()["slots"]) == 9 * 3  # nine Mondays in 62 days, three slots each


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({}, "Say which service"),
        ({"from_": "D0", "to": "D0"}, "Say which service"),
        ({"service": "classical-60", "to": "D0"}, "Give 'from'"),
        ({"service": "classical-60", "from_": "D0"}, "Give 'to'"),
        (
            {"service": "no-such-thing", "from_": "D0", "to": "D0"},
            "no bookable service called 'no-such-thing'",
        ),
        ({"service": "<script>", "from_": "D0", "to": "D0"}, "not a service name"),
        ({"service": "retired", "from_": "D0", "to": "D0"}, "no bookable service called 'retired'"),
        ({"service": "classical-60", "from_": "2026-02-30", "to": "D0"}, "'from' must be a date"),
        ({"service": "classical-60", "from_": "01/12/2026", "to": "D0"}, "'from' must be a date"),
        ({"service": "classical-60", "from_": "D0", "to": "tomorrow"}, "'to' must be a date"),
        ({"service": "classical-60", "from_": "D0", "to": "99999-01-01"}, "'to' must be a date"),
        ({"service": "classical-60", "from_": "D1", "to": "D0"}, "'from' must not be after 'to'"),
        ({"service": "classical-60", "from_": "D0", "to": "D62"}, "at most 62 days"),
        (
            {"service": "classical-60", "from_": "D0", "to": "D0", "therapist": "nobody"},
            "no therapist called 'nobody'",
        ),
        (
            {"service": "classical-60", "from_": "D0", "to": "D0", "therapist": "resting"},
            "no therapist called",
        ),
        ({"service": "classical-60", "from_": "D0", "to": "D0", "therapist": "carla"}, "Carla does not give"),
        (
            {"service": "classical-60", "from_": "D0", "to": "D0", "therapist": "a b"},
            "not a therapist we know",
        ),
    ],
)
def test_every_bad_parameter_gets_a_readable_400(client, studio, params, message):
    service, _anna = studio
    make_service(slug="retired", minutes=30, active=False)
    make_therapist("resting", services=[service], active=False)
    make_therapist(
        "carla", name="Carla", services=[make_service(technique="relaxing", slug="relax", minutes=45)]
    )
    monday = next_monday()
    days = {f"D{n}": (monday + timedelta(days=n)).isoformat() for n in (0, 1, 62)}
    response = get(client, **{key: days.get(value, value) for key, value in params.items()})
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert set(response.json()) == {"error"}
    assert message in response.json()["error"]


@pytest.mark.parametrize(("first", "last"), [("0001-01-01", "0001-01-31"), ("9999-12-01", "9999-12-31")])
def test_absurd_but_valid_dates_give_no_slots_not_an_error(client, studio, first, last):
    response = get(client, service="classical-60", from_=first, to=last)
    assert response.status_code == 200 and response.json()["slots"] == []


def test_a_service_of_an_unpublished_technique_is_not_offered(client, studio):
    """The booking flow refuses it, so the API must not offer times for it either."""
    service, _anna = studio
    service.technique.published = False
    service.technique.save(update_fields=["published"])
    monday = next_monday()
    response = get(client, service="classical-60", from_=monday.isoformat(), to=monday.isoformat())
    assert response.status_code == 400
    assert "no bookable service called 'classical-60'" in response.json()["error"]


def test_only_get(client, studio):
    assert client.post(URL, {"service": "classical-60"}).status_code == 405


def count(client, **params) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert get(client, **params).status_code == 200
    return len(captured.captured_queries)


def test_queries_do_not_grow_with_days_or_therapists(client, studio):
    service, _anna = studio
    service.needs_room = True
    service.save()
    make_room("linden")
    monday = next_monday()
    one_day = {"service": "classical-60", "from_": monday.isoformat(), "to": monday.isoformat()}
    thirty_days = {**one_day, "to": (monday + timedelta(days=29)).isoformat()}
    assert count(client, **one_day) == count(client, **thirty_days) == 7
    for index in range(9):
        make_therapist(f"t{index}", services=[service])
    assert count(client, **thirty_days) == 7
    assert count(client, **thirty_days, therapist="t3") == 8  # one more: the therapist
