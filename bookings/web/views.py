"""Public bookings pages (prices, the team) and the availability API. Thin: parse, call, render."""

from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from bookings import selectors
from bookings.availability import load_availability_data
from bookings.forms import AvailabilityQueryForm
from bookings.models import BookingPolicy
from bookings.prepaid import course_offers
from bookings.web.slots_json import availability_json


@require_safe
def prices(request):
    """Every bookable service, grouped by technique, with its length and its prices by level."""
    context = {"techniques": selectors.price_list(), "policy": BookingPolicy.current()}
    context["courses"] = course_offers()  # courses of sessions beside the single sessions, with the saving
    return render(request, "bookings/prices.html", context)


@require_safe
def therapist_list(request):
    """The team: a card per active therapist."""
    return render(request, "bookings/therapist_list.html", {"members": selectors.team()})


@require_safe
def therapist_detail(request, slug):
    """One therapist: photo (or initials), about them, what they give at their prices, their days."""
    profile = selectors.therapist_profile(slug)
    if profile is None:
        raise Http404("No such therapist")
    return render(
        request, "bookings/therapist_detail.html", {"profile": profile, "therapist": profile.therapist}
    )


@never_cache
@require_safe
def availability_api(request):
    """GET /api/availability/?service=&from=&to=[&therapist=]: free start times as JSON (DESIGN.md)."""
    policy = BookingPolicy.current()
    form = AvailabilityQueryForm(request.GET, policy=policy)
    if not form.is_valid():
        return JsonResponse({"error": form.error_message()}, status=400)
    query = form.cleaned_data
    data = load_availability_data(
        service=query["service"],
        first_day=query["from"],
        last_day=query["to"],
        therapist=query["therapist"],
        policy=policy,
    )
    return HttpResponse(availability_json(data), content_type="application/json")
