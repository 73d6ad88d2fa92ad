"""Test settings: the real settings, made fast and hermetic.

DATABASE_URL still picks the engine, so CI runs the same suite on SQLite and PostgreSQL.
"""

import os
import tempfile

from studio.settings import *  # noqa: F403
from studio.settings import DATABASES

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A file, not ":memory:", so threads in the concurrency tests share one database and
    # the IMMEDIATE transactions really serialise. One file per test process.
    DATABASES["default"]["TEST"] = {
        "NAME": os.path.join(tempfile.gettempdir(), f"studio-test-{os.getpid()}.sqlite3")
    }

# Serve static files straight from the finders, as in development (no collectstatic in tests).
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True

# The page cache and the rate limits are off for the suite (tests/hardening switches them on to test
# them): a page cached by one test must not answer another, and tests post forms many times.
PAGE_CACHE = False
RATE_LIMIT = False

# The browser tests' live server does not serve media (InMemoryStorage above): no demo portraits, so the
# team pages show initials there instead of broken images. tests/bookings/test_portraits.py turns them on.
DEMO_PORTRAITS = False

# The suite's existing pages and e-mails are asserted in English: tests run with English as the
# default (unprefixed) language and Russian under /ru/. The i18n tests (tests/studio/test_i18n*.py)
# set LANGUAGE_CODE="ru", the production default, and exercise Russian explicitly.
LANGUAGE_CODE = "en"
