"""Substance pages: ``/substances`` (search, sort, CSV) and ``/substances/<S<n>>`` (structure with the
legal core highlighted, names, legal status now and over time with the reasons and near misses, family,
seizures over time, contexts and places, harm figures, spectra and first detections)."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("substances", __name__)

from web.substances import views  # noqa: E402,F401

__all__ = ["bp"]
