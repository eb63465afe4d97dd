"""Structured logs for deployments (DESIGN.md §11): one JSON object per line, each with a request id.

- :func:`configure_json_logging` sends every log record to stderr as JSON (``time``, ``level``,
  ``logger``, ``message``, ``request_id`` and any safe ``extra`` fields).
- :func:`install_request_ids` gives each web request an id (the caller's ``X-Request-ID`` when it is
  a plain token, else a new one), returns it in the ``X-Request-ID`` response header, puts it on every
  log line written while the request runs, and writes one access line per request.

What is never logged: tokens and passwords (``Authorization`` values, ``Bearer ...``, feed tokens in
URLs — access lines use the route template, ``/feeds/<token>.atom``, never the path), clinical free
text and case references (``extra`` keys with those names are dropped, and query strings are not
logged). Calling these functions is the only side effect; importing the module has none.
"""

from __future__ import annotations

import contextvars
import datetime as dt
import json
import logging
import re
import sys
import time
import uuid
from typing import IO, Any

__all__ = [
    "REQUEST_ID_HEADER",
    "JsonFormatter",
    "configure_json_logging",
    "current_request_id",
    "install_request_ids",
    "redact",
]

REQUEST_ID_HEADER = "X-Request-ID"
_request_id: contextvars.ContextVar[str | None] = contextvars.ContextVar("fews_request_id", default=None)
_SAFE_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
# keys that may carry secrets, clinical free text or case references: never written
_FORBIDDEN_KEYS = frozenset(
    {"token", "password", "authorization", "secret", "free_text", "case_reference", "payload", "cookie"}
)
_SECRETS = [
    (re.compile(r"(?i)\b(bearer|basic)\s+[A-Za-z0-9._~+/=-]+"), r"\1 [redacted]"),
    (re.compile(r"(/feeds/)[^/\s.]+"), r"\1[redacted]"),
    (re.compile(r"(?i)\b(token|password|secret)=([^&\s]+)"), r"\1=[redacted]"),
]
# attributes every LogRecord has; anything else came from ``extra=``
_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime"}


def current_request_id() -> str | None:
    """The id of the request being served in this context, if any."""
    return _request_id.get()


def redact(text: str) -> str:
    """Remove bearer tokens, feed tokens and ``token=``/``password=`` values from a log text.

    Examples
    --------
    >>> redact("GET /feeds/abc123.atom with Authorization: Bearer s3cr3t")
    'GET /feeds/[redacted].atom with Authorization: Bearer [redacted]'
    """
    for pattern, repl in _SECRETS:
        text = pattern.sub(repl, text)
    return text


class JsonFormatter(logging.Formatter):
    """Format a record as one JSON line (UTC time, level, logger, message, request id, extras)."""

    def format(self, record: logging.LogRecord) -> str:
        out: dict[str, Any] = {
            "time": dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": redact(record.getMessage()),
        }
        rid = getattr(record, "request_id", None) or _request_id.get()
        if rid:
            out["request_id"] = rid
        for key, value in vars(record).items():
            if key in _STANDARD or key in out or key.lower() in _FORBIDDEN_KEYS:
                continue
            out[key] = value if isinstance(value, int | float | bool) or value is None else redact(str(value))
        if record.exc_info:
            out["exception"] = redact(self.formatException(record.exc_info))
        return json.dumps(out, ensure_ascii=False)


def configure_json_logging(level: int = logging.INFO, stream: IO[str] | None = None) -> logging.Handler:
    """Replace the root logger's handlers with one JSON handler on ``stream`` (default stderr)."""
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
    return handler


def install_request_ids(app: Any) -> None:
    """Give every request of a Flask ``app`` an id, echo it back and log one access line per request."""
    from flask import g, request

    access = logging.getLogger("fews.access_log")

    def _assign_request_id() -> None:
        incoming = request.headers.get(REQUEST_ID_HEADER, "")
        rid = incoming if _SAFE_ID.match(incoming) else uuid.uuid4().hex
        g.request_id = rid
        g.request_started = time.perf_counter()
        g.request_id_token = _request_id.set(rid)

    # first of the app-wide hooks: a hook registered earlier that refuses the request (the CSRF check,
    # sign-in and password-change redirects) must not leave it without an id and an access-log line
    app.before_request_funcs.setdefault(None, []).insert(0, _assign_request_id)

    @app.after_request
    def _log_request(response):  # type: ignore[no-untyped-def]
        rid = g.get("request_id")
        if rid:
            response.headers[REQUEST_ID_HEADER] = rid
            started = g.get("request_started")
            access.info(
                "%s %s %s",
                request.method,
                request.url_rule.rule if request.url_rule is not None else "unmatched",
                response.status_code,
                extra={
                    "method": request.method,
                    "route": request.url_rule.rule if request.url_rule is not None else "unmatched",
                    "status": response.status_code,
                    "duration_ms": round((time.perf_counter() - started) * 1000, 1) if started else None,
                },
            )
        return response

    @app.teardown_request
    def _clear_request_id(_exc: BaseException | None) -> None:
        token = g.pop("request_id_token", None)
        if token is not None:
            _request_id.reset(token)
