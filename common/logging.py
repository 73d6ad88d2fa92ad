"""Structured logs: one JSON object per line, each carrying the id of the request it belongs to.

    from common.logging import log_event
    log_event("appointment.booked", appointment=42, by="client")

`log_event` is the helper the apps call for what happened (bookings, cancellations, screening
outcomes). Its fields are ids, slugs, counts and outcomes: never health answers, never names, e-mail
addresses or phone numbers, never a signed token. `JsonFormatter` writes every record of every logger
(Django's own included) as JSON; `RequestIdFilter` adds the id that `common.middleware.RequestIdMiddleware`
gave the current request (also sent back as the `X-Request-ID` header and shown on the error page).
"""

from __future__ import annotations

import contextvars
import copy
import functools
import json
import logging
import re
from datetime import UTC, datetime

request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="")

events = logging.getLogger("studio.events")

# Attributes every LogRecord has; anything else on a record came from `extra=` and is a field.
_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime", "request_id"}


def current_request_id() -> str:
    return request_id_var.get()


def log_event(event: str, /, **fields) -> None:
    """Log that `event` happened (e.g. "appointment.cancelled"), with plain, non-personal fields."""
    events.info(event, extra={"event": event, **{f"f_{name}": value for name, value in fields.items()}})


class RequestIdFilter(logging.Filter):
    """Puts the current request's id on every record (empty outside a request)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not getattr(record, "request_id", ""):
            record.request_id = request_id_var.get()
        return True


class JsonFormatter(logging.Formatter):
    """`{"time": ..., "level": ..., "logger": ..., "message": ..., "request_id": ..., ...}` per line."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        request_id = getattr(record, "request_id", "") or request_id_var.get()
        if request_id:
            entry["request_id"] = request_id
        for name, value in vars(record).items():
            if name in _STANDARD or name.startswith("_"):
                continue
            if name == "request":  # Django's request loggers pass the request object itself
                continue
            entry[name.removeprefix("f_")] = value
        if record.exc_info:
            # exc_text: the traceback as SignedLinkFilter masked it.
            entry["exception"] = record.exc_text or self.formatException(record.exc_info)
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return json.dumps(entry, default=str, ensure_ascii=False)


# --- Signed links never reach a log ----------------------------------------------------------------
# A signed link (the manage link, a questionnaire's result link) is a key: whoever reads it can act
# as the client. Django's own loggers write the path (django.request's "Not Found: /appointments/...",
# django.security.csrf's "Forbidden (...): /appointments/.../cancel/", runserver's access lines), so
# one filter on every handler masks them in every record, whoever logged it.
MASK = "[masked]"
# Any long run of URL-safe base64 (a signature, a random token, a CSRF token); a request id (32 hex
# characters) is shorter and stays readable.
_LONG_TOKEN = re.compile(r"[A-Za-z0-9_\-]{40,}(?:[.:][A-Za-z0-9_\-]+)*")


@functools.cache
def _signed_paths(prefixes: tuple[str, ...]) -> re.Pattern | None:
    if not prefixes:
        return None
    alternatives = "|".join(re.escape(prefix.strip("/")) for prefix in prefixes)
    return re.compile(rf"(/(?:{alternatives})/)[^/\s?#\"'<>]+")


def mask_signed_links(text: str) -> str:
    """`text` with the token of every signed link (settings.LOG_MASKED_PATHS) and every long token masked."""
    from django.conf import settings

    paths = _signed_paths(tuple(getattr(settings, "LOG_MASKED_PATHS", ())))
    if paths is not None:
        text = paths.sub(rf"\g<1>{MASK}", text)
    return _LONG_TOKEN.sub(MASK, text)


def _masked(value):
    if isinstance(value, str):
        return mask_signed_links(value)
    if isinstance(value, (list, tuple)):
        return type(value)(_masked(item) for item in value)
    return value


def _masked_request(request):
    """A copy of the request whose path, query string and referrer are masked (for the 500 e-mails)."""
    from django.http import QueryDict

    clone = copy.copy(request)
    clone.path = mask_signed_links(request.path)
    clone.path_info = mask_signed_links(request.path_info)
    clone.META = {
        key: mask_signed_links(value) if isinstance(value, str) else value
        for key, value in request.META.items()
    }
    clone.GET = QueryDict(clone.META.get("QUERY_STRING", ""))
    return clone


class SignedLinkFilter(logging.Filter):
    """Masks signed links in the message, its arguments, the extra fields and the request of every record."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "_links_masked", False):
            return True
        try:
            message = record.getMessage()
        except (TypeError, ValueError):
            message = str(record.msg)
        record.msg, record.args = mask_signed_links(message), ()
        for name, value in list(vars(record).items()):
            if name not in _STANDARD and name != "request" and not name.startswith("_"):
                setattr(record, name, _masked(value))
        request = getattr(record, "request", None)
        if request is not None and hasattr(request, "META"):
            record.request = _masked_request(request)
        if record.exc_info and not record.exc_text:
            record.exc_text = mask_signed_links(logging.Formatter().formatException(record.exc_info))
        elif record.exc_text:
            record.exc_text = mask_signed_links(record.exc_text)
        record._links_masked = True
        return True


def _scrub_event(event: dict, hint=None) -> dict:
    """Sentry's before_send: the same masking on everything the event carries as text."""

    def scrub(value):
        if isinstance(value, str):
            return mask_signed_links(value)
        if isinstance(value, dict):
            return {key: scrub(item) for key, item in value.items()}
        if isinstance(value, list):
            return [scrub(item) for item in value]
        return value

    return scrub(event)


def init_sentry(dsn: str, *, environment: str) -> None:
    """Errors (and error log records) to Sentry, without personal data and with signed links masked."""
    import sentry_sdk
    from sentry_sdk.integrations.django import DjangoIntegration

    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        integrations=[DjangoIntegration()],
        send_default_pii=False,
        before_send=_scrub_event,
        before_send_transaction=_scrub_event,
        traces_sample_rate=0,
    )
