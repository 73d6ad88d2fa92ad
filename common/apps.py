from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommonConfig(AppConfig):
    """Infrastructure every app may use (env, logging, mail, rate limits, page cache). It imports no app."""

    name = "common"
    verbose_name = _("Common")

    def ready(self):
        from common.cache import watch_database_writes

        # Writes to the content, rules, prices, hours and appointments stale the page cache, whichever
        # process makes them (common/cache.py).
        watch_database_writes()
