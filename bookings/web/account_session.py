"""Who is signed in to the client account: their normalised e-mail in the Django session, for a while.

    sign_in(request, email)          after a sign-in link was used: new session key, the e-mail, an end time
    signed_in_email(request) -> str | None
    sign_out(request)
    account_required(view)           view(request, email); anyone else goes to the sign-in page

The account ends ACCOUNT_SESSION_SECONDS after signing in (checked on every request, whatever the
cookie says) and, like every session here, when the browser closes. Signing in also proves the
client's current questionnaire to the booking flow (as its signed link would), so "book the same
again" does not ask for it twice; signing out forgets it.
"""

import time
from functools import wraps

from django.conf import settings
from django.shortcuts import redirect

from bookings.accounts import client_questionnaire, normalise_email
from intake.session import forget, remember

ACCOUNT_KEY = "bookings.account"


def sign_in(request, email: str) -> None:
    request.session.cycle_key()  # a new session id: whoever knew the old one is not signed in
    request.session[ACCOUNT_KEY] = {
        "email": normalise_email(email),
        "until": time.time() + settings.ACCOUNT_SESSION_SECONDS,
    }
    questionnaire = client_questionnaire(email)
    if questionnaire is not None and questionnaire.is_valid():
        remember(request, questionnaire)


def signed_in_email(request) -> str | None:
    account = request.session.get(ACCOUNT_KEY)
    if not isinstance(account, dict) or not isinstance(account.get("email"), str):
        return None
    if not isinstance(account.get("until"), int | float) or account["until"] <= time.time():
        request.session.pop(ACCOUNT_KEY, None)
        return None
    return account["email"]


def sign_out(request) -> None:
    if request.session.pop(ACCOUNT_KEY, None) is not None:
        forget(request)
        request.session.cycle_key()


def account_required(view):
    """`view(request, email, ...)` for the signed-in client; everyone else to the sign-in page."""

    @wraps(view)
    def signed_in(request, *args, **kwargs):
        email = signed_in_email(request)
        if email is None:
            return redirect("bookings:account_sign_in_request")
        return view(request, email, *args, **kwargs)

    return signed_in
