"""Structured logs: one JSON object per line, one access line per request, a request id on every record.

The request id comes from a well-formed ``X-Request-ID`` header or is generated, and goes back in the
response. The access line names the method, the path (never the query string), the status, the duration,
the user id and the request id; nothing of a form, a file or a query is logged.
"""

from __future__ import annotations

import json
import logging
import re
import time
import uuid
from datetime import UTC, datetime
from typing import Any

from flask import Flask, Response, g, has_request_context, request

HEADER = "X-Request-ID"
_VALID_ID = re.compile(r"[A-Za-z0-9._:-]{8,128}")
_STANDARD_ATTRIBUTES = set(vars(logging.makeLogRecord({}))) | {"message", "asctime", "taskName"}

access_log = logging.getLogger("qms.access")


class JsonFormatter(logging.Formatter):
    """A record as one JSON line: time, level, logger, message, request id, and the fields passed in ``extra``."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD_ATTRIBUTES and not key.startswith("_"):
                line[key] = value
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False, default=str)


class RequestIdFilter(logging.Filter):
    """Stamp every record made while a request is served with that request's id."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id") and has_request_context():
            record.request_id = g.get("request_id")
        return True


def request_id_from(header: str | None) -> str:
    """The caller's id when it is a plain token of 8–128 safe characters, else a new one (no log injection)."""
    if header and _VALID_ID.fullmatch(header):
        return header
    return uuid.uuid4().hex


class DevServerAccessFilter(logging.Filter):
    """Drop the development server's own access line: it carries the query string, and ours replaces it."""

    def filter(self, record: logging.LogRecord) -> bool:
        return " - - [" not in record.getMessage()


def json_handler(stream: Any = None) -> logging.Handler:
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RequestIdFilter())
    return handler


def _configure(level: str) -> None:
    """One JSON handler on the root logger (once per process); the application's own loggers at ``level``."""
    root = logging.getLogger()
    if not any(isinstance(h.formatter, JsonFormatter) for h in root.handlers):
        root.addHandler(json_handler())
    logging.getLogger("qms").setLevel(level)
    werkzeug = logging.getLogger("werkzeug")
    if not any(isinstance(f, DevServerAccessFilter) for f in werkzeug.filters):
        werkzeug.addFilter(DevServerAccessFilter())


def _user_id() -> int | None:
    # Only a user this request already loaded: logging must not cost a query.
    user = g.get("_login_user") or g.get("qms_api_user")
    return getattr(user, "id", None)


def init_app(app: Flask) -> None:
    _configure(app.config.get("LOG_LEVEL", "INFO"))

    @app.before_request
    def _start() -> None:
        g.request_id = request_id_from(request.headers.get(HEADER))
        g.request_started = time.perf_counter()

    @app.after_request
    def _finish(response: Response) -> Response:
        request_id = g.get("request_id") or request_id_from(None)
        response.headers[HEADER] = request_id
        started = g.get("request_started")
        access_log.info(
            "%s %s %s", request.method, request.path, response.status_code,
            extra={
                "method": request.method,
                "path": request.path,
                "status": response.status_code,
                "duration_ms": round((time.perf_counter() - started) * 1000, 1) if started else None,
                "user_id": _user_id(),
                "request_id": request_id,
            },
        )
        return response
