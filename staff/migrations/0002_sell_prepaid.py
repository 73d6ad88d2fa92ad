"""Reception and managers may sell courses and gift certificates (`bookings.sell_prepaid`):
the roles brought up to date with staff/roles.py (idempotent, as in 0001)."""

from django.db import migrations


def update_roles(apps, schema_editor):
    from staff.roles import ensure_roles

    ensure_roles(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("staff", "0001_roles"),
        ('bookings', '0012_prepaid'),
    ]

    operations = [migrations.RunPython(update_roles, migrations.RunPython.noop)]
