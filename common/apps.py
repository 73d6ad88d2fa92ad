from django.apps import AppConfig
from django.db.backends.signals import connection_created
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
        connection_created.connect(add_sqlite_functions, dispatch_uid="common.add_sqlite_functions")


def casefold(value):
    return None if value is None else str(value).casefold()


def add_sqlite_functions(sender, connection, **kwargs) -> None:
    """CASEFOLD(text) on SQLite, whose own lower() and LIKE fold ASCII letters only (search uses it)."""
    if connection.vendor == "sqlite":
        connection.connection.create_function("CASEFOLD", 1, casefold, deterministic=True)
