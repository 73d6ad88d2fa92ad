"""Bookings data: services and prices, therapists, their hours and time off, rooms, appointments.

One module per subject, every name exported here (`from bookings.models import Service`): `choices`
(money fields, levels, weekdays), `policy` (BookingPolicy), `services` (Service, ServicePrice), `team`
(Therapist, WorkingHours, TimeOff, StudioClosure, Room), `appointments` (Appointment, AppointmentEvent),
`prepaid` (CourseProduct, Course, CourseEntry, Certificate, CertificateEntry: courses of sessions and
gift certificates with their ledgers; written only through `bookings.prepaid`);
`waitlist` (WaitlistEntry, WaitlistOffer: see that module).

What the other parts of the site need to know (the booking flow, the staff area):

- `Service` is one technique (`reflexology.Technique`) at one duration, with a base `price`, a
  `buffer_minutes` cleaning/rest time after it, and `needs_room`. `ServicePrice` rows give the
  price with a therapist of a given `Level`, falling back to the base price (`bookings.pricing`
  decides every price). `Service.objects.bookable()` (active, of a published technique) is what
  clients may book.
- `Therapist` (optional OneToOne `user` for the staff area: `request.user.therapist`), with a
  `level` (`Level.THERAPIST` / `SENIOR` / `MASTER`), the `services` they perform, `active`.
- `WorkingHours`: several rows per weekday make breaks (09:00-13:00 and 14:00-18:00). Weekdays
  are Python's `date.weekday()` (Monday = 0). Rows for the same therapist and weekday must not
  overlap: `clean()` refuses it against the saved rows, and `bookings.forms.WorkingHoursFormSet`
  checks a whole edited set (use it in the staff area, as the admin does).
- `TimeOff` (aware datetimes, half-open [start, end)) and `StudioClosure` (local dates, both
  inclusive) make a therapist, or the whole studio, unavailable.
- `Room`: a service with `needs_room` is only offered when an active room is free for the whole
  time it blocks; the booking functions pick the room.
- `Appointment`: `start`/`end` are the session, `blocked_until = end + buffer` is what the
  therapist and the room are busy for. `Status.BOOKED`, `COMPLETED`, `NO_SHOW` occupy the time
  (`Appointment.ACTIVE_STATUSES`, `Appointment.objects.active()`); only `CANCELLED` frees it: a
  session that happened, or that the client missed, did use the therapist's time, and marking it
  done must never let another booking slip into the same hour. `price` and `currency` are copied
  at booking (invariant 4). `manage_token` is random (256 bits) and unique: the client's handle
  for `/appointments/<token>/`; e-mailed links sign it on top. `reminder_sent_at` is for
  `send_reminders` (the booking functions clear it when a session moves). `therapist_chosen` says
  whether the client picked the therapist or took "any therapist". Create, move and cancel
  appointments only through `bookings.booking` (locking, checks, audit), never with `.create()`.
- `AppointmentEvent`: the audit trail the booking functions write (who, what, when, details).
- `UsedSignInLink`: the nonces of the client account's sign-in links once used (`bookings.accounts`).
- `BookingPolicy.current()`: the booking rules a manager edits in the admin (slot step, minimum
  notice, booking window, cancellation deadline, longest availability query).

Invariant 1 (no overlap per therapist and per room, buffer included) is an exclusion constraint
on PostgreSQL (`bookings.constraints.PostgresExclusionConstraint`, btree_gist) and the locked
check-then-insert of `bookings.booking` everywhere.
"""

from bookings.models.accounts import UsedSignInLink
from bookings.models.appointments import (
    ACTIVE_STATUSES,
    Actor,
    Appointment,
    AppointmentEvent,
    AppointmentQuerySet,
    AppointmentSource,
    AppointmentStatus,
    EventKind,
    new_manage_token,
)
from bookings.models.choices import LEVEL_RANK, MONEY, Level, Weekday
from bookings.models.policy import BookingPolicy
from bookings.models.prepaid import (
    Certificate,
    CertificateEntry,
    CertificateEntryKind,
    CertificateQuerySet,
    Course,
    CourseEntry,
    CourseEntryKind,
    CourseProduct,
    CourseProductQuerySet,
    CourseQuerySet,
    ImmutableEntry,
    LedgerQuerySet,
    PaymentMethod,
)
from bookings.models.services import Service, ServiceManager, ServicePrice, ServiceQuerySet
from bookings.models.team import (
    Room,
    RoomManager,
    RoomQuerySet,
    StudioClosure,
    StudioClosureQuerySet,
    Therapist,
    TherapistManager,
    TherapistQuerySet,
    TimeOff,
    TimeOffQuerySet,
    WallClockRange,
    WorkingHours,
    find_overlap,
)
from bookings.models.waitlist import (
    DAY_PART_HOURS,
    DayPart,
    OfferStatus,
    WaitlistEntry,
    WaitlistEntryQuerySet,
    WaitlistOffer,
    WaitlistOfferQuerySet,
    WaitlistStatus,
)

__all__ = [
    "ACTIVE_STATUSES",
    "DAY_PART_HOURS",
    "LEVEL_RANK",
    "MONEY",
    "Actor",
    "Appointment",
    "AppointmentEvent",
    "AppointmentQuerySet",
    "AppointmentSource",
    "AppointmentStatus",
    "BookingPolicy",
    "Certificate",
    "CertificateEntry",
    "CertificateEntryKind",
    "CertificateQuerySet",
    "Course",
    "CourseEntry",
    "CourseEntryKind",
    "CourseProduct",
    "CourseProductQuerySet",
    "CourseQuerySet",
    "DayPart",
    "EventKind",
    "ImmutableEntry",
    "LedgerQuerySet",
    "Level",
    "OfferStatus",
    "PaymentMethod",
    "Room",
    "RoomManager",
    "RoomQuerySet",
    "Service",
    "ServiceManager",
    "ServicePrice",
    "ServiceQuerySet",
    "StudioClosure",
    "StudioClosureQuerySet",
    "Therapist",
    "TherapistManager",
    "TherapistQuerySet",
    "TimeOff",
    "TimeOffQuerySet",
    "UsedSignInLink",
    "WaitlistEntry",
    "WaitlistEntryQuerySet",
    "WaitlistOffer",
    "WaitlistOfferQuerySet",
    "WaitlistStatus",
    "WallClockRange",
    "Weekday",
    "WorkingHours",
    "find_overlap",
    "new_manage_token",
]
