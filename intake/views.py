"""The questionnaire, the returning client's link, and the result page."""

import logging
from dataclasses import dataclass

from django.conf import settings
from django.http import HttpRequest
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import get_language
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from intake import session
from intake.forms import ConfirmUnchangedForm, QuestionnaireForm, ReturningClientForm
from intake.links import LinkExpired, LinkInvalid, open_result_link, open_returning_link, result_token
from intake.models import BOOKABLE, Outcome, Questionnaire
from intake.question_groups import load_questions
from intake.questionnaires import confirm_unchanged, request_returning_link, submit_questionnaire
from intake.rules import load_rules
from intake.screening import ScreeningError
from reflexology.models import Technique

logger = logging.getLogger(__name__)
HEALTH_PARTIAL = "intake/questionnaire.html#health"


def _origin(request: HttpRequest) -> str:
    return f"{request.scheme}://{request.get_host()}"


def _safe_next(request: HttpRequest, candidate: str | None) -> str:
    """A local URL to return to (the booking flow), or "" when missing or not ours."""
    candidate = (candidate or "").strip()
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return ""


def _after_questionnaire(request: HttpRequest, questionnaire: Questionnaire, next_url: str):
    session.remember(request, questionnaire)
    if next_url:
        return redirect(next_url)
    return redirect("intake:result", token=result_token(questionnaire))


def _link_problem(request: HttpRequest, error: Exception, *, next_url: str = ""):
    if isinstance(error, LinkExpired):
        form = ReturningClientForm(initial={"next": next_url})
        return render(request, "intake/link_expired.html", {"returning_form": form}, status=410)
    return render(request, "intake/link_invalid.html", status=404)


def _take_in(request: HttpRequest, form: QuestionnaireForm, *, next_url: str, replaces=None):
    """Save a complete, valid questionnaire and move on; None when the page must be shown again
    (errors, or ticks whose follow-ups the client has not seen yet)."""
    if not form.is_valid() or form.pending_follow_ups:
        return None
    try:
        saved = submit_questionnaire(
            details=form.details(),
            answers=form.answers(),
            origin=_origin(request),
            replaces=replaces,
            rules=form.rules,
        )
    except ScreeningError as error:
        form.add_error(None, error.message)
        return None
    return _after_questionnaire(request, saved, next_url)


_BLANK_HEALTH_HTML: dict[tuple[str, str], str] = {}


def _health_html(form: QuestionnaireForm) -> str:
    """The six health groups. With nothing ticked yet they are the same for every client, so that
    HTML is rendered once per process for each wording of the questions and each language; a
    bound form or an update (ticks, errors) is rendered each time."""
    if form.is_bound or form.has_ticks() or settings.DEBUG:
        return render_to_string(HEALTH_PARTIAL, {"form": form})
    key = (form.wording, get_language() or "")
    if key not in _BLANK_HEALTH_HTML:
        if len(_BLANK_HEALTH_HTML) >= 16:
            _BLANK_HEALTH_HTML.clear()
        _BLANK_HEALTH_HTML[key] = render_to_string(HEALTH_PARTIAL, {"form": form})
    return _BLANK_HEALTH_HTML[key]


def _questionnaire_page(request: HttpRequest, form: QuestionnaireForm, next_url: str, **context):
    """The questionnaire, or (without the page's script) the follow-ups of what was ticked."""
    if form.is_bound and not form.errors and form.pending_follow_ups:
        template, context["health_html"] = "intake/questionnaire_follow_ups.html", ""
    else:
        template, context["health_html"] = "intake/questionnaire.html", _health_html(form)
    progress = session.flow_progress(request) if next_url else None
    return render(request, template, {"form": form, "next": next_url, "progress": progress, **context})


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def questionnaire(request: HttpRequest):
    """The health questionnaire (GET), and taking it in (POST)."""
    if request.method == "POST":
        next_url = _safe_next(request, request.POST.get("next"))
        form = QuestionnaireForm(request.POST, rules=load_rules())
        if done := _take_in(request, form, next_url=next_url):
            return done
        proven = None
    else:
        next_url = _safe_next(request, request.GET.get("next"))
        form = QuestionnaireForm(rules=load_questions(), initial=session.offered_contact_details(request))
        proven = session.proven_questionnaire(request)
    returning_form = ReturningClientForm(initial={"next": next_url})
    return _questionnaire_page(request, form, next_url, returning_form=returning_form, proven=proven)


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def returning_request(request: HttpRequest):
    """A returning client asks for their "confirm or update" link; the answer never says if we hold one.

    GET shows the same small form on a page of its own (a bookmarked or shared address)."""
    if request.method != "POST":
        form = ReturningClientForm(initial={"next": _safe_next(request, request.GET.get("next"))})
        return render(request, "intake/returning_request.html", {"returning_form": form})
    form = ReturningClientForm(request.POST)
    if not form.is_valid():
        return render(request, "intake/returning_request.html", {"returning_form": form})
    next_url = _safe_next(request, form.cleaned_data["next"])
    request_returning_link(email=form.cleaned_data["email"], next_url=next_url, origin=_origin(request))
    sent = reverse("intake:returning_sent")
    return redirect(f"{sent}?{urlencode({'next': next_url})}" if next_url else sent)


@require_safe
def returning_sent(request: HttpRequest):
    """The same neutral page whether or not we hold a questionnaire for the address."""
    return render(
        request, "intake/returning_sent.html", {"next": _safe_next(request, request.GET.get("next"))}
    )


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def returning(request: HttpRequest, token: str):
    """Opened from the e-mailed link: confirm that nothing has changed, or go on to update.

    Opening the link is not an answer (R10): the questionnaire counts for a booking only once the
    client confirms it here (POST) or sends an update; until then this browser is not given it.
    """
    try:
        found, next_url = open_returning_link(token)
    except (LinkInvalid, LinkExpired) as error:
        return _link_problem(request, error)
    form = ConfirmUnchangedForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            confirmed = confirm_unchanged(questionnaire=found)
        except ScreeningError as error:
            form.add_error(None, error.message)
        else:
            return _after_questionnaire(request, confirmed, _safe_next(request, next_url))
    return render(request, "intake/returning.html", {"questionnaire": found, "form": form, "token": token})


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def returning_update(request: HttpRequest, token: str):
    """Opened from the e-mailed link: the questionnaire again, with last time's answers filled in."""
    try:
        previous, next_url = open_returning_link(token)
    except (LinkInvalid, LinkExpired) as error:
        return _link_problem(request, error)
    next_url = _safe_next(request, next_url)
    if request.method == "POST":
        form = QuestionnaireForm(request.POST, rules=load_rules())
        if done := _take_in(request, form, next_url=next_url, replaces=previous):
            return done
    else:
        questions = load_questions()
        form = QuestionnaireForm(initial=QuestionnaireForm.initial_from(previous, questions), rules=questions)
    return _questionnaire_page(request, form, next_url, updating=previous)


@dataclass
class ResultCard:
    """Techniques with the same outcome for the same reasons, shown together (less repetition)."""

    status: str  # "bookable", "note" or "not-now"
    techniques: list[Technique]
    reasons: list[str]
    next_steps: list[str]


def _status(outcome: Outcome) -> str:
    if outcome in BOOKABLE:
        return "bookable"
    return "note" if outcome == Outcome.NEEDS_CLEARANCE else "not-now"


def result_cards(questionnaire: Questionnaire, techniques) -> dict[str, list[ResultCard]]:
    cards: dict[tuple, ResultCard] = {}
    for technique in techniques:
        status = _status(questionnaire.effective_outcome_for(technique))
        reasons = questionnaire.reasons_for(technique)
        next_steps = questionnaire.next_steps_for(technique)
        key = (status, tuple(reasons), tuple(next_steps))
        if key not in cards:
            cards[key] = ResultCard(status=status, techniques=[], reasons=reasons, next_steps=next_steps)
        cards[key].techniques.append(technique)
    grouped: dict[str, list[ResultCard]] = {"bookable": [], "note": [], "not-now": []}
    for card in cards.values():
        grouped[card.status].append(card)
    return grouped


@never_cache
@require_safe
def result(request: HttpRequest, token: str):
    """What the client can book, what needs a doctor's note first, and what is not possible now."""
    try:
        found = open_result_link(token)
    except (LinkInvalid, LinkExpired) as error:
        return _link_problem(request, error)
    session.remember(request, found)
    techniques = Technique.objects.published().filter(
        setting__in=[Technique.Setting.STUDIO, Technique.Setting.BOTH]
    )
    cards = result_cards(found, techniques)
    return render(
        request,
        "intake/result.html",
        {
            "questionnaire": found,
            "bookable": cards["bookable"],
            "needs_note": cards["note"],
            "not_now": cards["not-now"],
            "any_technique": any(cards.values()),
            "book_url": reverse("bookings:book"),
        },
    )
