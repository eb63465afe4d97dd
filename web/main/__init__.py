"""Signed-in home page: what needs my attention, in terms of my role (drafts to agree or issue, new
signals, alerts for my audiences, my subscriptions and submissions)."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("main", __name__)

from web.main import views  # noqa: E402,F401

__all__ = ["bp"]
