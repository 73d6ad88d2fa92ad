"""The booking domain's errors: one root, `BookingError`, whose `str()` a client can read.

    BookingError             a booking, change or cancellation was refused
      SlotUnavailable        the time is taken or outside what can be booked (carries what was asked
                             for, when known, so a page can offer the nearest free times)
      ServiceUnavailable     the session cannot be booked online (any more)
      NotSuitable            the client's screening rules the technique out (`outcome`, `reasons`,
                             `absolute`)
      PriceChanged           the price is not the one the client was shown (`therapist`, `price`)
      LinkInvalid            a manage link is tampered, truncated or points at no booking
      StateInvalid           the flow's carried state was changed, cut short or made up
      StateExpired           the flow's carried state is genuine but old (`service`: its slug)
      PrepaidRefused         a course or gift certificate cannot pay for this (bookings.prepaid)

Views catch the narrowest class they can answer differently, then `BookingError` for the rest.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bookings.models import Service, Therapist
    from intake.models import Outcome


class BookingError(Exception):
    """A booking, change or cancellation was refused; `str(error)` is for the client."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message

    def __str__(self):
        return self.message


class SlotUnavailable(BookingError):
    """The time is taken, or outside what can be booked; the reason is the message.

    `service`, `preference` (the therapist asked for, None for anyone) and `start` say what was asked
    for, when the raiser knows it (`with_request` adds it on the way out).
    """

    def __init__(
        self,
        message: str,
        *,
        service: Service | None = None,
        preference: Therapist | None = None,
        start: datetime | None = None,
    ):
        super().__init__(message)
        self.service = service
        self.preference = preference
        self.start = start

    def with_request(self, *, service: Service, preference: Therapist | None, start: datetime):
        """The same refusal, saying what was asked for."""
        return SlotUnavailable(self.message, service=service, preference=preference, start=start)


class ServiceUnavailable(BookingError):
    """The service cannot be booked online (any more)."""


class NotSuitable(BookingError):
    """The client's screening rules the technique out for now, or needs a doctor's note first.

    `absolute`: the refusal comes from an absolute row (fever, a clot now, the first trimester...),
    which no doctor's note and no manager override lifts (contraindications.md R13).
    """

    def __init__(self, message: str, *, outcome: Outcome, reasons: list[str], absolute: bool = False):
        super().__init__(message)
        self.outcome = outcome
        self.reasons = reasons
        self.absolute = absolute


class PriceChanged(BookingError):
    """Booking now would cost `price` with `therapist`, not what the client was shown. Nothing was booked."""

    def __init__(self, message: str, *, therapist: Therapist, price: Decimal):
        super().__init__(message)
        self.therapist = therapist
        self.price = price


class LinkInvalid(BookingError):
    """The link is tampered, truncated, or points at no booking we hold."""


class StateInvalid(BookingError):
    """The booking flow's carried state was changed, cut short or made up."""


class StateExpired(BookingError):
    """The carried state is genuine but old. `service` is its service slug, for the way back."""

    def __init__(self, message: str, *, service: str = ""):
        super().__init__(message)
        self.service = service


class PrepaidRefused(BookingError):
    """A course or gift certificate cannot pay for this (wrong or expired code, nothing left, another
    service or client). Nothing was spent, and nothing was booked."""
