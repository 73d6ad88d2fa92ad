"""Courses and gift certificates in the reports, per week (local dates, weeks from Monday).

    report = build_prepaid_report(first_week=monday, last_week=monday)    4 queries whatever the range

The figures:
- course sales and certificate sales: how many were sold in the week and for how much (the price
  paid for a course, the value of a certificate);
- redemptions: course sessions used in the week (a `use` line: the session took place, was missed
  or was cancelled late), and certificate money spent in the week (`redeem` lines less the
  `refund` lines that gave some back);
- outstanding at the end of the week (what was sold and not yet used): the sessions not yet used
  on courses still valid, each valued at its course's price per session, plus the balances of the
  certificates still valid. A session booked but not yet taken is still owed; what expires unused
  is no longer counted.
Money is Decimal in the studio's currency, rounded to cents only when shown.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.conf import settings

from bookings.availability import local_midnight, monday_of, studio_zone
from bookings.models import (
    Certificate,
    CertificateEntry,
    CertificateEntryKind,
    Course,
    CourseEntry,
    CourseEntryKind,
)

WEEK = timedelta(days=7)
ZERO = Decimal("0.00")
# What each kind of course line does to the sessions still owed (a reserved session is still owed).
OWED_CHANGE = {
    CourseEntryKind.SALE: None,  # + the sessions sold
    CourseEntryKind.ADJUST: None,  # + the correction
    CourseEntryKind.RESERVE: 0,
    CourseEntryKind.RELEASE: 0,
    CourseEntryKind.USE: -1,
}


@dataclass
class PrepaidWeek:
    monday: date
    courses_sold: int = 0
    courses_sum: Decimal = field(default_factory=lambda: ZERO)
    certificates_sold: int = 0
    certificates_sum: Decimal = field(default_factory=lambda: ZERO)
    sessions_used: int = 0
    certificates_redeemed: Decimal = field(default_factory=lambda: ZERO)
    sessions_outstanding: int = 0
    courses_outstanding: Decimal = field(default_factory=lambda: ZERO)
    certificates_outstanding: Decimal = field(default_factory=lambda: ZERO)

    @property
    def outstanding(self) -> Decimal:
        return self.courses_outstanding + self.certificates_outstanding


@dataclass
class PrepaidReport:
    currency: str
    weeks: list[PrepaidWeek]

    @property
    def totals(self) -> PrepaidWeek:
        """Sales and redemptions over the range; what is outstanding at its end."""
        total = PrepaidWeek(monday=self.weeks[0].monday if self.weeks else date.min)
        for week in self.weeks:
            total.courses_sold += week.courses_sold
            total.courses_sum += week.courses_sum
            total.certificates_sold += week.certificates_sold
            total.certificates_sum += week.certificates_sum
            total.sessions_used += week.sessions_used
            total.certificates_redeemed += week.certificates_redeemed
        if self.weeks:
            last = self.weeks[-1]
            total.sessions_outstanding = last.sessions_outstanding
            total.courses_outstanding = last.courses_outstanding
            total.certificates_outstanding = last.certificates_outstanding
        return total


def build_prepaid_report(*, first_week: date, last_week: date) -> PrepaidReport:
    first_week, last_week = monday_of(first_week), monday_of(last_week)
    tz = studio_zone()
    mondays = [first_week + WEEK * index for index in range((last_week - first_week) // WEEK + 1)]
    weeks = {monday: PrepaidWeek(monday=monday) for monday in mondays}
    ends = [(monday, local_midnight(monday + WEEK, tz)) for monday in mondays]
    end = ends[-1][1]

    def week_of(moment: datetime) -> PrepaidWeek | None:
        return weeks.get(monday_of(moment.astimezone(tz).date()))

    _courses(weeks, ends, end=end, week_of=week_of)
    _certificates(weeks, ends, end=end, week_of=week_of)
    return PrepaidReport(currency=settings.STUDIO_CURRENCY, weeks=[weeks[monday] for monday in mondays])


def _courses(weeks, ends, *, end: datetime, week_of) -> None:
    courses = {
        pk: (price, total, sold_at, expires_on)
        for pk, price, total, sold_at, expires_on in Course.objects.filter(sold_at__lt=end).values_list(
            "pk", "price", "sessions_total", "sold_at", "expires_on"
        )
    }
    owed_lines = defaultdict(list)  # course -> [(at, change in sessions owed)]
    for course_id, kind, sessions, at in CourseEntry.objects.filter(at__lt=end).values_list(
        "course_id", "kind", "sessions", "at"
    ):
        change = OWED_CHANGE.get(kind, 0)
        owed_lines[course_id].append((at, sessions if change is None else change))
        week = week_of(at)
        if week is not None and kind == CourseEntryKind.USE:
            week.sessions_used += 1
    for pk, (price, total, sold_at, expires_on) in courses.items():
        week = week_of(sold_at)
        if week is not None:
            week.courses_sold += 1
            week.courses_sum += price
        per_session = price / total if total else ZERO
        for monday, week_end in ends:
            if expires_on < monday + WEEK - timedelta(days=1) or sold_at >= week_end:
                continue
            owed = sum(change for at, change in owed_lines[pk] if at < week_end)
            weeks[monday].sessions_outstanding += max(owed, 0)
            weeks[monday].courses_outstanding += per_session * max(owed, 0)


def _certificates(weeks, ends, *, end: datetime, week_of) -> None:
    certificates = {
        pk: (amount, sold_at, expires_on)
        for pk, amount, sold_at, expires_on in Certificate.objects.filter(sold_at__lt=end).values_list(
            "pk", "amount", "sold_at", "expires_on"
        )
    }
    lines = defaultdict(list)  # certificate -> [(at, amount)]
    for certificate_id, kind, amount, at in CertificateEntry.objects.filter(at__lt=end).values_list(
        "certificate_id", "kind", "amount", "at"
    ):
        lines[certificate_id].append((at, amount))
        week = week_of(at)
        if week is not None and kind in (CertificateEntryKind.REDEEM, CertificateEntryKind.REFUND):
            week.certificates_redeemed -= amount
    for pk, (amount, sold_at, expires_on) in certificates.items():
        week = week_of(sold_at)
        if week is not None:
            week.certificates_sold += 1
            week.certificates_sum += amount
        for monday, week_end in ends:
            if expires_on < monday + WEEK - timedelta(days=1) or sold_at >= week_end:
                continue
            weeks[monday].certificates_outstanding += sum(change for at, change in lines[pk] if at < week_end)
