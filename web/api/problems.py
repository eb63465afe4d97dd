"""problem+json responses for the API (built on the app's one error helper, ``web.errors``)."""

from __future__ import annotations

import json
from typing import Any

from flask import Response
from werkzeug.exceptions import HTTPException
from werkzeug.http import HTTP_STATUS_CODES

from web.errors import _problem

__all__ = ["problem", "handle_http_exception", "ApiProblem"]


class ApiProblem(HTTPException):
    """Raise from API code to answer with a problem; carries optional headers and extra members."""

    def __init__(self, status: int, detail: str, *, headers: dict[str, str] | None = None, **extra: Any):
        super().__init__(description=detail)
        self.code = status
        self.extra_headers = headers or {}
        self.extra = extra


def problem(status: int, detail: str, *, headers: dict[str, str] | None = None, **extra: Any) -> Response:
    """A problem+json response: ``{"type", "title", "status", "detail"}`` plus ``extra`` members."""
    title = HTTP_STATUS_CODES.get(status, "Error")
    resp = _problem(status, title, detail)  # JSON on every /api/ path
    body: dict[str, Any] = {"type": "about:blank", "title": title, "status": status, "detail": detail}
    if isinstance(resp, Response):
        body = (resp.get_json(silent=True) or body) | extra
    else:  # called outside /api/ (e.g. a test request context): still answer JSON
        resp = Response(status=status)
        body |= extra
    resp.set_data(json.dumps(body, default=str))
    resp.mimetype = "application/problem+json"
    for k, v in (headers or {}).items():
        resp.headers[k] = v
    return resp


def handle_http_exception(exc: HTTPException) -> Response:
    """Every HTTP error raised inside the API blueprint, including webargs' 422 with field messages."""
    status = exc.code or 500
    extra: dict[str, Any] = {}
    headers: dict[str, str] = {}
    data = getattr(exc, "data", None)
    if isinstance(data, dict):
        messages = data.get("errors") or data.get("messages")
        if messages:
            extra["errors"] = messages
        headers.update(data.get("headers") or {})
    if isinstance(exc, ApiProblem):
        extra.update(exc.extra)
        headers.update(exc.extra_headers)
    detail = exc.description or HTTP_STATUS_CODES.get(status, "")
    if status == 422 and "errors" in extra:
        detail = "The request has invalid parameters or an invalid body; see errors."
    return problem(status, detail, headers=headers, **extra)
