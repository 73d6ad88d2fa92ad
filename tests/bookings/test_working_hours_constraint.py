"""Working hours that overlap are refused by the database too (PostgreSQL), not only by the forms.

Overlapping periods on one day would make the availability engine offer every start twice.
`working_hours_no_overlap` is an exclusion constraint (therapist =, weekday =, [start, end) &&),
deferred to commit so that a formset may save its rows in any order. The tests use real
transactions: a deferred constraint is only checked when one commits.
"""

from datetime import time

import pytest
from django.db import IntegrityError, connection, transaction

from bookings.constraints import PostgresExclusionConstraint
from bookings.forms import WorkingHoursFormSet
from bookings.models import WorkingHours
from tests.bookings.factories import make_therapist

on_postgres = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only")
pytestmark = pytest.mark.django_db(transaction=True)


def refused_by_database(*rows) -> bool:
    """Insert the (therapist, weekday, start, end) rows in one transaction; did the commit fail?"""
    try:
        with transaction.atomic():
            for therapist, weekday, start, end in rows:
                WorkingHours.objects.create(therapist=therapist, weekday=weekday, start=start, end=end)
    except IntegrityError as error:
        assert "working_hours_no_overlap" in str(error)
        return True
    return False


def periods(therapist):
    return list(therapist.working_hours.order_by("weekday", "start").values_list("weekday", "start", "end"))


def formset_data(therapist, rows):
    """The formset as the staff page posts it: the saved rows (in order) changed to `rows`."""
    existing = list(therapist.working_hours.order_by("weekday", "start"))
    data = {
        "hours-TOTAL_FORMS": str(len(rows)),
        "hours-INITIAL_FORMS": str(len(existing)),
        "hours-MIN_NUM_FORMS": "0",
        "hours-MAX_NUM_FORMS": "1000",
    }
    for index, (weekday, start, end) in enumerate(rows):
        if index < len(existing):
            data[f"hours-{index}-id"] = str(existing[index].pk)
        data[f"hours-{index}-weekday"] = str(weekday)
        data[f"hours-{index}-start"] = start
        data[f"hours-{index}-end"] = end
    return data


@on_postgres
def test_the_database_refuses_a_second_overlapping_period():
    anna = make_therapist(hours={0: [(time(10), time(14))]})
    boris = make_therapist("boris", hours={0: [(time(10), time(14))]})

    assert refused_by_database((anna, 0, time(12), time(16)))
    assert refused_by_database((anna, 0, time(8), time(18)))  # around it
    assert refused_by_database((anna, 0, time(11), time(12)))  # inside it
    assert refused_by_database((anna, 2, time(9), time(11)), (anna, 2, time(10), time(12)))  # both new
    assert periods(anna) == [(0, time(10), time(14))]
    assert periods(boris) == [(0, time(10), time(14))]


@on_postgres
def test_adjacent_periods_other_days_and_other_therapists_are_allowed():
    anna = make_therapist(hours={0: [(time(10), time(14))]})
    boris = make_therapist("boris", hours={})

    assert not refused_by_database((anna, 0, time(14), time(18)))  # 10-14 then 14-18
    assert not refused_by_database((anna, 0, time(8), time(10)))  # 8-10 then 10-14
    assert not refused_by_database((anna, 1, time(12), time(16)))
    assert not refused_by_database((boris, 0, time(12), time(16)))
    assert periods(anna) == [
        (0, time(8), time(10)),
        (0, time(10), time(14)),
        (0, time(14), time(18)),
        (1, time(12), time(16)),
    ]


@on_postgres
def test_the_check_waits_for_the_commit():
    anna = make_therapist(hours={0: [(time(9), time(13)), (time(13), time(18))]})
    morning, afternoon = anna.working_hours.order_by("start")

    with transaction.atomic():
        WorkingHours.objects.filter(pk=morning.pk).update(end=time(15))  # overlaps for a moment
        WorkingHours.objects.filter(pk=afternoon.pk).update(start=time(15))

    assert periods(anna) == [(0, time(9), time(15)), (0, time(15), time(18))]


def test_a_formset_may_move_the_break_whatever_order_it_saves_in():
    # The saved morning grows first (09:00-15:00 against the saved 13:00-18:00), then the afternoon
    # shrinks: overlapping in between, fine at commit.
    anna = make_therapist(hours={0: [(time(9), time(13)), (time(13), time(18))]})
    formset = WorkingHoursFormSet(
        formset_data(anna, [(0, "09:00", "15:00"), (0, "15:00", "18:00")]), instance=anna, prefix="hours"
    )

    assert formset.is_valid(), (formset.errors, formset.non_form_errors())
    with transaction.atomic():
        formset.save()

    assert periods(anna) == [(0, time(9), time(15)), (0, time(15), time(18))]


def test_model_validation_leaves_the_overlap_to_clean_and_the_formset():
    constraint = next(c for c in WorkingHours._meta.constraints if c.name == "working_hours_no_overlap")
    assert isinstance(constraint, PostgresExclusionConstraint)
    assert constraint.deferrable is not None
    anna = make_therapist(hours={0: [(time(9), time(13))]})
    row = WorkingHours(therapist=anna, weekday=0, start=time(12), end=time(18))
    checked = [c.name for _, constraints in row.get_constraints() for c in constraints]

    assert "working_hours_no_overlap" not in checked
    assert "working_hours_one_start_per_day" in checked


@on_postgres
def test_a_schedule_change_that_meets_the_guard_at_commit_is_refused_in_words():
    """Two managers at once: the other's overlapping hours pass the form but not the commit."""
    from staff.scheduling import Decision, ScheduleChangeError, apply_change

    anna = make_therapist("anna", hours={0: [(time(9), time(13))]})

    def save():  # what the formset's save() does, after its own check saw the old rows
        WorkingHours.objects.create(therapist=anna, weekday=0, start=time(12), end=time(18))

    with pytest.raises(ScheduleChangeError, match="overlap hours saved a moment ago"):
        apply_change(
            save=save,
            find_stranded=list,
            seen_ids=None,
            decision=Decision.KEEP,
            message="",
            change="hours",
            user=None,
            therapist=anna,
        )
    assert periods(anna) == [(0, time(9), time(13))]
