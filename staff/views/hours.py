"""Working hours, time off and studio closures, for managers.

A change that would strand booked sessions is not saved straight away: the page lists them and
asks what to do (keep them as exceptions, cancel them, with a reason, and e-mail the clients, or go back),
carrying the typed change along in hidden fields; `staff.scheduling.apply_change` then
saves and resolves in one transaction. Cancelled clients are e-mailed after the commit.
"""

from django.contrib import messages
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from bookings.forms import WorkingHoursFormSet
from bookings.models import StudioClosure, Therapist, TimeOff, Weekday, WorkingHours
from staff.forms import ClosureForm, StrandedForm, TimeOffForm
from staff.permissions import staff_view
from staff.schedule import hours_label
from staff.scheduling import (
    Decision,
    ScheduleChangeError,
    apply_change,
    during_time_off,
    on_closed_days,
    outside_hours,
    remove_closure,
    remove_time_off,
)

EDIT = ("GET", "HEAD", "POST")
# `_change`'s answer when the manager chose "go back": show the form again as typed, save nothing.
WENT_BACK = object()
CARRIED_OVER = {"csrfmiddlewaretoken", "decision", "message", "seen"}


def _carried(post) -> list[tuple[str, str]]:
    """The submitted change, to send again from the confirmation page (as hidden fields)."""
    return [(name, value) for name, values in post.lists() if name not in CARRIED_OVER for value in values]


def _confirm(request, *, stranded, title: str, back_url: str, form=None, error: str = ""):
    """The "these sessions would be stranded" page: what to do with them."""
    form = form or StrandedForm(initial={"seen": ",".join(str(a.pk) for a in stranded)})
    context = {
        "stranded": stranded,
        "title": title,
        "form": form,
        "carried": _carried(request.POST),
        "seen": ",".join(str(a.pk) for a in stranded),
        "back_url": back_url,
        "error": error,
        "decisions": Decision,
    }
    return render(request, "staff/stranded.html", context, status=409 if error else 200)


def _change(request, *, therapist, find_stranded, save, change: str, title: str, back_url: str):
    """Shared by the three kinds of change: list the stranded sessions, or apply the decision.

    `therapist`: whose schedule changes (None: the studio's; `apply_change` locks it). Returns a response
    (the list to decide on), None once saved (the caller redirects), or WENT_BACK (show the form again).
    """
    choice = StrandedForm(request.POST)
    choice.is_valid()
    decision = choice.cleaned_data.get("decision") or ""
    if decision == Decision.BACK:
        messages.info(request, _("Nothing was changed."))
        return WENT_BACK
    if not decision and (stranded := find_stranded()):
        return _confirm(request, stranded=stranded, title=title, back_url=back_url)
    try:
        result = apply_change(
            save=save,
            find_stranded=find_stranded,
            seen_ids=choice.seen_ids() if decision else [],
            decision=decision,
            message=choice.cleaned_data.get("message", ""),
            change=change,
            user=request.user,
            therapist=therapist,
        )
    except ScheduleChangeError as error:
        return _confirm(request, stranded=find_stranded(), title=title, back_url=back_url, error=str(error))
    messages.success(request, _saved_message(result))
    return None


def _saved_message(result) -> str:
    """What the manager reads once the change is saved (the domain has e-mailed cancelled clients)."""
    if result.cancelled:
        return _("Saved. %(count)s session(s) cancelled and the clients e-mailed.") % {
            "count": len(result.cancelled)
        }
    if result.kept:
        return _("Saved. %(count)s session(s) kept as exceptions.") % {"count": len(result.kept)}
    return _("Saved.")


@staff_view("manage_hours")
def therapist_list(request):
    """/staff/therapists/: everyone's weekly hours and coming time off, with links to change them."""
    now = timezone.now()
    therapists = Therapist.objects.order_by("-active", "order", "name").prefetch_related(
        Prefetch("working_hours", queryset=WorkingHours.objects.order_by("weekday", "start")),
        Prefetch(
            "time_off", queryset=TimeOff.objects.filter(end__gt=now).order_by("start"), to_attr="coming_off"
        ),
    )
    rows = []
    for therapist in therapists:
        by_day: dict[int, list] = {}
        for period in therapist.working_hours.all():
            by_day.setdefault(period.weekday, []).append((period.start, period.end))
        days = [(Weekday(day).label, hours_label(by_day.get(day, []))) for day in Weekday.values]
        rows.append({"therapist": therapist, "days": days, "time_off": therapist.coming_off})
    closures = StudioClosure.objects.filter(end_date__gte=timezone.localdate()).order_by("start_date")
    return render(request, "staff/therapists.html", {"rows": rows, "closures": list(closures)})


@staff_view("manage_hours", methods=EDIT)
def working_hours(request, slug):
    """/staff/therapists/<slug>/hours/: the weekly hours, edited as a set (overlaps refused)."""
    therapist = get_object_or_404(Therapist, slug=slug)
    back_url = request.path
    status = 200
    if request.method == "POST":
        formset = WorkingHoursFormSet(request.POST, instance=therapist, prefix="hours")
        if formset.is_valid():
            periods = formset.periods()
            response = _change(
                request,
                therapist=therapist,
                find_stranded=lambda: outside_hours(therapist=therapist, periods=periods),
                save=formset.save,
                change=_("%(name)s's working hours changed") % {"name": therapist.name},
                title=_("New working hours for %(name)s") % {"name": therapist.name},
                back_url=back_url,
            )
            if response is None:
                return redirect("staff:working_hours", slug=slug)
            if response is not WENT_BACK:
                return response
        else:
            status = 400
    else:
        formset = WorkingHoursFormSet(
            instance=therapist, prefix="hours", queryset=WorkingHours.objects.order_by("weekday", "start")
        )
    return render(request, "staff/hours.html", {"therapist": therapist, "formset": formset}, status=status)


@staff_view("manage_hours", methods=EDIT)
def time_off(request, slug):
    """/staff/therapists/<slug>/time-off/: coming time off, and a form to add some."""
    therapist = get_object_or_404(Therapist, slug=slug)
    status = 200
    if request.method == "POST":
        form = TimeOffForm(request.POST, therapist=therapist)
        if form.is_valid():
            start, end = form.cleaned_data["start"], form.cleaned_data["end"]
            response = _change(
                request,
                therapist=therapist,
                find_stranded=lambda: during_time_off(therapist=therapist, start=start, end=end),
                save=form.save,
                change=_("%(name)s is away") % {"name": therapist.name},
                title=_("Time off for %(name)s") % {"name": therapist.name},
                back_url=request.path,
            )
            if response is None:
                return redirect("staff:time_off", slug=slug)
            if response is not WENT_BACK:
                return response
        else:
            status = 400
    else:
        form = TimeOffForm(therapist=therapist)
    coming = TimeOff.objects.filter(therapist=therapist, end__gt=timezone.now()).order_by("start")
    context = {"therapist": therapist, "form": form, "time_off": list(coming)}
    return render(request, "staff/time_off.html", context, status=status)


@staff_view("manage_hours", methods=("POST",))
def time_off_delete(request, pk):
    """POST: remove a period of time off (nothing is stranded by that)."""
    off = get_object_or_404(TimeOff.objects.select_related("therapist"), pk=pk)
    slug = off.therapist.slug
    remove_time_off(off)
    messages.success(request, _("Time off removed."))
    return redirect("staff:time_off", slug=slug)


@staff_view("manage_hours", methods=EDIT)
def closures(request):
    """/staff/closures/: days the whole studio is shut, and a form to add some."""
    status = 200
    if request.method == "POST":
        form = ClosureForm(request.POST)
        if form.is_valid():
            first, last = form.cleaned_data["start_date"], form.cleaned_data["end_date"]
            response = _change(
                request,
                therapist=None,
                find_stranded=lambda: on_closed_days(first=first, last=last),
                save=form.save,
                change=_("The studio is closed"),
                title=_("Studio closure"),
                back_url=request.path,
            )
            if response is None:
                return redirect("staff:closures")
            if response is not WENT_BACK:
                return response
        else:
            status = 400
    else:
        form = ClosureForm()
    coming = StudioClosure.objects.filter(end_date__gte=timezone.localdate()).order_by("start_date")
    return render(request, "staff/closures.html", {"form": form, "closures": list(coming)}, status=status)


@staff_view("manage_hours", methods=("POST",))
def closure_delete(request, pk):
    """POST: reopen the studio on those days."""
    remove_closure(get_object_or_404(StudioClosure, pk=pk))
    messages.success(request, _("Closure removed."))
    return redirect("staff:closures")
