"""The staff area's forms, as a screen reader meets them (the site's one field layout): every field has
a label and points at its help; a refused one is marked invalid and points at its error."""

from datetime import timedelta

import pytest
from django.urls import reverse

from tests.accessible_forms import field_problems, form_fields, invalid_names
from tests.bookings.factories import MONDAY, at, make_appointment

pytestmark = pytest.mark.django_db

BOOK = reverse("staff:book")
TUESDAY = MONDAY + timedelta(days=1)


def test_every_field_of_the_desk_is_labelled_and_points_at_its_help(client, studio):
    client.force_login(studio.user("reception"))
    html = client.get(BOOK, {"service": studio.service.slug, "date": MONDAY.isoformat()}).content.decode()

    names = {control.name for control in form_fields(html)}
    assert names >= {"service", "therapist", "date", "start", "client_name", "client_phone", "client_email"}
    assert field_problems(html) == []
    email = next(control for control in form_fields(html) if control.name == "client_email")
    assert email.describedby == ["id_client_email_helptext"]


def test_a_refused_desk_booking_points_each_field_at_its_error(client, studio):
    client.force_login(studio.user("reception"))
    response = client.post(
        BOOK,
        {
            "service": "no-such-service",
            "therapist": studio.anna.slug,
            "date": "2027-02-31",
            "start": "",
            "client_name": "",
            "client_email": "not-an-email",
            "attach_questionnaire": "on",
            "key": "k-1",
        },
    )

    assert response.status_code == 400
    html = response.content.decode()
    assert invalid_names(html) >= {"service", "date", "client_name", "client_email"}
    assert field_problems(html) == []
    email = next(control for control in form_fields(html) if control.name == "client_email")
    assert email.describedby == ["id_client_email_helptext", "id_client_email_error"]
    summary = html.split('id="error-summary"', 1)[1].split("</div>", 1)[0]
    for anchor in ("#id_service", "#id_date", "#id_client_name", "#id_client_email"):
        assert f'href="{anchor}"' in summary
    assert 'value="not-an-email"' in html  # what was typed stays


@pytest.mark.parametrize(
    ("url_name", "data", "invalid"),
    [
        ("staff:closures", {"start_date": "2027-03-05", "end_date": "2027-03-01"}, {"end_date"}),
        ("staff:time_off", {"start": "soon", "end": ""}, {"start", "end"}),
    ],
)
def test_refused_closures_and_time_off_point_at_their_errors(client, studio, url_name, data, invalid):
    client.force_login(studio.user("manager"))
    url = reverse(url_name, args=[studio.anna.slug] if url_name == "staff:time_off" else [])

    html = client.post(url, data).content.decode()

    assert invalid_names(html) == invalid
    assert field_problems(html) == []
    assert 'id="error-summary"' in html


def test_the_cancel_and_note_forms_point_at_their_help(client, studio):
    client.force_login(studio.user("manager"))
    upcoming = make_appointment(service=studio.service, therapist=studio.anna, start=at(TUESDAY, "10:00"))

    html = client.get(reverse("staff:appointment", args=[upcoming.pk])).content.decode()

    described = {control.name: control.describedby for control in form_fields(html)}
    assert described["reason"] == ["id_reason_helptext"]
    assert described["text"] == ["id_text_helptext"]
    assert field_problems(html) == []


@pytest.mark.parametrize(
    ("url_name", "params"),
    [
        ("staff:audit", {"start": "2027-13-01", "kind": "nope"}),
        ("staff:reports", {"start": "2027-13-01", "end": "2027-01-01"}),
        ("staff:working_hours", {}),
        ("staff:reschedule", {"date": "someday", "therapist": "nobody"}),
        ("staff:dashboard", {}),
    ],
)
def test_every_other_staff_form_is_labelled_and_points_at_its_errors(client, studio, url_name, params):
    client.force_login(studio.user("manager"))
    upcoming = make_appointment(service=studio.service, therapist=studio.anna, start=at(TUESDAY, "10:00"))
    args = {"staff:working_hours": [studio.anna.slug], "staff:reschedule": [upcoming.pk]}.get(url_name, [])

    html = client.get(reverse(url_name, args=args), params).content.decode()

    assert form_fields(html)
    assert field_problems(html) == []
    if params:
        assert invalid_names(html), "the bad values are marked"


def test_a_refused_sign_in_is_summarised_and_the_fields_are_labelled(client, studio):
    html = client.post(reverse("staff:login"), {"username": "desk", "password": "wrong"}).content.decode()

    assert 'id="error-summary"' in html
    assert {control.name for control in form_fields(html)} >= {"username", "password"}
    assert field_problems(html) == []
