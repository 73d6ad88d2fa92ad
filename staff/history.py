"""An appointment's history in words, for the appointment page and the audit trail.

    describe(event) -> str     "Moved from Mon 1 Mar 10:00 (Anna) to Tue 2 Mar 11:00 (Daria)."

The events' `details` are written by `bookings.booking` and the staff functions; this turns them
into a sentence without queries (therapists are named by their slug there; `names` maps slugs to
names when the caller has them).
"""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from bookings.availability import studio_zone
from bookings.models import AppointmentSource, EventKind
from bookings.money import format_money
from common.dates import format_day
from intake.models import Outcome


def _when(value) -> str:
    try:
        moment = datetime.fromisoformat(value)
    except (TypeError, ValueError):
        return str(value or "")
    return format_day(timezone.localtime(moment, studio_zone()), "short_weekday_day_month_time")


def describe(event, names: dict[str, str] | None = None) -> str:
    details = event.details or {}
    names = names or {}

    def who(slug):
        return names.get(slug, slug or "")

    kind = event.kind
    if kind == EventKind.BOOKED:
        source = AppointmentSource(details.get("source", AppointmentSource.ONLINE)).label
        text = _("%(source)s for %(when)s with %(therapist)s") % {
            "source": source,
            "when": _when(details.get("start")),
            "therapist": who(details.get("therapist")),
        }
        if details.get("any_therapist"):
            text += " " + _("(any therapist)")
        if details.get("price"):
            text += ", " + format_money(details["price"], details.get("currency"))
        return text + "."
    if kind == EventKind.RESCHEDULED:
        return _("Moved from %(old)s (%(old_therapist)s) to %(new)s (%(new_therapist)s).") % {
            "old": _when(details.get("from")),
            "old_therapist": who(details.get("therapist_from")),
            "new": _when(details.get("to")),
            "new_therapist": who(details.get("therapist_to")),
        }
    if kind == EventKind.CANCELLED:
        reason = details.get("reason") or ""
        return _("Cancelled: %(reason)s") % {"reason": reason} if reason else _("Cancelled.")
    if kind in (EventKind.COMPLETED, EventKind.NO_SHOW):
        return str(EventKind(kind).label) + "."
    if kind == EventKind.NOTE:
        return details.get("text", "")
    if kind == EventKind.OVERRIDE:
        try:
            outcome = Outcome(details.get("outcome")).label
        except ValueError:
            outcome = details.get("outcome", "")
        return _("Booked although the screening said “%(outcome)s”. Reason: %(reason)s") % {
            "outcome": outcome,
            "reason": details.get("reason", ""),
        }
    if kind == EventKind.EXCEPTION:
        return _("Kept as booked after a schedule change: %(change)s") % {"change": details.get("change", "")}
    return str(EventKind(kind).label) if kind in EventKind.values else kind
