"""The client's booking flow, /book/ (see `bookings.web.flow` for the steps and how state is carried).

Thin views: read the request (a form or a signed token), call `bookings.web.flow` / `bookings.booking`,
render or redirect. Every refusal becomes a page that says what happened and offers a way on;
nothing a client can send turns into a 500, and what they typed is kept.
"""

import secrets
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from urllib.parse import urlencode

from django.contrib import messages
from django.http import HttpRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django_htmx.http import HttpResponseClientRedirect

from bookings import selectors
from bookings.booking import check_screening, confirm_booking
from bookings.errors import (
    BookingError,
    LinkInvalid,
    NotSuitable,
    PriceChanged,
    ServiceUnavailable,
    SlotUnavailable,
    StateExpired,
    StateInvalid,
)
from bookings.links import manage_link_token, open_manage_link
from bookings.models import Appointment, AppointmentStatus, BookingPolicy, Therapist
from bookings.money import format_money
from bookings.pricing import booking_prices
from bookings.web.flow import (
    Confirmation,
    ResolvedSlot,
    SlotRef,
    build_picker,
    find_service,
    is_slug,
    nearest_times,
    possible_techniques,
    read_confirmation,
    read_slot,
    resolve_slot,
    sign_confirmation,
    therapists_for,
)
from bookings.web.flow_forms import ANY, ContactForm, PickerQueryForm
from bookings.web.flow_payment import payment_choice, payment_context
from bookings.web.service_groups import service_groups_html
from intake.consents import record_consent
from intake.models import ConsentSource
from intake.session import offer_contact_details, offer_progress, proven_questionnaire

CONTACT_KEY = "bookings.web.flow.contact"
STEPS = [
    (1, gettext_lazy("Session")),
    (2, gettext_lazy("Day and time")),
    (3, gettext_lazy("Your details")),
    (4, gettext_lazy("Health questionnaire")),
    (5, gettext_lazy("Confirm")),
]


@dataclass
class Choice:
    """What the client has chosen so far, for the summary box every step shows."""

    service: object
    start: datetime | None = None
    therapist: Therapist | None = None
    any_therapist: bool = True
    price: Decimal | None = None
    price_from: Decimal | None = None


# --- Small helpers ------------------------------------------------------------------------------


def _step(request: HttpRequest, template: str, step: int, context: dict, status: int = 200):
    return render(
        request, template, {"steps": STEPS, "step": step, "step_count": len(STEPS), **context}, status=status
    )


def _with_query(name: str, **query) -> str:
    query = {key: value for key, value in query.items() if value not in (None, "")}
    return reverse(name) + (f"?{urlencode(query)}" if query else "")


def time_url(service_slug: str, therapist: str = "", day=None) -> str:
    return _with_query(
        "bookings:book_time",
        service=service_slug,
        therapist=therapist,
        day=day.isoformat() if day else None,
    )


def _slot_step_url(name: str, token: str) -> str:
    return _with_query(name, slot=token)


def _intake_url(next_url: str) -> str:
    return _with_query("intake:questionnaire", next=next_url)


def _contact(request: HttpRequest) -> dict | None:
    contact = request.session.get(CONTACT_KEY)
    if (
        isinstance(contact, dict)
        and isinstance(contact.get("name"), str)
        and isinstance(contact.get("email"), str)
    ):
        return contact
    return None


def _initial_contact(request: HttpRequest, questionnaire) -> dict:
    contact = _contact(request)
    if contact:
        return {
            "client_name": contact["name"],
            "client_email": contact["email"],
            "client_phone": contact.get("phone", ""),
        }
    if questionnaire is not None:
        return {
            "client_name": questionnaire.client_name,
            "client_email": questionnaire.client_email,
            "client_phone": questionnaire.client_phone,
        }
    return {}


def _choice_from(resolved: ResolvedSlot) -> Choice:
    return Choice(
        service=resolved.service,
        start=resolved.start,
        therapist=resolved.therapist,
        any_therapist=resolved.any_therapist,
        price=resolved.price,
    )


def _problem(request: HttpRequest, error: BookingError, *, status: int = 400):
    """A tampered, expired or unusable step: say so, and offer the way back."""
    back = reverse("bookings:book")
    if isinstance(error, StateExpired) and error.service and find_service(error.service) is not None:
        back = time_url(error.service)
    return _step(
        request,
        "bookings/book/problem.html",
        1,
        {"message": error.message, "back_url": back, "expired": isinstance(error, StateExpired)},
        status=status,
    )


def _taken(request: HttpRequest, gone: SlotUnavailable, *, next_step: str):
    """ "That time was just taken": the reason and the nearest free times (which go on to `next_step`)."""
    options = nearest_times(
        service=gone.service,
        preference=gone.preference,
        around=gone.start,
        price_for=booking_prices(gone.service),
    )
    therapist = gone.preference.slug if gone.preference else ""
    return _step(
        request,
        "bookings/book/taken.html",
        2,
        {
            "message": gone.message,
            "options": options,
            "service": gone.service,
            "preference": gone.preference,
            "wanted": gone.start,
            "next_url": reverse(next_step),
            "picker_url": time_url(gone.service.slug, therapist, gone.start.date()),
            "choice": Choice(
                service=gone.service, start=None, therapist=gone.preference, any_therapist=not gone.preference
            ),
            "contact": _contact(request),
        },
        status=409,
    )


def _not_suitable(request: HttpRequest, refusal: NotSuitable, *, service, questionnaire, back_to: str):
    """The screening rules the technique out: why, in kind words, and what is possible instead."""
    technique = service.technique
    return _step(
        request,
        "bookings/book/not_suitable.html",
        4,
        {
            "technique": technique,
            "service": service,
            "message": refusal.message,
            "reasons": refusal.reasons,
            "needs_note": refusal.outcome == "needs_clearance",
            "next_steps": questionnaire.next_steps_for(technique),
            "suggestions": possible_techniques(questionnaire, exclude=technique),
            "update_url": _intake_url(back_to),
            "choice": Choice(service=service),
        },
    )


def _screening_refusal(questionnaire, service, at) -> NotSuitable | None:
    """The screening for the session's day (R14: notes and "today" answers count on that day)."""
    if questionnaire is None:
        return None
    try:
        check_screening(questionnaire=questionnaire, technique=service.technique, at=at)
    except NotSuitable as refusal:
        return refusal
    except BookingError:
        return None  # out of date: the intake will ask again
    return None


# --- Step 1: the session ------------------------------------------------------------------------


def _session_groups(params, notices: list) -> tuple[list, object, object, list | None]:
    """The price list's groups for step 1 (for one therapist, of one technique, when asked), the
    technique, the therapist and the kept price list they come from (None for a therapist's own);
    what could not be found is said in `notices`."""
    therapist_slug = (params.get("therapist") or "").strip()[:60]
    profile = selectors.therapist_profile(therapist_slug) if is_slug(therapist_slug, longest=60) else None
    if therapist_slug and profile is None:
        notices.append(_("We could not find that therapist, so here are all our sessions."))
    source = None if profile else selectors.cached_price_list()
    groups = profile.groups if profile else source
    technique = None
    technique_slug = (params.get("technique") or "").strip()
    if technique_slug:
        matching = [group for group in groups if group.technique.slug == technique_slug]
        if matching:
            groups, technique = matching, matching[0].technique
        else:
            notices.append(
                _("That technique cannot be booked online at the moment. Here are the sessions we offer.")
            )
    return groups, technique, profile.therapist if profile else None, source


@require_safe
def choose_service(request: HttpRequest):
    """Step 1: every bookable session by technique; ?technique= narrows it, ?therapist= prices it for them.

    ?service=<slug> goes straight on to step 2.
    """
    notices = []
    if request.GET.get("service"):
        service = find_service(request.GET["service"].strip())
        if service is not None:
            return redirect(time_url(service.slug, (request.GET.get("therapist") or "").strip()[:60]))
        notices.append(
            _("We could not find that session; it may have been renamed. Please choose one below.")
        )
    groups, technique, therapist, source = _session_groups(request.GET, notices)
    html = service_groups_html(
        request, source=source, groups=groups, technique=technique, therapist=therapist
    )
    context = {"groups_html": html, "technique": technique, "therapist": therapist, "notices": notices}
    return _step(request, "bookings/book/service.html", 1, context)


# --- Step 2: day, time, therapist ------------------------------------------------------------------


def _preferred(therapists: list[Therapist], wanted: str, notices: list) -> Therapist | None:
    """The therapist asked for among those who give the session (None for anyone, or if they do not)."""
    if not wanted or wanted == ANY:
        return None
    preference = next((t for t in therapists if t.slug == wanted), None)
    if preference is None:
        notices.append(
            _("That therapist does not give this session at the moment; here are the times with anyone.")
        )
    return preference


def picker_response(request: HttpRequest, page: str, render_page):
    """The whole `page`, or just the picker for an htmx swap (progressive enhancement); varies on HX-Request.

    Shared by step 2 and the manage link's move page."""
    if request.htmx and not request.htmx.history_restore_request:
        response = render_page("bookings/book/includes/_picker.html")
    else:
        response = render_page(page)
    patch_vary_headers(response, ["HX-Request"])
    return response


@never_cache
@require_safe
def choose_time(request: HttpRequest):
    """Step 2: two weeks of days with free times, the chosen day's times, and who gives the session.

    Plain GET forms; htmx requests get only the picker back (progressive enhancement).
    """
    query = PickerQueryForm(request.GET)
    values = query.values()
    service = find_service(values["service"])
    if service is None:
        messages.warning(request, _("Please choose a session first."))
        if request.htmx:
            return HttpResponseClientRedirect(reverse("bookings:book"))
        return redirect("bookings:book")
    context = _time_context(service, values, query.notices())
    return picker_response(request, "bookings/book/time.html", lambda page: _step(request, page, 2, context))


def _time_context(service, values: dict, notices: list) -> dict:
    therapists = list(therapists_for(service))
    preference = _preferred(therapists, values["therapist"], notices)
    picker = build_picker(
        service=service,
        preference=preference,
        therapists=therapists,
        window=values["window"],
        day=values["day"],
        price_for=booking_prices(service),
        policy=BookingPolicy.current(),
    )
    choice = Choice(
        service=service,
        therapist=preference,
        any_therapist=preference is None,
        price=picker.price,
        price_from=picker.lowest_price,
    )
    return {
        "picker": picker,
        "notices": notices,
        "picker_url": reverse("bookings:book_time"),
        "slot_action": reverse("bookings:book_details"),
        "hidden": {"service": service.slug},
        "choice": choice,
        "change_service_url": _with_query("bookings:book", technique=service.technique.slug),
    }


# --- Step 3: contact details ---------------------------------------------------------------------


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def details(request: HttpRequest):
    """Step 3: name, e-mail, phone, kept in the session (not in a URL); then the questionnaire or summary."""
    posted = request.method == "POST"
    token = request.POST.get("slot") if posted else request.GET.get("slot")
    try:
        ref = read_slot(token)
    except BookingError as error:
        return _problem(request, error)
    questionnaire = proven_questionnaire(request)
    if not posted:
        form = ContactForm(initial=_initial_contact(request, questionnaire))
        return _details_page(request, ref, token, form, questionnaire)
    form = ContactForm(request.POST)
    if not form.is_valid():
        return _details_page(request, ref, token, form, questionnaire)
    request.session[CONTACT_KEY] = form.contact()
    record_consent(email=form.contact()["email"], source=ConsentSource.ONLINE)
    if questionnaire is None:
        return _to_questionnaire(request, form.contact(), token)
    return redirect(_slot_step_url("bookings:book_summary", token))


def _to_questionnaire(request: HttpRequest, contact: dict, token: str):
    """Off to the questionnaire (with the booking's progress bar and the contact details offered),
    and straight back to the summary afterwards."""
    messages.info(
        request,
        _(
            "Thank you. Before we confirm, please fill in this short health questionnaire; "
            "afterwards you come straight back to your booking."
        ),
    )
    name, email, phone = contact["name"], contact["email"], contact.get("phone", "")
    offer_contact_details(request, name=name, email=email, phone=phone)
    offer_progress(request, steps=STEPS, step=4)  # the questionnaire shows the same bar
    return redirect(_intake_url(_slot_step_url("bookings:book_summary", token)))


def _details_page(request: HttpRequest, ref: SlotRef, token: str, form, questionnaire):
    """The contact form; for a time gone meanwhile, the nearest times (or, once they typed, the form)."""
    gone = None
    try:
        resolved = resolve_slot(ref)
    except SlotUnavailable as error:
        if not form.is_bound:
            return _taken(request, error, next_step="bookings:book_details")
        resolved, gone = None, error  # keep what they typed; the summary offers other times
    except BookingError as error:
        return _problem(request, error)
    service = resolved.service if resolved else gone.service
    refusal = _screening_refusal(questionnaire, service, resolved.start if resolved else gone.start)
    if refusal is not None:
        back = _slot_step_url("bookings:book_summary", token)
        return _not_suitable(request, refusal, service=service, questionnaire=questionnaire, back_to=back)
    day = resolved.start.date() if resolved else None
    context = {
        "form": form,
        "slot_token": token,
        "resolved": resolved,
        "gone": gone,
        "choice": _choice_from(resolved) if resolved else Choice(service=service),
        "change_time_url": time_url(ref.service, ref.therapist, day),
        "questionnaire": questionnaire,
    }
    return _step(request, "bookings/book/details.html", 3, context, status=400 if form.errors else 200)


# --- Step 5: summary and confirmation -------------------------------------------------------------


def _before_summary(request: HttpRequest, ref: SlotRef, token: str):
    """Contact details and a proven questionnaire, or the redirect that collects what is missing."""
    contact = _contact(request)
    if contact is None or not contact.get("consent"):
        messages.info(request, _("Please tell us who is coming, then we can confirm."))
        return None, None, redirect(_slot_step_url("bookings:book_details", token))
    questionnaire = proven_questionnaire(request)
    if questionnaire is None:
        return None, None, _to_questionnaire(request, contact, token)
    return contact, questionnaire, None


def _render_summary(
    request, resolved: ResolvedSlot, contact, questionnaire, *, key: str, notice="", status=200
):
    confirmation = sign_confirmation(
        slot=resolved.ref, key=key, therapist=resolved.therapist.slug, price=resolved.price
    )
    token = resolved.token
    return _step(
        request,
        "bookings/book/summary.html",
        5,
        {
            "resolved": resolved,
            "contact": contact,
            "questionnaire": questionnaire,
            "confirmation": confirmation,
            "notice": notice,
            "choice": _choice_from(resolved),
            "policy": BookingPolicy.current(),
            "change_time_url": time_url(resolved.ref.service, resolved.ref.therapist, resolved.start.date()),
            "change_details_url": _slot_step_url("bookings:book_details", token),
            "update_questionnaire_url": _intake_url(_slot_step_url("bookings:book_summary", token)),
            **payment_context(request, resolved, contact),  # a course or a gift certificate
        },
        status=status,
    )


@never_cache
@require_safe
def summary(request: HttpRequest):
    """Step 5: everything in one place, with the price that will be charged; the confirm button."""
    token = request.GET.get("slot")
    try:
        ref = read_slot(token)
    except BookingError as error:
        return _problem(request, error)
    contact, questionnaire, missing = _before_summary(request, ref, token)
    if missing:
        return missing
    service = find_service(ref.service)
    if service is not None:
        refusal = _screening_refusal(questionnaire, service, ref.start)
        if refusal is not None:
            back = _slot_step_url("bookings:book_summary", token)
            return _not_suitable(request, refusal, service=service, questionnaire=questionnaire, back_to=back)
    try:
        resolved = resolve_slot(ref, service=service)
    except SlotUnavailable as gone:
        return _taken(request, gone, next_step="bookings:book_summary")
    except BookingError as error:
        return _problem(request, error)
    # A fresh key per rendering: the form it is in books once, however often it is sent.
    return _render_summary(request, resolved, contact, questionnaire, key=secrets.token_urlsafe(24))


def _price_changed(request, resolved: ResolvedSlot, confirmation: Confirmation, contact, questionnaire):
    """The summary again, with the new price, before anything is booked (same key: still one booking)."""
    values = {"therapist": resolved.therapist.name, "price": format_money(resolved.price)}
    if resolved.therapist.slug == confirmation.therapist:
        notice = _(
            "The price of this session has changed since you looked: it now costs %(price)s. "
            "Please check, and confirm if it suits you."
        )
    else:
        notice = _(
            "The price has changed since you looked: %(therapist)s gives this session at that time now, "
            "and it costs %(price)s. Please check, and confirm if it suits you."
        )
    return _render_summary(
        request, resolved, contact, questionnaire, key=confirmation.key, notice=notice % values, status=409
    )


@never_cache
@require_POST
def confirm(request: HttpRequest):
    """Book (`bookings.booking.confirm_booking`). Safe to send twice: the form's key books once."""
    try:
        confirmation = read_confirmation(request.POST.get("confirmation"))
    except BookingError as error:  # a tampered or made-up form
        return _problem(request, error)
    contact, questionnaire, missing = _before_summary(request, confirmation.slot, confirmation.slot_token)
    if missing:
        return missing
    try:
        appointment = confirm_booking(
            service=confirmation.slot.service,
            start=confirmation.slot.start,
            therapist=confirmation.slot.therapist,
            client_name=contact["name"],
            client_email=contact["email"],
            client_phone=contact.get("phone", ""),
            questionnaire=questionnaire,
            idempotency_key=confirmation.key,
            price_shown=confirmation.price,
            prepaid=payment_choice(request),
        )
    except BookingError as refusal:
        return _not_booked(request, refusal, confirmation, contact, questionnaire)
    return redirect("bookings:book_done", token=manage_link_token(appointment))


def _not_booked(request, refusal: BookingError, confirmation: Confirmation, contact, questionnaire):
    """Why confirming booked nothing, as the page that offers the way on."""
    if isinstance(refusal, StateInvalid | StateExpired | ServiceUnavailable):
        return _problem(request, refusal)  # e.g. a form already used for another booking
    if isinstance(refusal, NotSuitable):
        service = find_service(confirmation.slot.service)
        back = _slot_step_url("bookings:book_summary", confirmation.slot_token)
        return _not_suitable(request, refusal, service=service, questionnaire=questionnaire, back_to=back)
    if isinstance(refusal, SlotUnavailable):
        return _taken(request, refusal, next_step="bookings:book_summary")
    try:
        resolved = resolve_slot(confirmation.slot)  # the summary again, as things stand now
    except SlotUnavailable as gone:
        return _taken(request, gone, next_step="bookings:book_summary")
    except BookingError as error:
        return _problem(request, error)
    if isinstance(refusal, PriceChanged):
        return _price_changed(request, resolved, confirmation, contact, questionnaire)
    notice = refusal.message
    return _render_summary(
        request, resolved, contact, questionnaire, key=confirmation.key, notice=notice, status=400
    )


@never_cache
@require_safe
def done(request: HttpRequest, token: str):
    """Booked: the details, the calendar file, the link to change it, and where the e-mail went."""
    try:
        appointment = open_manage_link(
            token, queryset=Appointment.objects.select_related("service", "therapist")
        )
    except LinkInvalid:
        return render(request, "bookings/manage/not_found.html", status=404)
    if appointment.status != AppointmentStatus.BOOKED:
        return redirect("bookings:manage", token=token)
    return _step(
        request,
        "bookings/book/done.html",
        5,
        {"appointment": appointment, "token": token, "policy": BookingPolicy.current(), "completed": True},
    )
