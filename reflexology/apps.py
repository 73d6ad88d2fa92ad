from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReflexologyConfig(AppConfig):
    name = "reflexology"
    verbose_name = _("Reflexology content")
