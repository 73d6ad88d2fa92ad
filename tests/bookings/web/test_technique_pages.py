"""The technique pages (bookings.web.technique_views): the lengths they state come from the sessions
sold; a technique nobody sells keeps its own text. Same query counts as before."""

from types import SimpleNamespace

import pytest
from django.urls import reverse

from bookings.selectors import session_lengths
from reflexology.models import Technique
from tests.bookings.factories import make_service

pytestmark = pytest.mark.django_db


def card_of(html: str, slug: str) -> str:
    start = html.index(f'href="/techniques/{slug}/"')
    return html[start : html.index("</article>", start)]


def test_a_technique_page_and_its_card_state_the_lengths_sold(client, content):
    reflexology = Technique.objects.get(slug="reflexology")
    make_service(technique=reflexology, minutes=90)
    make_service(technique=reflexology, minutes=60)
    make_service(technique=reflexology, minutes=45, active=False)  # not sold: not stated

    page = client.get(reverse("bookings:technique_detail", args=["reflexology"])).content.decode()
    assert "Sessions of 60 or 90 min." in page
    assert "about 30 min" not in page.lower()
    assert "the average for a session" not in page

    cards = client.get(reverse("bookings:technique_list")).content.decode()
    assert "60 or 90 min" in card_of(cards, "reflexology")


def test_a_technique_nobody_sells_keeps_its_own_text(client, content):
    page = client.get(reverse("bookings:technique_detail", args=["reflexology"])).content.decode()
    assert "About 30 min." in page
    assert "That is the average for a session." in page
    assert "Sessions of" not in page
    card = card_of(client.get(reverse("bookings:technique_list")).content.decode(), "reflexology")
    assert "about 30 min" in card


def test_a_technique_with_no_length_and_no_session_says_the_length_varies(client, content):
    technique = Technique.objects.published().filter(duration_min=None, duration_max=None).first()
    card = card_of(client.get(reverse("bookings:technique_list")).content.decode(), technique.slug)
    assert "Length varies" in card
    make_service(technique=technique, minutes=60)
    card = card_of(client.get(reverse("bookings:technique_list")).content.decode(), technique.slug)
    assert "Length varies" not in card
    assert "60 min" in card


@pytest.mark.parametrize(
    ("sold", "label"),
    [("60", "60 min"), ("90,60", "60 or 90 min"), ("60,30,90,60", "30, 60 or 90 min"), (None, "own")],
)
def test_session_lengths_reads_the_lengths_sold(sold, label):
    technique = SimpleNamespace(sold_minutes=sold, duration_label="own")
    assert session_lengths(technique) == label


def test_the_lengths_cost_no_extra_query(client, content, django_assert_num_queries):
    for technique in Technique.objects.published():
        make_service(technique=technique, minutes=60)
        make_service(technique=technique, minutes=90)
    with django_assert_num_queries(2):  # body systems for the filter, techniques (lengths in a subquery)
        client.get(reverse("bookings:technique_list"))
