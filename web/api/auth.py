"""Who is calling the API: a bearer API token or the browser session, checked before every API view.

- ``Authorization: Bearer TOKEN``: the token's hash is looked up (``fews.accounts.find_token``);
  revoked, expired or unknown tokens get 401, and repeated failures from one address are refused
  with 429 for a while (the same sliding window as sign-in, ``web.auth.ratelimit``). The token's
  scopes limit what it may do (:mod:`web.api.policy`). Bearer requests need no CSRF token: a
  browser never adds that header by itself.
- Session cookie (Flask-Login): the signed-in user's role, with every scope; unsafe methods must
  carry the CSRF token (``X-CSRFToken``), as forms do.
- Nothing: 401 problem+json with ``WWW-Authenticate`` (never a redirect to the sign-in page).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from flask import current_app, g, request
from flask_login import current_user

from fews.access import Principal
from fews.accounts import find_token
from fews.models import ApiToken, utcnow
from web.api.problems import ApiProblem
from web.auth.ratelimit import FailureLimiter
from web.database import db, write_session
from web.extensions import csrf

__all__ = ["Caller", "authenticate", "current_caller", "PUBLIC_ENDPOINTS", "TOKEN_LIMITER_KEY", "init_limiter"]

PUBLIC_ENDPOINTS = frozenset({"api.openapi_json"})
TOKEN_LIMITER_KEY = "fews_api_token_limiter"
LAST_USED_RESOLUTION = dt.timedelta(minutes=5)  # record token use at most this often (a write per request is waste)
_CHALLENGE = 'Bearer realm="fews", error="invalid_token"'


@dataclass(frozen=True)
class Caller:
    """The authenticated caller: who, through what, and (for tokens) which scopes."""

    principal: Principal
    user_id: int
    scopes: frozenset[str] | None  # None: a browser session, limited by the role alone
    token_prefix: str | None = None

    def has_scope(self, scope: str) -> bool:
        return self.scopes is None or scope in self.scopes


def init_limiter(app) -> None:  # type: ignore[no-untyped-def]
    app.extensions.setdefault(TOKEN_LIMITER_KEY, FailureLimiter(max_failures=10, window_seconds=900.0))


def _principal(username: str, role: str, organisation: str | None, jurisdiction: str | None) -> Principal:
    scope = tuple(j.strip() for j in (jurisdiction or "").split(",") if j.strip())
    return Principal(username, role, organisation, scope, via="api")


def _from_token(raw: str) -> Caller:
    limiter: FailureLimiter = current_app.extensions[TOKEN_LIMITER_KEY]
    key = f"ip:{request.remote_addr}"
    if limiter.blocked(key):
        raise ApiProblem(
            429,
            "Too many failed API token attempts from this address; wait 15 minutes.",
            headers={"Retry-After": "900"},
        )
    row: ApiToken | None = find_token(db(), raw) if raw else None
    if row is None:
        limiter.fail(key)
        raise ApiProblem(
            401, "The API token is not valid (unknown, revoked or expired).", headers={"WWW-Authenticate": _CHALLENGE}
        )
    user = row.user
    caller = Caller(
        _principal(user.username, user.role, user.organisation, user.jurisdiction),
        user.id,
        frozenset(str(s) for s in row.scopes or ()),
        row.prefix,
    )
    if row.last_used_at is None or utcnow() - row.last_used_at > LAST_USED_RESOLUTION:
        with write_session() as s:
            live = s.get(ApiToken, row.id)
            if live is not None:
                live.last_used_at = utcnow()
    return caller


def authenticate() -> None:
    """``before_request`` of the API blueprint: sets ``g.api_caller`` or answers 401/429."""
    if request.endpoint in PUBLIC_ENDPOINTS:
        return
    header = request.headers.get("Authorization")
    if header is not None:
        scheme, _, raw = header.strip().partition(" ")
        if scheme.lower() != "bearer":
            raise ApiProblem(
                401,
                "Use 'Authorization: Bearer TOKEN' or a signed-in session.",
                headers={"WWW-Authenticate": _CHALLENGE},
            )
        g.api_caller = _from_token(raw.strip())
        return
    if current_user.is_authenticated:
        principal = Principal(
            current_user.username,
            current_user.role,
            current_user.organisation,
            tuple(current_user.jurisdictions),
            via="api",
        )
        g.api_caller = Caller(principal, current_user.id, None)
        csrf.protect()  # unsafe methods only; raises CSRFError (400) without a valid X-CSRFToken
        return
    raise ApiProblem(
        401, "Sign in, or send 'Authorization: Bearer TOKEN'.", headers={"WWW-Authenticate": 'Bearer realm="fews"'}
    )


def current_caller() -> Caller:
    caller: Caller | None = g.get("api_caller")
    if caller is None:  # a view without authentication is a programming error, never a silent anonymous read
        raise RuntimeError(f"no authenticated caller for {request.endpoint}")
    return caller
