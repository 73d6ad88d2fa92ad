"""Booking, confirming, moving and cancelling appointments: the only code that writes them.

    book_appointment(*, service, start, client_name, client_email, client_phone="", therapist=None,
                     questionnaire=None, source="online", idempotency_key="", user=None, now=None,
                     override_reason="", expected_price=None, prepaid=None, notify=True) -> Appointment
    confirm_booking(*, service, start, therapist="", client_name, client_email, client_phone="",
                    questionnaire, idempotency_key, price_shown, prepaid=None, notify=True, now=None)
    reschedule_appointment(*, appointment, new_start, therapist=None, any_therapist=False,
                           by="client", user=None, now=None, notify=True) -> Appointment
    cancel_appointment(*, appointment, by="client", reason="", user=None, now=None, notify=True)
    mark_attendance(*, appointment, status, user=None, now=None) -> Appointment   (staff: done / no-show)
    earlier_booking(idempotency_key, *, service_slug, start, email) -> Appointment | None
    check_screening(*, questionnaire, technique, at=None, for_staff=False) -> None
                                                              (invariant 3; bookings/screening_gate.py)

Who may change what and when is `bookings.rules` (`notice_for`, `change_deadline`,
`client_can_change`); the locks are `bookings.locking`; the history `bookings.history`; prices
`bookings.pricing`; the errors `bookings.errors`; courses and certificates `bookings.prepaid` (spent,
given back and used inside these functions' transactions: `prepaid=PrepaidChoice(...)`).

Staff bookings (`source="staff"`) follow the same rules as online ones (invariant 2: hours, time
off, window, the slot grid), with two exceptions: the front desk needs no minimum notice (a walk-in
client can be booked for the next free slot; `notice_for`), and staff may move or cancel after the
clients' cancellation deadline (`by="staff"`). A manager who needs any other exception changes the
booking rules or the hours.

Every way in is screened here, not in the views (DESIGN.md invariant 7; the rules are
`bookings/screening_gate.py`): an online booking needs a questionnaire valid on the session's
day; at the desk the client's valid questionnaire on file is always used, and without one the
booking is marked `questionnaire_needed` (the confirmation carries the questionnaire link); a
move is screened again for its new day. A screening refusal (`NotSuitable`) can be overridden
only by a staff member holding `bookings.override_screening` (the manager role), only for a
staff booking, only with a reason, and never for an absolute reason (R13):
`book_appointment(..., source="staff", user=manager, override_reason="...")`. The override is
written to the history as its own event (`EventKind.OVERRIDE`: the outcome and the reason). A
reason given when nothing was refused is ignored. An out-of-date questionnaire is never
overridden (it needs updating).

Prices come from `bookings.pricing`: `price_with(service, therapist)` is what a booking with that
therapist costs now (for "any therapist", the slot's therapist's price, which is what is charged);
`price_after_move` keeps the agreed price unless the session moves to another level.

Every refusal is a `BookingError` (`bookings.errors`) whose `str()` a client can read.
`SlotUnavailable` means the time is taken or outside availability (past, inside the minimum notice,
beyond the booking window, outside working hours, time off, a closure, an inactive service or one
the therapist does not give); the flow shows it with the nearest free times. `NotSuitable` means the
client's health screening rules the technique out, or needs a doctor's note that is not on file; it
carries `outcome` and `reasons`. `PriceChanged` means the price is not the one the client was shown.

Double booking (invariant 1) is prevented as `bookings.locking` describes: inside one
`locked_transaction()` the candidate therapists (and rooms) are locked, then availability is re-read
with the same engine the client saw (`bookings.availability`), then the row is written.

The waitlist (`bookings.waitlist`) is told of the time a cancellation or a move frees, after commit.

E-mails: with `notify=True` (the default) each function queues its e-mail (`bookings.notifications`)
to go out once the transaction commits, as pretix's order services do, so no view decides whether the
client hears of a change; nothing goes out for a change that was rolled back. A resubmitted booking
(`resubmitted = True`) sends nothing again. Demo data passes `notify=False`. Nothing here knows HTTP.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from bookings.availability import (
    AvailabilityData,
    choose_therapist,
    load_availability_data,
    pick_room,
    studio_zone,
)
from bookings.client_details import ClientDetails, clean_client
from bookings.errors import (
    BookingError,
    NotSuitable,
    PriceChanged,
    ServiceUnavailable,
    SlotUnavailable,
    StateInvalid,
)
from bookings.history import record_event
from bookings.locking import lock_therapists, locked_transaction, save_guarded
from bookings.models import (
    Actor,
    Appointment,
    AppointmentSource,
    AppointmentStatus,
    BookingPolicy,
    EventKind,
    Service,
    Therapist,
)
from bookings.money import format_money
from bookings.notifications import notify_booked, notify_cancelled, notify_rescheduled
from bookings.prepaid import PrepaidChoice, apply_choice, settle_attendance, settle_cancellation
from bookings.pricing import price_after_move, price_with
from bookings.rules import check_changeable, notice_for
from bookings.screening_gate import OVERRIDE_PERMISSION, check_screening, gate_booking, gate_move
from bookings.waitlist_tasks import time_freed

# Re-exported: callers import the errors and the screening check from here.
__all__ = [
    "OVERRIDE_PERMISSION",
    "BookingError",
    "NotSuitable",
    "SlotUnavailable",
    "book_appointment",
    "cancel_appointment",
    "check_screening",
    "confirm_booking",
    "mark_attendance",
    "reschedule_appointment",
]


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
    expected_price: Decimal | None = None,
    prepaid: PrepaidChoice | None = None,
    notify: bool = True,
    language: str = "",
) -> Appointment:
    """Book `service` at `start` (aware) with `therapist`, or with whoever is free (`therapist=None`).
    `idempotency_key`: a resubmitted form returns the first one's appointment (only a new one is e-mailed);
    `user`: the staff member booking; `override_reason`: see above; `expected_price`: the price shown (else
    PriceChanged); `prepaid`: what pays (PrepaidRefused books nothing); `language`: see clean_client."""
    _require_aware(start), _check_source(source)
    now = now or timezone.now()
    client = clean_client(client_name, client_email, client_phone, language=language, source=source)
    gate = gate_booking(  # invariant 3 and 7, R12-R14: bookings/screening_gate.py
        technique=service.technique,
        start=start,
        client_email=client.email,
        questionnaire=questionnaire,
        source=source,
        user=user,
        reason=override_reason,
    )
    _check_gives(therapist, service)

    with locked_transaction():
        service = _priced(service.pk)
        candidates = [therapist.pk] if therapist is not None else _performing_ids(service)
        locked = lock_therapists(therapist_ids=candidates, rooms=service.needs_room)
        # After the locks: a concurrent twin of this request has committed by now.
        if earlier := _resubmitted(idempotency_key, service=service, start=start, email=client.email):
            return earlier
        if therapist is not None:
            therapist = _fresh(locked, therapist)
        data = _day(service, start, therapist=therapist, now=now, min_notice=notice_for(source=source))
        chosen = _choose_therapist(data, therapist=therapist, start=start)
        _check_price(price_with(service, chosen), expected_price, therapist=chosen)
        appointment = _new_appointment(service, start, client, chosen=chosen, data=data)
        appointment.therapist_chosen = therapist is not None
        appointment.questionnaire = gate.questionnaire
        appointment.questionnaire_needed = gate.questionnaire_needed
        appointment.source, appointment.idempotency_key, appointment.created_at = source, idempotency_key, now
        save_guarded(appointment)
        _record_booking(appointment, user=user, now=now, overridden=gate.overridden, reason=override_reason)
        apply_choice(appointment=appointment, choice=prepaid, by=_actor(source), user=user, now=now)
    if notify:
        notify_booked(appointment)
    return appointment


def confirm_booking(
    *,
    service: str,
    start: datetime,
    therapist: str = "",
    client_name: str,
    client_email: str,
    client_phone: str = "",
    questionnaire,
    idempotency_key: str,
    price_shown: Decimal,
    prepaid: PrepaidChoice | None = None,
    notify: bool = True,
    now: datetime | None = None,
) -> Appointment:
    """The client's "Confirm" on the booking summary: book what they were shown, at that price, once.

    `service` and `therapist` are slugs ("" for any therapist), as the summary carried them. A second
    submission of the same form returns the first booking (`resubmitted = True`); a form used for a
    different booking is a BookingError. Otherwise one of: ServiceUnavailable, NotSuitable,
    SlotUnavailable (saying what was asked for, so the nearest times can be offered), PriceChanged
    (booking now would cost something else: nothing is booked), BookingError.
    """
    earlier = earlier_booking(idempotency_key, service_slug=service, start=start, email=client_email)
    if earlier is not None:
        earlier.resubmitted = True
        return earlier
    bookable = Service.objects.bookable().select_related("technique").filter(slug=service).first()
    if bookable is None:
        raise ServiceUnavailable(_("That session is not available for booking online any more."))
    asked = {"service": bookable, "preference": None, "start": timezone.localtime(start, studio_zone())}
    if therapist:
        asked["preference"] = Therapist.objects.active().performing(bookable).filter(slug=therapist).first()
        if asked["preference"] is None:
            message = _("That therapist is not taking bookings for this session at the moment.")
            raise SlotUnavailable(message, **asked)
    try:
        return book_appointment(
            service=bookable,
            start=start,
            client_name=client_name,
            client_email=client_email,
            client_phone=client_phone,
            therapist=asked["preference"],
            questionnaire=questionnaire,
            idempotency_key=idempotency_key,
            expected_price=price_shown,
            prepaid=prepaid,
            notify=notify,
            now=now,
        )
    except SlotUnavailable as refusal:
        raise refusal.with_request(**asked) from refusal


def earlier_booking(
    idempotency_key: str, *, service_slug: str, start: datetime, email: str
) -> Appointment | None:
    """The appointment an earlier submission of the same booking form made, if any.

    StateInvalid (a BookingError) if the key was used for a different booking (a tampered or reused form).
    `book_appointment` returns it rather than booking twice; a caller that has to answer before
    booking (a slot already gone, a price changed) asks here first.
    """
    if not idempotency_key:
        return None
    earlier = Appointment.objects.select_related("service").filter(idempotency_key=idempotency_key).first()
    if earlier is None:
        return None
    if (earlier.service.slug, earlier.start, earlier.client_email) != (service_slug, start, email):
        raise StateInvalid(_("This booking form was already used. Please start again from the booking page."))
    return earlier


def reschedule_appointment(
    *,
    appointment: Appointment,
    new_start: datetime,
    therapist: Therapist | None = None,
    any_therapist: bool = False,
    by: str = Actor.CLIENT,
    user=None,
    now: datetime | None = None,
    notify: bool = True,
) -> Appointment:
    """Move a booked appointment to `new_start` (same row, same manage token); e-mail the client.

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
        service = _priced(current.service_id)
        candidates = [wanted.pk] if wanted is not None else _performing_ids(service)
        fresh = lock_therapists(therapist_ids=candidates, rooms=service.needs_room)
        if wanted is not None:
            wanted = _fresh(fresh, wanted)
        locked = Appointment.objects.select_for_update().select_related("therapist").get(pk=current.pk)
        policy = BookingPolicy.current()
        check_changeable(locked, by=by, now=now, policy=policy, verb="move")
        if new_start == locked.start and (wanted is None or wanted.pk == locked.therapist_id):
            raise BookingError(_("Your session is already at that time."))
        data = _day(
            service,
            new_start,
            therapist=wanted,
            now=now,
            min_notice=notice_for(by=by),
            policy=policy,
            exclude_appointment_id=locked.pk,
        )
        chosen = _choose_therapist(data, therapist=wanted, start=new_start)
        gate_move(appointment=locked, new_start=new_start, by=by)  # R14: re-screened for the new day
        freed = Appointment(therapist_id=locked.therapist_id, start=locked.start)
        _move(locked, service, new_start, chosen=chosen, data=data, by=by, user=user, now=now)
        _free_for_waitlist(freed)  # the old time, after commit
    if notify:
        notify_rescheduled(locked)
    return locked


def cancel_appointment(
    *,
    appointment: Appointment,
    by: str = Actor.CLIENT,
    reason: str = "",
    user=None,
    now: datetime | None = None,
    notify: bool = True,
) -> Appointment:
    """Cancel a booked appointment, freeing its time, and e-mail the client.

    Clients may cancel only until `change_deadline()`; staff (`by="staff"`) later too.
    """
    _check_actor(by)
    now = now or timezone.now()
    reason = (reason or "").strip()[:300]
    with locked_transaction():
        locked = Appointment.objects.select_for_update().get(pk=appointment.pk)
        policy = BookingPolicy.current()
        check_changeable(locked, by=by, now=now, policy=policy, verb="cancel")
        settle_cancellation(appointment=locked, by=by, user=user, now=now, policy=policy)
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
        _free_for_waitlist(locked)
    if notify:
        notify_cancelled(locked)
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
        settle_attendance(appointment=locked, user=user, now=now)
        locked.status = status
        locked.save(update_fields=["status", "updated_at"])
        kind = EventKind.COMPLETED if status == AppointmentStatus.COMPLETED else EventKind.NO_SHOW
        record_event(
            appointment=locked, kind=kind, by=Actor.STAFF, user=user, details={"previous": previous}, now=now
        )
    return locked


# --- Helpers ----------------------------------------------------------------------------------


def _free_for_waitlist(appointment: Appointment) -> None:
    """The waitlist is offered the appointment's time once this transaction commits (bookings.waitlist)."""
    day = timezone.localtime(appointment.start, studio_zone()).date()
    time_freed(therapist_id=appointment.therapist_id, day=day)


def _iso(moment: datetime) -> str:
    return timezone.localtime(moment, studio_zone()).isoformat()


def _require_aware(moment: datetime) -> None:
    if not isinstance(moment, datetime) or timezone.is_naive(moment):
        raise ValueError("booking times must be aware datetimes")


def _check_source(source: str) -> None:
    if source not in AppointmentSource.values:
        raise ValueError(f"unknown source {source!r}")


def _actor(source: str) -> str:
    return Actor.CLIENT if source == AppointmentSource.ONLINE else Actor.STAFF


def _check_actor(by: str) -> None:
    if by not in Actor.values:
        raise ValueError(f"unknown actor {by!r}")


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


def _priced(service_id: int) -> Service:
    """The service, freshly read with its technique and its prices by level."""
    return Service.objects.select_related("technique").prefetch_related("level_prices").get(pk=service_id)


def _day(
    service: Service,
    start: datetime,
    *,
    therapist: Therapist | None,
    now: datetime,
    min_notice: timedelta | None,
    policy: BookingPolicy | None = None,
    exclude_appointment_id: int | None = None,
) -> AvailabilityData:
    """Availability on `start`'s day (in the studio's zone), re-read under the locks."""
    day = timezone.localtime(start, studio_zone()).date()
    return load_availability_data(
        service=service,
        first_day=day,
        last_day=day,
        therapist=therapist,
        now=now,
        policy=policy or BookingPolicy.current(),
        exclude_appointment_id=exclude_appointment_id,
        min_notice=min_notice,
    )


def _check_price(price: Decimal, expected: Decimal | None, *, therapist: Therapist) -> None:
    """PriceChanged if `price` is not the `expected` one the client was shown."""
    if expected is not None and price != expected:
        message = _("The price has changed since you looked: it now costs %(price)s.")
        raise PriceChanged(message % {"price": format_money(price)}, therapist=therapist, price=price)


def _resubmitted(
    idempotency_key: str, *, service: Service, start: datetime, email: str
) -> Appointment | None:
    """The appointment an earlier submission of the same form made, marked `resubmitted`, if any."""
    earlier = earlier_booking(idempotency_key, service_slug=service.slug, start=start, email=email)
    if earlier is not None:
        earlier.resubmitted = True
    return earlier


def _new_appointment(
    service: Service, start: datetime, client: ClientDetails, *, chosen: Therapist, data: AvailabilityData
) -> Appointment:
    """The appointment row (unsaved): the times, the room, and the price copied from the list."""
    appointment = Appointment(
        service=service,
        therapist=chosen,
        room_id=pick_room(data, start),
        client_name=client.name,
        client_email=client.email,
        client_phone=client.phone,
        language=client.language,
        start=start,
        end=start + service.duration,
        blocked_until=start + service.duration + service.buffer,
        price=price_with(service, chosen),
        currency=settings.STUDIO_CURRENCY,
    )
    appointment.resubmitted = False
    return appointment


def _record_booking(
    appointment: Appointment, *, user, now: datetime, overridden: NotSuitable | None, reason: str
) -> None:
    """The history of a new booking: booked, and the screening override if a manager gave one."""
    source = appointment.source
    by = _actor(source)
    details = {
        "start": _iso(appointment.start),
        "therapist": appointment.therapist.slug,
        "any_therapist": not appointment.therapist_chosen,
        "price": str(appointment.price),
        "currency": appointment.currency,
        "source": source,
    }
    record_event(appointment=appointment, kind=EventKind.BOOKED, by=by, user=user, details=details, now=now)
    if overridden is not None:
        details = {"outcome": str(overridden.outcome), "reason": reason.strip()[:300]}
        record_event(
            appointment=appointment,
            kind=EventKind.OVERRIDE,
            by=Actor.STAFF,
            user=user,
            details=details,
            now=now,
        )


def _move(
    locked: Appointment,
    service: Service,
    new_start: datetime,
    *,
    chosen: Therapist,
    data: AvailabilityData,
    by: str,
    user,
    now: datetime,
) -> None:
    """Move the locked row to `new_start` with `chosen`, at the price after the move; into the history."""
    old_start, old_therapist = locked.start, locked.therapist
    locked.start = new_start
    locked.end = new_start + service.duration
    locked.blocked_until = locked.end + service.buffer
    locked.room_id = pick_room(data, new_start)
    locked.price = price_after_move(locked, chosen, service)
    locked.therapist = chosen
    locked.reminder_sent_at = None
    save_guarded(locked)
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


def _performing_ids(service: Service) -> list[int]:
    return list(Therapist.objects.active().performing(service).values_list("pk", flat=True))


def _choose_therapist(data, *, therapist: Therapist | None, start: datetime) -> Therapist:
    """The therapist who takes the session, re-checked under the locks; SlotUnavailable if nobody."""
    chosen, reason = choose_therapist(data, therapist=therapist, start=start)
    if chosen is None:
        raise SlotUnavailable(reason)
    return chosen
