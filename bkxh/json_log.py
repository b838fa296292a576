"""Log records as one JSON object a line, with the id of the request they were written in.

Free of Django, so that gunicorn's own process (deploy/gunicorn.conf.py) formats its lines with
it before any settings are read.
"""

import contextvars
import datetime
import json
import logging

# The id of the request being answered (bkxh/request_log.py), for every record written meanwhile:
# an error's traceback then carries the id of its request's line.
request_id = contextvars.ContextVar("request_id", default=None)

# What every LogRecord has; whatever else a record carries was given as `extra=` and is written out,
# but for django.request's `request`, whose text holds the query string (bkxh/request_log.py).
STANDARD_ATTRIBUTES = frozenset(logging.LogRecord("", 0, "", 0, "", (), None).__dict__) | {
    "message",
    "asctime",
    "request",
}


class RequestIdFilter(logging.Filter):
    """Gives a record the id of its request: django.request's records carry the request, and log
    the 4xx and 5xx answers once the middleware is done; others are written during the request."""

    def filter(self, record):
        if not hasattr(record, "request_id"):
            record.request_id = getattr(getattr(record, "request", None), "id", None) or request_id.get()
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record):
        entry = {
            "time": datetime.datetime.fromtimestamp(record.created, datetime.UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        entry.update(
            (name, value)
            for name, value in record.__dict__.items()
            if name not in STANDARD_ATTRIBUTES and value is not None
        )
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        # default=str: an `extra` Django passes (the request of django.request's errors) as its text.
        return json.dumps(entry, ensure_ascii=False, default=str)
