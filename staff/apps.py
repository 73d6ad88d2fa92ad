from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StaffConfig(AppConfig):
    """The back office under /staff/: schedules, appointments, desk booking, hours, reports, roles."""

    name = "staff"
    verbose_name = _("Staff area")
