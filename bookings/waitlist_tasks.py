"""The waitlist's background work: e-mails, offering freed time, expiring holds (Django tasks).

    time_freed(*, therapist_id=None, day=None)   after the current transaction commits, enqueue
                                                 `offer_freed` (the functions that free time call it)
    notify_joined(entry), notify_offered(offer)  e-mail the client after commit

Each task reads its rows afresh, so a late worker says what is true when it runs (no offer e-mail for
a hold that has meanwhile ended). E-mails are written in the client's language (`entry.language`) and
carry only the signed link, never anything from the questionnaire. `offer_freed` and
`expire_due_holds` call `bookings.waitlist`, imported when they run (it imports `bookings.booking`,
which calls `time_freed`). A backend that can defer tasks also gets an `expire_due_holds` timed for
each hold's end; `manage.py run_waitlist` (deploy/systemd timer, every minute) is the safety net.
"""

import logging
from datetime import date, timedelta

from django.db import transaction
from django.tasks import task
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format

from bookings.links import absolute
from bookings.models import OfferStatus, WaitlistEntry, WaitlistOffer, WaitlistStatus
from bookings.tasks import when
from bookings.waitlist_links import entry_url, hold_url
from common.mail import send_templated_mail

logger = logging.getLogger(__name__)


def time_freed(*, therapist_id: int | None = None, day: date | None = None) -> None:
    """Time may have freed up (for `therapist_id` on `day`; None: anyone, any day): offer it after commit."""
    day_iso = day.isoformat() if day else None
    transaction.on_commit(lambda: offer_freed.enqueue(therapist_id, day_iso), robust=True)


def notify_joined(entry: WaitlistEntry) -> None:
    pk = entry.pk
    transaction.on_commit(lambda: send_waitlist_joined.enqueue(pk), robust=True)


def notify_offered(offer: WaitlistOffer) -> None:
    pk, expires_at = offer.pk, offer.expires_at

    def enqueue():
        send_waitlist_offer.enqueue(pk)
        if expire_due_holds.get_backend().supports_defer:
            expire_due_holds.using(run_after=expires_at + timedelta(seconds=5)).enqueue()

    transaction.on_commit(enqueue, robust=True)


@task
def offer_freed(therapist_id: int | None = None, day: str | None = None) -> int:
    from bookings.waitlist import offer_freed_times

    offers = offer_freed_times(therapist_id=therapist_id, day=date.fromisoformat(day) if day else None)
    logger.info("waitlist: %s time(s) offered", len(offers))
    return len(offers)


@task
def expire_due_holds() -> int:
    from bookings.waitlist import expire_holds

    return len(expire_holds())


def _entry_context(entry: WaitlistEntry) -> dict:
    return {
        "name": entry.client_name,
        "service": entry.service.name,
        "therapist": entry.therapist.name if entry.therapist_id else "",
        "first_day": entry.first_day,
        "last_day": entry.last_day,
        "entry_url": entry_url(entry),
        "book_url": absolute(reverse("bookings:book")),
    }


@task
def send_waitlist_joined(entry_pk: int) -> None:
    entry = WaitlistEntry.objects.select_related("service", "therapist").filter(pk=entry_pk).first()
    if entry is None or entry.status != WaitlistStatus.WAITING:
        logger.info("waitlist: joined e-mail for entry %s skipped (not waiting)", entry_pk)
        return
    with translation.override(entry.language):
        send_templated_mail(
            template="bookings/email/waitlist_joined", to=[entry.client_email], context=_entry_context(entry)
        )
    logger.info("waitlist: joined e-mail sent for entry %s", entry_pk)


@task
def send_waitlist_offer(offer_pk: int) -> None:
    offer = (
        WaitlistOffer.objects.select_related("entry__service", "entry__therapist", "therapist")
        .filter(pk=offer_pk)
        .first()
    )
    if offer is None or offer.status != OfferStatus.HELD or offer.expires_at <= timezone.now():
        logger.info("waitlist: offer e-mail for offer %s skipped (no longer held)", offer_pk)
        return
    with translation.override(offer.entry.language):
        context = {
            **_entry_context(offer.entry),
            "when": when(offer.start),
            "offered_therapist": offer.therapist.name,
            "minutes": offer.entry.service.duration_minutes,
            "until": date_format(timezone.localtime(offer.expires_at), "H:i"),
            "hold_url": hold_url(offer),
        }
        send_templated_mail(
            template="bookings/email/waitlist_offer", to=[offer.entry.client_email], context=context
        )
    logger.info("waitlist: offer e-mail sent for offer %s", offer_pk)
