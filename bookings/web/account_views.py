"""The client's account, /account/: sign in by an e-mailed link, see and change their sessions, their
questionnaire, their details and their personal data (download it, delete it).

Thin views over `bookings.accounts` (sign-in links, what a client sees) and `bookings.personal_data`
(export, erasure). Every page but the sign-in ones needs a signed-in client (`account_required`)
and shows only what belongs to their own address: no URL here carries another client's id.
Moving and cancelling go through the manage-link pages (/appointments/<signed token>/), the same as
from the confirmation e-mail.

Queries: the overview reads the session, the client's appointments (one query, however many) and
their questionnaire (one or two) and their courses (one), whatever the number of bookings.
"""

import json

from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from bookings.accounts import (
    SignInExpired,
    SignInRefused,
    SignInUsed,
    client_appointments,
    client_courses,
    client_questionnaire,
    read_sign_in_token,
    request_sign_in,
    use_sign_in_token,
)
from bookings.errors import BookingError
from bookings.links import manage_link_token
from bookings.models import AppointmentStatus
from bookings.personal_data import erase_personal_data, export_personal_data
from bookings.web.account_forms import EraseForm, SignInRequestForm
from bookings.web.account_session import account_required, sign_in, sign_out, signed_in_email
from bookings.web.flow_views import time_url
from intake.links import returning_token


def _origin(request: HttpRequest) -> str:
    return f"{request.scheme}://{request.get_host()}"


# --- Signing in and out -----------------------------------------------------------------------------


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def sign_in_request(request: HttpRequest):
    """Ask for a sign-in link. The answer is the same whether or not we know the address."""
    if signed_in_email(request):
        return redirect("bookings:account")
    form = SignInRequestForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        request_sign_in(email=form.cleaned_data["email"], origin=_origin(request))
        return redirect("bookings:account_sign_in_sent")
    status = 400 if form.errors else 200
    return render(request, "bookings/account/sign_in_request.html", {"form": form}, status=status)


@require_safe
def sign_in_sent(request: HttpRequest):
    """ "Check your e-mail": the same words for every address."""
    return render(request, "bookings/account/sign_in_sent.html")


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def sign_in_with_link(request: HttpRequest, token: str):
    """GET: a button to sign in (mail scanners that open links must not use them up); POST: sign in."""
    try:
        if request.method != "POST":
            read_sign_in_token(token)
            return render(request, "bookings/account/sign_in_confirm.html", {"token": token})
        email = use_sign_in_token(token)
    except SignInRefused as refusal:
        status = 410 if isinstance(refusal, SignInExpired | SignInUsed) else 400
        context = {"message": refusal.message, "form": SignInRequestForm()}
        return render(request, "bookings/account/sign_in_problem.html", context, status=status)
    sign_in(request, email)
    return redirect("bookings:account")


@require_POST
def sign_out_view(request: HttpRequest):
    """Sign out (POST only, so that no link or prefetch can do it)."""
    sign_out(request)
    return render(request, "bookings/account/signed_out.html")


# --- The account ------------------------------------------------------------------------------------


def _sessions(email: str) -> tuple[list, list]:
    now = timezone.now()
    upcoming, past = [], []
    for appointment in client_appointments(email):
        if appointment.status == AppointmentStatus.BOOKED and appointment.start > now:
            upcoming.append({"appointment": appointment, "token": manage_link_token(appointment)})
        else:
            again = ""
            if appointment.service.active and appointment.service.technique.published:
                chosen = appointment.therapist.slug if appointment.therapist_chosen else ""
                again = time_url(appointment.service.slug, chosen)
            past.append({"appointment": appointment, "again_url": again})
    upcoming.reverse()  # soonest first
    return upcoming, past


def _details(email: str, sessions: list, questionnaire) -> dict:
    """Name and phone as last given: the newest booking, else the questionnaire."""
    latest = max((row["appointment"] for row in sessions), key=lambda a: a.created_at, default=None)
    source = latest or questionnaire
    return {
        "email": email,
        "name": getattr(source, "client_name", ""),
        "phone": getattr(source, "client_phone", ""),
    }


@never_cache
@require_safe
@account_required
def overview(request: HttpRequest, email: str):
    """The account: sessions to come (move, cancel), past ones (book again), questionnaire, details."""
    upcoming, past = _sessions(email)
    questionnaire = client_questionnaire(email)
    valid = questionnaire is not None and questionnaire.is_valid()
    context = {
        "upcoming": upcoming,
        "past": past,
        "questionnaire": questionnaire,
        "questionnaire_valid": valid,
        "update_token": returning_token(questionnaire, next_url=request.path) if valid else "",
        "details": _details(email, upcoming + past, questionnaire),
        "courses": client_courses(email),
    }
    return render(request, "bookings/account/overview.html", context)


# --- Personal data ----------------------------------------------------------------------------------


@never_cache
@require_safe
@account_required
def data(request: HttpRequest, email: str):
    """What we keep and why, with "download my data" and "delete my data"."""
    return render(request, "bookings/account/data.html", {"email": email})


@never_cache
@require_safe
@account_required
def export(request: HttpRequest, email: str):
    """Everything stored about the client, as a JSON file."""
    content = json.dumps(
        export_personal_data(email=email), cls=DjangoJSONEncoder, ensure_ascii=False, indent=2
    )
    response = HttpResponse(content, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="my-data-sole-and-calm.json"'
    response["Cache-Control"] = "private, no-store"
    return response


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
@account_required
def delete(request: HttpRequest, email: str):
    """ "Are you sure?" (GET), then delete or anonymise everything (POST) and sign out."""
    form = EraseForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        try:
            erase_personal_data(email=email)
        except BookingError as refusal:
            form.add_error(None, refusal.message)
        else:
            sign_out(request)
            request.session.flush()  # whatever else this browser kept (the booking flow's details)
            return render(request, "bookings/account/deleted.html")
    status = 400 if form.errors else 200
    return render(request, "bookings/account/delete.html", {"form": form, "email": email}, status=status)
