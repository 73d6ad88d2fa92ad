"""Integer time for the availability engine: instants as epoch seconds, read and searched cheaply.

`EpochSeconds("start")` has the database hand a datetime column over as whole seconds since the
epoch; `Intervals` answers "does anything overlap [a, b)?" over half-open integer intervals.
"""

from bisect import bisect_left

from django.db.models import Func, IntegerField


class EpochSeconds(Func):
    """A datetime column as whole seconds since the epoch, worked out by the database.

    The engine wants integers; reading them straight from SQL skips building (and converting) an
    aware datetime per value, the largest cost of loading a busy month.
    """

    output_field = IntegerField()
    template = "CAST(FLOOR(EXTRACT(EPOCH FROM %(expressions)s)) AS bigint)"

    def as_sqlite(self, compiler, connection, **extra_context):
        if connection.Database.sqlite_version_info >= (3, 38):  # unixepoch() is twice as fast
            return self.as_sql(compiler, connection, template="unixepoch(%(expressions)s)")
        return self.as_sql(
            compiler, connection, template="CAST(strftime('%%%%s', %(expressions)s) AS integer)"
        )


class Intervals:
    """Half-open integer intervals, answering "does anything overlap [a, b)?" in O(log n)."""

    __slots__ = ("ends", "max_end", "starts")

    def __init__(self, intervals):
        ordered = sorted(intervals)
        self.starts = [start for start, _end in ordered]
        self.ends = [end for _start, end in ordered]
        self.max_end = []
        running = None
        for _start, end in ordered:
            running = end if running is None or end > running else running
            self.max_end.append(running)

    def overlaps(self, a: int, b: int) -> bool:
        index = bisect_left(self.starts, b)  # intervals [0, index) start before b
        return index > 0 and self.max_end[index - 1] > a
