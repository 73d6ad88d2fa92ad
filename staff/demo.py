"""Demo staff logins for `make run` (`manage.py load_demo` calls `build_demo`): idempotent.

    manager     Manager role: everything, reports, hours, the history of changes
    reception   Reception role: every schedule, booking for clients, no health answers
    anna        Therapist role, linked to Anna Sokolova (also mikhail, elena, daria)

All with the password DEMO_PASSWORD, and only when DEBUG is on: demo accounts with a published
password must never reach a real site. Also books three clients who filled in a questionnaire
(phone bookings by reception, over the next few days), so the schedules show screening flags.
Needs the bookings demo (`bookings.demo`) first, which load_demo runs before this.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from bookings.availability import compute_slots, load_availability_data, studio_zone
from bookings.booking import book_appointment
from bookings.errors import BookingError
from bookings.models import Appointment, AppointmentSource, Service, Therapist
from intake.models import Questionnaire
from intake.questionnaires import add_months
from intake.screening import screen
from staff.roles import Role, assign_role, ensure_roles

DEMO_PASSWORD = "calm-feet-demo"  # noqa: S105 - published on purpose, for local demo logins only

# (user name, first name, last name, role, therapist slug or None)
USERS = [
    ("manager", "Vera", "Morozova", Role.MANAGER, None),
    ("reception", "Lena", "Front desk", Role.RECEPTION, None),
    ("anna", "Anna", "Sokolova", Role.THERAPIST, "anna-sokolova"),
    ("mikhail", "Mikhail", "Orlov", Role.THERAPIST, "mikhail-orlov"),
    ("elena", "Elena", "Vasilieva", Role.THERAPIST, "elena-vasilieva"),
    ("daria", "Daria", "Kim", Role.THERAPIST, "daria-kim"),
]

# Clients who filled in the questionnaire, and what they told us (a few answers; the rest "no").
CLIENTS = [
    ("Irina Demo", "irina.demo@example.com", {"nail_fungus": "yes"}, "reflexology-60", "anna-sokolova"),
    ("Pavel Demo", "pavel.demo@example.com", {"product_allergy": "yes"}, "classical-60", "mikhail-orlov"),
    ("Marina Demo", "marina.demo@example.com", {"plantar_warts": "yes"}, "relaxing-45", "daria-kim"),
]
DEMO_KEY = "staff-demo-"


def build_staff_demo(stdout) -> None:
    """Create (or complete) the demo staff logins and the clients with questionnaires."""
    ensure_roles()
    if not settings.DEBUG:
        stdout.write("staff: DEBUG is off, so no demo logins were made (their password is public).")
        return
    with transaction.atomic():
        made = _users()
    booked = _clients_with_questionnaires()
    stdout.write(
        f"staff: {made} demo logins new, {booked} phone bookings with a questionnaire. "
        f'Sign in at /staff/ with the password "{DEMO_PASSWORD}" as: manager (manager), '
        "reception (reception), anna or mikhail (therapists; also elena, daria)."
    )


build_demo = build_staff_demo


def _users() -> int:
    User = get_user_model()
    therapists = {t.slug: t for t in Therapist.objects.all()}
    made = 0
    for username, first, last, role, slug in USERS:
        user, created = User.objects.get_or_create(
            username=username,
            defaults={"first_name": first, "last_name": last, "email": f"{username}@solecalm.example"},
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
            made += 1
        assign_role(user, role)
        therapist = therapists.get(slug) if slug else None
        if therapist is not None and therapist.user_id is None:
            therapist.user = user
            therapist.save(update_fields=["user"])
    return made


def _questionnaire(name: str, email: str, answers: dict) -> Questionnaire:
    existing = Questionnaire.objects.latest_valid_for_email(email)
    if existing is not None:
        return existing
    now = timezone.now()
    screening = screen(answers)
    return Questionnaire.objects.create(
        client_name=name,
        client_email=email,
        answers=dict(screening.answers),
        consent_health_data=True,
        consent_terms=True,
        signature=name,
        submitted_at=now - timedelta(days=3),
        valid_until=add_months(now, settings.INTAKE_VALID_MONTHS),
        screening=screening.as_json(),
        rules_version=screening.rules_version,
    )


def _clients_with_questionnaires() -> int:
    reception = get_user_model().objects.filter(username="reception").first()
    today = timezone.localdate(timezone=studio_zone())
    booked = 0
    for index, (name, email, answers, service_slug, therapist_slug) in enumerate(CLIENTS):
        key = f"{DEMO_KEY}{index}"
        if Appointment.objects.filter(idempotency_key=key).exists():
            continue
        service = Service.objects.filter(slug=service_slug).first()
        therapist = Therapist.objects.filter(slug=therapist_slug).first()
        if service is None or therapist is None:
            continue
        questionnaire = _questionnaire(name, email, answers)
        data = load_availability_data(
            service=service, first_day=today, last_day=today + timedelta(days=6), therapist=therapist
        )
        slots = compute_slots(data)
        if not slots:
            continue
        slot = slots[min(len(slots) - 1, 2 + index * 3)]
        try:
            book_appointment(
                service=service,
                start=slot.start,
                therapist=therapist,
                client_name=name,
                client_email=email,
                client_phone=f"+7 900 111-22-3{index}",
                questionnaire=questionnaire,
                source=AppointmentSource.STAFF,
                idempotency_key=key,
                user=reception,
                notify=False,
            )
        except BookingError:
            continue
        booked += 1
    return booked
