"""The client's waitlist pages: join (/waitlist/), their place (/waitlist/<link>/), a held time.

    /waitlist/?service=&therapist=&day=   join: dates, times of day, therapist, contact details; the
                                          questionnaire first if this browser has no valid one
    /waitlist/<link>/                     the place: what they wait for, their turn, what they were
                                          offered; POST .../leave/ to leave
    /waitlist/hold/<link>/                a time held for them: GET shows it, POST books it

Thin views over `bookings.waitlist`; its refusals become messages on the page, with what was typed
kept. A bad link is the friendly 404 the manage link uses.
"""

from datetime import timedelta
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from bookings import waitlist
from bookings.errors import BookingError, LinkInvalid
from bookings.links import manage_link_token
from bookings.models import OfferStatus, WaitlistEntry, WaitlistStatus
from bookings.pricing import price_with
from bookings.waitlist_links import entry_path, hold_path, open_entry_link, open_hold_link
from bookings.web.flow import find_service, therapists_for
from bookings.web.flow_forms import ISO_DATE
from bookings.web.waitlist_forms import WaitlistForm
from intake.consents import record_consent
from intake.models import ConsentSource
from intake.session import proven_questionnaire

DEFAULT_DAYS = 14


def _not_found(request: HttpRequest):
    return render(request, "bookings/manage/not_found.html", status=404)


def _initial(request: HttpRequest, questionnaire, service) -> dict:
    first = max(_day(request.GET.get("day")) or timezone.localdate(), timezone.localdate())
    initial = {"first_day": first, "last_day": first + timedelta(days=DEFAULT_DAYS - 1)}
    initial["therapist"] = request.GET.get("therapist") or ""
    if questionnaire is not None:
        initial.update(client_name=questionnaire.client_name, client_email=questionnaire.client_email)
        initial["client_phone"] = questionnaire.client_phone
    return initial


def _day(value):
    """The day in the address (YYYY-MM-DD) or None: an unreadable one is simply not used."""
    try:
        return forms.DateField(input_formats=ISO_DATE, required=False).clean(value)
    except ValidationError:
        return None


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def join(request: HttpRequest):
    """Join the waitlist for a session; the questionnaire first, as for booking."""
    service = find_service(request.GET.get("service"))
    if service is None:
        messages.warning(request, _("Please choose a session first."))
        return redirect("bookings:book")
    questionnaire = proven_questionnaire(request)
    if questionnaire is None:
        messages.info(
            request, _("Before you join the waitlist, please fill in this short health questionnaire.")
        )
        return redirect(reverse("intake:questionnaire") + "?" + urlencode({"next": request.get_full_path()}))
    therapists = list(therapists_for(service))
    if request.method != "POST":
        form = WaitlistForm(initial=_initial(request, questionnaire, service), therapists=therapists)
        return _join_page(request, service, form)
    return _submit(request, service, questionnaire, WaitlistForm(request.POST, therapists=therapists))


def _submit(request, service, questionnaire, form):
    """Join with what the form holds; a refusal comes back on the form, everything typed kept."""
    if not form.is_valid():
        return _join_page(request, service, form, status=400)
    data = form.cleaned_data
    try:
        entry = waitlist.join_waitlist(
            service=service,
            therapist=form.chosen_therapist(),
            questionnaire=questionnaire,
            **{key: data[key] for key in ("first_day", "last_day", "parts", "earliest", "latest")},
            **{key: data[key] for key in ("client_name", "client_email", "client_phone")},
        )
    except BookingError as error:
        form.add_error(None, str(error))
        return _join_page(request, service, form, status=400)
    record_consent(email=entry.client_email, source=ConsentSource.ONLINE)  # 152-FZ, apart from health
    messages.success(request, _("You are on the waitlist. We have e-mailed you the link to this page."))
    return redirect(entry_path(entry))


def _join_page(request, service, form, status=200):
    time_url = reverse("bookings:book_time") + "?" + urlencode({"service": service.slug})
    context = {"service": service, "form": form, "time_url": time_url}
    return render(request, "bookings/waitlist/join.html", context, status=status)


@never_cache
@require_safe
def entry(request: HttpRequest, token: str):
    """The client's place on the waitlist, what they have been offered, and how to leave."""
    try:
        place = open_entry_link(token)
    except LinkInvalid:
        return _not_found(request)
    offers = list(place.offers.select_related("therapist").order_by("-offered_at", "-pk"))
    held = next((o for o in offers if o.status == OfferStatus.HELD and o.expires_at > timezone.now()), None)
    ahead = None
    if place.status == WaitlistStatus.WAITING:
        earlier = WaitlistEntry.objects.waiting().filter(
            service=place.service_id, created_at__lt=place.created_at
        )
        ahead = earlier.covering(place.first_day, place.last_day).count()
    context = {
        "entry": place,
        "token": token,
        "offers": offers,
        "held": held,
        "held_url": hold_path(held) if held else "",
        "ahead": ahead,
    }
    return render(request, "bookings/waitlist/entry.html", context)


@never_cache
@require_POST
def leave(request: HttpRequest, token: str):
    """Leave the waitlist (a held time goes to the next person)."""
    try:
        place = open_entry_link(token)
    except LinkInvalid:
        return _not_found(request)
    if waitlist.leave_waitlist(entry=place).status == WaitlistStatus.LEFT:
        messages.success(
            request, _("You have left the waitlist. We will not write about free times any more.")
        )
    return redirect(entry_path(place))


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def hold(request: HttpRequest, token: str):
    """A time held for the client: see it (GET), book it (POST) while the hold lasts."""
    try:
        offer = open_hold_link(token)
    except LinkInvalid:
        return _not_found(request)
    booked = offer.entry.appointment
    if offer.status == OfferStatus.BOOKED and booked is not None:
        return redirect("bookings:book_done", token=manage_link_token(booked))
    if request.method == "POST":
        try:
            appointment = waitlist.confirm_hold(offer=offer)
        except waitlist.HoldExpired as gone:
            return _hold_page(request, offer, token, problem=str(gone), expired=True, status=410)
        except BookingError as error:
            return _hold_page(request, offer, token, problem=str(error), status=400)
        return redirect("bookings:book_done", token=manage_link_token(appointment))
    expired = offer.status != OfferStatus.HELD or offer.expires_at <= timezone.now()
    problem = waitlist.expired_message(offer) if expired else ""
    return _hold_page(request, offer, token, problem=problem, expired=expired, status=410 if expired else 200)


def _hold_page(request, offer, token, *, problem="", expired=False, status=200):
    context = {
        "offer": offer,
        "entry": offer.entry,
        "token": token,
        "problem": problem,
        "expired": expired,
        "price": price_with(offer.entry.service, offer.therapist),
        "entry_url": entry_path(offer.entry),
    }
    return render(request, "bookings/waitlist/hold.html", context, status=status)
