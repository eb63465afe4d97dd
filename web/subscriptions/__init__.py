"""Subscriptions in the browser: create (feed URLs and webhook secret shown once), edit name and
filters, revoke, and send a test delivery over the subscription's channel."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("subscriptions", __name__, url_prefix="/subscriptions")

from web.subscriptions import views  # noqa: E402,F401

__all__ = ["bp"]
