"""Family pages: ``/families`` and ``/families/<F<n>>`` (members with structures and legal coverage,
seizures and harms per week with the detection baseline and alarms, geography)."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("families", __name__)

from web.families import views  # noqa: E402,F401

__all__ = ["bp"]
