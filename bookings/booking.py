"""Booking, moving and cancelling appointments: the only code that writes them.

    book_appointment(*, service, start, client_name, client_email, client_phone="", therapist=None,
                     questionnaire=None, source="online", idempotency_key="", user=None, now=None,
                     override_reason="") -> Appointment
    reschedule_appointment(*, appointment, new_start, therapist=None, any_therapist=False,
                           by="client", user=None, now=None) -> Appointment
    cancel_appointment(*, appointment, by="client", reason="", user=None, now=None) -> Appointment
    mark_attendance(*, appointment, status, user=None, now=None) -> Appointment   (staff: done / no-show)
    record_event(*, appointment, kind, by, user=None, details=None) -> AppointmentEvent
    change_deadline(appointment, *, policy=None) -> datetime   (clients may cancel/move until then)
    client_can_change(appointment, *, policy=None, now=None) -> bool
    check_screening(*, questionnaire, technique) -> None      (invariant 3; raises NotSuitable)

Staff bookings (`source="staff"`) follow the same rules as online ones (invariant 2: hours, time
off, window, the slot grid), with two exceptions: the front desk needs no minimum notice (a walk-in
client can be booked for the next free slot; `notice_for`), and staff may move or cancel after the
clients' cancellation deadline (`by="staff"`). A manager who needs any other exception changes the
booking rules or the hours.

A screening refusal (`NotSuitable`) can be overridden only by a staff member holding
`bookings.override_screening` (the manager role), only for a staff booking, and only with a reason:
`book_appointment(..., source="staff", user=manager, override_reason="...")`. The permission is
checked here, not only in the view; the override is written to the history as its own event
(`EventKind.OVERRIDE`: the outcome that was overridden and the reason). A reason given when nothing
was refused is ignored. An out-of-date questionnaire is never overridden (it needs updating).

Prices: `service.price_for(therapist.level)` is what a booking with that therapist costs now; for
"any therapist" show the slot's therapist's price (`Slot.therapist.level`), which is what is charged.

Every refusal is a `BookingError` whose `str()` a client can read. `SlotUnavailable` (a subclass)
means the time is taken or outside availability (past, inside the minimum notice, beyond the booking
window, outside working hours, time off, a closure, an inactive service or one the therapist does
not give); the flow shows it with the nearest free times. `NotSuitable` (also a subclass) means the
client's health screening rules the technique out, or needs a doctor's note that is not on file; it
carries `outcome` and `reasons`.

How double booking is prevented (invariant 1), pretix-style: inside one `transaction.atomic()` we
lock what the booking makes less available, all at once and always in the same order (the
candidate therapists' rows by id, then, for a service that needs a room, the active rooms by id),
then re-read availability with the same engine the client saw (`bookings.availability`), then
insert. Concurrent bookings of the same therapist or room queue on those locks, and the losers
re-check after the winner commits and get a clean `SlotUnavailable`: no deadlock (one global lock
order; moving and cancelling lock the appointment row only after that), and on PostgreSQL the
exclusion constraints are the last guard, their IntegrityError turned into `SlotUnavailable` too.
On SQLite, `select_for_update()` is a no-op and the IMMEDIATE transaction (settings) holds the
database's write lock from BEGIN, which serialises bookings just the same.

Nothing here sends mail or knows about HTTP. The functions return the saved appointment once their
transaction has committed (when called outside an outer transaction); the flow layer then enqueues
its e-mails, e.g. `transaction.on_commit(lambda: send_confirmation.enqueue(appointment.pk))`, which
also does the right thing when the caller wraps several steps in its own transaction.
"""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, OperationalError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bookings.availability import (
    choose_therapist,
    load_availability_data,
    pick_room,
    studio_zone,
)
from bookings.models import (
    Actor,
    Appointment,
    AppointmentEvent,
    AppointmentSource,
    AppointmentStatus,
    BookingPolicy,
    EventKind,
    Room,
    Service,
    Therapist,
)
from common.logging import log_event
from common.phones import INVALID as INVALID_PHONE
from common.phones import InvalidPhone, to_e164
from intake.models import BOOKABLE, Outcome

OVERLAP_CONSTRAINTS = {"appointment_no_therapist_overlap", "appointment_no_room_overlap"}


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
    """The client's screening rules the technique out for now, or needs a doctor's note first."""

    def __init__(self, message: str, *, outcome: Outcome, reasons: list[str]):
        super().__init__(message)
        self.outcome = outcome
        self.reasons = reasons


@dataclass(frozen=True)
class _ClientDetails:
    name: str
    email: str
    phone: str


# --- Public functions -------------------------------------------------------------------------


def book_appointment(
    *,
    service: Service,
    start: datetime,
    client_name: str,
    client_email: str,
    client_phone: str = "",
    therapist: Therapist | None = None,
    questionnaire=None,
    source: str = AppointmentSource.ONLINE,
    idempotency_key: str = "",
    user=None,
    now: datetime | None = None,
    override_reason: str = "",
) -> Appointment:
    """Book `service` at `start` (aware) with `therapist`, or with whoever is free (`therapist=None`).

    `idempotency_key` (e.g. a random value in the confirm form) makes a resubmitted or double-clicked
    form return the appointment the first submission created, marked `resubmitted = True` (a new
    one has `resubmitted = False`: send the confirmation for that one only). `user` is the staff
    member booking on a client's behalf (recorded in the history). `override_reason` lets a manager
    book despite a screening refusal (see the module docstring). Raises BookingError /
    SlotUnavailable / NotSuitable.
    """
    _require_aware(start)
    if source not in AppointmentSource.values:
        raise ValueError(f"unknown source {source!r}")
    now = now or timezone.now()
    client = _clean_client(client_name, client_email, client_phone)
    overridden = _screening_or_override(
        questionnaire=questionnaire,
        technique=service.technique,
        source=source,
        user=user,
        reason=override_reason,
    )
    _check_gives(therapist, service)

    with locked_transaction():
        service = (
            Service.objects.select_related("technique").prefetch_related("level_prices").get(pk=service.pk)
        )
        candidates = [therapist.pk] if therapist is not None else _performing_ids(service)
        locked = lock_therapists(therapist_ids=candidates, rooms=service.needs_room)
        # After the locks: a concurrent twin of this request has committed by now.
        earlier = earlier_booking(idempotency_key, service_slug=service.slug, start=start, email=client.email)
        if earlier is not None:
            earlier.resubmitted = True
            return earlier
        if therapist is not None:
            therapist = _fresh(locked, therapist)
        policy = BookingPolicy.current()
        day = timezone.localtime(start, studio_zone()).date()
        data = load_availability_data(
            service=service,
            first_day=day,
            last_day=day,
            therapist=therapist,
            now=now,
            policy=policy,
            min_notice=notice_for(source=source),
        )
        chosen = _choose_therapist(data, therapist=therapist, start=start)
        appointment = Appointment(
            service=service,
            therapist=chosen,
            therapist_chosen=therapist is not None,
            room_id=pick_room(data, start),
            client_name=client.name,
            client_email=client.email,
            client_phone=client.phone,
            start=start,
            end=start + service.duration,
            blocked_until=start + service.duration + service.buffer,
            price=service.price_for(chosen.level),
            currency=settings.STUDIO_CURRENCY,
            questionnaire=questionnaire,
            source=source,
            idempotency_key=idempotency_key,
            created_at=now,
        )
        appointment.resubmitted = False
        _save_guarded(appointment)
        record_event(
            appointment=appointment,
            kind=EventKind.BOOKED,
            by=Actor.CLIENT if source == AppointmentSource.ONLINE else Actor.STAFF,
            user=user,
            details={
                "start": _iso(start),
                "therapist": chosen.slug,
                "any_therapist": therapist is None,
                "price": str(appointment.price),
                "currency": appointment.currency,
                "source": source,
            },
            now=now,
        )
        if overridden is not None:
            record_event(
                appointment=appointment,
                kind=EventKind.OVERRIDE,
                by=Actor.STAFF,
                user=user,
                details={"outcome": str(overridden.outcome), "reason": override_reason.strip()[:300]},
                now=now,
            )
    return appointment


def earlier_booking(
    idempotency_key: str, *, service_slug: str, start: datetime, email: str
) -> Appointment | None:
    """The appointment an earlier submission of the same booking form made, if any.

    BookingError if the key was used for a different booking (a tampered or reused form).
    `book_appointment` returns it rather than booking twice; a caller that has to answer before
    booking (a slot already gone, a price changed) asks here first.
    """
    if not idempotency_key:
        return None
    earlier = Appointment.objects.select_related("service").filter(idempotency_key=idempotency_key).first()
    if earlier is None:
        return None
    if (earlier.service.slug, earlier.start, earlier.client_email) != (service_slug, start, email):
        raise BookingError(_("This booking form was already used. Please start again from the booking page."))
    return earlier


def price_after_move(
    appointment: Appointment, therapist: Therapist, service: Service | None = None
) -> Decimal:
    """What `appointment` costs once moved to `therapist`: the agreed price, unless the level changes.

    Reads `service.level_prices` (prefetch them when pricing many therapists).
    """
    if therapist.level == appointment.therapist.level:
        return appointment.price
    return (service or appointment.service).price_for(therapist.level)


def reschedule_appointment(
    *,
    appointment: Appointment,
    new_start: datetime,
    therapist: Therapist | None = None,
    any_therapist: bool = False,
    by: str = Actor.CLIENT,
    user=None,
    now: datetime | None = None,
) -> Appointment:
    """Move a booked appointment to `new_start` (same row, same manage token).

    The therapist stays the same unless `therapist` is given, or `any_therapist=True` lets the
    engine pick whoever is free (as for "any therapist" bookings). Clients may move a session only
    until `change_deadline()`; staff (`by="staff"`) may do it later. The copied price is kept,
    unless the session moves to a therapist of another level: then that level's current price
    applies. The reminder is cleared so that it is sent again for the new time.
    """
    _require_aware(new_start)
    _check_actor(by)
    now = now or timezone.now()
    current = Appointment.objects.select_related("service", "therapist").get(pk=appointment.pk)
    _check_gives(therapist, current.service)
    wanted = None if any_therapist else (therapist or current.therapist)

    with locked_transaction():
        service = (
            Service.objects.select_related("technique")
            .prefetch_related("level_prices")
            .get(pk=current.service_id)
        )
        candidates = [wanted.pk] if wanted is not None else _performing_ids(service)
        fresh = lock_therapists(therapist_ids=candidates, rooms=service.needs_room)
        if wanted is not None:
            wanted = _fresh(fresh, wanted)
        locked = Appointment.objects.select_for_update().select_related("therapist").get(pk=current.pk)
        policy = BookingPolicy.current()
        _check_changeable(locked, by=by, now=now, policy=policy, verb="move")
        if new_start == locked.start and (wanted is None or wanted.pk == locked.therapist_id):
            raise BookingError(_("Your session is already at that time."))
        day = timezone.localtime(new_start, studio_zone()).date()
        data = load_availability_data(
            service=service,
            first_day=day,
            last_day=day,
            therapist=wanted,
            now=now,
            policy=policy,
            exclude_appointment_id=locked.pk,
            min_notice=notice_for(by=by),
        )
        chosen = _choose_therapist(data, therapist=wanted, start=new_start)
        old_start, old_therapist = locked.start, locked.therapist
        locked.start = new_start
        locked.end = new_start + service.duration
        locked.blocked_until = locked.end + service.buffer
        locked.room_id = pick_room(data, new_start)
        locked.price = price_after_move(locked, chosen, service)
        locked.therapist = chosen
        locked.reminder_sent_at = None
        _save_guarded(locked)
        record_event(
            appointment=locked,
            kind=EventKind.RESCHEDULED,
            by=by,
            user=user,
            details={
                "from": _iso(old_start),
                "to": _iso(new_start),
                "therapist_from": old_therapist.slug,
                "therapist_to": chosen.slug,
                "price": str(locked.price),
            },
            now=now,
        )
    return locked


def cancel_appointment(
    *,
    appointment: Appointment,
    by: str = Actor.CLIENT,
    reason: str = "",
    user=None,
    now: datetime | None = None,
) -> Appointment:
    """Cancel a booked appointment, freeing its time. Clients only until `change_deadline()`."""
    _check_actor(by)
    now = now or timezone.now()
    reason = (reason or "").strip()[:300]
    with locked_transaction():
        locked = Appointment.objects.select_for_update().get(pk=appointment.pk)
        _check_changeable(locked, by=by, now=now, policy=BookingPolicy.current(), verb="cancel")
        locked.status = AppointmentStatus.CANCELLED
        locked.cancelled_at = now
        locked.cancellation_reason = reason
        locked.save(update_fields=["status", "cancelled_at", "cancellation_reason", "updated_at"])
        record_event(
            appointment=locked,
            kind=EventKind.CANCELLED,
            by=by,
            user=user,
            details={"reason": reason},
            now=now,
        )
    return locked


def mark_attendance(
    *, appointment: Appointment, status: str, user=None, now: datetime | None = None
) -> Appointment:
    """Staff record that a session took place (`completed`) or the client did not come (`no_show`).

    Only once the session has started, and not for a cancelled one; a wrong mark can be corrected
    by marking again. The time stays occupied either way.
    """
    if status not in (AppointmentStatus.COMPLETED, AppointmentStatus.NO_SHOW):
        raise ValueError(f"attendance is completed or no_show, not {status!r}")
    now = now or timezone.now()
    with locked_transaction():
        locked = Appointment.objects.select_for_update().get(pk=appointment.pk)
        if locked.status == AppointmentStatus.CANCELLED:
            raise BookingError(_("This session was cancelled."))
        if locked.start > now:
            raise BookingError(_("This session has not started yet."))
        if locked.status == status:
            return locked
        previous = locked.status
        locked.status = status
        locked.save(update_fields=["status", "updated_at"])
        kind = EventKind.COMPLETED if status == AppointmentStatus.COMPLETED else EventKind.NO_SHOW
        record_event(
            appointment=locked, kind=kind, by=Actor.STAFF, user=user, details={"previous": previous}, now=now
        )
    return locked


def record_event(
    *,
    appointment: Appointment,
    kind: str,
    by: str,
    user=None,
    details: dict | None = None,
    now: datetime | None = None,
) -> AppointmentEvent:
    """Add a line to the appointment's history. `details` must hold no health information."""
    event = AppointmentEvent.objects.create(
        appointment=appointment,
        kind=kind,
        actor=by,
        user=user if getattr(user, "is_authenticated", False) else None,
        details=details or {},
        at=now or timezone.now(),
    )
    # The structured log gets ids only (never the client's details or a free-text reason), once committed.
    fields = {"appointment": appointment.pk, "by": by, "source": appointment.source, "user": event.user_id}
    transaction.on_commit(lambda: log_event(f"appointment.{kind}", **fields))
    return event


def notice_for(*, source: str = "", by: str = "") -> timedelta | None:
    """The minimum notice for a booking or a move: none at the front desk, which books walk-in and
    phone clients for any time still to come; the booking policy's for clients online (None)."""
    if source == AppointmentSource.STAFF or by == Actor.STAFF:
        return timedelta(0)
    return None


def change_deadline(appointment: Appointment, *, policy: BookingPolicy | None = None) -> datetime:
    """Until when the client may cancel or move the appointment online."""
    policy = policy or BookingPolicy.current()
    return appointment.start - policy.cancellation_deadline


def client_can_change(
    appointment: Appointment, *, policy: BookingPolicy | None = None, now: datetime | None = None
) -> bool:
    return appointment.status == AppointmentStatus.BOOKED and (now or timezone.now()) < change_deadline(
        appointment, policy=policy
    )


def check_screening(*, questionnaire, technique) -> None:
    """Invariant 3: refuse (NotSuitable) when the stored screening rules the technique out.

    No questionnaire means nothing to check here (the flow asks for one before online bookings;
    staff may book first and collect it later). A questionnaire that is no longer valid is refused.
    """
    if questionnaire is None:
        return
    if not questionnaire.is_valid():
        raise BookingError(
            _("Your health questionnaire is out of date. Please fill it in again before booking.")
        )
    if questionnaire.effective_outcome_for(technique) in BOOKABLE:  # doctor's notes on file count (R8)
        return
    outcome = Outcome(questionnaire.outcome_for(technique))
    reasons = [str(reason) for reason in questionnaire.reasons_for(technique)]
    because = " ".join(reasons)
    if outcome == Outcome.NEEDS_CLEARANCE:
        message = _(
            "Before we can book %(technique)s for you we need a note from your doctor. %(because)s"
        ) % {"technique": technique.name, "because": because}
    else:
        message = _("%(technique)s is not possible for you at the moment. %(because)s") % {
            "technique": technique.name,
            "because": because,
        }
    raise NotSuitable(message.strip(), outcome=outcome, reasons=reasons)


# --- Helpers ----------------------------------------------------------------------------------

OVERRIDE_PERMISSION = "bookings.override_screening"


def _screening_or_override(*, questionnaire, technique, source: str, user, reason: str) -> NotSuitable | None:
    """check_screening, unless a permitted manager overrides the refusal: then the refusal, for the log."""
    try:
        check_screening(questionnaire=questionnaire, technique=technique)
    except NotSuitable as refusal:
        if not (reason or "").strip():
            raise
        allowed = (
            source == AppointmentSource.STAFF
            and getattr(user, "is_active", False)
            and user.has_perm(OVERRIDE_PERMISSION)
        )
        if not allowed:
            raise BookingError(_("Only a manager can book a session the screening has refused.")) from refusal
        return refusal
    return None


def _iso(moment: datetime) -> str:
    return timezone.localtime(moment, studio_zone()).isoformat()


def _require_aware(moment: datetime) -> None:
    if not isinstance(moment, datetime) or timezone.is_naive(moment):
        raise ValueError("booking times must be aware datetimes")


def _check_actor(by: str) -> None:
    if by not in Actor.values:
        raise ValueError(f"unknown actor {by!r}")


def _clean_client(name: str, email: str, phone: str) -> _ClientDetails:
    name, email, phone = (name or "").strip(), (email or "").strip(), (phone or "").strip()
    if not name:
        raise BookingError(_("Please tell us your name."))
    if len(name) > 150:
        raise BookingError(_("Please shorten your name to 150 characters."))
    try:
        validate_email(email)
    except ValidationError:
        raise BookingError(
            _("Please enter a valid e-mail address, so that we can send your booking.")
        ) from None
    if len(phone) > 40:
        raise BookingError(_("Please enter a shorter phone number."))
    try:
        phone = to_e164(phone)  # stored in E.164 (common/phones.py)
    except InvalidPhone:
        raise BookingError(str(INVALID_PHONE)) from None
    return _ClientDetails(name=name, email=email, phone=phone)


def _check_gives(therapist: Therapist | None, service: Service) -> None:
    """SlotUnavailable if a named therapist does not perform `service`."""
    if therapist is not None and not therapist.services.filter(pk=service.pk).exists():
        raise SlotUnavailable(
            _("%(name)s does not give %(service)s.") % {"name": therapist.name, "service": service.name}
        )


def _fresh(locked: dict[int, Therapist], therapist: Therapist) -> Therapist:
    """The locked, freshly read row of `therapist`; SlotUnavailable if it has gone meanwhile."""
    if therapist.pk not in locked:
        raise SlotUnavailable(_("%(name)s is not taking bookings at the moment.") % {"name": therapist.name})
    return locked[therapist.pk]


def _check_changeable(appointment: Appointment, *, by: str, now: datetime, policy: BookingPolicy, verb: str):
    """Refuse changes to a session that is over or cancelled, or (for clients) past the deadline."""
    if appointment.status == AppointmentStatus.CANCELLED:
        raise BookingError(_("This session has already been cancelled."))
    if appointment.status != AppointmentStatus.BOOKED:
        raise BookingError(_("This session is already over."))
    if by == Actor.CLIENT and now >= change_deadline(appointment, policy=policy):
        values = {"hours": policy.cancellation_deadline_hours, "phone": settings.STUDIO_PHONE}
        if verb == "cancel":
            message = _(
                "Sessions can be cancelled online until %(hours)s hours before they start. "
                "Please call us on %(phone)s and we will sort it out together."
            )
        else:
            message = _(
                "Sessions can be moved online until %(hours)s hours before they start. "
                "Please call us on %(phone)s and we will sort it out together."
            )
        raise BookingError(message % values)


def _performing_ids(service: Service) -> list[int]:
    return list(Therapist.objects.active().performing(service).values_list("pk", flat=True))


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


def _save_guarded(appointment: Appointment) -> None:
    """Save inside a savepoint; the database's overlap constraints become SlotUnavailable."""
    try:
        with transaction.atomic():
            appointment.save()
    except IntegrityError as error:
        if constraint_name(error) in OVERLAP_CONSTRAINTS:
            raise SlotUnavailable(_("That time was just taken.")) from error
        raise


def _choose_therapist(data, *, therapist: Therapist | None, start: datetime) -> Therapist:
    """The therapist who takes the session, re-checked under the locks; SlotUnavailable if nobody."""
    chosen, reason = choose_therapist(data, therapist=therapist, start=start)
    if chosen is None:
        raise SlotUnavailable(reason)
    return chosen
