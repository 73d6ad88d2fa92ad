"""The availability API's answer, written straight from the engine's integers (DESIGN.md's format).

`availability_json(data)` is exactly what `json.dumps` of
`{"service": ..., "timezone": ..., "slots": [{"start": ..., "end": ..., "therapist": ...}]}` with
`datetime.isoformat()` times gives, without a `Slot` or a datetime per start: on a day without a
clock change every start is local midnight plus whole minutes, so its text is the day's date, a
precomputed "HH:MM" and the day's UTC offset, worked out once per day. A day the clocks change (and
an end that falls on the next day) goes through `datetime.fromtimestamp(...).isoformat()`.
"""

from __future__ import annotations

import json
from datetime import datetime

from bookings.availability import AvailabilityData, bookable_starts

# "HH:MM" for every minute of a day; a start's wall-clock text is one lookup.
CLOCK = [f"{minute // 60:02d}:{minute % 60:02d}" for minute in range(24 * 60)]
DAY_SECONDS = 24 * 60 * 60


def availability_json(data: AvailabilityData) -> str:
    """The whole JSON document for the availability API: service, time zone and the free slots."""
    tz = data.tz
    duration = data.service.duration_minutes * 60
    names = {therapist.pk: json.dumps(therapist.slug) for therapist in data.therapists}
    items = []
    for day, midnight, starts in bookable_starts(data):
        if midnight is None:
            for start, therapist_id in starts:
                first = datetime.fromtimestamp(start, tz).isoformat()
                last = datetime.fromtimestamp(start + duration, tz).isoformat()
                items.append(f'{{"start": "{first}", "end": "{last}", "therapist": {names[therapist_id]}}}')
            continue
        offset = datetime.fromtimestamp(midnight, tz).isoformat()[19:]  # "+03:00" after the seconds
        prefix = f"{day.isoformat()}T"
        for start, therapist_id in starts:
            since = start - midnight
            end_since = since + duration
            if end_since < DAY_SECONDS:
                last = f"{prefix}{CLOCK[end_since // 60]}:00{offset}"
            else:
                last = datetime.fromtimestamp(start + duration, tz).isoformat()
            items.append(
                f'{{"start": "{prefix}{CLOCK[since // 60]}:00{offset}", "end": "{last}", '
                f'"therapist": {names[therapist_id]}}}'
            )
    head = f'{{"service": {json.dumps(data.service.slug)}, "timezone": {json.dumps(tz.key)}, "slots": ['
    return head + ", ".join(items) + "]}"
