"""Demo data for trying the site locally: rooms, services and prices, four therapists with hours,
breaks, days off and a little time off, a New Year closure, and bookings from two weeks ago (done,
missed) to three weeks ahead. `manage.py load_demo` calls `build_demo`; running it again changes
nothing. Needs the content (`manage.py load_content`) for the techniques.

Bookings are made through `bookings.booking` (past ones "as if" booked earlier, then marked done or
missed), so the demo data obeys every rule the real data does.
"""

import random
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from django.conf import settings
from django.core.files import File
from django.core.management import CommandError
from django.db import transaction
from django.utils import timezone

from bookings.availability import compute_slots, load_availability_data, studio_zone
from bookings.booking import book_appointment, cancel_appointment, mark_attendance
from bookings.errors import BookingError
from bookings.models import (
    Appointment,
    AppointmentStatus,
    CourseProduct,
    Level,
    Room,
    Service,
    ServicePrice,
    StudioClosure,
    Therapist,
    TimeOff,
    WorkingHours,
)
from bookings.portraits import store_portrait
from intake.models import Questionnaire
from reflexology.models import Technique

PORTRAITS = Path(__file__).resolve().parent / "demo_portraits"

BOOKABLE_TECHNIQUES = [
    "classical",
    "relaxing",
    "reflexology",
    "thai-sticks",
    "therapeutic-flat-feet",
    "therapeutic-hallux-valgus",
    "therapeutic-arthrosis",
    "vacuum",
]

ROOMS = [("linden", "Linden room"), ("garden", "Garden room"), ("window", "Window room")]

# (technique, minutes, price in roubles, buffer after, needs a room, name, what is included)
SERVICES = [
    (
        "classical",
        30,
        1300,
        10,
        False,
        "Express classical massage",
        "Feet and ankles, to revive tired legs after a long day.",
    ),
    (
        "classical",
        60,
        2500,
        10,
        True,
        "Classical foot massage",
        "Feet, ankles and calves, stroking, kneading and rubbing with warm oil.",
    ),
    (
        "relaxing",
        45,
        2000,
        10,
        True,
        "Relaxing foot massage",
        "Slow, gentle strokes and a quiet room: a calm pause in the day.",
    ),
    (
        "relaxing",
        90,
        3600,
        15,
        True,
        "Long relaxing ritual",
        "A warm foot bath, an unhurried massage of the feet and calves, then rest.",
    ),
    (
        "reflexology",
        60,
        2900,
        10,
        True,
        "Reflexology session",
        "Point work across both soles, adapted to your questionnaire.",
    ),
    (
        "reflexology",
        90,
        3900,
        10,
        True,
        "Extended reflexology session",
        "Both feet in full, with time for a calm finish.",
    ),
    (
        "thai-sticks",
        60,
        3200,
        15,
        True,
        "Thai foot massage with sticks",
        "Rounded wooden sticks along the feet and lower legs, with balm.",
    ),
    (
        "therapeutic-flat-feet",
        45,
        2400,
        10,
        True,
        "Therapeutic massage for flat feet",
        "Firm work on the arch and calves, with simple exercises to take home.",
    ),
    (
        "therapeutic-hallux-valgus",
        45,
        2400,
        10,
        True,
        "Therapeutic massage for a bunion",
        "Work around the big toe joint and the foot's small muscles, with exercises.",
    ),
    (
        "therapeutic-arthrosis",
        45,
        2400,
        10,
        True,
        "Therapeutic massage for stiff joints",
        "Gentle, careful work to help stiff feet and ankles move more easily.",
    ),
    (
        "vacuum",
        30,
        1600,
        15,
        True,
        "Vacuum cup foot massage",
        "Soft silicone cups glided over the soles and calves.",
    ),
]

# The services in Russian, by slug: (name, what is included). The English is in SERVICES.
SERVICES_RU = {
    "classical-30": ("Экспресс-массаж стоп", "Стопы и голеностопы: чтобы ожили уставшие за день ноги."),
    "classical-60": (
        "Классический массаж стоп",
        "Стопы, голеностопы и икры: поглаживание, разминание и растирание с теплым маслом.",
    ),
    "relaxing-45": (
        "Расслабляющий массаж стоп",
        "Медленные мягкие движения и тихая комната: спокойная пауза посреди дня.",
    ),
    "relaxing-90": (
        "Долгий расслабляющий ритуал",
        "Теплая ванночка для ног, неспешный массаж стоп и икр, затем отдых.",
    ),
    "reflexology-60": ("Сеанс рефлексологии", "Работа с точками на обеих подошвах с учетом вашей анкеты."),
    "reflexology-90": (
        "Расширенный сеанс рефлексологии",
        "Обе стопы полностью и время спокойно завершить сеанс.",
    ),
    "thai-sticks-60": (
        "Тайский массаж стоп палочками",
        "Гладкие деревянные палочки по стопам и голеням, с бальзамом.",
    ),
    "therapeutic-flat-feet-45": (
        "Массаж при плоскостопии",
        "Плотная работа со сводом стопы и икрами и простые упражнения для дома.",
    ),
    "therapeutic-hallux-valgus-45": (
        "Массаж при «косточке» на стопе",
        "Работа вокруг сустава большого пальца и мелких мышц стопы, с упражнениями.",
    ),
    "therapeutic-arthrosis-45": (
        "Поддерживающий массаж при скованных суставах",
        "Мягкая, бережная работа, чтобы скованным стопам и голеностопам было легче двигаться.",
    ),
    "vacuum-30": (
        "Вакуумный баночный массаж стоп",
        "Мягкие силиконовые банки скользят по подошвам и икрам.",
    ),
}

LEVEL_SURCHARGE = {Level.SENIOR: Decimal("1.15"), Level.MASTER: Decimal("1.30")}

# weekday -> [(start, end)]; two periods leave a break.
THERAPISTS = [
    {
        "slug": "anna-sokolova",
        "name": "Anna Sokolova",
        "level": Level.MASTER,
        "headline": "Reflexology and Thai stick work, fifteen years at the table",
        "bio": (
            "Anna trained in classical massage and later in reflexology and the Thai technique with "
            "wooden sticks. She works slowly and talks you through what she is doing, and she is "
            "careful to say what reflexology is: a relaxing, traditional practice, not a medical test."
            "\n\nClients come to her for long, quiet sessions after demanding weeks."
        ),
        "techniques": ["reflexology", "thai-sticks", "classical", "relaxing"],
        "hours": {d: [(time(10), time(14)), (time(15), time(19))] for d in (1, 2, 3, 4, 5)},
    },
    {
        "slug": "mikhail-orlov",
        "name": "Mikhail Orlov",
        "level": Level.SENIOR,
        "headline": "Therapeutic and classical massage for tired, aching feet",
        "bio": (
            "Mikhail spent years working alongside physiotherapists before joining the studio. He "
            "likes firm, purposeful work and always leaves you with a few exercises for home."
            "\n\nIf something you mention needs a doctor's opinion first, he will say so plainly."
        ),
        "techniques": [
            "therapeutic-flat-feet",
            "therapeutic-hallux-valgus",
            "therapeutic-arthrosis",
            "classical",
            "vacuum",
        ],
        "hours": {d: [(time(9), time(13)), (time(14), time(18))] for d in (0, 1, 2, 3, 4)},
    },
    {
        "slug": "elena-vasilieva",
        "name": "Elena Vasilieva",
        "level": Level.THERAPIST,
        "headline": "Gentle relaxing massage, evenings and weekends",
        "bio": (
            "Elena joined us after her training in classical and relaxing massage. Her sessions "
            "are gentle and warm, and she is happy to keep the pressure light."
            "\n\nShe works late on weekdays and at weekends, for those who cannot come earlier."
        ),
        "techniques": ["relaxing", "classical", "vacuum"],
        "hours": {d: [(time(11), time(15)), (time(15, 30), time(20))] for d in (2, 3, 4, 5, 6)},
    },
    {
        "slug": "daria-kim",
        "name": "Daria Kim",
        "level": Level.SENIOR,
        "headline": "Reflexology and relaxing sessions, with a light touch",
        "bio": (
            "Daria came to foot massage from yoga teaching. She is calm and attentive, and adapts "
            "every session to what you tell her on the day."
            "\n\nShe is fond of the long reflexology session, finished with a few minutes of quiet."
        ),
        "techniques": ["reflexology", "relaxing", "thai-sticks"],
        "hours": {d: [(time(12), time(16)), (time(16, 30), time(21))] for d in (0, 1, 3, 4, 5)},
    },
]

# The therapists' headline and introduction in Russian (the studio's language), by slug.
THERAPISTS_RU = {
    "anna-sokolova": (
        "Рефлексотерапия и тайский массаж палочками, пятнадцать лет практики",
        "Анна училась классическому массажу, а затем рефлексотерапии и тайской технике с деревянными "
        "палочками. Она работает неторопливо, рассказывает, что делает, и честно говорит, что такое "
        "рефлексотерапия: расслабляющая традиционная практика, а не медицинское обследование."
        "\n\nК ней приходят за долгими тихими сеансами после напряжённой недели.",
    ),
    "mikhail-orlov": (
        "Лечебный и классический массаж для уставших, ноющих стоп",
        "Михаил несколько лет работал вместе с физиотерапевтами, прежде чем прийти в студию. Он любит "
        "уверенную, целенаправленную работу и всегда даёт пару упражнений для дома."
        "\n\nЕсли то, что вы рассказали, сначала стоит обсудить с врачом, он скажет об этом прямо.",
    ),
    "elena-vasilieva": (
        "Мягкий расслабляющий массаж по вечерам и в выходные",
        "Елена пришла к нам после обучения классическому и расслабляющему массажу. Её сеансы мягкие и "
        "тёплые, и она охотно работает с лёгким нажимом."
        "\n\nПо будням она работает допоздна, а ещё в выходные — для тех, кто не может прийти раньше.",
    ),
    "daria-kim": (
        "Рефлексотерапия и расслабляющие сеансы, с лёгким касанием",
        "Дарья пришла к массажу стоп из преподавания йоги. Она спокойна и внимательна и подстраивает "
        "каждый сеанс под то, что вы расскажете ей в этот день."
        "\n\nОна любит долгий сеанс рефлексотерапии, который завершают несколько минут тишины.",
    ),
}

CLIENTS = [
    "Olga Petrova", "Irina Smirnova", "Sergei Ivanov", "Natalia Kuznetsova", "Pavel Popov",
    "Tatiana Lebedeva", "Alexei Novikov", "Marina Morozova", "Dmitri Volkov", "Svetlana Fedorova",
    "Ekaterina Pavlova", "Andrei Semenov", "Yulia Egorova", "Viktor Zaitsev", "Ksenia Belova",
]  # fmt: skip

DEMO_KEY = "demo-"


def build_demo(stdout) -> None:
    """Create (or complete) the demo data. Idempotent."""
    techniques = {t.slug: t for t in Technique.objects.filter(slug__in=BOOKABLE_TECHNIQUES)}
    missing = [slug for slug in BOOKABLE_TECHNIQUES if slug not in techniques]
    if missing:
        raise CommandError(
            "bookings demo: the techniques are not loaded yet (missing: "
            + ", ".join(missing)
            + "). Run `manage.py load_content` first."
        )
    with transaction.atomic():
        for order, (slug, name) in enumerate(ROOMS):
            Room.objects.get_or_create(slug=slug, defaults={"name": name, "order": order})
        services = _services(techniques)
        _course_products(services)
        therapists = _therapists(services)
        _time_off_and_closures(therapists)
    stdout.write(f"bookings: {len(ROOMS)} rooms, {len(services)} services, {len(therapists)} therapists.")
    if Appointment.objects.filter(idempotency_key__startswith=DEMO_KEY).exists():
        stdout.write("bookings: demo appointments already there.")
        return
    with transaction.atomic():
        made = _appointments(list(services.values()))
    stdout.write(f"bookings: {made} demo appointments.")


def _price(roubles: int) -> Decimal:
    """Demo prices are set in roubles; other currencies get a rough equivalent, rounded to 5."""
    amount = Decimal(roubles)
    if settings.STUDIO_CURRENCY != "RUB":
        return ((amount / 45) / 5).quantize(Decimal("1"), rounding=ROUND_HALF_UP) * 5
    return amount


def _round_price(amount: Decimal) -> Decimal:
    step = Decimal("100") if settings.STUDIO_CURRENCY == "RUB" else Decimal("5")
    return (amount / step).quantize(Decimal("1"), rounding=ROUND_HALF_UP) * step


def _services(techniques) -> dict[str, Service]:
    services = {}
    for order, (technique, minutes, roubles, buffer, needs_room, name, description) in enumerate(SERVICES):
        price = _price(roubles)
        slug = f"{technique}-{minutes}"
        name_ru, description_ru = SERVICES_RU[slug]
        service, _created = Service.objects.get_or_create(
            slug=slug,
            defaults={
                "technique": techniques[technique],
                "name_ru": name_ru,
                "name_en": name,
                "description_ru": description_ru,
                "description_en": description,
                "duration_minutes": minutes,
                "buffer_minutes": buffer,
                "price": price,
                "needs_room": needs_room,
                "order": order,
            },
        )
        for level, factor in LEVEL_SURCHARGE.items():
            ServicePrice.objects.get_or_create(
                service=service, level=level, defaults={"price": _round_price(service.price * factor)}
            )
        services[service.slug] = service
    return services


# Courses of sessions on /prices/: (service slug, sessions, discount, name, name in Russian).
COURSES = [
    ("classical-60", 5, Decimal("0.10"), "Five classical sessions", "Пять сеансов классического массажа"),
    ("reflexology-60", 10, Decimal("0.15"), "Ten reflexology sessions", "Десять сеансов рефлексотерапии"),
]


def _course_products(services) -> None:
    for order, (slug, sessions, discount, name, name_ru) in enumerate(COURSES):
        service = services.get(slug)
        if service is not None:
            price = _round_price(service.price * sessions * (1 - discount))
            CourseProduct.objects.get_or_create(
                name_en=name,
                defaults={
                    "name_ru": name_ru,
                    "service": service,
                    "sessions": sessions,
                    "price": price,
                    "order": order,
                },
            )


def _therapists(services) -> list[Therapist]:
    therapists = []
    for order, spec in enumerate(THERAPISTS):
        therapist, created = Therapist.objects.get_or_create(
            slug=spec["slug"],
            defaults={
                "name": spec["name"],
                "level": spec["level"],
                "headline_ru": THERAPISTS_RU[spec["slug"]][0],
                "headline_en": spec["headline"],
                "bio_ru": THERAPISTS_RU[spec["slug"]][1],
                "bio_en": spec["bio"],
                "order": order,
            },
        )
        if created:
            therapist.services.set(s for s in services.values() if s.technique.slug in spec["techniques"])
            for weekday, periods in spec["hours"].items():
                for start, end in periods:
                    WorkingHours.objects.create(therapist=therapist, weekday=weekday, start=start, end=end)
        if not therapist.photo and settings.DEMO_PORTRAITS:
            _give_portrait(therapist)
        therapists.append(therapist)
    return therapists


def _give_portrait(therapist: Therapist) -> None:
    """The illustrated portrait drawn for this demo therapist (bookings/demo_portraits/, SVG source beside
    the WebP), stored through the same checks and crops as an upload in the admin."""
    path = PORTRAITS / f"{therapist.slug}.webp"
    if not path.exists():
        return
    with path.open("rb") as handle:
        store_portrait(therapist=therapist, upload=File(handle, name=path.name))
        therapist.save(update_fields=["photo", "photo_small"])


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=studio_zone())


def _time_off_and_closures(therapists) -> None:
    today = timezone.localdate(timezone=studio_zone())
    by_slug = {t.slug: t for t in therapists}
    if not TimeOff.objects.filter(therapist__in=therapists).exists():
        course_day = today + timedelta(days=(7 - today.weekday()) % 7 + 9)  # a Wednesday, next week or after
        TimeOff.objects.create(
            therapist=by_slug["mikhail-orlov"],
            start=_at(course_day, 0),
            end=_at(course_day + timedelta(days=1), 0),
            reason="Учёба на курсах",
        )
        TimeOff.objects.create(
            therapist=by_slug["elena-vasilieva"],
            start=_at(today + timedelta(days=4), 11),
            end=_at(today + timedelta(days=4), 13, 30),
            reason="Дела в городе",
        )
    new_year = date(today.year, 12, 31)
    StudioClosure.objects.get_or_create(
        start_date=new_year,
        end_date=new_year + timedelta(days=2),
        defaults={"reason": "Новогодние праздники"},
    )


def _healthy_questionnaire(name: str, email: str, now: datetime) -> Questionnaire:
    """The demo client's questionnaire: nothing to declare (online bookings need one, R10-R14)."""
    existing = Questionnaire.objects.valid(now).filter(client_email=email).first()
    if existing is not None:
        return existing
    return Questionnaire.objects.create(
        client_name=name,
        client_email=email,
        signature=name,
        consent_health_data=True,
        consent_terms=True,
        submitted_at=now - timedelta(days=30),
        valid_until=now + timedelta(days=150),
        screening={kind: {"outcome": "proceed", "reasons": []} for kind in Technique.Kind.values},
    )


def _appointments(services: list[Service]) -> int:
    """Two weeks of past sessions (mostly done, a few missed) and three weeks of upcoming ones."""
    rng = random.Random(20261201)  # noqa: S311 - demo data, not security
    real_now = timezone.now()
    today = timezone.localdate(real_now, timezone=studio_zone())
    made = 0
    team = [
        (therapist, [s for s in services if s in therapist.services.all()])
        for therapist in Therapist.objects.active().prefetch_related("services").order_by("pk")
    ]
    for offset in range(-14, 22):
        day = today + timedelta(days=offset)
        # Past days are booked "as if" two days before; later days from now.
        now = _at(day - timedelta(days=2), 9) if offset <= 1 else real_now
        for therapist, offered in team:
            if not offered:
                continue
            for _ in range(rng.choice([0, 1, 2, 2, 3])):
                service = rng.choice(offered)
                data = load_availability_data(
                    service=service, first_day=day, last_day=day, therapist=therapist, now=now
                )
                slots = compute_slots(data)
                if not slots:
                    continue
                slot = rng.choice(slots)
                name = rng.choice(CLIENTS)
                email = name.lower().replace(" ", ".") + "@example.com"
                try:
                    appointment = book_appointment(
                        questionnaire=_healthy_questionnaire(name, email, real_now),
                        service=service,
                        start=slot.start,
                        therapist=therapist if rng.random() < 0.7 else None,
                        client_name=name,
                        client_email=email,
                        client_phone="+7 900 000-00-" + f"{rng.randint(0, 99):02d}",
                        idempotency_key=f"{DEMO_KEY}{day.isoformat()}-{made}",
                        now=now,
                        notify=False,
                    )
                except BookingError:
                    continue
                made += 1
                if appointment.start < real_now:
                    status = AppointmentStatus.NO_SHOW if rng.random() < 0.1 else AppointmentStatus.COMPLETED
                    mark_attendance(appointment=appointment, status=status, now=appointment.end)
                elif offset >= 3 and rng.random() < 0.08:
                    cancel_appointment(
                        appointment=appointment, by="client", reason="Планы изменились", now=now, notify=False
                    )
    return made
