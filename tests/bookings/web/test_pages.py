"""The public pages: /prices/, /therapists/, /therapists/<slug>/ and {% book_this %}: content,
money formatting, CSP, 404s, and query counts pinned and flat under ten times the data."""

from datetime import time
from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.template import Context, Template
from django.test.utils import CaptureQueriesContext

from bookings.models import Level, Therapist
from tests.bookings.factories import TECHNIQUE_KINDS, make_service, make_technique, make_therapist
from tests.utils import assert_csp_clean

pytestmark = pytest.mark.django_db

NBSP = "\u00a0"


def rub(amount: str) -> str:
    """ "1 800" as the suite's English pages write roubles: "₽1,800"."""
    return "₽" + amount.replace(" ", ",")


def populate(scale: int, tag: str = "a"):
    """`scale` services per bookable technique and `scale` therapists per level, all related."""
    services = []
    for slug in TECHNIQUE_KINDS:
        technique = make_technique(slug)
        for index in range(scale):
            services.append(
                make_service(
                    technique=technique,
                    slug=f"{slug}-{tag}{30 + index}",
                    minutes=30 + index,
                    price="2000.00",
                    level_prices={Level.SENIOR: "2300.00", Level.MASTER: "2600.00"},
                )
            )
    for level in Level.values:
        for index in range(scale):
            make_therapist(
                f"{level}-{tag}{index}", level=level, services=services, hours={0: [(time(9), time(18))]}
            )
    return services


def queries(client, url) -> tuple[int, object]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured.captured_queries), response


# --- Prices -----------------------------------------------------------------------------------------


def test_prices_are_grouped_by_technique_with_prices_by_level(client):
    classical = make_technique("classical", name="Classical massage")
    make_service(
        technique=classical,
        slug="classical-60",
        minutes=60,
        price="1800.00",
        level_prices={Level.SENIOR: "2100.00", Level.MASTER: "2500.00"},
        name="Classical foot massage",
    )
    make_service(
        technique=classical, slug="classical-30", minutes=30, price="1000.00", name="Express massage"
    )
    make_service(technique="vacuum", slug="vacuum-30", minutes=30, price="1500.00", active=False)
    make_therapist("anna", level=Level.THERAPIST, services=classical.services.all())
    make_therapist("boris", level=Level.SENIOR, services=classical.services.all())
    response = client.get("/prices/")
    assert response.status_code == 200
    assert_csp_clean(response)
    html = response.content.decode()
    assert "Classical massage" in html and "Classical foot massage" in html
    assert "vacuum-30" not in html  # inactive services are not offered
    assert rub("1 800") in html and rub("2 100") in html
    assert rub("2 500") not in html  # nobody at master level gives it, so no master price
    assert html.count("from</span>") == 1  # only the service whose price differs by level
    assert 'href="/book/?service=classical-60"' in html and 'href="/book/?service=classical-30"' in html
    assert "Russian roubles (RUB)" in html
    assert "up to 24 hours before" in html


def test_prices_in_euros(client, settings):
    settings.STUDIO_CURRENCY = "EUR"
    service = make_service(slug="classical-60", price="60.00")
    make_therapist("anna", services=[service])
    html = client.get("/prices/").content.decode()
    assert "€60.00" in html and "euros (EUR)" in html


def test_prices_page_queries_are_pinned_and_flat(client):
    populate(1)
    small, _ = queries(client, "/prices/")
    populate(9, tag="b")  # ten times the services and therapists
    large, response = queries(client, "/prices/")
    assert small == large == 5  # 5: the courses on sale (bookings.prepaid.course_offers)
    assert response.content.decode().count('class="price-row"') == 10 * len(TECHNIQUE_KINDS)


def test_an_empty_price_list_says_so_kindly(client):
    html = client.get("/prices/").content.decode()
    assert "being updated" in html


# --- Therapists ------------------------------------------------------------------------------------


def test_the_team_page_shows_active_therapists_with_what_they_do(client):
    service = make_service(technique="reflexology", slug="reflexology-60", minutes=60)
    make_technique("reflexology")
    make_therapist(
        "anna-sokolova", name="Anna Sokolova", level=Level.MASTER, services=[service], headline="Calm hands"
    )
    make_therapist("gone", name="Gone Away", active=False)
    response = client.get("/therapists/")
    assert response.status_code == 200
    assert_csp_clean(response)
    html = response.content.decode()
    assert "Anna Sokolova" in html and "Gone Away" not in html
    assert 'href="/therapists/anna-sokolova/"' in html
    assert "Master therapist" in html and "Calm hands" in html and "Reflexology" in html
    assert ">AS</span>" in html  # the initials stand in for a photo


def test_a_photo_is_shown_when_there_is_one(client):
    anna = make_therapist("anna", name="Anna Sokolova")
    anna.photo.save("anna.jpg", ContentFile(b"not really a jpeg"), save=True)
    html = client.get("/therapists/").content.decode()
    assert '<img class="avatar avatar-md"' in html and 'alt="Anna Sokolova"' in html


def test_the_team_page_queries_are_pinned_and_flat(client):
    populate(1)
    small, _ = queries(client, "/therapists/")
    populate(9, tag="b")
    large, response = queries(client, "/therapists/")
    assert small == large == 2
    assert response.content.decode().count('class="card-soft card-link therapist-card') == 10 * len(
        Level.values
    )


def test_a_therapists_page(client):
    classical = make_service(
        technique="classical",
        slug="classical-60",
        minutes=60,
        price="1800.00",
        level_prices={Level.SENIOR: "2100.00"},
        name="Classical foot massage",
    )
    make_service(technique="relaxing", slug="relaxing-45", minutes=45, price="1500.00", name="Relaxing")
    make_therapist(
        "boris",
        name="Boris Orlov",
        level=Level.SENIOR,
        services=[classical],
        bio="First paragraph.\n\nSecond paragraph.",
        hours={
            1: [(time(9), time(13)), (time(14), time(18))],
            2: [(time(9), time(18))],
            3: [(time(9), time(18))],
            5: [(time(10), time(14))],
        },
    )
    response = client.get("/therapists/boris/")
    assert response.status_code == 200
    assert_csp_clean(response)
    html = response.content.decode()
    assert "<p>First paragraph.</p>" in html and "<p>Second paragraph.</p>" in html
    assert "Senior therapist" in html
    assert rub("2 100") in html and rub("1 800") not in html  # his level's price
    assert "relaxing-45" not in html  # not one of his
    assert 'href="/book/?therapist=boris"' in html
    assert 'href="/book/?service=classical-60&amp;therapist=boris"' in html
    assert "Usually in the studio: Tuesday to Thursday, Saturday." in html


@pytest.mark.parametrize("slug", ["nobody", "resting"])
def test_unknown_or_inactive_therapists_are_404(client, slug):
    make_therapist("resting", active=False)
    assert client.get(f"/therapists/{slug}/").status_code == 404


def test_a_therapists_page_queries_are_pinned_and_flat(client):
    services = populate(1)
    small, _ = queries(client, "/therapists/senior-a0/")
    extra = populate(9, tag="b")
    Therapist.objects.get(slug="senior-a0").services.add(*extra)
    large, response = queries(client, "/therapists/senior-a0/")
    assert small == large == 4
    assert response.content.decode().count('class="price-row"') == len(services) + len(extra)


# --- {% book_this %} ---------------------------------------------------------------------------------


def render_book_this(technique) -> str:
    return Template("{% load booking_tags %}{% book_this technique %}").render(
        Context({"technique": technique})
    )


def test_book_this_points_at_the_only_service():
    technique = make_technique("vacuum", name="Vacuum massage")
    make_service(technique=technique, slug="vacuum-30", minutes=30)
    html = render_book_this(technique)
    assert 'href="/book/?service=vacuum-30"' in html and "Book Vacuum massage" in html


def test_book_this_offers_the_choice_when_there_are_several_services():
    technique = make_technique("relaxing")
    make_service(technique=technique, slug="relaxing-45", minutes=45)
    make_service(technique=technique, slug="relaxing-90", minutes=90)
    assert 'href="/book/?technique=relaxing"' in render_book_this(technique)


def test_book_this_is_nothing_without_an_active_service():
    technique = make_technique("thai-sticks")
    assert render_book_this(technique).strip() == ""
    make_service(technique=technique, slug="thai-60", active=False)
    assert render_book_this(technique).strip() == ""


def test_the_money_filter():
    html = Template("{% load booking_tags %}{{ a|money }} {{ b|money:'EUR' }} [{{ c|money }}]").render(
        Context({"a": Decimal("1800"), "b": Decimal("60"), "c": None})
    )
    assert html == "₽1,800 €60.00 []"
