"""Legal rules pages (read-only for every role): ``/rules`` lists the shipped rule set as amended by the
database's legal-status events, with filters; ``/rules/<id>`` shows one rule's statutory text and entries;
``/rules/events`` lists the events and, for ``record_legal_event`` holders, appends one (the code behind
``fews legal add-event``: ``fews.legal_events.record_event``, audited)."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("rules", __name__)

from web.rules import views  # noqa: E402,F401

__all__ = ["bp"]
