from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StudioConfig(AppConfig):
    name = "studio"
    verbose_name = _("Studio")

    def ready(self):
        from studio.cache import watch_database_writes

        # Writes to the content, rules, prices, hours and appointments stale the page cache, whichever
        # process makes them (studio/cache.py).
        watch_database_writes()
