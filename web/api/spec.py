"""The OpenAPI 3 document, generated from the views and their marshmallow schemas (flask-smorest).

:class:`FewsApi` is flask-smorest's ``Api`` with two changes: it leaves the app's error handlers
alone (the ``errors`` blueprint answers HTML pages; the API blueprint answers problem+json), and it
documents error responses as ``application/problem+json`` (RFC 9457). The two authentication
schemes (bearer API token, session cookie) are declared once and required by every operation
except the document itself.
"""

from __future__ import annotations

import http
from typing import Any

from flask import Flask
from flask_smorest import Api
from flask_smorest.utils import prepare_response

from web.api.schemas import ProblemSchema

__all__ = ["FewsApi", "PROBLEM_JSON", "SECURITY_SCHEMES", "SECURITY", "API_VERSION", "configure", "problem_response"]

PROBLEM_JSON = "application/problem+json"
API_VERSION = "1.0.0"

SECURITY_SCHEMES: dict[str, dict[str, Any]] = {
    "bearerAuth": {
        "type": "http",
        "scheme": "bearer",
        "description": (
            "An API token from `fews tokens add USER --scope read --scope submit` (stored hashed, revocable). "
            "Scopes: `read` for GET, classify and identify; `submit` for intake. Repeated failures from one "
            "address are refused with 429 for 15 minutes."
        ),
    },
    "cookieAuth": {
        "type": "apiKey",
        "in": "cookie",
        "name": "session",
        "description": (
            "The browser session after signing in at /auth/login. Unsafe requests (POST) made with the "
            "cookie must carry the CSRF token in the `X-CSRFToken` header."
        ),
    },
}
SECURITY: list[dict[str, list[str]]] = [{"bearerAuth": []}, {"cookieAuth": []}]

_DESCRIPTION = (
    "JSON API of FEWS, the UK forensic early-warning system for new psychoactive substances. "
    "Access follows the role table of DESIGN.md §4 (fews/access.py). Lists return "
    '`{"items": [...], "next": cursor|null}`; pass `next` back as `?cursor=` for the following page. '
    "Errors are `application/problem+json`."
)


class FewsApi(Api):  # type: ignore[misc]
    """flask-smorest ``Api`` that documents problem+json errors and keeps the app's own error handlers."""

    ERROR_SCHEMA = ProblemSchema

    def _register_error_handlers(self) -> None:
        """The API blueprint registers its own problem+json handler; HTML pages keep theirs."""

    def _register_responses(self) -> None:
        for status in http.HTTPStatus:
            response: dict[str, Any] = {"description": status.phrase}
            if not (100 <= status < 200) and status not in (204, 304):
                response["schema"] = self.ERROR_SCHEMA
            prepare_response(response, self.spec, PROBLEM_JSON)
            self.spec.components.response(status.name, response, lazy=True)
        response = {"description": "Default error response", "schema": self.ERROR_SCHEMA}
        prepare_response(response, self.spec, PROBLEM_JSON)
        self.spec.components.response(self.DEFAULT_ERROR_RESPONSE_NAME, response, lazy=True)


def configure(app: Flask) -> None:
    """flask-smorest settings; the document itself is served by the API blueprint (no doc blueprint, no CDN UI)."""
    app.config.setdefault("API_TITLE", "FEWS API")
    app.config.setdefault("API_VERSION", API_VERSION)
    app.config.setdefault("OPENAPI_VERSION", "3.0.3")
    app.config["OPENAPI_URL_PREFIX"] = None
    app.config.setdefault(
        "API_SPEC_OPTIONS",
        {
            "info": {"description": _DESCRIPTION, "license": {"name": "MIT"}},
            "servers": [{"url": "/", "description": "this server"}],
            "security": SECURITY,
            "components": {"securitySchemes": SECURITY_SCHEMES},
        },
    )


def problem_response(blp: Any, status: int, description: str) -> Any:
    """Decorator documenting a problem+json error response of one operation."""
    return blp.alt_response(status, schema=ProblemSchema, content_type=PROBLEM_JSON, description=description)
