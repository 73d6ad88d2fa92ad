"""The day view (the staff area's home page) and the week view."""

from django.shortcuts import render

from staff.forms import DayForm, date_bounds, today
from staff.permissions import staff_view
from staff.schedule import day_schedule, week_schedule

REFRESH_SECONDS = 300


def _day_from(request) -> tuple[object, DayForm, int]:
    form = DayForm(request.GET)
    if form.is_valid():
        return form.day(), form, 200
    return today(), form, 400


def _context(request, form, day) -> dict:
    low, high = date_bounds()
    return {
        "form": form,
        "min_date": low,
        "max_date": high,
        "today": today(),
        "refresh_seconds": REFRESH_SECONDS,
        "me": request.staff.therapist,
        "day": day,
    }


@staff_view()
def dashboard(request):
    """/staff/?date=: the day's timeline, a column per therapist (only their own for a therapist)."""
    day, form, status = _day_from(request)
    context = _context(request, form, day) | {"schedule": day_schedule(access=request.staff, day=day)}
    template = "staff/day.html"
    if request.htmx and not request.htmx.boosted:
        template += "#schedule"
    return render(request, template, context, status=status)


@staff_view()
def week(request):
    """/staff/week/?date=: Monday to Sunday, a row per therapist, the sessions of each day."""
    day, form, status = _day_from(request)
    schedule = week_schedule(access=request.staff, day=day)
    context = _context(request, form, day) | {"schedule": schedule}
    template = "staff/week.html"
    if request.htmx and not request.htmx.boosted:
        template += "#schedule"
    return render(request, template, context, status=status)
