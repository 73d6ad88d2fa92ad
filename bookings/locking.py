"""Locks for writing appointments, pretix-style: one lock order, taken before the re-check.

    locked_transaction()                         transaction.atomic() with a limit on lock waits
    lock_therapists(*, therapist_ids, rooms)     lock therapists (then rooms) by id; the fresh rows
    save_guarded(appointment)                    save; the overlap constraints become SlotUnavailable
    constraint_name(error) -> str                which constraint an IntegrityError broke (PostgreSQL)

Inside one `locked_transaction()` a booking, a move or a schedule change locks what it makes less
available, all at once and always in the same order (the candidate therapists' rows by id, then, for
a service that needs a room, the active rooms by id), then re-reads availability, then writes.
Concurrent writers queue on those locks, and the losers re-check after the winner commits: no
deadlock, and on PostgreSQL the exclusion constraints are the last guard. On SQLite,
`select_for_update()` is a no-op and the IMMEDIATE transaction (settings) holds the database's write
lock from BEGIN, which serialises bookings just the same.
"""

from contextlib import contextmanager

from django.conf import settings
from django.db import IntegrityError, OperationalError, connection, transaction
from django.utils.translation import gettext as _

from bookings.errors import BookingError, SlotUnavailable
from bookings.models import Appointment, Room, Therapist

OVERLAP_CONSTRAINTS = {"appointment_no_therapist_overlap", "appointment_no_room_overlap"}


def lock_therapists(*, therapist_ids: list[int], rooms: bool) -> dict[int, Therapist]:
    """The locks a booking or a schedule change needs, in one global order: therapists, then rooms, by id.

    Returns the locked therapists, freshly read.
    """
    locked = {
        t.pk: t for t in Therapist.objects.select_for_update().filter(pk__in=therapist_ids).order_by("pk")
    }
    if rooms:
        list(Room.objects.select_for_update().filter(active=True).order_by("pk").values_list("pk"))
    return locked


@contextmanager
def locked_transaction():
    """transaction.atomic() with a limit on lock waits; a lock timeout becomes a polite refusal."""
    try:
        with transaction.atomic():
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute(
                        "SELECT set_config('lock_timeout', %s, true)",
                        [f"{int(settings.BOOKINGS_LOCK_TIMEOUT_SECONDS * 1000)}ms"],
                    )
            yield
    except OperationalError as error:
        if _is_lock_timeout(error):
            raise BookingError(
                _("Many people are booking right now. Please try again in a moment.")
            ) from error
        raise


def _is_lock_timeout(error: BaseException) -> bool:
    cause = getattr(error, "__cause__", None)
    sqlstate = getattr(cause, "sqlstate", None)
    return sqlstate in {"55P03", "40P01"} or "database is locked" in str(error)


def constraint_name(error: IntegrityError) -> str:
    """The name of the constraint the database says an IntegrityError broke (PostgreSQL), else ""."""
    diag = getattr(error.__cause__, "diag", None)
    return getattr(diag, "constraint_name", None) or ""


def save_guarded(appointment: Appointment) -> None:
    """Save inside a savepoint; the database's overlap constraints become SlotUnavailable."""
    try:
        with transaction.atomic():
            appointment.save()
    except IntegrityError as error:
        if constraint_name(error) in OVERLAP_CONSTRAINTS:
            raise SlotUnavailable(_("That time was just taken.")) from error
        raise
