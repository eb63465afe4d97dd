"""Administration: users and roles, password reset by an admin, API tokens, the quarantine (show and
retry), and the audit log with hash-chain verification (auditors and admins)."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/admin")

from web.admin import views  # noqa: E402,F401

__all__ = ["bp"]
