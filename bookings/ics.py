"""An appointment as an iCalendar file (RFC 5545), made with the `icalendar` package.

    appointment_calendar(appointment, method=Method.REQUEST) -> bytes

- UID is stable for the life of the appointment (its id and creation time at the site's host), so
  a calendar that imported the confirmation updates the same event when the session moves or is
  cancelled.
- DTSTART/DTEND are in UTC ("...Z"): every calendar shows them in its owner's zone, and nothing
  depends on the studio's zone rules being known to the client's calendar.
- SEQUENCE counts the times the session was moved (one more once it is cancelled), so each update
  supersedes the one before (RFC 5546 §2.1.4).
- METHOD: REQUEST in the booking and moving e-mails, CANCEL in the cancellation e-mail (with
  STATUS:CANCELLED), PUBLISH for the file downloaded from the booking's page.

The description carries what the client needs (service, therapist, price, the manage link, the
studio's phone); never anything from the health questionnaire.
"""

from datetime import UTC
from enum import StrEnum
from urllib.parse import urlsplit

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event, vCalAddress, vText

from bookings.links import manage_url
from bookings.models import Appointment, AppointmentStatus, EventKind
from bookings.money import format_money
from common.context_processors import localised

PRODID = "-//Sole and Calm//Bookings//EN"


class Method(StrEnum):
    REQUEST = "REQUEST"
    CANCEL = "CANCEL"
    PUBLISH = "PUBLISH"


def site_host() -> str:
    return urlsplit(settings.SITE_URL).hostname or "localhost"


def event_uid(appointment: Appointment) -> str:
    created = int(appointment.created_at.timestamp())
    return f"appointment-{appointment.pk}-{created}@{site_host()}"


def sequence(appointment: Appointment) -> int:
    """How many times the event changed: each move, and the cancellation. One query."""
    moves = appointment.events.filter(kind=EventKind.RESCHEDULED).count()
    return moves + (1 if appointment.status == AppointmentStatus.CANCELLED else 0)


def _description(appointment: Appointment) -> str:
    lines = [
        _("%(service)s with %(therapist)s.")
        % {"service": appointment.service.name, "therapist": appointment.therapist.name},
        _("Price: %(price)s.") % {"price": format_money(appointment.price, appointment.currency)},
    ]
    if appointment.status == AppointmentStatus.CANCELLED:
        lines.append(_("This session has been cancelled."))
    else:
        lines.append(_("To move or cancel your session: %(url)s") % {"url": manage_url(appointment)})
    lines.append(_("Questions? Call us on %(phone)s.") % {"phone": settings.STUDIO_PHONE})
    return "\n".join(lines)


def appointment_calendar(appointment: Appointment, method: Method = Method.REQUEST) -> bytes:
    """The appointment as a one-event VCALENDAR. Reads service and therapist (select_related them)."""
    cancelled = appointment.status == AppointmentStatus.CANCELLED
    if method == Method.CANCEL and not cancelled:
        raise ValueError("a CANCEL calendar is only for a cancelled appointment")

    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", str(method))

    event = Event()
    event.add("uid", event_uid(appointment))
    event.add("dtstamp", timezone.now().astimezone(UTC))
    event.add("dtstart", appointment.start.astimezone(UTC))
    event.add("dtend", appointment.end.astimezone(UTC))
    event.add("sequence", sequence(appointment))
    event.add(
        "summary",
        _("%(service)s at %(studio)s")
        % {"service": appointment.service.name, "studio": settings.STUDIO_NAME},
    )
    event.add("location", localised("STUDIO_ADDRESS"))
    event.add("description", _description(appointment))
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    event.add("transp", "TRANSPARENT" if cancelled else "OPAQUE")
    event.add("url", manage_url(appointment))

    organizer = vCalAddress(f"mailto:{settings.STUDIO_EMAIL}")
    organizer.params["cn"] = vText(settings.STUDIO_NAME)
    event["organizer"] = organizer
    if method != Method.PUBLISH:
        # An iTIP REQUEST / CANCEL names who it is for (RFC 5546 §3.2.2).
        attendee = vCalAddress(f"mailto:{appointment.client_email}")
        attendee.params["cn"] = vText(appointment.client_name)
        attendee.params["role"] = vText("REQ-PARTICIPANT")
        attendee.params["partstat"] = vText("ACCEPTED")
        attendee.params["rsvp"] = vText("FALSE")
        event["attendee"] = attendee

    calendar.add_component(event)
    return calendar.to_ical()


def calendar_filename(appointment: Appointment) -> str:
    local = timezone.localtime(appointment.start)
    return f"session-{local:%Y-%m-%d-%H%M}.ics"
