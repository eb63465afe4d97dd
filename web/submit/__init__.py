"""Submitting data in the browser: a seizure analysis with several components (structure by SMILES or
name, live legal-status preview), file upload with a result page of accepted and quarantined records,
a RIDR adverse-reaction report a clinician finishes in under a minute on a phone, and a psychoactivity
test result. Every form runs the same ``intake.pipeline.Ingestor`` as ``fews ingest``, with the
permission of the §4 table, the user as actor (audited, ``via=web``) and quarantine for bad rows."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("submit", __name__, url_prefix="/submit")

from web.submit import views  # noqa: E402,F401

__all__ = ["bp"]
