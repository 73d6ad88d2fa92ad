"""A client's own booking, opened from the signed link in their e-mail: /appointments/<link token>/.

See it, add it to a calendar, move it (the same day-and-time picker as booking) or cancel it, within
the booking rules; after the deadline the page says so kindly, with the studio's phone number.
A tampered or unknown link is a friendly 404. Thin views over `bookings.booking`; e-mails go out
through `bookings.notifications` after the change commits.
"""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe
from django_htmx.http import HttpResponseClientRedirect

from bookings.booking import (
    BookingError,
    SlotUnavailable,
    cancel_appointment,
    change_deadline,
    client_can_change,
    reschedule_appointment,
)
from bookings.ics import Method, appointment_calendar, calendar_filename
from bookings.links import LinkInvalid, open_manage_link
from bookings.models import Actor, Appointment, AppointmentStatus, BookingPolicy
from bookings.notifications import notify_cancelled, notify_rescheduled
from bookings.screening_gate import settle_questionnaire_needed
from bookings.web.flow import (
    FlowError,
    SlotGone,
    StateInvalid,
    build_picker,
    local,
    nearest_times,
    price_when_moving,
    read_slot,
    resolve_slot,
    therapists_for,
)
from bookings.web.flow_forms import ANY, CancelForm, PickerQueryForm
from intake.session import proven_questionnaire


class _NotFound(Exception):
    pass


def _open(token: str) -> Appointment:
    try:
        return open_manage_link(
            token, queryset=Appointment.objects.select_related("service", "service__technique", "therapist")
        )
    except LinkInvalid as error:
        raise _NotFound from error


def _not_found(request: HttpRequest):
    return render(request, "bookings/manage/not_found.html", status=404)


def _manage_url(token: str) -> str:
    return reverse("bookings:manage", kwargs={"token": token})


def _move_url(token: str) -> str:
    return reverse("bookings:manage_move", kwargs={"token": token})


def _page(
    request, template: str, appointment: Appointment, token: str, context=None, status: int = 200, policy=None
):
    policy = policy or BookingPolicy.current()
    base = {
        "appointment": appointment,
        "token": token,
        "policy": policy,
        "can_change": client_can_change(appointment, policy=policy),
        "deadline": change_deadline(appointment, policy=policy),
        "is_upcoming": appointment.status == AppointmentStatus.BOOKED and appointment.start > timezone.now(),
    }
    return render(request, template, {**base, **(context or {})}, status=status)


@never_cache
@require_safe
def manage(request: HttpRequest, token: str):
    """The booking: what, when, with whom, the price; move or cancel while the rules allow it."""
    try:
        appointment = _open(token)
    except _NotFound:
        return _not_found(request)
    if appointment.questionnaire_needed:  # back from the questionnaire link in the confirmation
        settle_questionnaire_needed(appointment=appointment, questionnaire=proven_questionnaire(request))
    return _page(request, "bookings/manage/detail.html", appointment, token)


@require_safe
def calendar(request: HttpRequest, token: str):
    """The booking as an .ics file (cancelled bookings as a CANCEL, so calendars remove them)."""
    try:
        appointment = _open(token)
    except _NotFound:
        return _not_found(request)
    method = Method.CANCEL if appointment.status == AppointmentStatus.CANCELLED else Method.PUBLISH
    response = HttpResponse(
        appointment_calendar(appointment, method), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{calendar_filename(appointment)}"'
    response["Cache-Control"] = "private, no-store"
    return response


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def cancel(request: HttpRequest, token: str):
    """Ask "are you sure?" (GET), then cancel (POST). Sending it twice cancels once."""
    try:
        appointment = _open(token)
    except _NotFound:
        return _not_found(request)
    if appointment.status == AppointmentStatus.CANCELLED:
        messages.info(request, _("This session is cancelled."))
        return redirect(_manage_url(token))
    form = CancelForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            cancelled = cancel_appointment(
                appointment=appointment, by=Actor.CLIENT, reason=form.cleaned_data["reason"]
            )
        except BookingError as refusal:
            if Appointment.objects.filter(pk=appointment.pk, status=AppointmentStatus.CANCELLED).exists():
                messages.info(request, _("This session is cancelled."))
                return redirect(_manage_url(token))
            form.add_error(None, refusal.message)
        else:
            notify_cancelled(cancelled)
            messages.success(
                request, _("Your session is cancelled. We have sent you an e-mail to confirm it.")
            )
            return redirect(_manage_url(token))
    return _page(
        request,
        "bookings/manage/cancel.html",
        appointment,
        token,
        {"form": form},
        status=400 if form.errors else 200,
    )


def _preference(appointment: Appointment, therapists, wanted: str):
    """Who the client wants for the new time: as asked, else whoever they had chosen, else anyone."""
    if wanted == ANY:
        return None
    if wanted:
        return next((t for t in therapists if t.slug == wanted), None)
    if appointment.therapist_chosen:
        return next((t for t in therapists if t.pk == appointment.therapist_id), None)
    return None


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def move(request: HttpRequest, token: str):
    """Move the session: the picker (GET), "move it to ...?" (GET ?slot=), and the move itself (POST)."""
    try:
        appointment = _open(token)
    except _NotFound:
        return _not_found(request)
    policy = BookingPolicy.current()
    if not client_can_change(appointment, policy=policy):
        if request.htmx:
            return HttpResponseClientRedirect(_manage_url(token))
        return redirect(_manage_url(token))
    slot_token = request.POST.get("slot") if request.method == "POST" else request.GET.get("slot")
    if slot_token is not None:
        return _move_to(request, appointment, token, slot_token, policy)

    query = PickerQueryForm(request.GET)
    values = query.values()
    therapists = list(therapists_for(appointment.service))
    preference = _preference(appointment, therapists, values["therapist"])
    picker = build_picker(
        service=appointment.service,
        preference=preference,
        therapists=therapists,
        # Open on the session's own day: the nearest times to it are the likeliest new ones.
        window=values["window"] or (None if values["day"] else local(appointment.start).date()),
        day=values["day"] or local(appointment.start).date(),
        price_for=price_when_moving(appointment),
        appointment=appointment,
        policy=policy,
    )
    context = {
        "picker": picker,
        "notices": query.notices(),
        "picker_url": _move_url(token),
        "slot_action": _move_url(token),
        "hidden": {},
        "moving": True,
    }
    if request.htmx and not request.htmx.history_restore_request:
        template = "bookings/book/includes/_picker.html"
    else:
        template = "bookings/manage/move.html"
    response = _page(request, template, appointment, token, context, policy=policy)
    patch_vary_headers(response, ["HX-Request"])
    return response


def _move_to(request: HttpRequest, appointment: Appointment, token: str, slot_token: str, policy):
    try:
        ref = read_slot(slot_token)
        if ref.service != appointment.service.slug:
            raise StateInvalid(_("That time is for a different session. Please choose a new time below."))
        resolved = resolve_slot(ref, appointment=appointment, policy=policy)
    except SlotGone as gone:
        return _taken(request, appointment, token, gone)
    except FlowError as error:
        return _page(
            request,
            "bookings/manage/problem.html",
            appointment,
            token,
            {"message": error.message},
            status=400,
        )
    if request.method != "POST":
        return _page(
            request,
            "bookings/manage/move_confirm.html",
            appointment,
            token,
            {"resolved": resolved},
            policy=policy,
        )
    try:
        moved = reschedule_appointment(
            appointment=appointment,
            new_start=resolved.start,
            therapist=resolved.preference,
            any_therapist=resolved.preference is None,
            by=Actor.CLIENT,
        )
    except SlotUnavailable as refusal:
        gone = SlotGone(
            refusal.message, service=resolved.service, preference=resolved.preference, start=resolved.start
        )
        return _taken(request, appointment, token, gone)
    except BookingError as refusal:
        current = Appointment.objects.get(pk=appointment.pk)
        if current.start == resolved.start and current.status == AppointmentStatus.BOOKED:
            messages.info(request, _("Your session is at the new time."))  # the form was sent twice
        else:
            messages.error(request, refusal.message)
        return redirect(_manage_url(token))
    notify_rescheduled(moved)
    messages.success(request, _("Your session has moved. We have sent you an e-mail with the new time."))
    return redirect(_manage_url(token))


def _taken(request, appointment: Appointment, token: str, gone: SlotGone):
    options = nearest_times(
        service=appointment.service,
        preference=gone.preference,
        around=gone.start,
        price_for=price_when_moving(appointment),
        appointment=appointment,
    )
    return _page(
        request,
        "bookings/manage/taken.html",
        appointment,
        token,
        {"message": gone.message, "options": options, "next_url": _move_url(token), "wanted": gone.start},
        status=409,
    )
