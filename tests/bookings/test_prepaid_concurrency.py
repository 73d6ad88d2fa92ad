"""Courses and gift certificates under load: many spends of the last session (or the last roubles)
at the same moment. Real transactions and threads, each with its own connection (as in
test_concurrency.py): exactly one spend wins, the others get a clean PrepaidRefused (or the polite
lock-wait refusal), never an IntegrityError, and the balance always equals its ledger's sum."""

import threading
from datetime import time, timedelta
from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.db.models import Sum

from bookings.booking import book_appointment
from bookings.errors import BookingError
from bookings.models import Appointment, Certificate, Course, CourseProduct
from bookings.prepaid import (
    PrepaidChoice,
    redeem_certificate,
    reserve_course_session,
    sell_certificate,
    sell_course,
)
from tests.bookings.factories import (
    MONDAY,
    at,
    clear_questionnaire,
    make_appointment,
    make_service,
    make_therapist,
)

pytestmark = pytest.mark.django_db(transaction=True)

THREADS = 30
NOW = at(MONDAY - timedelta(days=2), "09:00")


def race(attempts) -> tuple[list, list, list]:
    """Run every attempt in its own thread, all released at once; (won, refused, other errors)."""
    barrier = threading.Barrier(len(attempts))
    won, refused, errors = [], [], []
    lock = threading.Lock()

    def run(attempt):
        try:
            barrier.wait(timeout=30)
            result = attempt()
            with lock:
                won.append(result)
        except BookingError as error:
            with lock:
                refused.append(str(error))
        except Exception as error:  # anything else is what the test looks for
            with lock:
                errors.append(repr(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(attempt,)) for attempt in attempts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a thread hung"
    return won, refused, errors


@pytest.fixture
def service(set_policy):
    set_policy(slot_step_minutes=15, cancellation_deadline_hours=24)
    return make_service(minutes=15, buffer=0, price="2500.00")


def one_session_course(service) -> Course:
    product = CourseProduct.objects.create(name="One", service=service, sessions=1, price=Decimal("2400"))
    return sell_course(
        product=product, client_name="Maria", client_email="maria@example.com", payment_method="cash", now=NOW
    )


def test_thirty_reservations_of_the_last_course_session_exactly_one_wins(service):
    course = one_session_course(service)
    therapist = make_therapist("anna", services=[service], hours={0: [(time(9), time(18))]})
    appointments = [
        make_appointment(
            service=service,
            therapist=therapist,
            start=at(MONDAY, "09:00") + i * timedelta(minutes=15),
            email="maria@example.com",
        )
        for i in range(THREADS)
    ]

    def attempt(appointment):
        def reserve():
            with transaction.atomic():
                return reserve_course_session(
                    course_id=course.pk, appointment=appointment, by="client", now=NOW
                )

        return reserve

    won, refused, errors = race([attempt(a) for a in appointments])
    assert errors == []
    assert (len(won), len(refused)) == (1, THREADS - 1)
    assert all("no sessions left" in message for message in refused)
    course.refresh_from_db()
    assert course.sessions_left == 0
    assert course.entries.aggregate(total=Sum("sessions"))["total"] == 0


def test_thirty_online_bookings_with_the_last_course_session_book_once(service):
    course = one_session_course(service)
    therapist = make_therapist("anna", services=[service], hours={0: [(time(9), time(18))]})
    questionnaire = clear_questionnaire("maria@example.com")

    def attempt(i):
        def book():
            return book_appointment(
                service=service,
                start=at(MONDAY, "09:00") + i * timedelta(minutes=15),
                therapist=therapist,
                client_name="Maria",
                client_email="maria@example.com",
                questionnaire=questionnaire,
                prepaid=PrepaidChoice(course_id=course.pk),
                now=NOW,
                notify=False,
            )

        return book

    won, refused, errors = race([attempt(i) for i in range(THREADS)])
    assert errors == []
    assert len(won) == 1 and len(refused) == THREADS - 1
    assert Appointment.objects.count() == 1  # a refused spend booked nothing
    course.refresh_from_db()
    assert course.sessions_left == 0 and course.entries.filter(kind="reserve").count() == 1


def test_thirty_spends_of_a_certificate_balance_exactly_one_wins(service):
    certificate = sell_certificate(
        payment_method="card", buyer_name="Ivan", amount=Decimal("1000.00"), now=NOW
    )

    def spend():
        return redeem_certificate(code=certificate.code, amount=Decimal("600.00"), by="staff", now=NOW)

    won, refused, errors = race([spend for _ in range(THREADS)])
    assert errors == []
    assert (len(won), len(refused)) == (1, THREADS - 1)
    certificate.refresh_from_db()
    assert certificate.balance == Decimal("400.00")
    assert certificate.entries.aggregate(total=Sum("amount"))["total"] == certificate.balance


def test_thirty_bookings_paid_by_one_certificate_spend_it_once(service):
    certificate = sell_certificate(
        payment_method="card", buyer_name="Ivan", amount=Decimal("2500.00"), now=NOW
    )
    therapists = [
        make_therapist(f"t{i}", services=[service], hours={0: [(time(9), time(18))]}) for i in range(3)
    ]

    def attempt(i):
        email = f"c{i}@example.com"
        questionnaire = clear_questionnaire(email)

        def book():
            return book_appointment(
                service=service,
                start=at(MONDAY, "09:00") + (i // 3) * timedelta(minutes=15),
                therapist=therapists[i % 3],
                client_name="Client",
                client_email=email,
                questionnaire=questionnaire,
                prepaid=PrepaidChoice(certificate_code=certificate.code),
                now=NOW,
                notify=False,
            )

        return book

    won, refused, errors = race([attempt(i) for i in range(THREADS)])
    assert errors == []
    assert len(won) == 1 and len(refused) == THREADS - 1
    assert Appointment.objects.count() == 1
    certificate.refresh_from_db()
    assert certificate.balance == Decimal("0.00")
    assert Certificate.objects.get().entries.aggregate(total=Sum("amount"))["total"] == Decimal("0.00")
