from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StudioConfig(AppConfig):
    """The project: settings, root URLs, the home page and /healthz."""

    name = "studio"
    verbose_name = _("Studio")

    def ready(self):
        from studio import checks  # noqa: F401  (registers the system checks)
