"""The technique page brings the three apps together: content, screening rules and booking."""

import pytest
from django.urls import reverse

from reflexology.models import Technique
from tests.bookings.factories import make_service

pytestmark = pytest.mark.django_db


def test_bookable_technique_shows_book_this_and_who_should_wait(client, content):
    technique = Technique.objects.get(slug="reflexology")
    service = make_service(technique=technique)

    html = client.get(reverse("bookings:technique_detail", args=["reflexology"])).content.decode()

    assert f'href="/book/?service={service.slug}"' in html
    assert "Is this right for you?" in html
    # Diabetes rules reflexology out (seed 004:L435), in kind words, without internal codes.
    assert "diabetes" in html.lower()
    assert "contraindicated" not in html.lower()
    assert "needs_clearance" not in html


def test_home_routine_has_no_book_button(client, content):
    html = client.get(reverse("bookings:technique_detail", args=["self-massage"])).content.decode()

    assert "/book/?" not in html
