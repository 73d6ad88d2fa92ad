"""The gift certificate's page for whoever holds its signed link (the buyer's e-mail, the desk)."""

from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache

from bookings.availability import studio_zone
from bookings.certificate_links import open_certificate_link
from bookings.errors import LinkInvalid


def certificate_context(certificate, *, paper: str = "a5") -> dict:
    """What templates/bookings/certificate.html shows (the staff print view uses it too)."""
    today = timezone.localdate(timezone=studio_zone())
    return {
        "certificate": certificate,
        "expired": certificate.expires_on < today,
        "spent": certificate.balance <= 0,
        "paper": "a4" if paper == "a4" else "a5",
    }


@never_cache
def certificate(request, token: str):
    """/certificates/<token>/: the certificate as a gift, ready to print (A5 or A4)."""
    try:
        found = open_certificate_link(token)
    except LinkInvalid:
        return render(request, "bookings/certificate_not_found.html", status=404)
    response = render(
        request, "bookings/certificate.html", certificate_context(found, paper=request.GET.get("paper", ""))
    )
    response["X-Robots-Tag"] = "noindex"
    return response
