"""Changing working hours, time off and studio closures without silently stranding sessions.

A change that leaves booked sessions outside the new availability must not pass unnoticed. Each
change is two calls:

    stranded = outside_hours(therapist=..., periods=..., now=...)       # or during_time_off(...),
                                                                         # on_closed_days(...)
    result = apply_change(save=..., find_stranded=..., seen_ids=..., decision=..., message=...,
                          change=..., user=..., therapist=...)   # therapist=None: the whole studio

The first lists the booked, not yet finished sessions the change would strand; the staff member
sees them and decides: keep them as exceptions (each gets an `EventKind.EXCEPTION` line in its
history), or cancel them with a reason and e-mail the clients (through `cancel_appointment`, so each is
audited; the caller sends the e-mails), or go back and change nothing. `apply_change` saves and
resolves in one transaction, and refuses (`ScheduleChangeError`) when the list changed since it was
shown or no decision was given for a non-empty list, so nobody approves sessions they did not see.

Concurrency: a change makes a therapist less available, as a booking does, so it takes the same
locks the same way (`bookings.booking`): at the top of its transaction it locks the therapist's row
(every active therapist's, by id, for a studio closure) before it re-lists the stranded sessions and
saves. A booking in flight then either commits first (and is listed) or waits and re-checks against
the new hours (and is refused); it never slips in unseen. On SQLite the IMMEDIATE transaction
serialises the two instead.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from bookings.availability import local_midnight, studio_zone
from bookings.booking import cancel_appointment
from bookings.errors import BookingError
from bookings.history import record_event
from bookings.locking import constraint_name, lock_therapists, locked_transaction
from bookings.models import Actor, Appointment, EventKind, Therapist, TimeOff
from bookings.waitlist_tasks import time_freed


class ScheduleChangeError(BookingError):
    """The change was not applied; `str()` says why, for the staff member."""


class Decision(models.TextChoices):
    KEEP = "keep", gettext_lazy("Keep them as exceptions (the sessions stay booked)")
    CANCEL = "cancel", gettext_lazy("Cancel them and e-mail the clients")
    BACK = "back", gettext_lazy("Go back and change nothing")


@dataclass
class ChangeResult:
    saved: object
    kept: list[Appointment] = field(default_factory=list)
    cancelled: list[Appointment] = field(default_factory=list)


def _upcoming(queryset, now: datetime):
    """Booked sessions that have not ended yet, in time order, with what the list shows."""
    return list(
        queryset.booked().filter(end__gt=now).select_related("service", "therapist").order_by("start", "pk")
    )


def outside_hours(
    *, therapist: Therapist, periods: Iterable[tuple[int, time, time]], now: datetime | None = None
) -> list[Appointment]:
    """The therapist's upcoming sessions that would not fit inside the new weekly `periods`.

    `periods` are (weekday, start, end) wall-clock rows, as the working-hours form saves them. As in
    the availability engine, the session itself must lie inside one period; its buffer may run over.
    """
    now = now or timezone.now()
    tz = studio_zone()
    by_day: dict[int, list[tuple[time, time]]] = {}
    for weekday, start, end in periods:
        by_day.setdefault(int(weekday), []).append((start, end))
    stranded = []
    for appointment in _upcoming(Appointment.objects.filter(therapist=therapist), now):
        start, end = timezone.localtime(appointment.start, tz), timezone.localtime(appointment.end, tz)
        fits = start.date() == end.date() and any(
            a <= start.time() and end.time() <= b for a, b in by_day.get(start.weekday(), ())
        )
        if not fits:
            stranded.append(appointment)
    return stranded


def during_time_off(
    *, therapist: Therapist, start: datetime, end: datetime, now: datetime | None = None
) -> list[Appointment]:
    """The therapist's upcoming sessions that overlap the time off [start, end)."""
    now = now or timezone.now()
    return _upcoming(Appointment.objects.filter(therapist=therapist, start__lt=end, end__gt=start), now)


def on_closed_days(*, first: date, last: date, now: datetime | None = None) -> list[Appointment]:
    """Everyone's upcoming sessions on the local days `first` to `last` (both included)."""
    now = now or timezone.now()
    tz = studio_zone()
    start, end = local_midnight(first, tz), local_midnight(last + timedelta(days=1), tz)
    return _upcoming(Appointment.objects.filter(start__lt=end, end__gt=start), now)


def apply_change(
    *,
    save: Callable[[], object],
    find_stranded: Callable[[], list[Appointment]],
    seen_ids: Iterable[int] | None,
    decision: str,
    message: str,
    change: str,
    user,
    therapist: Therapist | None = None,
    now: datetime | None = None,
) -> ChangeResult:
    """Save a schedule change and deal with the sessions it strands, all or nothing.

    `find_stranded` is re-run inside the transaction; `seen_ids` are the sessions the staff member
    was shown (None when they were shown none). `decision` is a `Decision`; `message` is the reason kept
    with cancelled sessions; `change` is a short description for the kept sessions' history.
    `therapist` is whose schedule changes; None means the whole studio's (a closure). Their row (every
    active therapist's for None) is locked before anything is checked, as a booking locks it.
    """
    now = now or timezone.now()
    if decision == Decision.BACK:
        raise ScheduleChangeError(_("Nothing was changed."))
    message = (message or "").strip()[:300]
    try:
        with locked_transaction():
            _lock_schedule(therapist)
            # Longer hours, shorter time off or closure may free time: the waitlist looks after commit.
            time_freed(therapist_id=therapist.pk if therapist is not None else None)
            return _check_and_save(
                save=save,
                stranded=find_stranded(),
                seen_ids=seen_ids,
                decision=decision,
                message=message,
                change=change,
                user=user,
                now=now,
            )
    except ScheduleChangeError:
        raise
    except IntegrityError as error:
        # PostgreSQL's last guard, at commit: overlapping hours that another change saved meanwhile.
        if constraint_name(error) == "working_hours_no_overlap":
            raise ScheduleChangeError(
                _("These hours overlap hours saved a moment ago. Nothing was changed; please check again.")
            ) from error
        raise
    except BookingError as error:  # e.g. a lock wait timed out: nothing was saved
        raise ScheduleChangeError(str(error)) from error


def remove_time_off(off: TimeOff) -> None:
    """Delete a period of time off (nothing is stranded by that); the waitlist is offered the time."""
    with transaction.atomic():
        off.delete()
        time_freed(therapist_id=off.therapist_id)


def remove_closure(closure) -> None:
    """Reopen the studio on a closure's days; the waitlist is offered the time."""
    with transaction.atomic():
        closure.delete()
        time_freed()


def _lock_schedule(therapist: Therapist | None) -> None:
    """Lock what the change makes less available with the booking functions' own helper.

    The same rows (one therapist, or every active one), in the same order (by id), with the same
    limit on lock waits (`locked_transaction`) as `book_appointment`, so the two queue, never deadlock.
    """
    if therapist is not None:
        ids = [therapist.pk]
    else:
        ids = list(Therapist.objects.active().order_by("pk").values_list("pk", flat=True))
    lock_therapists(therapist_ids=ids, rooms=False)


def _check_and_save(
    *, save, stranded: list[Appointment], seen_ids, decision: str, message: str, change: str, user, now
) -> ChangeResult:
    """Inside the change's transaction, under the locks: refuse, or save and resolve `stranded`."""
    if sorted(a.pk for a in stranded) != sorted(seen_ids or []):
        raise ScheduleChangeError(
            _("The sessions affected by this change have changed meanwhile. Please look at them again.")
        )
    if stranded and decision not in (Decision.KEEP, Decision.CANCEL):
        raise ScheduleChangeError(_("Please choose what to do with the sessions listed."))
    if stranded and decision == Decision.CANCEL and not message:
        raise ScheduleChangeError(_("Please give a reason for cancelling these sessions."))
    result = ChangeResult(saved=save())
    for appointment in stranded:
        if decision == Decision.CANCEL:
            result.cancelled.append(
                cancel_appointment(
                    appointment=appointment, by=Actor.STAFF, reason=message, user=user, now=now
                )
            )
        else:
            record_event(
                appointment=appointment,
                kind=EventKind.EXCEPTION,
                by=Actor.STAFF,
                user=user,
                details={"change": change[:200]},
                now=now,
            )
            result.kept.append(appointment)
    return result
