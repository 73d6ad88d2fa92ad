"""bookings.booking.confirm_booking: the client's "Confirm", one call with one clear result."""

from decimal import Decimal

import pytest

from bookings.booking import confirm_booking
from bookings.errors import NotSuitable, PriceChanged, ServiceUnavailable, SlotUnavailable, StateInvalid
from bookings.models import Appointment, Level, ServicePrice
from tests.bookings.factories import at, make_appointment, make_questionnaire
from tests.bookings.web.flow_support import CLASSICAL_OK, make_studio

pytestmark = pytest.mark.django_db


@pytest.fixture
def studio(set_policy):
    return make_studio(set_policy)


def confirm(studio, *, therapist="anna", price="2500.00", key="k" * 32, email="maria@example.com", **kwargs):
    values = {
        "service": studio["service"].slug,
        "start": at(studio["day"], "10:00"),
        "therapist": therapist,
        "client_name": "Maria Client",
        "client_email": email,
        "questionnaire": make_questionnaire(email=email, screening=CLASSICAL_OK),
        "idempotency_key": key,
        "price_shown": Decimal(price),
    }
    return confirm_booking(**{**values, **kwargs})


def test_confirming_books_at_the_price_shown_and_a_resubmission_returns_the_same(studio):
    first = confirm(studio)
    again = confirm(studio)
    assert (first.therapist, first.price, first.resubmitted) == (studio["anna"], Decimal("2500.00"), False)
    assert (again.pk, again.resubmitted) == (first.pk, True)
    assert Appointment.objects.count() == 1


def test_a_form_used_for_another_booking_is_refused(studio):
    confirm(studio)
    with pytest.raises(StateInvalid, match="already used"):
        confirm(studio, email="someone-else@example.com")


def test_a_new_price_is_refused_before_anything_is_booked(studio):
    ServicePrice.objects.create(service=studio["service"], level=Level.THERAPIST, price=Decimal("2700.00"))
    with pytest.raises(PriceChanged) as caught:
        confirm(studio)
    assert (caught.value.therapist, caught.value.price) == (studio["anna"], Decimal("2700.00"))
    assert Appointment.objects.count() == 0


def test_a_time_taken_meanwhile_says_what_was_asked_for(studio):
    make_appointment(service=studio["service"], therapist=studio["anna"], start=at(studio["day"], "10:00"))
    with pytest.raises(SlotUnavailable) as caught:
        confirm(studio)
    assert (caught.value.service, caught.value.preference) == (studio["service"], studio["anna"])
    assert caught.value.start == at(studio["day"], "10:00")


def test_a_session_no_longer_sold_and_a_screening_refusal_are_their_own_errors(studio):
    declined = make_questionnaire(screening={"classical": {"outcome": "decline", "reasons": ["Not now."]}})
    with pytest.raises(NotSuitable):
        confirm(studio, questionnaire=declined)
    studio["service"].active = False
    studio["service"].save()
    with pytest.raises(ServiceUnavailable):
        confirm(studio)
