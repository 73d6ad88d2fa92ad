"""Database constraints that only PostgreSQL can express.

`PostgresExclusionConstraint` is Django's `ExclusionConstraint` that quietly does nothing on any
other database, the same way Django itself skips a conditional `UniqueConstraint` on a database
without partial indexes. It lives in `Meta.constraints` like every other invariant, so
`makemigrations` sees it and the migration adds it on PostgreSQL; on SQLite the constraint SQL is
empty (also when SQLite remakes a table for a later migration) and model validation skips it.
On SQLite invariant 1 is held by the booking functions instead: check-then-insert inside an
IMMEDIATE transaction, which takes the database's write lock at BEGIN (see bookings/booking.py).
"""

from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import DateTimeRangeField
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Func


def _is_postgres(connection) -> bool:
    return connection.vendor == "postgresql"


class PostgresExclusionConstraint(ExclusionConstraint):
    """An exclusion constraint on PostgreSQL; nothing at all on other databases."""

    def constraint_sql(self, model, schema_editor):
        if not _is_postgres(schema_editor.connection):
            return None
        return super().constraint_sql(model, schema_editor)

    def create_sql(self, model, schema_editor):
        if not _is_postgres(schema_editor.connection):
            return None
        return super().create_sql(model, schema_editor)

    def remove_sql(self, model, schema_editor):
        if not _is_postgres(schema_editor.connection):
            return None
        return super().remove_sql(model, schema_editor)

    def validate(self, model, instance, exclude=None, using=DEFAULT_DB_ALIAS):
        if not _is_postgres(connections[using]):
            return
        super().validate(model, instance, exclude=exclude, using=using)


class TsTzRange(Func):
    """PostgreSQL's tstzrange(start, end, '[)'): the half-open time range an appointment blocks."""

    function = "TSTZRANGE"
    output_field = DateTimeRangeField()
