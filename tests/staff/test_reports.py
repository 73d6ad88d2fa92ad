"""Reports: the figures (Decimal money, utilisation from real working time), the chart, a safe CSV."""

import csv
import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bookings.models import Appointment, AppointmentStatus, StudioClosure
from staff.reports import Figures, bar_chart, build_report, csv_rows, csv_safe
from tests.bookings.factories import MONDAY, at, make_appointment, make_therapist, make_time_off
from tests.utils import assert_csp_clean

pytestmark = pytest.mark.django_db

REPORTS = reverse("staff:reports")
CSV = reverse("staff:reports_csv")
DAY = timedelta(days=1)


@pytest.fixture
def week(studio):
    """Monday's week: done, missed, cancelled and foreign-currency sessions, time off and a closure."""
    Appointment.objects.filter(pk=studio.appointment.pk).update(status=AppointmentStatus.COMPLETED)
    Appointment.objects.filter(pk=studio.boris_appointment.pk).update(status=AppointmentStatus.NO_SHOW)
    tuesday = make_appointment(service=studio.service, therapist=studio.anna, start=at(MONDAY + DAY, "10:00"))
    Appointment.objects.filter(pk=tuesday.pk).update(
        status=AppointmentStatus.COMPLETED, price=Decimal("3000.50")
    )
    cancelled = make_appointment(
        service=studio.service, therapist=studio.anna, start=at(MONDAY + DAY, "15:00")
    )
    Appointment.objects.filter(pk=cancelled.pk).update(status=AppointmentStatus.CANCELLED)
    euros = make_appointment(
        service=studio.service, therapist=studio.boris, start=at(MONDAY + 3 * DAY, "10:00")
    )
    Appointment.objects.filter(pk=euros.pk).update(
        status=AppointmentStatus.COMPLETED, currency="EUR", price=Decimal("60")
    )
    make_time_off(studio.boris, at(MONDAY + 2 * DAY, "00:00"), at(MONDAY + 3 * DAY, "00:00"), "Course")
    StudioClosure.objects.create(start_date=MONDAY + 6 * DAY, end_date=MONDAY + 6 * DAY)
    return studio


def test_the_figures_of_a_week(week):
    report = build_report(first_week=MONDAY, last_week=MONDAY + 3 * DAY)

    (only,) = report.weeks
    total = only.figures
    assert (total.bookings, total.completed, total.no_shows, total.cancelled) == (4, 3, 1, 1)
    assert total.revenue == Decimal("5500.50")
    assert isinstance(total.revenue, Decimal)
    assert total.other_currency == 1
    assert total.no_show_rate == Decimal("25.0")
    anna, boris = report.therapists
    # Anna: 9 hours a day, six days (Sunday closed); two hours booked.
    assert (anna.figures.working_minutes, anna.figures.booked_minutes) == (6 * 540, 120)
    assert anna.figures.utilisation == Decimal("3.7")
    # Boris: also away all Wednesday.
    assert (boris.figures.working_minutes, boris.figures.booked_minutes) == (5 * 540, 120)
    assert boris.figures.utilisation == Decimal("4.4")
    assert total.utilisation == Decimal("4.0")


def test_weeks_without_sessions_are_there_with_zeros(week):
    report = build_report(first_week=MONDAY - 14 * DAY, last_week=MONDAY + 7 * DAY)

    assert [w.monday for w in report.weeks] == [MONDAY - 14 * DAY, MONDAY - 7 * DAY, MONDAY, MONDAY + 7 * DAY]
    assert [w.figures.bookings for w in report.weeks] == [0, 0, 4, 0]
    assert report.weeks[0].figures.no_show_rate is None
    assert report.total.bookings == 4


def test_an_inactive_therapist_with_sessions_still_counts_but_adds_no_working_time(week):
    week.boris.active = False
    week.boris.save()

    report = build_report(first_week=MONDAY, last_week=MONDAY)

    boris = report.therapists[1]
    assert boris.therapist == week.boris
    assert boris.figures.bookings == 2
    assert boris.figures.working_minutes == 0 and boris.figures.utilisation is None


def test_the_range_is_limited():
    with pytest.raises(ValueError):
        build_report(first_week=MONDAY, last_week=MONDAY - 7 * DAY)
    with pytest.raises(ValueError):
        build_report(first_week=MONDAY, last_week=MONDAY + 54 * 7 * DAY)


def test_the_chart_draws_one_bar_per_week_scaled_to_the_largest(week):
    report = build_report(first_week=MONDAY - 7 * DAY, last_week=MONDAY)

    chart = bar_chart(report, metric="revenue")

    assert chart.bars[0].height == 0
    assert chart.bars[1].height > 0
    assert chart.bars[1].y + chart.bars[1].height == chart.baseline
    assert chart.ticks[-1].label == "₽10,000"  # a round top above 5 500.50
    assert "Revenue per week" in chart.title
    assert "1 Mar: ₽5,500.50" in chart.description
    percent = bar_chart(report, metric="utilisation")
    assert percent.ticks[-1].label == "100%"
    long = bar_chart(build_report(first_week=MONDAY - 52 * 7 * DAY, last_week=MONDAY), metric="bookings")
    assert len(long.bars) == 53
    assert sum(bar.show_label for bar in long.bars) <= 13


def test_the_report_page_has_an_accessible_chart_and_the_numbers(client, week):
    client.force_login(week.user("manager"))

    response = client.get(REPORTS, {"start": MONDAY.isoformat(), "end": (MONDAY + 6 * DAY).isoformat()})

    assert response.status_code == 200
    assert_csp_clean(response)
    html = response.content.decode()
    assert '<svg class="report-chart"' in html and 'role="img"' in html
    assert '<title id="chart-title">' in html and '<desc id="chart-desc">' in html
    assert "₽5,500.50" in html
    assert "25.0%" in html  # the no-show rate
    assert "Anna Example" in html and "Boris Example" in html
    assert f"{CSV}?start=" in html


@pytest.mark.parametrize("metric", ["bookings", "revenue", "utilisation", "no_show_rate"])
def test_each_metric_can_be_charted(client, week, metric):
    client.force_login(week.user("manager"))

    response = client.get(REPORTS, {"weeks": "8", "metric": metric})

    assert response.status_code == 200
    assert 'aria-current="true">' in response.content.decode()


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"start": "2027-03-08", "end": "2027-03-01"}, "The end date cannot be before the start date."),
        ({"start": "2025-03-01", "end": "2027-03-01"}, "A report covers at most 53 weeks."),
        ({"start": "9999-01-01", "end": "9999-02-01"}, "Please choose a date between"),
        ({"start": "yesterday", "end": "2027-03-01"}, "Enter a date like"),
        ({"start": "2027-03-01"}, "Give both dates"),
        ({"weeks": "1000"}, "Select a valid choice"),
        ({"metric": "profit"}, "Select a valid choice"),
    ],
)
def test_a_bad_range_gets_a_message_and_the_last_four_weeks(client, week, params, message):
    client.force_login(week.user("manager"))

    page = client.get(REPORTS, params)
    export = client.get(CSV, params)

    assert page.status_code == 400
    assert message in page.content.decode()
    assert "<svg" in page.content.decode()
    assert export.status_code == 400
    assert message in export.content.decode()


# --- CSV -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ('=HYPERLINK("http://evil")', '\'=HYPERLINK("http://evil")'),
        ("+7 900", "'+7 900"),
        ("-1+1", "'-1+1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tTab", "'\tTab"),
        ("Anna", "Anna"),
        (12, "12"),
        (None, ""),
    ],
)
def test_csv_cells_never_start_a_formula(value, expected):
    assert csv_safe(value) == expected


def test_the_csv_export_has_a_line_per_week_and_therapist_and_is_safe(client, week):
    make_therapist("formula", name="=cmd|'/C calc'!A0")
    client.force_login(week.user("manager"))

    response = client.get(CSV, {"start": MONDAY.isoformat(), "end": MONDAY.isoformat()})

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"] == 'attachment; filename="studio-report-2027-03-01-2027-03-07.csv"'
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:4] == ["week_start", "week_end", "therapist", "bookings"]
    by_name = {row[2]: row for row in rows[1:]}
    assert by_name["Anna Example"][3:9] == ["2", "2", "0", "1", "5500.50", "RUB"]
    assert by_name["All therapists"][3] == "4"
    assert by_name["All therapists"][12] == "25.0"
    assert "'=cmd|'/C calc'!A0" in by_name
    for row in rows:
        for cell in row:
            assert cell[:1] not in {"=", "+", "-", "@"}


def test_csv_rows_for_an_empty_week():
    report = build_report(first_week=MONDAY, last_week=MONDAY)

    rows = csv_rows(report)

    assert rows[-1][2:4] == ["All therapists", "0"]
    assert rows[-1][11:] == ["", ""]  # no working time, no marked sessions: no rates


def test_figures_add_up():
    first, second = (
        Figures(bookings=1, revenue=Decimal("10.10")),
        Figures(bookings=2, revenue=Decimal("0.20")),
    )

    first.add(second)

    assert (first.bookings, first.revenue) == (3, Decimal("10.30"))


# --- Query counts -------------------------------------------------------------------------------------


@pytest.mark.parametrize(("url", "expected"), [(REPORTS, 13), (CSV, 9)])
def test_reports_run_a_fixed_number_of_queries(client, week, url, expected):
    client.force_login(week.user("manager"))
    params = {"weeks": "12"}
    with CaptureQueriesContext(connection) as small:
        assert client.get(url, params).status_code == 200

    for index in range(10):
        therapist = make_therapist(f"extra-{index}", services=[week.service])
        make_time_off(therapist, at(MONDAY + DAY, "09:00"), at(MONDAY + DAY, "12:00"))
        for day in range(5):
            make_appointment(service=week.service, therapist=therapist, start=at(MONDAY - day * DAY, "15:00"))
    with CaptureQueriesContext(connection) as large:
        client.get(url, params)

    # session, user, permissions (2), appointments, therapists, hours, time off, closures;
    # the page adds courses and certificates with their entries (4, staff/prepaid_report.py)
    assert len(small.captured_queries) == len(large.captured_queries) == expected
