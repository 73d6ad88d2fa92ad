"""Formerly made the staff roles; they now come from the staff app's own migration
(staff/migrations/0001_roles.py), so the domain app does not import the back office. Kept, empty,
so databases that applied it keep a consistent history.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("bookings", "0002_staff_permissions"),
        ("intake", "0002_rules_policies_access_log"),
        ("reflexology", "0002_refine_content_models"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(migrations.RunPython.noop, migrations.RunPython.noop)]
