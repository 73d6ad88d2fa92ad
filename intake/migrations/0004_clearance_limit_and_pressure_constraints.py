from django.db import migrations, models


def drop_proceed_limits(apps, schema_editor):
    # A limit of "proceed" never made an outcome stricter (R8 only applies stricter limits), so it
    # meant the same as no limit; the admin never offered it, but the old constraint let it in.
    Clearance = apps.get_model("intake", "Clearance")
    Clearance.objects.filter(limit_outcome="proceed").update(limit_outcome="")


class Migration(migrations.Migration):
    dependencies = [
        ("intake", "0003_split_heart_group"),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="clearance",
            name="clearance_limit_outcome_valid",
        ),
        migrations.RunPython(drop_proceed_limits, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="clearance",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("limit_outcome", ""),
                    (
                        "limit_outcome__in",
                        ["proceed_with_note", "modify", "avoid_area", "needs_clearance", "decline"],
                    ),
                    _connector="OR",
                ),
                name="clearance_limit_outcome_valid",
            ),
        ),
        migrations.AddConstraint(
            model_name="questionnaire",
            constraint=models.CheckConstraint(
                condition=models.Q(("pressure_preference__in", ["light", "medium", "firm", "unsure"])),
                name="questionnaire_pressure_valid",
            ),
        ),
    ]
