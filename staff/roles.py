"""The staff roles: three groups and what each may do, as data.

    manager     everything in the staff area (every schedule, bookings, screening overrides, hours,
                reports, the audit trail, health answers), and the admin for the content, services,
                rules and prices of our three apps (the audit trail and the health access log stay
                read-only there)
    reception   every schedule and every booking (book, move, cancel, mark done or missed, notes);
                selling courses and gift certificates and taking certificates at the desk;
                of a client's health only the screening flags, never the answers
    therapist   their own schedule and their own clients: mark done or missed, notes, the screening
                results and, through `intake.access.read_answers` (logged), the answers

The permissions are declared on `Appointment.Meta.permissions` (plus `intake.view_health_answers`).
The migration `bookings/migrations/0003_staff_roles.py` calls `ensure_roles(apps)`; the demo and the
tests call it too (a flushed test database has no groups). Running it again puts each group's
permissions back to exactly this list, so it is also how a changed role reaches the database.

`intake.access.can_read_answers` also asks for `user.is_staff`, so roles that read answers set
that flag on their members (`assign_role`); with only these permissions the admin shows them nothing.
"""

from __future__ import annotations

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions
from django.db import models
from django.utils.translation import gettext_lazy as _

STAFF_APP = "bookings"
HEALTH_ANSWERS = "intake.view_health_answers"


class Role(models.TextChoices):
    """The groups' names are these labels' values, so the admin shows them as people say them."""

    MANAGER = "Manager", _("Manager")
    RECEPTION = "Reception", _("Reception")
    THERAPIST = "Therapist", _("Therapist")


# Everything in `Appointment.Meta.permissions`, and selling courses and gift certificates
# (`Course.Meta.permissions`).
STAFF_PERMISSIONS = [
    "access_staff_area",
    "view_all_schedules",
    "manage_bookings",
    "record_attendance",
    "add_appointment_note",
    "view_screening_details",
    "override_screening",
    "manage_hours",
    "view_reports",
    "view_audit_trail",
    "sell_prepaid",
]

ROLE_PERMISSIONS: dict[str, list[str]] = {
    Role.MANAGER: [f"{STAFF_APP}.{codename}" for codename in STAFF_PERMISSIONS] + [HEALTH_ANSWERS],
    Role.RECEPTION: [
        "bookings.access_staff_area",
        "bookings.view_all_schedules",
        "bookings.manage_bookings",
        "bookings.record_attendance",
        "bookings.add_appointment_note",
        "bookings.sell_prepaid",
    ],
    Role.THERAPIST: [
        "bookings.access_staff_area",
        "bookings.record_attendance",
        "bookings.add_appointment_note",
        "bookings.view_screening_details",
        HEALTH_ANSWERS,
    ],
}

# Managers also run the admin for these apps (content, rules, services, prices, therapists)...
MANAGER_ADMIN_APPS = ["bookings", "reflexology", "intake"]
# ...except that nobody edits the records that say who did what.
READ_ONLY_MODELS = {"appointmentevent", "healthaccesslog"}

# Roles whose members need `is_staff` (see the module docstring).
NEEDS_STAFF_FLAG = {Role.MANAGER, Role.THERAPIST}


def ensure_roles(apps=global_apps) -> None:
    """Create the three groups (if missing) and set their permissions to exactly the lists above."""
    for app_config in apps.get_app_configs():
        # In a migration the app configs are historical; create_permissions wants a models module.
        if app_config.label in {"bookings", "intake", "reflexology"}:
            app_config.models_module = getattr(app_config, "models_module", None) or True
            create_permissions(app_config, apps=apps, verbosity=0)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    labels = {name.split(".", 1)[0] for names in ROLE_PERMISSIONS.values() for name in names}
    known = {
        (app_label, codename): (pk, model)
        for pk, app_label, codename, model in Permission.objects.filter(
            content_type__app_label__in=labels | set(MANAGER_ADMIN_APPS)
        ).values_list("pk", "content_type__app_label", "codename", "content_type__model")
    }
    for role, names in ROLE_PERMISSIONS.items():
        group, _created = Group.objects.get_or_create(name=role.value)
        wanted = {known[tuple(name.split(".", 1))][0] for name in names}
        if role == Role.MANAGER:
            wanted |= {
                pk
                for (app_label, codename), (pk, model) in known.items()
                if app_label in MANAGER_ADMIN_APPS
                and not (model in READ_ONLY_MODELS and not codename.startswith("view_"))
            }
        group.permissions.set(sorted(wanted))


def assign_role(user, role: str) -> None:
    """Put `user` in the role's group (only that one of the three) and set `is_staff` to match."""
    from django.contrib.auth.models import Group

    Role(role)  # ValueError for anything else
    if not Group.objects.filter(name=role).exists():
        ensure_roles()
    user.groups.remove(*Group.objects.filter(name__in=Role.values).exclude(name=role))
    user.groups.add(Group.objects.get(name=role))
    needs_flag = role in NEEDS_STAFF_FLAG
    if user.is_staff != needs_flag and not user.is_superuser:
        user.is_staff = needs_flag
        user.save(update_fields=["is_staff"])
