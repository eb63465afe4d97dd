"""Control-order support pages (``/policy``): evidence packs as web pages, PDF and DOCX downloads.

The page shows the same HTML as the pack file (the shared ``pack_body.html`` of ``fews/policy/templates``),
for users holding ``read_evidence_packs`` (``fews.access``)."""

from __future__ import annotations

from flask import Blueprint

from fews.policy.render import TEMPLATES

bp = Blueprint("policy", __name__, template_folder=str(TEMPLATES))

from web.policy import views  # noqa: E402,F401

__all__ = ["bp"]
