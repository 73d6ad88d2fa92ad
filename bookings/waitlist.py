"""The waitlist: a freed time finds a client, first come first served (models: bookings.models.waitlist).

    join_waitlist(*, service, first_day, last_day, parts=(), earliest=None, latest=None, therapist=None,
                  client_name, client_email, client_phone="", questionnaire, now=None) -> WaitlistEntry
    leave_waitlist(*, entry, now=None) -> WaitlistEntry
    matching_slots(entry, data, *, exclude_starts=()) -> list[Slot]      (pure: the times that suit)
    offer_freed_times(*, therapist_id=None, day=None, now=None) -> list[WaitlistOffer]
    offer_time(*, entry, start=None, therapist=None, by="auto", user=None, now=None) -> WaitlistOffer | None
    free_times_for(entry, *, now=None) -> list[Slot]          (what staff may offer an entry by hand)
    confirm_hold(*, offer, now=None) -> Appointment
    expire_holds(*, now=None) -> list[WaitlistOffer];  end_past_entries(*, now=None) -> int

Joining is screened like booking (invariant 7): a questionnaire valid now that allows the technique,
else NotSuitable / BookingError, and nothing is saved. When time frees up (`time_freed`, called after
commit by the functions that free time: cancel, move, schedule changes, a released hold), the waiting
entries are offered in the order they joined: each gets the earliest free time that suits it and that
it was never offered before, held for `settings.WAITLIST_HOLD_MINUTES`. A hold is made like a booking:
under `bookings.locking`'s locks, after re-reading availability (which counts unexpired holds as busy
for everyone), and the database refuses two holds on one time or two for one entry. The holder's
confirmation closes the hold and books through `book_appointment` in the same transaction, so the
screening and every rule apply; if booking is refused, the hold stays as it was. An unclaimed hold is
expired by the job (`manage.py run_waitlist`, every minute, or the deferred task) and the time goes to
the next entry. Entries end when booked, left, or once their last day has passed.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from bookings.availability import (
    AvailabilityData,
    Slot,
    compute_slots,
    load_availability_data,
    pick_room,
    studio_zone,
)
from bookings.booking import book_appointment
from bookings.client_details import clean_client
from bookings.errors import BookingError, SlotUnavailable
from bookings.locking import lock_therapists, locked_transaction
from bookings.models import (
    DAY_PART_HOURS,
    Appointment,
    AppointmentSource,
    BookingPolicy,
    DayPart,
    OfferStatus,
    Service,
    Therapist,
    WaitlistEntry,
    WaitlistOffer,
    WaitlistStatus,
)
from bookings.screening_gate import check_screening
from bookings.waitlist_tasks import notify_joined, notify_offered, time_freed

# Longest range a client may wait for, in days.
LONGEST_RANGE_DAYS = 62
# How often one pass of offers starts again because time freed up while it ran (see offer_freed_times).
MOST_RESTARTS = 5


class HoldExpired(BookingError):
    """The hold has ended (expired, taken, released): nothing was booked, the entry is kept."""


def hold_minutes() -> int:
    return max(1, int(getattr(settings, "WAITLIST_HOLD_MINUTES", 30)))


def local_today(now: datetime) -> date:
    return timezone.localtime(now, studio_zone()).date()


# --- Joining and leaving ----------------------------------------------------------------------


def join_waitlist(
    *,
    service: Service,
    first_day: date,
    last_day: date,
    parts: Iterable[str] = (),
    earliest: time | None = None,
    latest: time | None = None,
    therapist: Therapist | None = None,
    client_name: str,
    client_email: str,
    client_phone: str = "",
    questionnaire,
    now: datetime | None = None,
) -> WaitlistEntry:
    """Put a client on the waitlist for `service`; e-mail them the link to their place (after commit)."""
    now = now or timezone.now()
    client = clean_client(
        client_name, client_email, client_phone, language="", source=AppointmentSource.ONLINE
    )
    parts = _clean_parts(parts, earliest, latest)
    first_day, last_day = _clean_range(first_day, last_day, now=now)
    if not service.active or not service.technique.published:
        raise BookingError(_("That session is not available for booking online any more."))
    if therapist is not None and not (therapist.active and therapist.services.filter(pk=service.pk).exists()):
        raise BookingError(
            _("%(name)s does not give %(service)s.") % {"name": therapist.name, "service": service.name}
        )
    if questionnaire is None:
        raise BookingError(_("Please fill in the short health questionnaire before joining the waitlist."))
    check_screening(questionnaire=questionnaire, technique=service.technique, at=now)
    already = WaitlistEntry.objects.waiting().filter(service=service, client_email__iexact=client.email)
    if already.covering(first_day, last_day).exists():
        raise BookingError(_("You are already on the waitlist for this session on these dates."))
    with transaction.atomic():
        entry = WaitlistEntry.objects.create(
            service=service,
            therapist=therapist,
            first_day=first_day,
            last_day=last_day,
            parts=parts,
            earliest=earliest,
            latest=latest,
            client_name=client.name,
            client_email=client.email,
            client_phone=client.phone,
            language=client.language,
            questionnaire=questionnaire,
            created_at=now,
        )
        notify_joined(entry)
    return entry


def _clean_parts(parts: Iterable[str], earliest: time | None, latest: time | None) -> list[str]:
    chosen = list(dict.fromkeys(parts or ()))
    if any(part not in DayPart.values for part in chosen):
        raise BookingError(_("Please choose the times of day from the list."))
    if earliest is not None and latest is not None and earliest > latest:
        raise BookingError(_("The earliest start must come before the latest one."))
    return [part for part in DayPart.values if part in chosen]


def _clean_range(first_day: date, last_day: date, *, now: datetime) -> tuple[date, date]:
    if not isinstance(first_day, date) or not isinstance(last_day, date):
        raise BookingError(_("Please enter the dates as day, month and year."))
    today = local_today(now)
    if last_day < first_day:
        raise BookingError(_("The last day must not come before the first day."))
    if last_day < today:
        raise BookingError(_("These dates have already passed. Please choose days from today on."))
    first_day = max(first_day, today)
    window = BookingPolicy.current().booking_window_days
    if first_day > today + timedelta(days=window):
        raise BookingError(_("We take bookings up to %(days)s days ahead.") % {"days": window})
    if (last_day - first_day).days > LONGEST_RANGE_DAYS:
        raise BookingError(
            _("Please choose at most %(days)s days; you can join again later.") % {"days": LONGEST_RANGE_DAYS}
        )
    return first_day, last_day


def leave_waitlist(*, entry: WaitlistEntry, now: datetime | None = None) -> WaitlistEntry:
    """Take the entry off the waitlist; a time held for it goes to the next client."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = WaitlistEntry.objects.select_for_update().get(pk=entry.pk)
        if locked.status != WaitlistStatus.WAITING:
            return locked
        locked.status, locked.ended_at = WaitlistStatus.LEFT, now
        locked.save(update_fields=["status", "ended_at"])
        for held in locked.offers.held():
            _close(held, OfferStatus.RELEASED, now=now)
    return locked


def _close(offer: WaitlistOffer, status: str, *, now: datetime) -> bool:
    """Close a held offer (conditional update: once); its time is freed after commit."""
    closed = WaitlistOffer.objects.filter(pk=offer.pk, status=OfferStatus.HELD).update(
        status=status, closed_at=now
    )
    if closed:
        time_freed(therapist_id=offer.therapist_id, day=local_today(offer.start))
    return bool(closed)


# --- Matching ---------------------------------------------------------------------------------


def suits(entry: WaitlistEntry, start: datetime) -> bool:
    """Whether a session starting at `start` falls in the entry's range and times of day."""
    local = timezone.localtime(start, studio_zone())
    if not entry.first_day <= local.date() <= entry.last_day:
        return False
    clock = local.time().replace(tzinfo=None)
    if entry.earliest is not None and clock < entry.earliest:
        return False
    if entry.latest is not None and clock > entry.latest:
        return False
    if not entry.parts:
        return True
    return any(DAY_PART_HOURS[part][0] <= local.hour < DAY_PART_HOURS[part][1] for part in entry.parts)


def matching_slots(entry: WaitlistEntry, data: AvailabilityData, *, exclude_starts=()) -> list[Slot]:
    """The free slots in `data` that suit `entry`, earliest first, without the starts excluded."""
    excluded = set(exclude_starts)
    return [slot for slot in compute_slots(data) if slot.start not in excluded and suits(entry, slot.start)]


def _load(entry: WaitlistEntry, *, now: datetime, service: Service | None = None) -> AvailabilityData:
    return load_availability_data(
        service=service or entry.service,
        first_day=entry.first_day,
        last_day=entry.last_day,
        therapist=entry.therapist,
        now=now,
    )


def _offered_starts(entry: WaitlistEntry) -> set[datetime]:
    return set(WaitlistOffer.objects.filter(entry=entry).values_list("start", flat=True))


def candidates(*, therapist_id: int | None, day: date | None, now: datetime):
    """The waiting entries a freed time may suit, in the order they joined, without a hold already."""
    entries = WaitlistEntry.objects.waiting().filter(last_day__gte=local_today(now))
    if day is not None:
        entries = entries.covering(day, day)
    if therapist_id is not None:
        entries = entries.filter(Q(therapist_id=therapist_id) | Q(therapist__isnull=True))
        entries = entries.filter(service__therapists=therapist_id)
    entries = entries.exclude(offers__status=OfferStatus.HELD)
    return entries.select_related("service__technique", "therapist").in_order()


def offer_freed_times(
    *, therapist_id: int | None = None, day: date | None = None, now: datetime | None = None
) -> list[WaitlistOffer]:
    """Offer what is free now to the waiting entries, strictly in the order they joined (one hold each).

    One pass at a time, under the locks a studio-wide schedule change takes (every active therapist,
    then the rooms, by id), so concurrent passes queue and never deadlock with bookings. Time freed
    by another transaction during the pass (PostgreSQL reads each statement afresh) could otherwise
    reach a later entry first; so before an entry is offered a time, the entries skipped earlier in
    the pass are asked whether it suits one of them, and if so the pass starts again from the top.
    """
    now = now or timezone.now()
    with locked_transaction():
        ids = list(Therapist.objects.active().order_by("pk").values_list("pk", flat=True))
        lock_therapists(therapist_ids=ids, rooms=True)
        for _attempt in range(MOST_RESTARTS):
            offers, finished = _one_pass(therapist_id=therapist_id, day=day, now=now)
            if finished:
                return offers
    return offers


def _one_pass(*, therapist_id, day, now) -> tuple[list[WaitlistOffer], bool]:
    """(offers made, True) or (offers made, False) when it must start again (see offer_freed_times).

    The free times are worked out once per service and therapist asked for, over all those entries'
    days, and again only after a hold has been made: a pass costs a few availability loads, not one
    per entry (it holds the locks meanwhile).
    """
    offers: list[WaitlistOffer] = []
    skipped: list[WaitlistEntry] = []
    entries = list(candidates(therapist_id=therapist_id, day=day, now=now))
    free: dict[tuple, list[Slot]] = {}
    for entry in entries:
        key = (entry.service_id, entry.therapist_id)
        if key not in free:
            free[key] = _free_for_group(
                [e for e in entries if (e.service_id, e.therapist_id) == key], now=now
            )
        offered = _offered_starts(entry)
        slots = [slot for slot in free[key] if slot.start not in offered and suits(entry, slot.start)]
        if not slots:
            skipped.append(entry)
            continue
        if any(_would_take(earlier, slots[0], entry.service_id) for earlier in skipped):
            return offers, False
        offer = offer_time(entry=entry, now=now)
        if offer is not None:
            offers.append(offer)
        free.clear()  # a hold (or a time found taken) changes what is free
    return offers, True


def _free_for_group(entries: list[WaitlistEntry], *, now: datetime) -> list[Slot]:
    """The free slots for the entries' service and therapist, from their first first day to last last day."""
    first = entries[0]
    data = load_availability_data(
        service=first.service,
        first_day=min(entry.first_day for entry in entries),
        last_day=max(entry.last_day for entry in entries),
        therapist=first.therapist,
        now=now,
    )
    return compute_slots(data)


def _would_take(entry: WaitlistEntry, slot: Slot, service_id: int) -> bool:
    """Whether `slot` (free now, for a later entry of `service_id`) suits this earlier entry."""
    return (
        entry.service_id == service_id
        and entry.therapist_id in (None, slot.therapist.pk)
        and suits(entry, slot.start)
        and slot.start not in _offered_starts(entry)
    )


def free_times_for(entry: WaitlistEntry, *, now: datetime | None = None) -> list[Slot]:
    """Every free time in the entry's range (any time of day): what staff may offer by hand."""
    return compute_slots(_load(entry, now=now or timezone.now()))


def offer_time(
    *,
    entry: WaitlistEntry,
    start: datetime | None = None,
    therapist: Therapist | None = None,
    by: str = WaitlistOffer.By.AUTO,
    user=None,
    now: datetime | None = None,
) -> WaitlistOffer | None:
    """Hold a time for `entry` and e-mail the link; None when nothing (or not `start`) can be held.

    Automatic offers (`start=None`) take the earliest free time that suits the entry and that it was
    never offered; staff choose `start` (and the therapist, else the entry's, else whoever is free).
    Staff offers raise BookingError with the reason instead of returning None.
    """
    now = now or timezone.now()
    wanted = therapist or entry.therapist
    service = entry.service
    try:
        with locked_transaction():
            ids = [wanted.pk] if wanted else list(service.therapists.active().values_list("pk", flat=True))
            lock_therapists(therapist_ids=ids, rooms=service.needs_room)
            locked = WaitlistEntry.objects.select_for_update().select_related("service").get(pk=entry.pk)
            if locked.status != WaitlistStatus.WAITING or locked.offers.held().exists():
                raise BookingError(_("This client is not waiting, or already has a time held."))
            data = load_availability_data(
                service=service,
                first_day=locked.first_day,
                last_day=locked.last_day,
                therapist=wanted,
                now=now,
            )
            slot = _slot_to_offer(locked, data, start=start)
            offer = WaitlistOffer(
                entry=locked,
                therapist=slot.therapist,
                room_id=pick_room(data, slot.start),
                start=slot.start,
                end=slot.end,
                blocked_until=slot.end + service.buffer,
                offered_at=now,
                expires_at=now + timedelta(minutes=hold_minutes()),
                by=by,
                user=user,
            )
            with transaction.atomic():
                offer.save()
            notify_offered(offer)
    except IntegrityError as error:  # the database's guard: a hold on that time, or one for this entry
        if start is not None:
            raise SlotUnavailable(_("That time was just taken.")) from error
        return None
    except BookingError:
        if start is not None:
            raise
        return None
    return offer


def _slot_to_offer(entry: WaitlistEntry, data: AvailabilityData, *, start: datetime | None) -> Slot:
    if start is None:
        slots = matching_slots(entry, data, exclude_starts=_offered_starts(entry))
    else:
        slots = [slot for slot in compute_slots(data) if slot.start == start]
    if not slots:
        raise SlotUnavailable(_("That time is not free any more."))
    return slots[0]


# --- The holder confirms ------------------------------------------------------------------------


def expired_message(offer: WaitlistOffer) -> str:
    until = timezone.localtime(offer.expires_at, studio_zone())
    return _(
        "This time was held for you until %(time)s and has now gone to the next person. Nothing was "
        "booked; you are still on the waitlist and we will write when another time frees up."
    ) % {"time": date_format(until, "H:i")}


def confirm_hold(*, offer: WaitlistOffer, now: datetime | None = None) -> Appointment:
    """Book the held time for its holder, through `book_appointment` (screening and every rule).

    A second confirmation returns the same appointment (`resubmitted`). HoldExpired when the hold has
    ended; any BookingError from booking leaves the hold as it was (the transaction rolls back).
    """
    now = now or timezone.now()
    entry = offer.entry
    if offer.status == OfferStatus.BOOKED and entry.appointment_id:
        entry.appointment.resubmitted = True
        return entry.appointment
    if offer.status != OfferStatus.HELD or offer.expires_at <= now or entry.status != WaitlistStatus.WAITING:
        raise HoldExpired(expired_message(offer))
    with locked_transaction():
        lock_therapists(therapist_ids=[offer.therapist_id], rooms=entry.service.needs_room)
        locked = WaitlistOffer.objects.select_for_update().get(pk=offer.pk)
        if locked.status == OfferStatus.BOOKED:  # a twin of this request (a double click) booked it
            booked = WaitlistEntry.objects.select_related("appointment").get(pk=entry.pk).appointment
            if booked is not None:
                booked.resubmitted = True
                return booked
        if locked.status != OfferStatus.HELD or locked.expires_at <= now:
            raise HoldExpired(expired_message(locked))
        # Closed first, so the booking below (for the holder only) no longer sees the hold as busy.
        locked.status, locked.closed_at = OfferStatus.BOOKED, now
        locked.save(update_fields=["status", "closed_at"])
        appointment = book_appointment(
            service=entry.service,
            start=locked.start,
            client_name=entry.client_name,
            client_email=entry.client_email,
            client_phone=entry.client_phone,
            therapist=locked.therapist,
            questionnaire=entry.questionnaire,
            language=entry.language,
            now=now,
        )
        if entry.therapist_id is None:  # the client asked for anyone; the hold named who was free
            Appointment.objects.filter(pk=appointment.pk).update(therapist_chosen=False)
            appointment.therapist_chosen = False
        WaitlistEntry.objects.filter(pk=entry.pk).update(
            status=WaitlistStatus.BOOKED, ended_at=now, appointment=appointment
        )
    appointment.resubmitted = False
    return appointment


# --- The job: expiring holds, ending entries ------------------------------------------------------


def expire_holds(*, now: datetime | None = None) -> list[WaitlistOffer]:
    """Expire the holds whose time is up and offer each freed time to the next client."""
    now = now or timezone.now()
    expired = []
    for offer in WaitlistOffer.objects.held().filter(expires_at__lte=now).order_by("expires_at", "pk"):
        with transaction.atomic():
            if _close(offer, OfferStatus.EXPIRED, now=now):
                expired.append(offer)
    return expired


def end_past_entries(*, now: datetime | None = None) -> int:
    """End the waiting entries whose last day has passed; release any hold they still have."""
    now = now or timezone.now()
    past = WaitlistEntry.objects.waiting().filter(last_day__lt=local_today(now))
    with transaction.atomic():
        for held in WaitlistOffer.objects.held().filter(entry__in=past):
            _close(held, OfferStatus.RELEASED, now=now)
        return past.update(status=WaitlistStatus.ENDED, ended_at=now)


def purge_ended(*, older_than_days: int, now: datetime | None = None, dry_run: bool = False) -> int:
    """Delete entries (with their offers) that ended more than `older_than_days` ago (retention)."""
    now = now or timezone.now()
    old = WaitlistEntry.objects.exclude(status=WaitlistStatus.WAITING).filter(
        ended_at__lt=now - timedelta(days=older_than_days)
    )
    count = old.count()
    if not dry_run:
        old.delete()
    return count
