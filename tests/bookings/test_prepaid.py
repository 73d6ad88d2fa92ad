"""Courses of sessions and gift certificates (bookings.prepaid): selling, spending them in a booking,
giving them back on a timely cancellation, using them on a late one, a no-show or a session that
took place; every bad input refused with nothing spent; the ledgers immutable and always summing
to the balances."""

from datetime import date, time, timedelta
from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.db.models import Sum

from bookings.booking import book_appointment, cancel_appointment, mark_attendance
from bookings.errors import PrepaidRefused
from bookings.models import (
    Appointment,
    Certificate,
    CertificateEntry,
    Course,
    CourseEntry,
    CourseProduct,
    ImmutableEntry,
    Level,
)
from bookings.prepaid import (
    CODE_ALPHABET,
    PrepaidChoice,
    add_months,
    find_certificate,
    new_code,
    normalise_code,
    paid_with,
    quote_certificate,
    redeem_certificate,
    reserve_course_session,
    sell_certificate,
    sell_course,
    usable_courses,
)
from bookings.pricing import certificate_value, course_offer
from tests.bookings.factories import MONDAY, at, clear_questionnaire, make_service, make_therapist

pytestmark = pytest.mark.django_db


@pytest.fixture
def now():
    return at(MONDAY - timedelta(days=3), "09:00")


@pytest.fixture
def desk(db):
    return User.objects.create_user("desk", password="x", is_staff=True)


@pytest.fixture
def studio(set_policy):
    set_policy(
        slot_step_minutes=15, min_notice_hours=2, booking_window_days=30, cancellation_deadline_hours=24
    )
    service = make_service(minutes=60, price="2500.00", level_prices={Level.MASTER: "3300.00"})
    short = make_service(minutes=30, price="1500.00")  # the same technique ("classical"), shorter
    other = make_service(technique="reflexology", minutes=60, price="2800.00")
    hours = {0: [(time(9), time(18))]}
    anna = make_therapist("anna", services=[service, short, other], hours=hours)
    mila = make_therapist("mila", level=Level.MASTER, services=[service], hours=hours)
    five = CourseProduct.objects.create(
        name="Five classical", service=service, sessions=5, price=Decimal("11000.00")
    )
    return {"service": service, "short": short, "other": other, "anna": anna, "mila": mila, "five": five}


def sell(studio, now, desk, *, email="maria@example.com", product=None):
    return sell_course(
        product=product or studio["five"],
        client_name="Maria Client",
        client_email=email,
        payment_method="card",
        user=desk,
        now=now - timedelta(days=1),
    )


def book(studio, now, *, prepaid=None, start="10:00", email="maria@example.com", **overrides):
    values = {
        "service": studio["service"],
        "start": at(MONDAY, start),
        "client_name": "Maria Client",
        "client_email": email,
        "therapist": studio["anna"],
        "questionnaire": clear_questionnaire(email),
        "now": now,
        "prepaid": prepaid,
    }
    values.update(overrides)
    return book_appointment(**values)


def ledger_matches(course: Course) -> bool:
    course.refresh_from_db()
    return course.sessions_left == course.entries.aggregate(total=Sum("sessions"))["total"]


def certificate_ledger_matches(certificate: Certificate) -> bool:
    certificate.refresh_from_db()
    return certificate.balance == certificate.entries.aggregate(total=Sum("amount"))["total"]


# --- Selling -------------------------------------------------------------------------------------


def test_selling_a_course_copies_the_product_and_opens_the_ledger(studio, now, desk):
    course = sell(studio, now, desk, email="  Maria@Example.COM ")
    assert (course.sessions_total, course.sessions_left, course.price) == (5, 5, Decimal("11000.00"))
    assert course.client_email == "maria@example.com" and course.sold_by == desk
    assert course.expires_on == date(2027, 8, 25)  # sold 25 February (Moscow), valid 6 months
    assert [(e.kind, e.sessions) for e in course.entries.all()] == [("sale", 5)]
    studio["five"].price = Decimal("12000.00")
    studio["five"].save()
    course.refresh_from_db()
    assert course.price == Decimal("11000.00")  # a later price change does not touch it


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"payment_method": "bitcoin"}, "how it was paid"),
        ({"client_name": "  "}, "name and e-mail"),
        ({"client_email": ""}, "name and e-mail"),
    ],
)
def test_selling_a_course_refuses_bad_input(studio, now, change, message):
    values = {
        "product": studio["five"],
        "client_name": "M",
        "client_email": "m@example.com",
        "payment_method": "cash",
    }
    with pytest.raises(PrepaidRefused, match=message):
        sell_course(**(values | change), now=now)
    assert not Course.objects.exists()


def test_a_product_off_sale_cannot_be_sold(studio, now, desk):
    studio["five"].active = False
    studio["five"].save()
    with pytest.raises(PrepaidRefused, match="not on sale"):
        sell(studio, now, desk)


def test_months_are_calendar_months():
    assert add_months(date(2027, 1, 31), 1) == date(2027, 2, 28)
    assert add_months(date(2028, 1, 31), 1) == date(2028, 2, 29)
    assert add_months(date(2027, 11, 15), 3) == date(2028, 2, 15)


def test_certificate_codes_are_random_readable_and_typed_loosely():
    codes = {new_code() for _ in range(200)}
    assert len(codes) == 200
    for code in codes:
        assert len(code) == 14 and code[4] == code[9] == "-"
        assert set(code.replace("-", "")) <= set(CODE_ALPHABET)
    assert not set("01OI") & set(CODE_ALPHABET)
    assert normalise_code(" abcd efgh-jkmn ") == "ABCD-EFGH-JKMN"
    assert normalise_code("ABCD-EFGH-JKM0") == ""  # a zero is never in a code
    assert normalise_code("ABCD-EFGH") == ""
    assert normalise_code("") == ""


def test_selling_certificates_for_an_amount_and_for_a_session(studio, now, desk):
    gift = sell_certificate(
        payment_method="cash", buyer_name="Ivan", amount=Decimal("1000"), user=desk, now=now
    )
    assert (gift.amount, gift.balance, gift.service) == (Decimal("1000.00"), Decimal("1000.00"), None)
    assert [(e.kind, e.amount) for e in gift.entries.all()] == [("sale", Decimal("1000.00"))]
    session = sell_certificate(
        payment_method="transfer", buyer_name="Ivan", service=studio["service"], now=now
    )
    assert session.amount == Decimal("2500.00") and session.expires_on == date(2028, 2, 26)
    assert gift.code != session.code


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({}, "either an amount or a session"),
        ({"amount": Decimal("100"), "service": "service"}, "either an amount or a session"),
        ({"amount": Decimal("0")}, "more than nothing"),
        ({"amount": Decimal("-5")}, "more than nothing"),
        ({"amount": Decimal("100"), "buyer_name": " "}, "buyer's name"),
        ({"amount": Decimal("100"), "payment_method": ""}, "how it was paid"),
    ],
)
def test_selling_a_certificate_refuses_bad_input(studio, now, values, message):
    if values.get("service") == "service":
        values["service"] = studio["service"]
    arguments = {"payment_method": "cash", "buyer_name": "Ivan"} | values
    with pytest.raises(PrepaidRefused, match=message):
        sell_certificate(now=now, **arguments)
    assert not Certificate.objects.exists()


def test_money_is_never_a_float(studio):
    with pytest.raises(TypeError):
        certificate_value(amount=1000.0)


# --- Prices ---------------------------------------------------------------------------------------


def test_the_price_list_shows_a_courses_saving_in_decimal(studio):
    offer = course_offer(studio["five"])
    assert offer.single == Decimal("12500.00") and offer.saving == Decimal("1500.00")
    assert offer.per_session == Decimal("2200.00")
    three = CourseProduct(name="Three", service=studio["service"], sessions=3, price=Decimal("7000.00"))
    assert course_offer(three).per_session == Decimal("2333.33")
    by_technique = CourseProduct(
        name="Any", technique=studio["service"].technique, sessions=10, price=Decimal("20000")
    )
    assert course_offer(by_technique).saving is None


# --- Courses in bookings --------------------------------------------------------------------------


def test_booking_with_a_course_reserves_a_session_and_records_it(studio, now, desk):
    course = sell(studio, now, desk)
    assert usable_courses(email="MARIA@example.com", service=studio["service"], on=MONDAY) == [course]
    appointment = book(studio, now, prepaid=PrepaidChoice(course_id=course.pk))
    course.refresh_from_db()
    assert course.sessions_left == 4 and ledger_matches(course)
    entry = course.entries.last()
    assert (entry.kind, entry.sessions, entry.appointment, entry.actor) == (
        "reserve",
        -1,
        appointment,
        "client",
    )
    paid = paid_with(Appointment.objects.get(pk=appointment.pk))
    assert paid.course == course and paid.due_at_studio == Decimal("0.00")


def test_a_timely_cancellation_gives_the_session_back(studio, now, desk):
    course = sell(studio, now, desk)
    appointment = book(studio, now, prepaid=PrepaidChoice(course_id=course.pk))
    cancel_appointment(appointment=appointment, by="client", now=now)
    course.refresh_from_db()
    assert course.sessions_left == 5 and ledger_matches(course)
    assert [e.kind for e in course.entries.all()] == ["sale", "reserve", "release"]
    with pytest.raises(Exception, match="already been cancelled"):
        cancel_appointment(appointment=appointment, by="staff", now=now)
    course.refresh_from_db()
    assert course.sessions_left == 5  # never given back twice


def test_a_late_cancellation_by_the_studio_uses_the_session(studio, now, desk):
    course = sell(studio, now, desk)
    appointment = book(studio, now, prepaid=PrepaidChoice(course_id=course.pk))
    cancel_appointment(appointment=appointment, by="staff", user=desk, now=at(MONDAY, "08:00"))
    course.refresh_from_db()
    assert course.sessions_left == 4 and ledger_matches(course)
    assert [(e.kind, e.user) for e in course.entries.all()][-1] == ("use", desk)


@pytest.mark.parametrize("status", ["completed", "no_show"])
def test_a_session_that_happened_or_was_missed_uses_it_once(studio, now, desk, status):
    course = sell(studio, now, desk)
    appointment = book(studio, now, prepaid=PrepaidChoice(course_id=course.pk))
    mark_attendance(appointment=appointment, status=status, user=desk, now=appointment.end)
    other = "no_show" if status == "completed" else "completed"
    mark_attendance(appointment=appointment, status=other, user=desk, now=appointment.end)  # corrected
    course.refresh_from_db()
    assert course.sessions_left == 4 and ledger_matches(course)
    assert [e.kind for e in course.entries.all()] == ["sale", "reserve", "use"]


def test_a_course_of_a_technique_covers_its_other_lengths(studio, now, desk):
    product = CourseProduct.objects.create(
        name="Any classical", technique=studio["service"].technique, sessions=2, price="4000"
    )
    course = sell(studio, now, desk, product=product)
    book(studio, now, service=studio["short"], prepaid=PrepaidChoice(course_id=course.pk))
    book(studio, now, start="12:00", prepaid=PrepaidChoice(course_id=course.pk))
    course.refresh_from_db()
    assert course.sessions_left == 0 and ledger_matches(course)
    assert usable_courses(email="maria@example.com", service=studio["service"], on=MONDAY) == []


def refused_with_nothing_spent(studio, now, course, message, **booking):
    before = Appointment.objects.count()
    with pytest.raises(PrepaidRefused, match=message):
        book(studio, now, prepaid=PrepaidChoice(course_id=course.pk), **booking)
    assert Appointment.objects.count() == before
    course.refresh_from_db()
    assert ledger_matches(course)
    return course


def test_a_course_of_another_client_is_refused(studio, now, desk):
    course = sell(studio, now, desk, email="someone.else@example.com")
    assert refused_with_nothing_spent(studio, now, course, "not registered to your e-mail").sessions_left == 5


def test_a_course_of_another_service_is_refused(studio, now, desk):
    course = sell(studio, now, desk)
    course = refused_with_nothing_spent(studio, now, course, "for another session", service=studio["other"])
    assert course.sessions_left == 5
    assert usable_courses(email="maria@example.com", service=studio["other"], on=MONDAY) == []


def test_an_expired_course_is_refused(studio, now, desk):
    course = sell(studio, now, desk)
    Course.objects.filter(pk=course.pk).update(expires_on=MONDAY - timedelta(days=1))
    assert refused_with_nothing_spent(studio, now, course, "valid until").sessions_left == 5
    assert usable_courses(email="maria@example.com", service=studio["service"], on=MONDAY) == []


def test_an_empty_course_is_refused_and_the_booking_not_made(studio, now, desk):
    product = CourseProduct.objects.create(name="One", service=studio["service"], sessions=1, price="2400")
    course = sell(studio, now, desk, product=product)
    book(studio, now, prepaid=PrepaidChoice(course_id=course.pk))
    assert (
        refused_with_nothing_spent(studio, now, course, "no sessions left", start="12:00").sessions_left == 0
    )


def test_a_failed_booking_spends_nothing(studio, now, desk):
    course = sell(studio, now, desk)
    book(studio, now, email="first@example.com")
    with pytest.raises(Exception, match=r"taken|not free|available"):
        book(studio, now, prepaid=PrepaidChoice(course_id=course.pk))
    course.refresh_from_db()
    assert course.sessions_left == 5 and list(course.entries.values_list("kind", flat=True)) == ["sale"]


# --- Certificates in bookings ---------------------------------------------------------------------


def gift(studio, now, amount="1000", **values):
    values = {"payment_method": "cash", "buyer_name": "Ivan", "now": now - timedelta(days=1)} | values
    if "service" not in values:
        values["amount"] = Decimal(amount)
    return sell_certificate(**values)


def test_a_certificate_worth_less_pays_part_and_the_rest_is_due_at_the_studio(studio, now):
    certificate = gift(studio, now, "1000")
    quote = quote_certificate(
        find_certificate(certificate.code.lower()), service=studio["service"], price=Decimal("2500.00")
    )
    assert (quote.covers, quote.balance_after, quote.due_at_studio) == (
        Decimal("1000.00"),
        Decimal("0.00"),
        Decimal("1500.00"),
    )
    assert not quote.whole_session
    appointment = book(studio, now, prepaid=PrepaidChoice(certificate_code=certificate.code))
    paid = paid_with(Appointment.objects.get(pk=appointment.pk))
    assert (paid.certificate, paid.covers, paid.due_at_studio) == (
        certificate,
        Decimal("1000.00"),
        Decimal("1500.00"),
    )
    assert certificate_ledger_matches(certificate) and certificate.balance == Decimal("0.00")
    with pytest.raises(PrepaidRefused, match="already been spent"):
        find_certificate(certificate.code)


def test_a_certificate_worth_more_keeps_the_rest(studio, now):
    certificate = gift(studio, now, "3000.50")
    book(studio, now, prepaid=PrepaidChoice(certificate_code=certificate.code))
    assert certificate_ledger_matches(certificate) and certificate.balance == Decimal("500.50")


def test_a_certificate_for_a_session_pays_it_whole_even_with_a_dearer_therapist(studio, now):
    certificate = gift(studio, now, service=studio["service"])
    appointment = book(
        studio, now, therapist=studio["mila"], prepaid=PrepaidChoice(certificate_code=certificate.code)
    )
    assert appointment.price == Decimal("3300.00")
    paid = paid_with(Appointment.objects.get(pk=appointment.pk))
    assert (paid.covers, paid.due_at_studio) == (Decimal("3300.00"), Decimal("0.00"))
    assert certificate_ledger_matches(certificate) and certificate.balance == Decimal("0.00")


@pytest.mark.parametrize(
    ("make_code", "message"),
    [
        (lambda certificate: "ABCD-EFGH-JKMN", "do not know this certificate"),
        (lambda certificate: "not a code", "do not know this certificate"),
        (lambda certificate: certificate.code[:-1], "do not know this certificate"),
    ],
)
def test_a_wrong_code_is_refused_and_nothing_booked(studio, now, make_code, message):
    certificate = gift(studio, now)
    with pytest.raises(PrepaidRefused, match=message):
        book(studio, now, prepaid=PrepaidChoice(certificate_code=make_code(certificate)))
    assert not Appointment.objects.exists() and certificate_ledger_matches(certificate)
    assert certificate.balance == Decimal("1000.00")


def test_an_expired_certificate_or_one_for_another_session_is_refused(studio, now):
    expired = gift(studio, now)
    Certificate.objects.filter(pk=expired.pk).update(expires_on=MONDAY - timedelta(days=1))
    with pytest.raises(PrepaidRefused, match="valid until"):
        book(studio, now, prepaid=PrepaidChoice(certificate_code=expired.code))
    for_other = gift(studio, now, service=studio["other"])
    with pytest.raises(PrepaidRefused, match="is for “Reflexology, 60 minutes”"):
        book(studio, now, prepaid=PrepaidChoice(certificate_code=for_other.code))
    assert not Appointment.objects.exists()
    assert certificate_ledger_matches(expired) and certificate_ledger_matches(for_other)
    assert for_other.balance == Decimal("2800.00")  # what the named session cost when sold (its base price)


def test_a_timely_cancellation_refunds_the_certificate_a_late_one_does_not(studio, now, desk):
    certificate = gift(studio, now, "4000")
    first = book(studio, now, prepaid=PrepaidChoice(certificate_code=certificate.code))
    second = book(studio, now, start="12:00", prepaid=PrepaidChoice(certificate_code=certificate.code))
    assert certificate_ledger_matches(certificate) and certificate.balance == Decimal("0.00")
    cancel_appointment(appointment=first, by="client", now=now)
    assert certificate_ledger_matches(certificate) and certificate.balance == Decimal("2500.00")
    cancel_appointment(appointment=second, by="staff", user=desk, now=at(MONDAY, "08:00"))
    assert certificate_ledger_matches(certificate) and certificate.balance == Decimal("2500.00")
    assert [e.kind for e in certificate.entries.all()] == ["sale", "redeem", "redeem", "refund"]


# --- Certificates at the desk ---------------------------------------------------------------------


def test_the_desk_takes_part_of_a_certificate(studio, now, desk):
    certificate = gift(studio, now, "1000")
    entry = redeem_certificate(
        code=certificate.code, amount=Decimal("400.10"), by="staff", user=desk, now=now
    )
    assert entry.amount == Decimal("-400.10") and entry.user == desk
    assert certificate_ledger_matches(certificate) and certificate.balance == Decimal("599.90")
    with pytest.raises(PrepaidRefused, match=r"Only ₽599\.90"):
        redeem_certificate(code=certificate.code, amount=Decimal("600"), by="staff", now=now)
    for bad in (Decimal("0"), Decimal("-1")):
        with pytest.raises(PrepaidRefused, match="greater than zero"):
            redeem_certificate(code=certificate.code, amount=bad, by="staff", now=now)
    with pytest.raises(TypeError):
        redeem_certificate(code=certificate.code, amount=1.5, by="staff", now=now)
    assert certificate_ledger_matches(certificate) and certificate.balance == Decimal("599.90")


def test_the_desk_cannot_take_money_off_a_certificate_for_a_session(studio, now):
    certificate = gift(studio, now, service=studio["service"])
    with pytest.raises(PrepaidRefused, match="one session of"):
        redeem_certificate(code=certificate.code, amount=Decimal("100"), by="staff", now=now)


# --- The ledgers ----------------------------------------------------------------------------------


def test_ledger_entries_cannot_be_changed_or_deleted(studio, now, desk):
    course = sell(studio, now, desk)
    entry = course.entries.get()
    entry.sessions = 50
    with pytest.raises(ImmutableEntry):
        entry.save()
    with pytest.raises(ImmutableEntry):
        entry.delete()
    with pytest.raises(ImmutableEntry):
        CourseEntry.objects.filter(pk=entry.pk).update(sessions=50)
    with pytest.raises(ImmutableEntry):
        CertificateEntry.objects.all().delete()
    assert ledger_matches(course) and course.sessions_left == 5


def test_the_database_refuses_a_balance_below_zero(studio, now, desk):
    course = sell(studio, now, desk)
    certificate = gift(studio, now)
    with pytest.raises(IntegrityError), transaction.atomic():
        Course.objects.filter(pk=course.pk).update(sessions_left=-1)
    with pytest.raises(IntegrityError), transaction.atomic():
        Certificate.objects.filter(pk=certificate.pk).update(balance=Decimal("-0.01"))
    with pytest.raises(IntegrityError), transaction.atomic():
        Course.objects.filter(pk=course.pk).update(sessions_left=6)  # more than was sold


def test_a_long_mixed_history_still_sums_to_the_balance(studio, now, desk):
    product = CourseProduct.objects.create(name="Ten", service=studio["service"], sessions=10, price="20000")
    course = sell(studio, now, desk, product=product)
    certificate = gift(studio, now, "9000")
    made = []
    for i, hhmm in enumerate(["09:00", "10:15", "11:30", "12:45", "14:00", "15:15"]):
        choice = (
            PrepaidChoice(course_id=course.pk) if i % 2 else PrepaidChoice(certificate_code=certificate.code)
        )
        made.append(book(studio, now, start=hhmm, prepaid=choice))
    cancel_appointment(appointment=made[0], now=now)
    cancel_appointment(appointment=made[1], now=now)
    mark_attendance(appointment=made[2], status="completed", now=made[2].end)
    mark_attendance(appointment=made[3], status="no_show", now=made[3].end)
    cancel_appointment(appointment=made[5], by="staff", now=at(MONDAY, "08:00"))
    assert ledger_matches(course) and course.sessions_left == 10 - 3 + 1
    assert certificate_ledger_matches(certificate)
    assert certificate.balance == Decimal("9000") - 3 * Decimal("2500") + Decimal("2500")


def test_a_session_is_paid_once_and_never_after_it_was_cancelled(studio, now, desk):
    course = sell(studio, now, desk)
    certificate = gift(studio, now, "5000")
    appointment = book(studio, now, prepaid=PrepaidChoice(course_id=course.pk))
    with pytest.raises(PrepaidRefused, match="already paid"):
        redeem_certificate(code=certificate.code, appointment=appointment, by="staff", user=desk, now=now)
    with pytest.raises(PrepaidRefused, match="already paid"), transaction.atomic():
        reserve_course_session(course_id=course.pk, appointment=appointment, by="staff", now=now)
    other = book(studio, now, start="12:00")
    cancel_appointment(appointment=other, now=now)
    with pytest.raises(PrepaidRefused, match="was cancelled"):
        redeem_certificate(
            code=certificate.code, appointment=Appointment.objects.get(pk=other.pk), by="staff", now=now
        )
    assert ledger_matches(course) and course.sessions_left == 4
    assert certificate_ledger_matches(certificate) and certificate.balance == Decimal("5000.00")


def test_the_desk_pays_a_booked_session_with_a_certificate(studio, now, desk):
    certificate = gift(studio, now, "1000")
    appointment = book(studio, now)
    entry = redeem_certificate(code=certificate.code, appointment=appointment, by="staff", user=desk, now=now)
    assert (entry.amount, entry.covers) == (Decimal("-1000.00"), Decimal("1000.00"))
    paid = paid_with(Appointment.objects.get(pk=appointment.pk))
    assert paid.due_at_studio == Decimal("1500.00")


def test_the_confirmation_email_says_what_paid(
    studio, now, desk, mailoutbox, django_capture_on_commit_callbacks
):
    course = sell(studio, now, desk)
    certificate = gift(studio, now, "1000")
    with django_capture_on_commit_callbacks(execute=True):
        book(studio, now, prepaid=PrepaidChoice(course_id=course.pk))
        book(
            studio,
            now,
            start="12:00",
            email="olga@example.com",
            prepaid=PrepaidChoice(certificate_code=certificate.code),
        )
        book(studio, now, start="14:00", email="ivan@example.com")
    bodies = {message.to[0]: message.body for message in mailoutbox}
    assert "Paid with: your course “Five classical” (4 of 5 left)" in bodies["maria@example.com"]
    assert (
        "Paid with: a gift certificate, ₽1,000; the rest, ₽1,500, is paid at the studio"
        in bodies["olga@example.com"]
    )
    assert "Paid with" not in bodies["ivan@example.com"]
