"""The studio's opening hours (bookings.hours), computed without HTTP, and the pages that show them."""

from datetime import date, time, timedelta

import pytest
from django.urls import reverse

from bookings.hours import CLOSURE_HORIZON, group_week, opening_hours
from bookings.models import StudioClosure
from common.context_processors import phone_uri
from tests.bookings.factories import MONDAY, make_therapist

pytestmark = pytest.mark.django_db

WEEKDAYS = {weekday: [(time(10), time(19))] for weekday in range(5)}
NEW_YEAR = date(2027, 1, 1)  # a Friday


def test_the_studio_opens_with_the_first_therapist_and_closes_with_the_last():
    make_therapist("anna", hours={0: [(time(10), time(14)), (time(15), time(19))]})
    make_therapist("boris", hours={0: [(time(12), time(21))], 5: [(time(11), time(16))]})

    hours = opening_hours(today=MONDAY)

    assert (hours.today.opens, hours.today.closes) == (time(10), time(21))
    assert hours.today.is_open
    saturday = hours.days[5]
    assert saturday.day.weekday() == 5 and (saturday.opens, saturday.closes) == (time(11), time(16))
    assert not hours.days[1].is_open  # nobody works on Tuesday
    assert hours.next_open is None or hours.next_open.day == saturday.day


def test_inactive_therapists_do_not_keep_the_studio_open():
    make_therapist("anna", hours={0: [(time(10), time(14))]})
    make_therapist("gone", hours={0: [(time(8), time(22))]}, active=False)

    today = opening_hours(today=MONDAY).today

    assert (today.opens, today.closes) == (time(10), time(14))


def test_a_closure_day_is_closed_and_says_which_closure():
    make_therapist("anna", hours=WEEKDAYS)
    closure = StudioClosure.objects.create(start_date=NEW_YEAR, end_date=NEW_YEAR, reason="New Year")

    hours = opening_hours(today=NEW_YEAR)

    assert not hours.today.is_open
    assert hours.today.closure == closure
    assert hours.closures == (closure,)
    assert hours.next_open.day == date(2027, 1, 4)  # the weekend is closed too; Monday opens


def test_closures_shown_are_from_today_within_the_horizon():
    make_therapist("anna", hours=WEEKDAYS)
    past = StudioClosure.objects.create(
        start_date=MONDAY - timedelta(days=10), end_date=MONDAY - timedelta(days=9)
    )
    running = StudioClosure.objects.create(
        start_date=MONDAY - timedelta(days=1), end_date=MONDAY + timedelta(days=1)
    )
    soon = StudioClosure.objects.create(
        start_date=MONDAY + timedelta(days=20), end_date=MONDAY + timedelta(days=20)
    )
    far = StudioClosure.objects.create(
        start_date=MONDAY + CLOSURE_HORIZON + timedelta(days=1),
        end_date=MONDAY + CLOSURE_HORIZON + timedelta(days=2),
    )

    hours = opening_hours(today=MONDAY)

    assert hours.closures == (running, soon)
    assert past not in hours.closures and far not in hours.closures
    assert [day.is_open for day in hours.days[:3]] == [False, False, True]


def test_the_usual_week_groups_consecutive_days_with_the_same_hours():
    ten_to_seven = (time(10), time(19))
    rows = group_week(
        {0: ten_to_seven, 1: ten_to_seven, 2: ten_to_seven, 3: (time(12), time(21)), 5: ten_to_seven}
    )

    assert [(row.first, row.last, row.opens) for row in rows] == [
        (0, 2, time(10)),
        (3, 3, time(12)),
        (4, 4, None),
        (5, 5, time(10)),
        (6, 6, None),
    ]


def test_a_studio_with_no_hours_yet_is_never_open():
    hours = opening_hours(today=MONDAY)

    assert not hours.ever_open
    assert not hours.today.is_open and hours.next_open is None


def test_opening_hours_take_two_queries_whatever_the_data(django_assert_num_queries):
    for index in range(6):
        make_therapist(f"t{index}", hours=WEEKDAYS)
    for offset in range(5):
        StudioClosure.objects.create(
            start_date=MONDAY + timedelta(days=offset * 7), end_date=MONDAY + timedelta(days=offset * 7)
        )

    with django_assert_num_queries(2):
        opening_hours(today=MONDAY)


def test_phone_uri_keeps_the_digits_and_the_plus():
    assert phone_uri("+7 495 000-00-00") == "tel:+74950000000"
    assert phone_uri("8 (495) 123 45 67") == "tel:84951234567"


# --- The pages ---------------------------------------------------------------------------------------


@pytest.fixture
def new_year(settings, monkeypatch):
    """The studio's clock on 1 January 2027, a closure day."""
    from django.utils import timezone

    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: NEW_YEAR)
    make_therapist("anna", hours=WEEKDAYS)
    StudioClosure.objects.create(start_date=NEW_YEAR, end_date=NEW_YEAR, reason="New Year")


def test_the_address_is_in_russian_on_russian_pages_and_in_english_under_en(client, russian_default):
    russian = client.get("/contact/").content.decode()
    english = client.get("/en/contact/").content.decode()
    assert "Липовый переулок, 12, 1-й этаж, Москва" in russian and "Чистые пруды" in russian
    assert "Linden" not in russian and "Chistye" not in russian
    assert "12 Linden Lane, first floor, Moscow" in english and "Chistye Prudy" in english
    assert "Липовый" not in english


def test_contact_page_shows_hours_address_metro_maps_link_and_phone(client, settings, new_year):
    settings.STUDIO_METRO_EN = "Chistye Prudy"
    settings.STUDIO_MAPS_URL = "https://yandex.ru/maps/?text=12+Linden+Lane"

    response = client.get(reverse("bookings:contact"))

    assert response.status_code == 200
    html = response.content.decode()
    assert "Closed today, 1 January (New Year)" in html
    assert "Open again on Monday from 10:00" in html
    assert "Closed on 1 January (New Year)" in html
    assert "Monday to Friday" in html and "10:00\u201319:00" in html
    assert "Chistye Prudy" in html
    assert (
        'href="https://yandex.ru/maps/?text=12+Linden+Lane" target="_blank" rel="noopener noreferrer"' in html
    )
    assert f'href="{phone_uri(settings.STUDIO_PHONE)}"' in html
    assert "<iframe" not in html and "api-maps" not in html  # no map tiles or scripts from elsewhere


def test_home_page_shows_todays_hours_and_the_footer_needs_no_fetch(client, new_year):
    html = client.get(reverse("home")).content.decode()

    assert "Closed today, 1 January" in html
    assert html.count('id="visit-us"') == 1
    assert f'href="{reverse("bookings:contact")}"' in html
    assert 'hx-get="' + reverse("bookings:hours_fragment") not in html


def test_other_pages_fetch_the_footer_hours_instead_of_querying(
    client, new_year, django_assert_max_num_queries
):
    html = client.get(reverse("bookings:prices")).content.decode()
    assert f'hx-get="{reverse("bookings:hours_fragment")}"' in html
    assert f'<a href="{reverse("bookings:contact")}">Opening hours</a>' in html  # without JavaScript

    with django_assert_max_num_queries(2):
        fragment = client.get(reverse("bookings:hours_fragment"))
    assert "Closed today, 1 January (New Year)" in fragment.content.decode()
    assert "max-age=300" in fragment["Cache-Control"]


@pytest.mark.parametrize("name", ["home", "bookings:contact"])
def test_pages_with_hours_take_a_fixed_number_of_queries(client, name, django_assert_num_queries):
    for index in range(4):
        make_therapist(f"t{index}", hours=WEEKDAYS)
        StudioClosure.objects.create(
            start_date=MONDAY + timedelta(days=index), end_date=MONDAY + timedelta(days=index)
        )

    with django_assert_num_queries(2):
        client.get(reverse(name))
