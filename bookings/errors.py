"""The booking domain's errors (one root, `BookingError`); `str(error)` is for the person who asked."""

from __future__ import annotations

from intake.models import Outcome


class BookingError(Exception):
    """A booking, change or cancellation was refused; `str(error)` is for the client."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message

    def __str__(self):
        return self.message


class SlotUnavailable(BookingError):
    """The time is taken, or outside what can be booked."""


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
