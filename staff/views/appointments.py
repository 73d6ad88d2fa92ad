"""One appointment: its page, the client's health answers (logged), and the staff actions on it.

Every action is a POST (CSRF-checked by Django), goes through a domain function that writes the
history line, and is refused with a readable message on a cancelled session. Without htmx the
action redirects back to the page (post/redirect/get); with htmx it answers the page's main panel.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from bookings.availability import compute_slots, load_availability_data, studio_zone
from bookings.booking import cancel_appointment, mark_attendance, reschedule_appointment
from bookings.errors import BookingError
from bookings.models import Actor, Appointment, AppointmentStatus, Therapist
from bookings.rules import notice_for
from intake.access import read_answers
from intake.models import HealthAccessLog
from staff.forms import AttendanceForm, CancelForm, NoteForm, RescheduleForm, RescheduleSearchForm
from staff.history import describe
from staff.notes import add_note
from staff.permissions import staff_view
from staff.screening import screening_flags, screening_summary
from staff.session_sheet import session_plan

POST = ("POST",)


def _appointment(request, pk: int, *, for_page: bool = True) -> Appointment:
    """The appointment with what its page shows, or 404; 403 when it is not this person's to see.

    `for_page=False`: only the service and the therapist (the move page shows nothing else).
    """
    queryset = Appointment.objects.select_related("service__technique", "therapist")
    if for_page:
        queryset = queryset.select_related("room", "questionnaire")
        queryset = queryset.prefetch_related("questionnaire__clearances")
    appointment = get_object_or_404(queryset, pk=pk)
    request.staff.check_can_see(appointment)
    return appointment


def _context(request, appointment: Appointment, **extra) -> dict:
    access = request.staff
    events = list(appointment.events.select_related("user").order_by("-at", "-pk"))
    names = dict(Therapist.objects.values_list("slug", "name"))
    history = [(event, describe(event, names)) for event in events]
    is_open = appointment.status != AppointmentStatus.CANCELLED
    plan = session_plan(appointment, uid="plan") if access.can_see_screening_details(appointment) else None
    return {
        "appointment": appointment,
        "local_start": timezone.localtime(appointment.start, studio_zone()),
        "local_end": timezone.localtime(appointment.end, studio_zone()),
        "history": history,
        "flags": screening_flags(appointment),
        "summary": screening_summary(appointment, zone_names=plan.names) if plan else None,
        "plan": plan,
        "can_read_answers": access.can_read_answers(appointment),
        "is_open": is_open,
        "can_attend": is_open and access.can("record_attendance") and appointment.start <= timezone.now(),
        "can_change": appointment.status == AppointmentStatus.BOOKED and access.can("manage_bookings"),
        "can_note": is_open and access.can("add_appointment_note"),
        "note_form": extra.pop("note_form", None) or NoteForm(),
        "cancel_form": extra.pop("cancel_form", None) or CancelForm(),
        **extra,
    }


@staff_view()
def appointment_detail(request, pk):
    """/staff/appointments/<pk>/: client, service, price, screening, history and the actions."""
    appointment = _appointment(request, pk)
    return render(request, "staff/appointment.html", _context(request, appointment))


def _after_action(request, pk: int, **extra):
    if request.htmx:
        appointment = _appointment(request, pk)
        context = _context(request, appointment, inline_messages=True, **extra)
        return render(request, "staff/appointment.html#panel", context)
    return redirect("staff:appointment", pk=pk)


def _form_errors(form) -> str:
    return " ".join(str(error) for errors in form.errors.values() for error in errors)


@staff_view("record_attendance", methods=POST)
def attendance(request, pk):
    """POST: mark the session done or missed."""
    appointment = _appointment(request, pk)
    form = AttendanceForm(request.POST)
    if not form.is_valid():
        messages.error(request, _form_errors(form))
        return _after_action(request, pk)
    try:
        mark_attendance(appointment=appointment, status=form.cleaned_data["status"], user=request.user)
    except BookingError as error:
        messages.error(request, str(error))
    else:
        if form.cleaned_data["status"] == AppointmentStatus.COMPLETED:
            messages.success(request, _("Marked as done."))
        else:
            messages.success(request, _("Marked as did not come."))
    return _after_action(request, pk)


@staff_view("add_appointment_note", methods=POST)
def note(request, pk):
    """POST: add a note to the session's history."""
    appointment = _appointment(request, pk)
    form = NoteForm(request.POST)
    if not form.is_valid():
        messages.error(request, _form_errors(form))
        return _after_action(request, pk, note_form=form)
    try:
        add_note(appointment=appointment, text=form.cleaned_data["text"], user=request.user)
    except BookingError as error:
        messages.error(request, str(error))
        return _after_action(request, pk, note_form=form)
    messages.success(request, _("Note added."))
    return _after_action(request, pk)


@staff_view("manage_bookings", methods=POST)
def cancel(request, pk):
    """POST: cancel the session with a reason; the client is e-mailed."""
    appointment = _appointment(request, pk)
    form = CancelForm(request.POST)
    if not form.is_valid():
        messages.error(request, _form_errors(form))
        return _after_action(request, pk, cancel_form=form, open_cancel=True)
    try:
        cancel_appointment(
            appointment=appointment, by=Actor.STAFF, reason=form.cleaned_data["reason"], user=request.user
        )
    except BookingError as error:
        messages.error(request, str(error))
        return _after_action(request, pk)
    messages.success(request, _("Cancelled. The client has been sent an e-mail."))
    return _after_action(request, pk)


def _reschedule_slots(appointment, form) -> list:
    if not form.is_valid():
        return []
    choice = form.cleaned_data["therapist"]
    therapist = appointment.therapist if choice == "same" else None if choice == "any" else choice
    data = load_availability_data(
        service=appointment.service,
        first_day=form.cleaned_data["date"],
        last_day=form.cleaned_data["date"],
        therapist=therapist,
        exclude_appointment_id=appointment.pk,
        min_notice=notice_for(by=Actor.STAFF),
    )
    return compute_slots(data)


@staff_view("manage_bookings", methods=("GET", "HEAD", "POST"))
def reschedule(request, pk):
    """GET: free times on a day (same therapist, anyone, or another); POST: move the session there."""
    appointment = _appointment(request, pk, for_page=False)
    if appointment.status != AppointmentStatus.BOOKED:
        messages.error(request, _("Only a booked session can be moved."))
        return redirect("staff:appointment", pk=pk)
    if request.method == "POST":
        form = RescheduleForm(request.POST, service=appointment.service)
        if form.is_valid() and _moved(request, appointment, form):
            messages.success(request, _("Moved. The client has been sent an e-mail with the new time."))
            return redirect("staff:appointment", pk=pk)
        return _reschedule_page(request, appointment, form, status=400)
    data = request.GET
    if "date" not in request.GET:
        day = timezone.localtime(appointment.start, studio_zone()).date()
        data = {"date": day.isoformat(), "therapist": "same"}
    form = RescheduleSearchForm(data, service=appointment.service)
    return _reschedule_page(request, appointment, form, status=200 if form.is_valid() else 400)


def _moved(request, appointment, form: RescheduleForm) -> bool:
    """Move the session as the form says (the domain e-mails the client); else the reason on the form."""
    choice = form.cleaned_data["therapist"]
    try:
        reschedule_appointment(
            appointment=appointment,
            new_start=form.cleaned_data["start"],
            therapist=None if choice in ("same", "any") else choice,
            any_therapist=choice == "any",
            by=Actor.STAFF,
            user=request.user,
        )
    except BookingError as error:
        form.add_error(None, str(error))
        return False
    return True


def _reschedule_page(request, appointment, form, *, status: int):
    # Only what reschedule.html shows (not the appointment page's history, flags or screening);
    # htmx's refresh of the free times (the #slots partial) needs no list of therapists either.
    context = {
        "appointment": appointment,
        "form": form,
        "slots": _reschedule_slots(appointment, form),
        "chosen_therapist": form.data.get("therapist") or "same",
    }
    template = "staff/reschedule.html"
    if request.htmx and request.method == "GET":
        return render(request, template + "#slots", context, status=status)
    therapists = Therapist.objects.active().filter(services=appointment.service_id).order_by("order", "name")
    context |= {
        "local_start": timezone.localtime(appointment.start, studio_zone()),
        "therapists": list(therapists),
        "chosen_date": form.data.get("date", ""),
        "search_url": reverse("staff:reschedule", args=[appointment.pk]),
    }
    return render(request, template, context, status=status)


@staff_view()
def answers(request, pk):
    """/staff/appointments/<pk>/answers/: the client's health answers; each read is logged by intake."""
    appointment = _appointment(request, pk)
    if not request.staff.can_read_answers(appointment):
        raise PermissionDenied("May not read these answers.")
    record = read_answers(request.user, appointment.questionnaire, via=HealthAccessLog.Via.STAFF)
    template = "staff/answers.html"
    if request.htmx:
        template += "#answers"
    return render(request, template, {"appointment": appointment, "record": record})
