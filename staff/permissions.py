"""Who may do what in the staff area: the one place the rules are checked.

Two layers:
- model permissions (`bookings.<codename>`, grouped into roles by staff/roles.py), checked
  by the `staff_view(...)` decorator on every view, and
- the object-level rule, here only: someone who may not see every schedule sees only the
  appointments of the therapist linked to their login (`appointment.therapist.user == user`).
  `StaffAccess.can_see(appointment)` answers it for one appointment, `.scope(queryset)` for many.

Health answers additionally go through `intake.access` (its own permission check, and a log line
for every read); `can_read_answers(appointment)` combines that with the object-level rule.

Anonymous visitors are sent to the sign-in page (htmx requests get an HX-Redirect there instead
of a login form swapped into the page); signed-in users without the permission get 403.
"""

from __future__ import annotations

from functools import cached_property, wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods
from django_htmx.http import HttpResponseClientRedirect

from bookings.models import Appointment, Therapist
from intake import access as health_access

APP = "bookings"


class StaffAccess:
    """What one signed-in staff member may see and do; built once per request (`request.staff`)."""

    def __init__(self, user):
        self.user = user

    def can(self, codename: str) -> bool:
        """`codename` of a bookings permission, or a full "app.codename"."""
        name = codename if "." in codename else f"{APP}.{codename}"
        return self.user.is_active and self.user.has_perm(name)

    @cached_property
    def therapist(self) -> Therapist | None:
        """The therapist linked to this login, if any (one query, once)."""
        return Therapist.objects.filter(user=self.user).first()

    @property
    def sees_all(self) -> bool:
        return self.can("view_all_schedules")

    def can_see(self, appointment: Appointment) -> bool:
        """The object-level rule: every appointment, or only those of one's own therapist row."""
        if self.sees_all:
            return True
        return self.user.pk is not None and appointment.therapist.user_id == self.user.pk

    def scope(self, appointments: QuerySet) -> QuerySet:
        """The same rule for a queryset of appointments."""
        if self.sees_all:
            return appointments
        return appointments.filter(therapist__user=self.user)

    def scope_therapists(self, therapists: QuerySet) -> QuerySet:
        """The therapists whose schedule this person sees (their own only, unless they see all)."""
        if self.sees_all:
            return therapists
        return therapists.filter(user=self.user)

    def check_can_see(self, appointment: Appointment) -> None:
        if not self.can_see(appointment):
            raise PermissionDenied("Not one of your appointments.")

    def can_see_screening_details(self, appointment: Appointment) -> bool:
        return self.can("view_screening_details") and self.can_see(appointment)

    def can_read_answers(self, appointment: Appointment) -> bool:
        return (
            appointment.questionnaire_id is not None
            and self.can_see(appointment)
            and health_access.can_read_answers(self.user)
        )

    # Shortcuts for templates: {% if request.staff.may.manage_bookings %}
    @cached_property
    def may(self) -> dict[str, bool]:
        from staff.roles import STAFF_PERMISSIONS

        return {codename: self.can(codename) for codename in STAFF_PERMISSIONS}


def staff_view(permission: str | None = None, *, methods=("GET", "HEAD")):
    """Decorate a staff view: signed in, allowed into the staff area, holding `permission`.

    Sets `request.staff` (a StaffAccess). Responses are never cached (they show personal data).
    """

    def decorator(view):
        @never_cache
        @require_http_methods(list(methods))
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            user = request.user
            if not user.is_authenticated:
                login = redirect_to_login(request.get_full_path())
                if getattr(request, "htmx", False):
                    return HttpResponseClientRedirect(login.url)
                return login
            access = StaffAccess(user)
            if not access.can("access_staff_area"):
                raise PermissionDenied("Not a member of staff.")
            if permission and not access.can(permission):
                raise PermissionDenied(f"Needs {permission}.")
            request.staff = access
            return view(request, *args, **kwargs)

        wrapped.staff_permission = permission
        return wrapped

    return decorator
