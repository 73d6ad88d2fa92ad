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
import json
import logging
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
            entry["exception"] = self.formatException(record.exc_info)
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return json.dumps(entry, default=str, ensure_ascii=False)
