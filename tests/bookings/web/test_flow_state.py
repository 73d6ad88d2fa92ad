"""The flow's carried state and its re-validation, without HTTP: signed slot and confirmation tokens
(tampered, expired, made up), resolve_slot against the engine, the picker and the nearest times."""

from datetime import UTC, datetime, time, timedelta
from decimal import Decimal

import pytest
from django.core import signing

from bookings.errors import ServiceUnavailable, SlotUnavailable, StateExpired, StateInvalid
from bookings.models import Appointment, StudioClosure
from bookings.pricing import booking_prices, price_with
from bookings.web.flow import (
    CONFIRM_SALT,
    SLOT_SALT,
    SlotRef,
    build_picker,
    nearest_times,
    possible_techniques,
    read_confirmation,
    read_slot,
    resolve_slot,
    sign_confirmation,
    sign_slot,
    therapists_for,
)
from tests.bookings.factories import at, make_appointment, make_questionnaire, make_service, make_therapist
from tests.bookings.web.flow_support import make_studio

pytestmark = pytest.mark.django_db


@pytest.fixture
def studio(set_policy):
    return make_studio(set_policy)


# --- Signed state -------------------------------------------------------------------------------------


def test_a_slot_token_round_trips():
    start = datetime(2027, 3, 1, 7, 0, tzinfo=UTC)
    ref = read_slot(sign_slot(service="classical-60", start=start, therapist="anna"))
    assert ref == SlotRef(service="classical-60", start=start, therapist="anna")


# Signed tokens carry a timestamp: they are made inside the test, never at import, so every xdist worker
# collects the same test ids.
@pytest.mark.parametrize(
    "token",
    [
        pytest.param(lambda: None, id="none"),
        pytest.param(lambda: "", id="empty"),
        pytest.param(lambda: "garbage", id="garbage"),
        pytest.param(lambda: "x" * 5000, id="5000-characters"),
        pytest.param(lambda: ["a", "list"], id="a-list"),
        pytest.param(
            lambda: signing.dumps({"v": "classical-60", "s": 1, "t": ""}, salt=CONFIRM_SALT),
            id="signed-for-another-purpose",
        ),
        # signed with our salt, but not the shape we write
        pytest.param(lambda: signing.dumps(["classical-60", 1], salt=SLOT_SALT), id="signed-list"),
        pytest.param(
            lambda: signing.dumps({"v": "classical-60", "s": "1800000000", "t": ""}, salt=SLOT_SALT),
            id="signed-start-as-text",
        ),
        pytest.param(
            lambda: signing.dumps({"v": 5, "s": 1800000000, "t": ""}, salt=SLOT_SALT),
            id="signed-service-as-number",
        ),
        pytest.param(
            lambda: signing.dumps({"v": "classical-60", "s": 10**20, "t": ""}, salt=SLOT_SALT),
            id="signed-start-out-of-range",
        ),
        pytest.param(
            lambda: signing.dumps({"v": "classical-60", "s": True, "t": ""}, salt=SLOT_SALT),
            id="signed-start-as-bool",
        ),
    ],
    ids=lambda token: repr(token)[:20] if not isinstance(token, str) or ":" not in token else token[:24],
)
def test_anything_but_a_genuine_slot_token_is_refused_with_a_readable_message(token):
    with pytest.raises(StateInvalid, match="choose your time again"):
        read_slot(token())


def test_a_changed_character_breaks_the_signature():
    token = sign_slot(service="classical-60", start=datetime(2027, 3, 1, 7, tzinfo=UTC))
    tampered = token[:-3] + ("A" if token[-3] != "A" else "B") + token[-2:]
    with pytest.raises(StateInvalid):
        read_slot(tampered)


def test_an_old_token_is_expired_and_still_says_which_service(settings):
    token = sign_slot(service="classical-60", start=datetime(2027, 3, 1, 7, tzinfo=UTC))
    settings.BOOKING_FLOW_MAX_AGE = -1
    with pytest.raises(StateExpired) as caught:
        read_slot(token)
    assert caught.value.service == "classical-60"
    assert "open for a long time" in caught.value.message


def test_a_confirmation_token_round_trips_and_refuses_bad_keys():
    ref = SlotRef(service="classical-60", start=datetime(2027, 3, 1, 7, tzinfo=UTC), therapist="")
    key = "k" * 32
    token = sign_confirmation(slot=ref, key=key, therapist="anna", price=Decimal("2500"))
    confirmation = read_confirmation(token)
    assert (confirmation.slot, confirmation.key, confirmation.therapist, confirmation.price) == (
        ref,
        key,
        "anna",
        Decimal("2500"),
    )
    assert read_slot(confirmation.slot_token) == ref
    for payload in (
        {"slot": ref.payload(), "k": "short", "w": "anna", "p": "1"},
        {"slot": ref.payload(), "k": key, "w": "anna", "p": "lots"},
        {"slot": "nope", "k": key, "w": "anna", "p": "1"},
    ):
        with pytest.raises(StateInvalid):
            read_confirmation(signing.dumps(payload, salt=CONFIRM_SALT))


# --- Re-validating a slot ------------------------------------------------------------------------------


def test_a_free_slot_resolves_to_who_gives_it_and_the_price(studio):
    start = at(studio["day"], "10:00")
    chosen = resolve_slot(SlotRef(studio["service"].slug, start, "boris"))
    assert (chosen.therapist, chosen.price) == (studio["boris"], Decimal("2900.00"))
    assert not chosen.any_therapist

    anyone = resolve_slot(SlotRef(studio["service"].slug, start, ""))
    assert anyone.any_therapist
    assert anyone.price == price_with(studio["service"], anyone.therapist)


def test_a_taken_slot_says_so(studio):
    start = at(studio["day"], "10:00")
    make_appointment(service=studio["service"], therapist=studio["anna"], start=start)
    with pytest.raises(SlotUnavailable, match="just taken"):
        resolve_slot(SlotRef(studio["service"].slug, start, "anna"))
    # Boris is still free, so "any therapist" still works, now with him.
    assert resolve_slot(SlotRef(studio["service"].slug, start, "")).therapist == studio["boris"]
    make_appointment(service=studio["service"], therapist=studio["boris"], start=start)
    with pytest.raises(SlotUnavailable, match="just taken"):
        resolve_slot(SlotRef(studio["service"].slug, start, ""))


@pytest.mark.parametrize(
    ("when", "message"),
    [
        (lambda studio: datetime(2020, 1, 1, 7, tzinfo=UTC), "already passed"),
        (lambda studio: at(studio["day"] + timedelta(days=400), "10:00"), "days ahead"),
        (lambda studio: at(studio["day"], "10:10"), "Sessions start every 30 minutes"),
        (lambda studio: at(studio["day"], "20:00"), "not working"),
    ],
)
def test_times_outside_what_can_be_booked_say_why(studio, when, message):
    with pytest.raises(SlotUnavailable, match=message):
        resolve_slot(SlotRef(studio["service"].slug, when(studio), "anna"))


def test_a_closure_unknown_therapist_and_gone_service_are_refused(studio):
    start = at(studio["day"], "10:00")
    StudioClosure.objects.create(start_date=studio["day"], end_date=studio["day"], reason="Repairs")
    with pytest.raises(SlotUnavailable, match="closed"):
        resolve_slot(SlotRef(studio["service"].slug, start, ""))
    with pytest.raises(SlotUnavailable, match="not taking bookings"):
        resolve_slot(SlotRef(studio["service"].slug, start, "nobody"))
    with pytest.raises(ServiceUnavailable):
        resolve_slot(SlotRef("no-such-service", start, ""))
    studio["service"].active = False
    studio["service"].save()
    with pytest.raises(ServiceUnavailable):
        resolve_slot(SlotRef(studio["service"].slug, start, ""))


# --- The picker ----------------------------------------------------------------------------------------


def picker_for(studio, **kwargs):
    service = studio["service"]
    values = {
        "service": service,
        "preference": None,
        "therapists": list(therapists_for(service)),
        "window": None,
        "day": None,
        "price_for": booking_prices(service),
    }
    values.update(kwargs)
    return build_picker(**values)


def test_the_picker_shows_a_fortnight_from_monday_and_only_offers_days_with_free_times(studio, set_policy):
    StudioClosure.objects.create(start_date=studio["day"], end_date=studio["day"])
    picker = picker_for(studio, window=studio["day"])

    assert len(picker.days) == 14
    assert picker.days[0].day.weekday() == 0
    closed = next(cell for cell in picker.days if cell.day == studio["day"])
    assert not closed.offered
    assert all(cell.offered for cell in picker.days if cell.in_range and cell.day > studio["day"])
    assert picker.day is not None and picker.day != studio["day"]
    assert [cell.day for cell in picker.days if cell.selected] == [picker.day]
    times = [option for group in picker.groups for option in group.times]
    assert times and all(option.start.date() == picker.day for option in times)


def test_the_picker_keeps_the_chosen_day_and_groups_by_part_of_day(studio):
    picker = picker_for(studio, day=studio["day"], window=studio["day"])
    assert picker.day == studio["day"]
    assert [group.label for group in picker.groups] == ["Morning", "Afternoon", "Evening"]
    first = picker.groups[0].times[0]
    assert first.start.time() == time(9)
    assert read_slot(first.token) == SlotRef(studio["service"].slug, first.start, "")


def test_the_picker_for_one_therapist_prices_their_level(studio):
    picker = picker_for(studio, preference=studio["boris"], day=studio["day"])
    assert picker.price == Decimal("2900.00")
    assert {option.therapist for group in picker.groups for option in group.times} == {studio["boris"]}
    assert read_slot(picker.groups[0].times[0].token).therapist == "boris"
    anyone = picker_for(studio)
    assert (anyone.price, anyone.lowest_price, anyone.highest_price) == (
        None,
        Decimal("2500.00"),
        Decimal("2900.00"),
    )


def test_windows_are_clamped_to_today_and_the_booking_window(studio):
    past = picker_for(studio, window=datetime(1999, 1, 1).date())
    assert past.previous_window is None
    assert any(cell.offered for cell in past.days)
    late = picker_for(studio, window=datetime(2999, 1, 1).date())
    assert late.next_window is None
    assert late.previous_window is not None


def test_nearest_times_surround_the_lost_one(studio):
    wanted = at(studio["day"], "12:00")
    for therapist in (studio["anna"], studio["boris"]):
        make_appointment(service=studio["service"], therapist=therapist, start=wanted)
    options = nearest_times(
        service=studio["service"], preference=None, around=wanted, price_for=booking_prices(studio["service"])
    )
    starts = [option.start.time() for option in options]
    assert len(options) == 6
    assert time(12) not in starts
    assert {time(11), time(13)} <= set(starts)
    assert starts == sorted(starts)


# --- What else this client can book ----------------------------------------------------------------


def test_possible_techniques_follow_the_stored_screening(studio):
    relaxing = make_service(technique="relaxing", minutes=45, price="2000.00")
    make_therapist("vera", services=[relaxing])
    make_service(technique="thai-sticks", minutes=60, price="3700.00")
    questionnaire = make_questionnaire(
        screening={
            "classical": {"outcome": "proceed", "reasons": []},
            "relaxing": {"outcome": "modify", "reasons": []},
            "thai-sticks": {"outcome": "decline", "reasons": ["Not with blood thinners."]},
        }
    )
    found = possible_techniques(questionnaire, exclude=studio["service"].technique)
    assert [suggestion.technique.slug for suggestion in found] == ["relaxing"]
    assert found[0].lowest_price == Decimal("2000.00")
    assert Appointment.objects.count() == 0
