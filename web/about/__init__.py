"""About FEWS: the shipped reference spectra and their attribution (public: licences require it)."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("about", __name__)

from web.about import views  # noqa: E402,F401

__all__ = ["bp"]
