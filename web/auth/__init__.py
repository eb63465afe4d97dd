"""Sign in and out: argon2 passwords, CSRF-protected form, rate-limited failures, audited."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("auth", __name__)

from web.auth import views  # noqa: E402,F401  (registers routes on bp)

__all__ = ["bp"]
