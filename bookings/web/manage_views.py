"""A client's own booking, opened from the signed link in their e-mail: /appointments/<link token>/.

See it, add it to a calendar, move it (the same day-and-time picker as booking) or cancel it, within
the booking rules; after the deadline the page says so kindly, with the studio's phone number.
A tampered or unknown link is a friendly 404. Thin views over `bookings.booking`, which e-mails the
client once the change commits.
"""

from functools import wraps

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe
from django_htmx.http import HttpResponseClientRedirect

from bookings.booking import cancel_appointment, reschedule_appointment
from bookings.errors import BookingError, LinkInvalid, SlotUnavailable, StateInvalid
from bookings.ics import Method, appointment_calendar, calendar_filename
from bookings.links import open_manage_link
from bookings.models import Actor, Appointment, AppointmentStatus, BookingPolicy
from bookings.pricing import move_prices
from bookings.rules import change_deadline, client_can_change
from bookings.screening_gate import settle_questionnaire_needed
from bookings.web.flow import (
    build_picker,
    local,
    nearest_times,
    read_slot,
    resolve_slot,
    therapists_for,
)
from bookings.web.flow_forms import ANY, CancelForm, PickerQueryForm
from bookings.web.flow_views import picker_response
from intake.session import proven_questionnaire


def _by_link(view):
    """Open the link's appointment for `view(request, appointment, token)`; a bad link is a friendly 404."""

    @wraps(view)
    def opened(request: HttpRequest, token: str):
        try:
            appointment = open_manage_link(
                token,
                queryset=Appointment.objects.select_related("service", "service__technique", "therapist"),
            )
        except LinkInvalid:
            return render(request, "bookings/manage/not_found.html", status=404)
        return view(request, appointment, token)

    return opened


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
@_by_link
def manage(request: HttpRequest, appointment: Appointment, token: str):
    """The booking: what, when, with whom, the price; move or cancel while the rules allow it."""
    if appointment.questionnaire_needed:  # back from the questionnaire link in the confirmation
        settle_questionnaire_needed(appointment=appointment, questionnaire=proven_questionnaire(request))
    return _page(request, "bookings/manage/detail.html", appointment, token)


@require_safe
@_by_link
def calendar(request: HttpRequest, appointment: Appointment, token: str):
    """The booking as an .ics file (cancelled bookings as a CANCEL, so calendars remove them)."""
    method = Method.CANCEL if appointment.status == AppointmentStatus.CANCELLED else Method.PUBLISH
    response = HttpResponse(
        appointment_calendar(appointment, method), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{calendar_filename(appointment)}"'
    response["Cache-Control"] = "private, no-store"
    return response


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
@_by_link
def cancel(request: HttpRequest, appointment: Appointment, token: str):
    """Ask "are you sure?" (GET), then cancel (POST; the client is e-mailed). Sent twice, cancels once."""
    if appointment.status == AppointmentStatus.CANCELLED:
        messages.info(request, _("This session is cancelled."))
        return redirect(_manage_url(token))
    form = CancelForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            cancel_appointment(appointment=appointment, by=Actor.CLIENT, reason=form.cleaned_data["reason"])
        except BookingError as refusal:
            if Appointment.objects.filter(pk=appointment.pk, status=AppointmentStatus.CANCELLED).exists():
                messages.info(request, _("This session is cancelled."))
                return redirect(_manage_url(token))
            form.add_error(None, refusal.message)
        else:
            messages.success(
                request, _("Your session is cancelled. We have sent you an e-mail to confirm it.")
            )
            return redirect(_manage_url(token))
    status = 400 if form.errors else 200
    return _page(request, "bookings/manage/cancel.html", appointment, token, {"form": form}, status=status)


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
@_by_link
def move(request: HttpRequest, appointment: Appointment, token: str):
    """Move the session: the picker (GET), "move it to ...?" (GET ?slot=), and the move itself (POST)."""
    policy = BookingPolicy.current()
    if not client_can_change(appointment, policy=policy):
        if request.htmx:
            return HttpResponseClientRedirect(_manage_url(token))
        return redirect(_manage_url(token))
    slot_token = request.POST.get("slot") if request.method == "POST" else request.GET.get("slot")
    if slot_token is None:
        return _move_picker(request, appointment, token, policy)
    try:
        ref = read_slot(slot_token)
        if ref.service != appointment.service.slug:
            raise StateInvalid(_("That time is for a different session. Please choose a new time below."))
        resolved = resolve_slot(ref, appointment=appointment, policy=policy)
    except SlotUnavailable as gone:
        return _taken(request, appointment, token, gone)
    except BookingError as error:
        context = {"message": error.message}
        return _page(request, "bookings/manage/problem.html", appointment, token, context, status=400)
    if request.method != "POST":
        context = {"resolved": resolved}
        return _page(request, "bookings/manage/move_confirm.html", appointment, token, context, policy=policy)
    return _move_to(request, appointment, token, resolved)


def _move_picker(request: HttpRequest, appointment: Appointment, token: str, policy):
    """The day-and-time picker for a new time, opened on the session's own day (htmx: just the picker)."""
    query = PickerQueryForm(request.GET)
    values = query.values()
    therapists = list(therapists_for(appointment.service))
    picker = build_picker(
        service=appointment.service,
        preference=_preference(appointment, therapists, values["therapist"]),
        therapists=therapists,
        # Open on the session's own day: the nearest times to it are the likeliest new ones.
        window=values["window"] or (None if values["day"] else local(appointment.start).date()),
        day=values["day"] or local(appointment.start).date(),
        price_for=move_prices(appointment),
        appointment=appointment,
        policy=policy,
    )
    context = {"picker": picker, "notices": query.notices(), "hidden": {}, "moving": True}
    context["picker_url"] = context["slot_action"] = _move_url(token)
    return picker_response(
        request,
        "bookings/manage/move.html",
        lambda page: _page(request, page, appointment, token, context, policy=policy),
    )


def _move_to(request: HttpRequest, appointment: Appointment, token: str, resolved):
    """POST: move the session (the client is e-mailed); a form sent twice moves it once."""
    try:
        reschedule_appointment(
            appointment=appointment,
            new_start=resolved.start,
            therapist=resolved.preference,
            any_therapist=resolved.preference is None,
            by=Actor.CLIENT,
        )
    except SlotUnavailable as refusal:
        asked = {"service": resolved.service, "preference": resolved.preference, "start": resolved.start}
        return _taken(request, appointment, token, refusal.with_request(**asked))
    except BookingError as refusal:
        current = Appointment.objects.get(pk=appointment.pk)
        if current.start == resolved.start and current.status == AppointmentStatus.BOOKED:
            messages.info(request, _("Your session is at the new time."))  # the form was sent twice
        else:
            messages.error(request, refusal.message)
        return redirect(_manage_url(token))
    messages.success(request, _("Your session has moved. We have sent you an e-mail with the new time."))
    return redirect(_manage_url(token))


def _taken(request, appointment: Appointment, token: str, gone: SlotUnavailable):
    options = nearest_times(
        service=appointment.service,
        preference=gone.preference,
        around=gone.start,
        price_for=move_prices(appointment),
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
