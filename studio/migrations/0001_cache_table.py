"""The database cache table (settings.CACHES), so `migrate` is all a fresh database needs.

`createcachetable` makes the table of every configured database cache and skips the ones that exist;
with Redis or the in-memory cache (tests) it does nothing.
"""

from django.core.management import call_command
from django.db import migrations


def create_cache_tables(apps, schema_editor):
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = []

    operations = [migrations.RunPython(create_cache_tables, migrations.RunPython.noop, elidable=False)]
