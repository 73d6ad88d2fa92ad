"""How to visit: the contact page (hours, address, directions, phone) and the footer's hours fragment.

Both read `bookings.hours.opening_hours()` (two queries) and are page-cached (settings.PAGE_CACHE_VIEWS;
the studio's date is part of the cache key, so "today" is always today).
"""

from django.shortcuts import render
from django.views.decorators.http import require_safe

from bookings.hours import opening_hours


@require_safe
def contact(request):
    """Opening hours (today, the usual week, the coming closures), the address and how to get there."""
    return render(request, "bookings/contact.html", {"opening_hours": opening_hours()})


@require_safe
def hours_fragment(request):
    """Today's hours for the layout's footer, fetched by htmx so other pages spend no query on them."""
    response = render(request, "bookings/includes/_footer_hours.html", {"opening_hours": opening_hours()})
    response["Cache-Control"] = "public, max-age=300"
    return response
