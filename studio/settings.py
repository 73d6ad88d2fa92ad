"""Settings for the studio site, read from the environment.

With no variable set the site runs in development mode on a SQLite file in the project.
Production sets DEBUG=0 and must then provide SECRET_KEY and ALLOWED_HOSTS (see README.md).
"""

import sys
from pathlib import Path
from urllib.parse import quote_plus

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

from common.env import env_bool, env_int, env_list, env_str, require

BASE_DIR = Path(__file__).resolve().parent.parent
NODE_MODULES = BASE_DIR / "node_modules"

DEBUG = env_bool("DEBUG", True)

if DEBUG:
    SECRET_KEY = env_str("SECRET_KEY") or "django-insecure-development-only-key-never-use-in-production"
    ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
else:
    SECRET_KEY = require(
        "SECRET_KEY",
        env_str("SECRET_KEY"),
        "With DEBUG off the site needs a long random secret key, e.g. "
        "`python -c 'import secrets; print(secrets.token_urlsafe(50))'`.",
    )
    ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")
    require(
        "ALLOWED_HOSTS",
        ",".join(ALLOWED_HOSTS),
        "With DEBUG off list the host names the site answers to, comma-separated, "
        "e.g. ALLOWED_HOSTS=studio.example.com.",
    )
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "modeltranslation",  # before the admin, so its admin templates and loaddata come first
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_htmx",
    "django_tasks_db",
    "phonenumber_field",
    "axes",
    "common",
    "studio",
    "staff",
    "bookings",
    "intake",
    "reflexology",
]

MIDDLEWARE = [
    # First: the request id every log line and error page carries, and the access log.
    "common.middleware.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # The page's language, before the page cache (which keys on the path: / and /en/ are two pages).
    "common.locale.LanguageMiddleware",
    # Public pages from the shared cache (common/cache.py); outside GZip, so pages are stored compressed.
    "common.cache.PageCacheMiddleware",
    "django.middleware.gzip.GZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    # Before anything reads the body (CSRF does, in process_view); its 413 still gets the headers above.
    "common.middleware.RequestSizeLimitMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Per-address limits on the forms that write (common/ratelimit.py, settings.RATE_LIMITS).
    "common.ratelimit.RateLimitMiddleware",
    # Last, as django-axes asks: turns a locked-out login into the friendly lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "studio.urls"
WSGI_APPLICATION = "studio.wsgi.application"
ASGI_APPLICATION = "studio.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.csp",
                "common.context_processors.studio",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
# DATABASE_URL picks the engine: postgres://user@host:5432/name or sqlite:///path.
# The development server serves each request on a new thread with its own connection: kept open
# (CONN_MAX_AGE) they pile up, one per thread, until PostgreSQL refuses everyone. Not under runserver.
DEV_SERVER = sys.argv[1:2] == ["runserver"]
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=0 if DEV_SERVER else env_int("CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Invariant 1 on SQLite: IMMEDIATE transactions take the write lock at BEGIN, so a
    # check-then-insert inside transaction.atomic() is serialised; WAL lets readers go on.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
else:
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].setdefault("connect_timeout", env_int("DB_CONNECT_TIMEOUT", 5))

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache ----------------------------------------------------------------------------------
# Shared by every worker and host (the page cache's generation, the rate limits' counters): Redis
# when REDIS_URL is set (needs the `redis` package), else a table in the database (created by the
# studio app's migration), whose incr() is atomic (common/cache.py).
REDIS_URL = env_str("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "common.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env_str("CACHE_KEY_PREFIX", "studio"),
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "common.cache.DatabaseCache",
            "LOCATION": "studio_cache",
            "OPTIONS": {"MAX_ENTRIES": env_int("CACHE_MAX_ENTRIES", 5000)},
        }
    }
    if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
        # SQLite means one host, and opening the database costs more than a page (CONN_MAX_AGE=0):
        # the page cache lives in files beside it instead, shared by every worker on the host.
        _beside_database = Path(DATABASES["default"]["NAME"]).parent / "page-cache"
        CACHES["pages"] = {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": env_str("PAGE_CACHE_DIR") or str(_beside_database),
            "OPTIONS": {"MAX_ENTRIES": env_int("CACHE_MAX_ENTRIES", 5000)},
        }

# --- Auth -----------------------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "staff:login"
LOGIN_REDIRECT_URL = "staff:dashboard"
LOGOUT_REDIRECT_URL = "home"
# Staff sessions end after a working day, and when the browser closes.
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 60 * 60 * 10)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# --- Internationalisation -------------------------------------------------------------------
# Russian first (the clients' language, served unprefixed), English under /en/ (studio/urls.py).
# common/locale.py picks the language: the URL's prefix; on an unprefixed page a chosen language
# (the cookie set by the switcher) or else the browser's Accept-Language, by redirecting to /en/.
LANGUAGES = [("ru", _("Russian")), ("en", _("English"))]
LANGUAGE_CODE = env_str("LANGUAGE_CODE", "ru") or "ru"
if LANGUAGE_CODE not in dict(LANGUAGES):
    raise ImproperlyConfigured(f"LANGUAGE_CODE must be ru or en; got {LANGUAGE_CODE!r}.")
LOCALE_PATHS = [BASE_DIR / "locale"]
# Django's own formats corrected per language (studio/formats/); the pages' named dates: common/dates.py.
FORMAT_MODULE_PATH = ["studio.formats"]
LANGUAGE_COOKIE_NAME = "studio_language"
LANGUAGE_COOKIE_AGE = 60 * 60 * 24 * 365
LANGUAGE_COOKIE_SAMESITE = "Lax"
# URL prefixes that are the same in every language (no /en/ copy): they follow the cookie or the
# browser's Accept-Language instead (staff pick their language with the switcher; the API's errors).
LANGUAGE_NEUTRAL_PATHS = ("/api/", "/healthz", "/staff/", "/admin/", "/i18n/", "/static/", "/media/")
USE_I18N = True
# The content (techniques, zones, questions, rules' messages, services) in both languages: a column per
# language (`name_ru`, `name_en`), see the apps' translation.py. An empty translation shows the other one.
MODELTRANSLATION_DEFAULT_LANGUAGE = "ru"
MODELTRANSLATION_LANGUAGES = ("ru", "en")
MODELTRANSLATION_FALLBACK_LANGUAGES = {"default": ("ru", "en"), "ru": ("en",), "en": ("ru",)}
USE_TZ = True
# All times are stored in UTC and shown in the studio's own time zone (invariant 5).
TIME_ZONE = env_str("STUDIO_TIME_ZONE", "Europe/Moscow")

# --- Static files and media -----------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT") or BASE_DIR / "staticfiles")
# Third-party assets come from npm (package.json + package-lock.json), served from
# node_modules under a vendor/ prefix; nothing is loaded from a CDN.
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("vendor/bootstrap", NODE_MODULES / "bootstrap" / "dist"),
    ("vendor/htmx", NODE_MODULES / "htmx.org" / "dist"),
    ("vendor/fonts/lora", NODE_MODULES / "@fontsource" / "lora" / "files"),
    ("vendor/fonts/source-sans-3", NODE_MODULES / "@fontsource" / "source-sans-3" / "files"),
]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT") or BASE_DIR / "media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_MAX_AGE = 60 * 60 * 24 * 365 if not DEBUG else 0

# --- E-mail ---------------------------------------------------------------------------------
# Django 6.1's MAILERS. Development prints mail to the console; production speaks SMTP.
EMAIL_BACKEND_PATH = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
MAILERS = {"default": {"BACKEND": EMAIL_BACKEND_PATH}}
if EMAIL_BACKEND_PATH.endswith("smtp.EmailBackend"):
    MAILERS["default"]["OPTIONS"] = {
        "host": env_str("EMAIL_HOST", "localhost"),
        "port": env_int("EMAIL_PORT", 25),
        "username": env_str("EMAIL_HOST_USER", ""),
        "password": env_str("EMAIL_HOST_PASSWORD", ""),
        "use_tls": env_bool("EMAIL_USE_TLS", False),
        "use_ssl": env_bool("EMAIL_USE_SSL", False),
        "timeout": env_int("EMAIL_TIMEOUT", 10),
    }
if EMAIL_BACKEND_PATH.endswith("filebased.EmailBackend"):
    # One file per connection in EMAIL_FILE_PATH (scripts/prod_check.py reads them).
    MAILERS["default"]["OPTIONS"] = {"file_path": env_str("EMAIL_FILE_PATH") or str(BASE_DIR / "sent-mail")}
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Sole & Calm <hello@solecalm.example>")
SERVER_EMAIL = env_str("SERVER_EMAIL", DEFAULT_FROM_EMAIL)

# --- Background tasks -----------------------------------------------------------------------
# Mail and reminders never go out inside the request that books: views enqueue a task after the
# transaction commits. Development and tests run tasks immediately (after commit); production
# stores them in the database for `manage.py db_worker` (django-tasks-db) to send.
TASKS_BACKEND = env_str("TASKS_BACKEND", "immediate" if DEBUG else "database")
if TASKS_BACKEND not in {"immediate", "database"}:
    raise ImproperlyConfigured(f"TASKS_BACKEND must be 'immediate' or 'database'; got {TASKS_BACKEND!r}.")
TASKS = {
    "default": {
        "BACKEND": "django.tasks.backends.immediate.ImmediateBackend"
        if TASKS_BACKEND == "immediate"
        else "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default"],
    }
}

# --- Security -------------------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
if env_bool("BEHIND_TLS_PROXY", False):
    # Only behind a proxy that sets this header itself; never trust it from the open internet.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Data uploads: forms here are small; anything larger is refused before it is parsed.
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("DATA_UPLOAD_MAX_MEMORY_SIZE", 2 * 1024 * 1024)
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 400

# Content-Security-Policy (Django's own middleware): no inline scripts or styles anywhere;
# scripts are files from our origin, with a per-request nonce for the rare script element
# that needs one. SVG presentation attributes (fill=...) are not styles and stay allowed.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "object-src": [CSP.NONE],
}

# --- Forms ----------------------------------------------------------------------------------
CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# --- Logging --------------------------------------------------------------------------------
LOG_LEVEL = env_str("LOG_LEVEL", "INFO")
# JSON lines in production (common/logging.py), readable lines in development; both carry the
# request id (common/middleware.py).
LOG_FORMAT = env_str("LOG_FORMAT", "plain" if DEBUG else "json")
if LOG_FORMAT not in {"plain", "json"}:
    raise ImproperlyConfigured(f"LOG_FORMAT must be 'plain' or 'json'; got {LOG_FORMAT!r}.")
# Signed links are keys (anyone holding one acts as the client): every handler masks their tokens, and
# any long token, in every record, Django's own included (common/logging.py, SignedLinkFilter). The
# path prefixes of the links whose last part is a token (tests check every <token> route is listed):
LOG_MASKED_PATHS = (
    "/appointments/",
    "/waitlist/",
    "/waitlist/hold/",
    "/book/done/",
    "/intake/continue/",
    "/intake/result/",
    "/account/sign-in/",
    "/certificates/",
)
# Errors reach a person: a 500 e-mails ADMINS (comma-separated addresses) when DEBUG is off.
ADMINS = env_list("ADMINS")
_LOG_FILTERS = ["request_id", "signed_links"]
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "request_id": {"()": "common.logging.RequestIdFilter"},
        "signed_links": {"()": "common.logging.SignedLinkFilter"},
        "require_debug_false": {"()": "django.utils.log.RequireDebugFalse"},
    },
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        "json": {"()": "common.logging.JsonFormatter"},
        "django.server": {
            "()": "django.utils.log.ServerFormatter",
            "format": "[{server_time}] {message}",
            "style": "{",
        },
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT, "filters": _LOG_FILTERS},
        # runserver's access lines (replacing Django's default handler, which has no filter).
        "django.server": {
            "class": "logging.StreamHandler",
            "formatter": "django.server",
            "filters": _LOG_FILTERS,
        },
        "mail_admins": {
            "class": "django.utils.log.AdminEmailHandler",
            "reporter_class": "common.error_mail.MaskedExceptionReporter",
            "level": "ERROR",
            "filters": [*_LOG_FILTERS, "require_debug_false"],
        },
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        # Replaces Django's default "django" handlers (which have no filter); records still reach the root.
        "django": {"handlers": ["mail_admins"], "level": LOG_LEVEL, "propagate": True},
        "django.server": {"handlers": ["django.server"], "level": "INFO", "propagate": False},
        "django.db.backends": {"level": "WARNING"},
        # django-axes announces itself at INFO on every start-up; its warnings (lockouts) still show.
        "axes": {"level": "WARNING"},
    },
}

# Optional: errors to Sentry as well, when SENTRY_DSN is set (sentry-sdk). No personal data is sent, and
# signed links are masked there too.
SENTRY_DSN = env_str("SENTRY_DSN", "")
if SENTRY_DSN:
    from common.logging import init_sentry

    init_sentry(SENTRY_DSN, environment=env_str("SENTRY_ENVIRONMENT", "production"))

# --- The studio -----------------------------------------------------------------------------
STUDIO_NAME = env_str("STUDIO_NAME", "Sole & Calm")
STUDIO_CURRENCY = (env_str("STUDIO_CURRENCY", "RUB") or "RUB").upper()
if len(STUDIO_CURRENCY) != 3 or not STUDIO_CURRENCY.isalpha():
    raise ImproperlyConfigured(
        f"STUDIO_CURRENCY must be a three-letter ISO 4217 code such as RUB or EUR; got {STUDIO_CURRENCY!r}."
    )
# Phone numbers are read as numbers of this country unless they start with + (ISO 3166 code), stored in
# E.164 and shown in its national format (common/phones.py).
STUDIO_COUNTRY = (env_str("STUDIO_COUNTRY", "RU") or "RU").upper()
if len(STUDIO_COUNTRY) != 2 or not STUDIO_COUNTRY.isalpha():
    raise ImproperlyConfigured(
        f"STUDIO_COUNTRY must be a two-letter country code such as RU; got {STUDIO_COUNTRY!r}."
    )
PHONENUMBER_DEFAULT_REGION = STUDIO_COUNTRY
PHONENUMBER_DB_FORMAT = "E164"
# The address, city and metro station in Russian, and as English pages show them (`_EN`; empty: the same).
STUDIO_ADDRESS = env_str("STUDIO_ADDRESS", "Липовый переулок, 12, 1-й этаж")
STUDIO_ADDRESS_EN = env_str("STUDIO_ADDRESS_EN", "12 Linden Lane, first floor")
STUDIO_PHONE = env_str("STUDIO_PHONE", "+7 495 000-00-00")
STUDIO_EMAIL = env_str("STUDIO_EMAIL", "hello@solecalm.example")
# How to find us (the contact page, the home page, the footer). The maps link only opens the address
# in a maps service in a new tab; no map tiles or scripts are loaded from elsewhere.
STUDIO_CITY = env_str("STUDIO_CITY", "Москва")
STUDIO_CITY_EN = env_str("STUDIO_CITY_EN", "Moscow")
STUDIO_METRO = env_str("STUDIO_METRO", "Чистые пруды")
STUDIO_METRO_EN = env_str("STUDIO_METRO_EN", "Chistye Prudy")
STUDIO_METRO_WALK_MINUTES = env_int("STUDIO_METRO_WALK_MINUTES", 7)
STUDIO_MAPS_URL = env_str("STUDIO_MAPS_URL", "") or (
    "https://yandex.ru/maps/?text=" + quote_plus(f"{STUDIO_ADDRESS}, {STUDIO_CITY}")
)

# `load_demo` gives the demo therapists their illustrated portraits (bookings/demo_portraits/).
DEMO_PORTRAITS = env_bool("DEMO_PORTRAITS", True)

# --- Bookings -------------------------------------------------------------------------------
# The booking rules (slot step, notice, window, cancellation deadline) are a row a manager edits
# in the admin (bookings.BookingPolicy). Here only the machinery: how long, on PostgreSQL, a
# booking waits for a concurrent booking's row lock before it asks the client to try again.
BOOKINGS_LOCK_TIMEOUT_SECONDS = env_int("BOOKINGS_LOCK_TIMEOUT_SECONDS", 10)
# The waitlist: how long a freed time is held for the client it is offered to (bookings/waitlist.py).
WAITLIST_HOLD_MINUTES = env_int("WAITLIST_HOLD_MINUTES", 30)
# --- End of Bookings ------------------------------------------------------------------------

# --- Intake ---------------------------------------------------------------------------------
# The health questionnaire (intake/). A questionnaire stays valid for this many months; the
# client confirms "nothing has changed" (or updates it) through a signed e-mailed link.
# The client account (bookings/accounts.py): an e-mailed sign-in link works once, for this many
# seconds; a signed-in account lasts this long (and ends when the browser closes); each address gets
# at most this many links per window of seconds, however many addresses ask.
ACCOUNT_LINK_MAX_AGE = env_int("ACCOUNT_LINK_MAX_AGE", 15 * 60)
ACCOUNT_SESSION_SECONDS = env_int("ACCOUNT_SESSION_SECONDS", 3 * 60 * 60)
ACCOUNT_LINKS_PER_ADDRESS = (env_int("ACCOUNT_LINKS_PER_ADDRESS", 3), 15 * 60)
INTAKE_VALID_MONTHS = env_int("INTAKE_VALID_MONTHS", 6)
# Signed links: the result link (also how a client reopens their result) and the shorter-lived
# "confirm or update" link for returning clients, in seconds.
INTAKE_RESULT_LINK_MAX_AGE = env_int("INTAKE_RESULT_LINK_MAX_AGE", 60 * 60 * 24 * 30)
INTAKE_RETURNING_LINK_MAX_AGE = env_int("INTAKE_RETURNING_LINK_MAX_AGE", 60 * 60 * 24 * 2)
# A doctor's note on file counts for this many months at most (contraindications R8).
INTAKE_CLEARANCE_VALID_MONTHS = env_int("INTAKE_CLEARANCE_VALID_MONTHS", 6)
# R14: "today" answers (fever, alcohol, a meal) refuse sessions up to this many days after them.
INTAKE_TODAY_ANSWERS_DAYS = env_int("INTAKE_TODAY_ANSWERS_DAYS", 2)
# Ages the rules work out from the date of birth (contraindications §2.8, §7 question 2).
INTAKE_ADULT_AGE = env_int("INTAKE_ADULT_AGE", 18)
INTAKE_INFANT_MONTHS = env_int("INTAKE_INFANT_MONTHS", 12)
INTAKE_OLDER_ADULT_AGE = env_int("INTAKE_OLDER_ADULT_AGE", 75)
# A date of birth further back than this is taken for a typing mistake.
INTAKE_OLDEST_AGE = env_int("INTAKE_OLDEST_AGE", 120)
# --- End of Intake --------------------------------------------------------------------------

# --- Staff area -----------------------------------------------------------------------------
# /staff/ (staff/): roles are groups made by a migration (staff/roles.py).
# Failed sign-ins are throttled by django-axes: after AXES_FAILURE_LIMIT wrong passwords for one
# user name from one address, that pair waits AXES_COOLOFF_TIME (a locked page, HTTP 429). Keyed on
# the pair, not the address alone, because the front desk shares one address: a colleague's typos
# must not lock everyone out. Sessions end after SESSION_COOKIE_AGE and when the browser closes
# (see Auth above). The address is the rate limits' one (common/ratelimit.py, client_ip): behind
# our TLS proxy (BEHIND_TLS_PROXY=1) the last X-Forwarded-For entry, not the proxy's own address.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
# In hours; a float, which axes reads as a fraction of an hour.
AXES_COOLOFF_TIME = env_int("AXES_COOLOFF_MINUTES", 15) / 60
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "staff.views.auth.locked_out"
AXES_CLIENT_IP_CALLABLE = "common.ratelimit.client_ip"
# --- End of Staff area ----------------------------------------------------------------------

# --- Booking flow ---------------------------------------------------------------------------
# The site's own address, for the absolute links in e-mails (the manage link, the calendar
# file), which are sent by tasks outside any request. No trailing slash needed. `make run` sets it
# from PORT; with DEBUG=0 it must be set, https, and its host in ALLOWED_HOSTS (studio/checks.py).
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000" if DEBUG else "")
# How long a step of /book/ stays usable (the signed choice of time carried between the steps).
BOOKING_FLOW_MAX_AGE = env_int("BOOKING_FLOW_MAX_AGE", 60 * 60 * 6)
# --- End of Booking flow --------------------------------------------------------------------

# --- Hardening ------------------------------------------------------------------------------
# Page cache (common/cache.py): whole public pages in the shared cache for visitors without a
# session, dropped in every process as soon as the content, the rules, the prices, the hours or the
# appointments change. URL name -> (query parameters the page reads, seconds an entry may live).
# A request with any other parameter is not cached. The availability API also depends on the clock,
# hence its short life. On by default with DEBUG=0; PAGE_CACHE=0 switches the cache (and its
# invalidation) off, PAGE_CACHE=1 on. Pages go to CACHES["pages"] when there is one, else "default".
PAGE_CACHE = env_bool("PAGE_CACHE", not DEBUG)
_PAGE_SECONDS = env_int("PAGE_CACHE_SECONDS", 600)
PAGE_CACHE_VIEWS = {
    "home": ((), _PAGE_SECONDS),
    "bookings:technique_list": (("kind", "system", "setting"), _PAGE_SECONDS),
    "bookings:technique_detail": ((), _PAGE_SECONDS),
    "reflexology:foot_map": (("view", "system"), _PAGE_SECONDS),
    "reflexology:zone_detail": (("view",), _PAGE_SECONDS),
    "reflexology:evidence": ((), _PAGE_SECONDS),
    "bookings:prices": ((), _PAGE_SECONDS),
    "bookings:therapist_list": ((), _PAGE_SECONDS),
    "bookings:therapist_detail": ((), _PAGE_SECONDS),
    "bookings:contact": ((), _PAGE_SECONDS),
    "bookings:hours_fragment": ((), _PAGE_SECONDS),
    # "bookings": also dropped when an appointment changes (the others are not; common/cache.py).
    "api:availability": (
        ("service", "from", "to", "therapist"),
        env_int("AVAILABILITY_CACHE_SECONDS", 30),
        "bookings",
    ),
}
# Writes to these apps' tables drop the cached pages, except the models that no cached page shows (and
# that change often); a write to an appointment drops only the "bookings" pages.
PAGE_CACHE_WATCHED_APPS = ("reflexology", "intake", "bookings")
PAGE_CACHE_IGNORED_MODELS = {
    "intake.questionnaire",
    "intake.clearance",
    "intake.healthaccesslog",
    "bookings.appointmentevent",
    # Sold courses, certificates and their ledgers show on no cached page (course products do: /prices/).
    "bookings.course",
    "bookings.courseentry",
    "bookings.certificate",
    "bookings.certificateentry",
    "bookings.waitlistentry",  # shown on no cached page
}
# A waitlist hold takes its time out of the availability API like an appointment.
PAGE_CACHE_BOOKINGS_ONLY_MODELS = {"bookings.appointment", "bookings.waitlistoffer"}
# Rate limits (common/ratelimit.py): POSTs per client address to each URL name, per window of seconds.
# Generous for people (a family booking together from one connection), tight for scripts.
RATE_LIMIT = env_bool("RATE_LIMIT", True)
RATE_LIMIT_TRUST_FORWARDED_FOR = env_bool("BEHIND_TLS_PROXY", False)
RATE_LIMITS = {
    "intake:questionnaire": (20, 3600),
    "intake:returning": (20, 3600),
    "intake:returning_update": (20, 3600),
    "intake:returning_request": (5, 3600),  # each one may send an e-mail
    "bookings:book_details": (30, 3600),
    "bookings:book_confirm": (20, 3600),
    "bookings:manage_move": (20, 3600),
    "bookings:manage_cancel": (10, 3600),
    "bookings:account_sign_in_request": (10, 3600),  # each one may send an e-mail
    "bookings:account_sign_in": (30, 3600),
    "bookings:account_delete": (10, 3600),
    "bookings:waitlist_join": (10, 3600),  # each one sends an e-mail
    "bookings:waitlist_hold": (20, 3600),
    "bookings:waitlist_leave": (10, 3600),
    # Sign-in attempts from one address, whatever user names they try (django-axes locks each user name
    # and address pair after AXES_FAILURE_LIMIT; this is the ceiling across names, for a whole desk).
    "staff:login": (env_int("STAFF_SIGN_IN_LIMIT", 20), 15 * 60),
}
# Any request body larger than this is refused with a 413 before it is read (common/middleware.py);
# above the largest thing a form takes (10 MB images in the admin, which say so themselves):
# Django streams uploaded files to disk whatever their size, and any URL accepts a POST.
MAX_REQUEST_BYTES = env_int("MAX_REQUEST_BYTES", 25 * 1024 * 1024)
# django-axes keeps the user name of a failed sign-in in a 255-character column; a longer one (as
# scanners send) was a 500 on PostgreSQL. It is cut to fit (common/ratelimit.py).
AXES_USERNAME_CALLABLE = "common.ratelimit.axes_username"
# --- End of Hardening -----------------------------------------------------------------------
