"""The details step's fields, as a screen reader meets them: each has a label, points at its help, and
once refused is marked invalid and points at its error (the site's one field layout, crispy's)."""

import pytest
from django.urls import reverse

from tests.accessible_forms import field_problems, form_fields, invalid_names
from tests.bookings.factories import at
from tests.bookings.web.flow_support import make_studio, slot_token

pytestmark = pytest.mark.django_db

DETAILS = reverse("bookings:book_details")


@pytest.fixture
def token(set_policy):
    studio = make_studio(set_policy)
    return slot_token(studio["service"], at(studio["day"], "10:00"))


def test_every_field_of_the_details_step_is_labelled_and_points_at_its_help(client, token):
    html = client.get(DETAILS, {"slot": token}).content.decode()

    assert {control.name for control in form_fields(html)} >= {"client_name", "client_email", "client_phone"}
    assert field_problems(html) == []
    email = next(control for control in form_fields(html) if control.name == "client_email")
    assert email.describedby == ["id_client_email_helptext"]
    assert 'id="error-summary"' not in html


def test_refused_details_point_at_their_errors_and_the_summary_links_to_them(client, token):
    response = client.post(
        DETAILS,
        {"slot": token, "client_name": " ", "client_email": "not-an-email", "client_phone": "call me!"},
    )

    assert response.status_code == 400
    html = response.content.decode()
    assert invalid_names(html) == {"client_name", "client_email", "client_phone", "consent_personal_data"}
    assert field_problems(html) == []
    email = next(control for control in form_fields(html) if control.name == "client_email")
    assert email.describedby == ["id_client_email_helptext", "id_client_email_error"]
    summary = html.split('id="error-summary"', 1)[1].split("</div>", 1)[0]
    for anchor in ("#id_client_name", "#id_client_email", "#id_client_phone", "#id_consent_personal_data"):
        assert f'href="{anchor}"' in summary
    assert "Please enter a valid e-mail address" in summary
