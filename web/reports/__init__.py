"""Report pages (``/reports``): lead times from first evidence to alert and control (``alerts.metrics``,
issue #7 item 4) for every role over the alerts it may see, and the Psychoactive Substances Act 2016
before/after review (``fews.policy.psa_review``) for the roles that read evidence packs; each with its chart,
the table beside it, and JSON and CSV downloads."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("reports", __name__)

from web.reports import views  # noqa: E402,F401

__all__ = ["bp"]
