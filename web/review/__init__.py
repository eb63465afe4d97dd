"""Signals and alerts: the signal queue (``/signals``), the alert queue (``/alerts``), review with
agree/issue/update/withdraw, a word-level diff of versions and a preview of every audience product."""

from __future__ import annotations

from flask import Blueprint

signals_bp = Blueprint("signals", __name__)
alerts_bp = Blueprint("alerts", __name__)

from web.review import alert_views, signal_views  # noqa: E402,F401

__all__ = ["signals_bp", "alerts_bp"]
