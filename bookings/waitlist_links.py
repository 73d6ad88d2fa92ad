"""Signed links to a client's waitlist place and to a time held for them (like `bookings.links`).

    entry_path(entry) / entry_url(entry)      "/waitlist/<signed entry token>/": see or leave the place
    hold_path(offer) / hold_url(offer)        "/waitlist/hold/<signed offer token>/": book the held time
    open_entry_link(token) -> WaitlistEntry   raises LinkInvalid (a friendly 404)
    open_hold_link(token) -> WaitlistOffer    raises LinkInvalid

The rows' tokens are 256 random bits; the signature on top refuses a guessed or mangled link before
any query. The links do not expire: what a client may still do is the waitlist's business (an
expired hold says so and leaves the place on the list).
"""

from django.core import signing
from django.urls import reverse

from bookings.errors import LinkInvalid
from bookings.links import LONGEST_TOKEN, SEPARATOR, absolute
from bookings.models import WaitlistEntry, WaitlistOffer

ENTRY_SALT = "bookings.waitlist.entry"
HOLD_SALT = "bookings.waitlist.hold"


def _signer(salt: str) -> signing.Signer:
    return signing.Signer(salt=salt, sep=SEPARATOR)


def _unsign(token, salt: str) -> str:
    if not isinstance(token, str) or not token or len(token) > LONGEST_TOKEN:
        raise LinkInvalid("not a link token")
    try:
        return _signer(salt).unsign(token)
    except signing.BadSignature as error:
        raise LinkInvalid("bad signature") from error


def entry_path(entry: WaitlistEntry) -> str:
    return reverse("bookings:waitlist_entry", kwargs={"token": _signer(ENTRY_SALT).sign(entry.token)})


def hold_path(offer: WaitlistOffer) -> str:
    return reverse("bookings:waitlist_hold", kwargs={"token": _signer(HOLD_SALT).sign(offer.token)})


def entry_url(entry: WaitlistEntry) -> str:
    return absolute(entry_path(entry))


def hold_url(offer: WaitlistOffer) -> str:
    return absolute(hold_path(offer))


def open_entry_link(token) -> WaitlistEntry:
    """The entry a link points at (with its service and therapist). One query, none for a forged link."""
    raw = _unsign(token, ENTRY_SALT)
    entry = WaitlistEntry.objects.select_related("service", "therapist").filter(token=raw).first()
    if entry is None:
        raise LinkInvalid("no such entry")
    return entry


def open_hold_link(token) -> WaitlistOffer:
    """The offer a link points at (with its entry, service, therapist). One query, none for a forged link."""
    raw = _unsign(token, HOLD_SALT)
    related = ("entry__service__technique", "entry__therapist", "entry__appointment", "therapist")
    offer = WaitlistOffer.objects.select_related(*related).filter(token=raw).first()
    if offer is None:
        raise LinkInvalid("no such hold")
    return offer
