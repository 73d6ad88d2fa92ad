"""Personal data: the export holds everything about an address; erasure leaves only what accounts keep;
consent is recorded on its own at online booking, in the questionnaire and at the desk."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.apps import apps
from django.db import models
from django.utils import timezone

from bookings.booking import cancel_appointment
from bookings.errors import BookingError
from bookings.history import record_event
from bookings.models import (
    Actor,
    Appointment,
    AppointmentEvent,
    AppointmentStatus,
    Course,
    CourseProduct,
    EventKind,
    WaitlistEntry,
)
from bookings.personal_data import ERASURE, EXCLUDED, erase_personal_data, export_personal_data, holders
from bookings.prepaid import sell_certificate, sell_course
from intake.consents import CURRENT_VERSION, record_consent
from intake.models import Clearance, ConsentSource, PersonalDataConsent, Questionnaire
from tests.bookings.factories import make_appointment, make_questionnaire
from tests.bookings.web.flow_support import at, make_studio


@pytest.fixture
def studio(db, set_policy):
    return make_studio(set_policy)


def past(studio, email, *, days=10, status=AppointmentStatus.COMPLETED):
    start = at(timezone.localdate() - timedelta(days=days), "10:00")
    return make_appointment(
        service=studio["service"], therapist=studio["anna"], start=start, email=email, status=status
    )


def _email_models() -> set[str]:
    found = set()
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if isinstance(field, models.EmailField) or (not field.is_relation and "email" in field.name):
                found.add(model._meta.label)
    return found


def test_every_model_with_an_email_field_is_exported_and_has_an_erasure_rule():
    """A new model holding clients' addresses must be added to bookings.personal_data.ERASURE."""
    holding = {holder.label for holder in holders()}
    assert _email_models() - set(EXCLUDED) == holding
    assert holding <= set(ERASURE), f"no erasure rule for {sorted(holding - set(ERASURE))}"
    assert set(EXCLUDED) <= _email_models()


def test_the_export_holds_bookings_history_questionnaires_notes_and_consents(studio, django_user_model):
    user = django_user_model.objects.create(username="manager")
    appointment = past(studio, "anna@example.com")
    record_event(
        appointment=appointment, kind=EventKind.NOTE, by=Actor.STAFF, user=user, details={"text": "tea"}
    )
    questionnaire = make_questionnaire(email="Anna@Example.com")
    Clearance.objects.create(
        questionnaire=questionnaire,
        condition_key="diabetes",
        issued_on=timezone.localdate(),
        valid_until=timezone.localdate(),
        recorded_by=user,
    )
    record_consent(email="anna@example.com", source=ConsentSource.ONLINE)
    past(studio, "boris@example.com", days=11)

    exported = export_personal_data(email=" ANNA@example.com ")
    data = exported["data"]

    [row] = data["bookings.Appointment"]
    assert row["client_email"] == "anna@example.com" and "manage_token" not in row
    assert [e["details"] for e in row["bookings.AppointmentEvent"]] == [{"text": "tea"}]
    assert "user_id" not in row["bookings.AppointmentEvent"][0]
    [answers] = data["intake.Questionnaire"]
    assert answers["answers"] == questionnaire.answers
    assert answers["intake.Clearance"][0]["condition_key"] == "diabetes"
    [consent] = data["intake.PersonalDataConsent"]
    assert consent["text_version"] == CURRENT_VERSION
    assert "personal data" in exported["consent_texts"][CURRENT_VERSION]
    assert "boris@example.com" not in str(exported)


def test_the_export_costs_the_same_queries_for_more_data(studio, django_assert_max_num_queries):
    for days in range(1, 8):
        past(studio, "anna@example.com", days=days)
    make_questionnaire(email="anna@example.com")
    expected = sum(1 + len(holder.children) for holder in holders())
    with django_assert_max_num_queries(expected):
        export_personal_data(email="anna@example.com")


def test_erasure_keeps_the_accounts_and_nothing_personal(studio, django_user_model):
    user = django_user_model.objects.create(username="manager")
    kept = past(studio, "anna@example.com")
    kept.client_phone = "+79001234567"
    kept.save()
    record_event(
        appointment=kept, kind=EventKind.NOTE, by=Actor.STAFF, user=user, details={"text": "Anna's cat"}
    )
    cancelled = past(studio, "Anna@Example.com", days=3, status=AppointmentStatus.BOOKED)
    cancelled.start = timezone.now() + timedelta(days=5)
    cancelled.end = cancelled.start + timedelta(hours=1)
    cancelled.blocked_until = cancelled.end
    cancelled.save()
    cancel_appointment(appointment=cancelled, by=Actor.CLIENT, reason="Anna is ill", notify=False)
    linked = make_questionnaire(email="anna@example.com")
    Appointment.objects.filter(pk=kept.pk).update(questionnaire=linked)
    loose = make_questionnaire(email="anna@example.com")
    record_consent(email="anna@example.com", source=ConsentSource.QUESTIONNAIRE)
    other = past(studio, "boris@example.com", days=12)

    report = erase_personal_data(email="ANNA@example.com")

    assert report.counts["bookings.Appointment"] == 2
    for appointment in Appointment.objects.filter(pk__in=[kept.pk, cancelled.pk]):
        assert appointment.client_email == "" and appointment.client_phone == ""
        assert appointment.client_name == "—" and appointment.cancellation_reason == ""
        assert appointment.price == studio["service"].price  # the money record stays
    assert not AppointmentEvent.objects.filter(kind=EventKind.NOTE).exists()
    assert all("reason" not in e.details for e in AppointmentEvent.objects.all())
    assert not Questionnaire.objects.filter(pk=loose.pk).exists()
    linked.refresh_from_db()
    assert linked.anonymised_at and linked.client_email == "" and linked.answers == {}
    assert not PersonalDataConsent.objects.exists()
    assert export_personal_data(email="anna@example.com")["data"] == {}
    other.refresh_from_db()
    assert other.client_email == "boris@example.com"


def test_erasure_leaves_no_trace_of_the_address_in_any_holder(studio):
    past(studio, "anna@example.com")
    make_questionnaire(email="anna@example.com")
    record_consent(email="anna@example.com", source=ConsentSource.ONLINE)
    erase_personal_data(email="anna@example.com")
    for holder in holders():
        assert not holder.rows("anna@example.com").exists(), holder.label
    old_link = Appointment.objects.get().manage_token
    assert old_link.startswith("erased-")


def test_erasure_waits_for_sessions_to_come(studio):
    start = at(timezone.localdate() + timedelta(days=3), "10:00")
    make_appointment(
        service=studio["service"], therapist=studio["anna"], start=start, email="anna@example.com"
    )
    make_questionnaire(email="anna@example.com")
    with pytest.raises(BookingError, match="session to come"):
        erase_personal_data(email="anna@example.com")
    assert Questionnaire.objects.filter(client_email="anna@example.com").exists()


def _course(studio, email, *, sessions_left):
    product = CourseProduct.objects.create(name="Five", service=studio["service"], sessions=5, price="11000")
    course = sell_course(product=product, client_name="Anna", client_email=email, payment_method="cash")
    Course.objects.filter(pk=course.pk).update(sessions_left=sessions_left)  # as if used up by bookings
    return course


def test_erasure_keeps_courses_certificates_as_sales_and_forgets_the_buyer_and_the_waitlist(studio):
    email = "anna@example.com"
    course = _course(studio, email, sessions_left=0)
    certificate = sell_certificate(
        payment_method="card",
        buyer_name="Anna",
        buyer_email=email,
        recipient_name="Vera",
        message="Hi",
        amount=Decimal("3000"),
    )
    WaitlistEntry.objects.create(
        service=studio["service"],
        first_day=timezone.localdate(),
        last_day=timezone.localdate(),
        client_name="Anna",
        client_email=email,
    )
    erase_personal_data(email=email)
    course.refresh_from_db()
    certificate.refresh_from_db()
    assert (course.client_name, course.client_email, course.price) == ("—", "", Decimal("11000.00"))
    assert (certificate.buyer_name, certificate.buyer_email, certificate.recipient_name) == ("—", "", "")
    assert (certificate.message, certificate.balance) == ("", Decimal("3000.00"))
    assert not WaitlistEntry.objects.exists()


def test_erasure_waits_for_a_course_with_sessions_left(studio):
    _course(studio, "anna@example.com", sessions_left=2)
    with pytest.raises(BookingError, match="sessions left on a course"):
        erase_personal_data(email="anna@example.com")
    assert Course.objects.filter(client_email="anna@example.com").exists()


# --- Consent, recorded on its own ----------------------------------------------------------------


def test_a_consent_records_when_where_how_and_which_text(db):
    consent = record_consent(email=" anna@example.com ", source=ConsentSource.ONLINE)
    assert consent.email == "anna@example.com"
    assert consent.method == "website" and consent.text_version == CURRENT_VERSION
    assert abs(consent.given_at - timezone.now()) < timedelta(seconds=5)


@pytest.mark.parametrize(
    ("source", "method"),
    [("desk", "website"), ("online", "phone"), ("desk", "carrier-pigeon"), ("elsewhere", "website")],
)
def test_a_consent_must_say_how_it_was_given(db, source, method):
    from intake.screening import ScreeningError

    with pytest.raises(ScreeningError):
        record_consent(email="anna@example.com", source=source, method=method)
    assert not PersonalDataConsent.objects.exists()
