"""Reports (a chart, the numbers, a CSV export) and the audit trail, for managers."""

import csv
from datetime import timedelta

from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse

from bookings.availability import local_midnight, monday_of, studio_zone
from bookings.models import AppointmentEvent, Therapist
from staff.forms import AuditFilterForm, ReportRangeForm, choices_of, today
from staff.history import describe
from staff.permissions import staff_view
from staff.prepaid_report import build_prepaid_report
from staff.reports import METRICS, bar_chart, build_report, csv_rows

AUDIT_PAGE_SIZE = 50


def _range(request) -> tuple[ReportRangeForm, dict, int]:
    """The weeks asked for, or (with the form's errors shown) the last four."""
    form = ReportRangeForm(request.GET)
    if form.is_valid():
        return form, form.cleaned_data, 200
    last = monday_of(today())
    return form, {"first_week": last - timedelta(weeks=3), "last_week": last, "metric": "revenue"}, 400


@staff_view("view_reports")
def reports(request):
    """/staff/reports/: bookings, revenue, utilisation and no-shows per week and per therapist."""
    form, cleaned, status = _range(request)
    report = build_report(first_week=cleaned["first_week"], last_week=cleaned["last_week"])
    metric = cleaned.get("metric") or "revenue"
    query = request.GET.copy()
    query.pop("metric", None)
    context = {
        "form": form,
        "report": report,
        "chart": bar_chart(report, metric=metric),
        "metric": metric,
        "metrics": [(key, str(label)) for key, label in METRICS.items()],
        "query": query.urlencode(),
        "csv_url": reverse("staff:reports_csv") + ("?" + request.GET.urlencode() if request.GET else ""),
        "weeks_choice": cleaned.get("weeks"),
        "prepaid": build_prepaid_report(first_week=report.first_week, last_week=report.last_week),
    }
    return render(request, "staff/reports.html", context, status=status)


@staff_view("view_reports")
def reports_csv(request):
    """/staff/reports.csv: the same figures per week and therapist, safe to open in a spreadsheet."""
    form = ReportRangeForm(request.GET)
    if not form.is_valid():
        message = " ".join(str(error) for errors in form.errors.values() for error in errors)
        return HttpResponse(message, status=400, content_type="text/plain; charset=utf-8")
    report = build_report(
        first_week=form.cleaned_data["first_week"], last_week=form.cleaned_data["last_week"]
    )
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    filename = f"studio-report-{report.first_week:%Y-%m-%d}-{report.last_day:%Y-%m-%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    writer = csv.writer(response)
    writer.writerows(csv_rows(report))
    return response


def _filtered_events(form: AuditFilterForm):
    """The history rows the audit filter asks for (none for an invalid filter)."""
    events = AppointmentEvent.objects.select_related("appointment__therapist", "appointment__service", "user")
    if not form.is_valid():
        return events.none()
    data, tz = form.cleaned_data, studio_zone()
    if data.get("start"):
        events = events.filter(at__gte=local_midnight(data["start"], tz))
    if data.get("end"):
        events = events.filter(at__lt=local_midnight(data["end"] + timedelta(days=1), tz))
    if data.get("therapist"):
        events = events.filter(appointment__therapist=data["therapist"])
    if data.get("kind"):
        events = events.filter(kind=data["kind"])
    return events


@staff_view("view_audit_trail")
def audit(request):
    """/staff/audit/: every change to appointments (who, what, when), filtered, newest first."""
    form = AuditFilterForm(request.GET)
    events = _filtered_events(form)
    status = 200 if form.is_valid() else 400
    page = Paginator(events.order_by("-at", "-pk"), AUDIT_PAGE_SIZE).get_page(request.GET.get("page"))
    names = dict(Therapist.objects.values_list("slug", "name"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "rows": [(event, describe(event, names)) for event in page.object_list],
        "therapist_choices": choices_of(form.fields["therapist"]),
        "query": query.urlencode(),
    }
    return render(request, "staff/audit.html", context, status=status)
