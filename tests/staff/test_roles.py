"""The three roles: groups made by the migration, with exactly the permissions designed."""

import pytest
from django.contrib.auth.models import Group

from intake.access import can_read_answers
from staff.permissions import StaffAccess
from staff.roles import ROLE_PERMISSIONS, Role, assign_role, ensure_roles
from tests.staff.conftest import make_user

pytestmark = pytest.mark.django_db

# Who may do what: the design, as a table (True = allowed).
TABLE = {
    #                        manager reception therapist
    "access_staff_area": (True, True, True),
    "view_all_schedules": (True, True, False),
    "manage_bookings": (True, True, False),
    "record_attendance": (True, True, True),
    "add_appointment_note": (True, True, True),
    "view_screening_details": (True, False, True),
    "override_screening": (True, False, False),
    "manage_hours": (True, False, False),
    "view_reports": (True, False, False),
    "view_audit_trail": (True, False, False),
    "intake.view_health_answers": (True, False, True),
}


@pytest.mark.parametrize(("permission", "allowed"), TABLE.items())
def test_each_role_has_exactly_the_designed_permissions(roles, permission, allowed):
    for role, expected in zip([Role.MANAGER, Role.RECEPTION, Role.THERAPIST], allowed, strict=True):
        user = make_user(f"{role.value.lower()}-{permission}", role)
        assert StaffAccess(user).can(permission) is expected, (role, permission)


def test_the_migration_made_the_groups():
    # No `roles` fixture here: these come from bookings/migrations/0003_staff_roles.py.
    assert set(Group.objects.values_list("name", flat=True)) >= set(Role.values)
    reception = Group.objects.get(name=Role.RECEPTION)
    assert {f"{p.content_type.app_label}.{p.codename}" for p in reception.permissions.all()} == set(
        ROLE_PERMISSIONS[Role.RECEPTION]
    )


def test_managers_may_use_the_admin_for_content_but_not_rewrite_history(roles):
    manager = make_user("m", Role.MANAGER)

    assert manager.has_perm("bookings.change_service") and manager.has_perm("reflexology.change_technique")
    assert manager.has_perm("bookings.view_appointmentevent")
    assert not manager.has_perm("bookings.change_appointmentevent")
    assert not manager.has_perm("bookings.delete_appointmentevent")
    assert not manager.has_perm("intake.delete_healthaccesslog")


def test_ensure_roles_is_idempotent_and_repairs_a_group(roles):
    Group.objects.get(name=Role.RECEPTION).permissions.clear()

    ensure_roles()
    ensure_roles()

    assert Group.objects.filter(name__in=Role.values).count() == 3
    assert Group.objects.get(name=Role.RECEPTION).permissions.count() == len(ROLE_PERMISSIONS[Role.RECEPTION])


def test_assign_role_sets_the_staff_flag_that_reading_answers_needs(roles):
    user = make_user("x", Role.THERAPIST)
    assert user.is_staff and can_read_answers(user)

    assign_role(user, Role.RECEPTION)
    user = type(user).objects.get(pk=user.pk)

    assert not user.is_staff
    assert list(user.groups.values_list("name", flat=True)) == [Role.RECEPTION]
    assert not can_read_answers(user)
    with pytest.raises(ValueError):
        assign_role(user, "Janitor")
