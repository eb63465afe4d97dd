"""``/api/v1/signals``: aggregated detection signals (every role; no case-level data).

A signal's free-form ``details`` are left out: they are detection internals and may carry small
counts; the reason, score, window and evidence level are what readers act on. Outside clinical roles
small counts of people or harm reports in the reason read "<5" (``alerts.suppression``).
"""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from flask_smorest import Blueprint
from marshmallow import fields, validate
from sqlalchemy import select

from alerts.suppression import scrub_small_numbers
from fews.models import Signal
from web.api.auth import current_caller
from web.api.lookup import get_or_404
from web.api.pagination import keyset_page
from web.api.policy import requires, sees_small_harm_counts
from web.api.schemas import ListArgs, page_schema
from web.database import db

__all__ = ["blp"]

blp = Blueprint("signals", __name__, url_prefix="/signals", description="Detection signals")

SIGNAL_STATUSES = ("open", "escalated", "closed")


class SignalSchema(ma.Schema):
    id = fields.Integer()
    type = fields.String(
        metadata={"description": "new_substance, emerging_family, near_miss, border_first, harm_cluster"}
    )
    subtype = fields.String(allow_none=True)
    family = fields.String(allow_none=True, metadata={"description": "F<n>"})
    substance = fields.String(allow_none=True, metadata={"description": "S<n>"})
    as_of = fields.Date()
    first_as_of = fields.Date(allow_none=True)
    window_start = fields.Date(allow_none=True)
    window_end = fields.Date(allow_none=True)
    escalations = fields.Integer()
    score = fields.Float()
    reason = fields.String()
    status = fields.String()
    evidence_level = fields.String(allow_none=True)


class SignalListArgs(ListArgs):
    status = fields.String(load_default=None, validate=validate.OneOf(SIGNAL_STATUSES))
    type = fields.String(load_default=None, validate=validate.Length(max=30))


def _record(sig: Signal, *, scrub: bool) -> dict[str, Any]:
    return {
        "id": sig.id,
        "type": sig.type,
        "subtype": sig.subtype,
        "family": f"F{sig.family_id}" if sig.family_id else None,
        "substance": f"S{sig.substance_id}" if sig.substance_id else None,
        "as_of": sig.as_of,
        "first_as_of": sig.first_as_of,
        "window_start": sig.window_start,
        "window_end": sig.window_end,
        "escalations": sig.escalations,
        "score": sig.score,
        "reason": scrub_small_numbers(sig.reason) if scrub else sig.reason,
        "status": sig.status,
        "evidence_level": sig.evidence_level,
    }


@blp.route("", tags=["signals"])
@requires(blp, "read_public", scope="read")
@blp.arguments(SignalListArgs, location="query")
@blp.response(200, page_schema(SignalSchema))
def list_signals(args: dict[str, Any]) -> dict[str, Any]:
    """Signals, newest first."""
    stmt = select(Signal)
    if args["status"] is not None:
        stmt = stmt.where(Signal.status == args["status"])
    if args["type"] is not None:
        stmt = stmt.where(Signal.type == args["type"])
    rows, nxt = keyset_page(db(), stmt, Signal.id, limit=args["limit"], cursor=args["cursor"], descending=True)
    scrub = not sees_small_harm_counts(current_caller().principal)
    return {"items": [_record(r, scrub=scrub) for r in rows], "next": nxt}


@blp.route("/<int:signal_id>", tags=["signals"])
@requires(blp, "read_public", scope="read")
@blp.response(200, SignalSchema)
def show_signal(signal_id: int) -> dict[str, Any]:
    """One signal by id."""
    scrub = not sees_small_harm_counts(current_caller().principal)
    return _record(get_or_404(db(), Signal, signal_id, "signal"), scrub=scrub)
