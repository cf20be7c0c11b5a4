"""Structured logs: a request id on every record of a request, JSON lines or plain text.

`RequestIdMiddleware` (core.middleware) sets the id of the current request in a context
variable; `RequestIdFilter`, attached to the handlers, copies it onto every record, whichever
logger wrote it (Django's, the app's, a library's). `JsonFormatter` writes one JSON object per
line; DJANGO_LOG_FORMAT=json|text chooses (json by default when DEBUG is off).
"""
import json
import logging
import re
import uuid
from contextvars import ContextVar
from datetime import datetime, timezone

from django.core.signals import request_finished

NO_REQUEST = "-"
request_id_var: ContextVar[str] = ContextVar("request_id", default=NO_REQUEST)

# An id taken from a client or proxy: short, and only characters that cannot break a log line
# or a header (no spaces, quotes, control characters).
SANE_REQUEST_ID = re.compile(r"[A-Za-z0-9._:@+=-]{1,128}")

# Attributes every LogRecord has; anything else on a record was passed with `extra=`.
_STANDARD_ATTRS = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {
    "message", "asctime", "request_id",
}


def request_id_from(header: str | None) -> str:
    """The client's X-Request-ID when it is sane, else a new random id."""
    if header and SANE_REQUEST_ID.fullmatch(header):
        return header
    return uuid.uuid4().hex


def _end_of_request(**kwargs) -> None:
    request_id_var.set(NO_REQUEST)


# After the response is closed: nothing logged later in this thread belongs to the request.
request_finished.connect(_end_of_request, dispatch_uid="core.logs.end_of_request")


class RequestIdFilter(logging.Filter):
    """Puts the current request's id (or '-' outside a request) on every record."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = request_id_var.get()
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per record: time, level, logger, message, request_id and any `extra`."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, timezone.utc).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", NO_REQUEST),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD_ATTRS and not key.startswith("_"):
                entry[key] = value
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        # default=str: Django puts the request object on django.request records.
        return json.dumps(entry, ensure_ascii=False, default=str)


TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"


def logging_config(*, log_format: str, level: str) -> dict:
    if log_format not in ("json", "text"):
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured(f"DJANGO_LOG_FORMAT must be json or text, got {log_format!r}")
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"request_id": {"()": "core.logs.RequestIdFilter"}},
        "formatters": {
            "json": {"()": "core.logs.JsonFormatter"},
            "text": {"format": TEXT_FORMAT},
        },
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "formatter": log_format,
                "filters": ["request_id"],
            },
        },
        "root": {"handlers": ["console"], "level": level},
        # Django's own logger would also print through its default handler: once is enough.
        "loggers": {
            "django": {"handlers": ["console"], "level": "INFO", "propagate": False},
            # The access line of RequestIdMiddleware replaces runserver's own request line.
            "django.server": {"handlers": ["console"], "level": "ERROR", "propagate": False},
        },
    }
