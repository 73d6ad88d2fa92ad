"""The staff roles (Manager, Reception, Therapist) as groups with their permissions.

The roles are data in staff/roles.py; `ensure_roles` takes the migration's `apps`, so it only uses
the historical models. It is idempotent: databases where bookings' old 0003 already made the groups
get them brought up to date. Reversing leaves the groups alone (they may have members).
"""

from django.db import migrations


def create_roles(apps, schema_editor):
    from staff.roles import ensure_roles

    ensure_roles(apps)


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("bookings", "0005_booking_policy_upper_bounds"),
        ("intake", "0002_rules_policies_access_log"),
        ("reflexology", "0002_refine_content_models"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_roles, migrations.RunPython.noop)]
