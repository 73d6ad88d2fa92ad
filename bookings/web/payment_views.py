"""POST /book/payment/: the confirm step's "Check the certificate" button (bookings.web.flow_payment).

The summary again, as the confirm form left it, with what the certificate covers, its balance
after, and what is left to pay at the studio. Nothing is booked or spent here; the code counts
towards the per-address limit on certificate codes.
"""

from django.http import HttpRequest
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from bookings.errors import BookingError, PrepaidRefused, SlotUnavailable
from bookings.web.flow import read_confirmation, resolve_slot
from bookings.web.flow_payment import CodeTriedTooOften, check_choice
from bookings.web.flow_views import _before_summary, _problem, _render_summary, _taken


@never_cache
@require_POST
def check_payment(request: HttpRequest):
    """Show what the chosen course or certificate pays, keeping the form; book nothing."""
    try:
        confirmation = read_confirmation(request.POST.get("confirmation"))
    except BookingError as error:
        return _problem(request, error)
    contact, questionnaire, missing = _before_summary(request, confirmation.slot, confirmation.slot_token)
    if missing:
        return missing
    notice, status = "", 200
    try:
        check_choice(request)
    except CodeTriedTooOften as refusal:
        notice, status = refusal.message, 400
    except PrepaidRefused:
        status = 400  # the form says why, at the field
    try:
        resolved = resolve_slot(confirmation.slot)
    except SlotUnavailable as gone:
        return _taken(request, gone, next_step="bookings:book_summary")
    except BookingError as error:
        return _problem(request, error)
    return _render_summary(
        request, resolved, contact, questionnaire, key=confirmation.key, notice=notice, status=status
    )
