from __future__ import annotations

from typing import Any

from flask import abort, render_template, request
from flask_login import current_user
from sqlalchemy import select

from fews.detection.signals import signal_record
from fews.models import Alert, Signal
from web.api.policy import alert_view, may_review_alert
from web.database import db
from web.review import signals_bp as bp
from web.ui import requires_page
from web.ui.privacy import harm_count, sees_small_harm_counts
from web.ui.tables import csv_response, wants_csv

QUEUE_LIMIT = 300
SIGNAL_TYPES = ("new_substance", "border_first", "emerging_family", "near_miss", "harm_cluster")
CASE_LEVEL_EVIDENCE = frozenset({"harm_report_ids", "sample_ids", "report_ids"})


def _evidence(sig: Signal) -> dict[str, Any]:
    """The signal's evidence as the role may see it: never case-level ids; harm counts suppressed outside
    clinical roles."""
    ev = {k: v for k, v in signal_record(sig)["evidence"].items() if k not in CASE_LEVEL_EVIDENCE}
    if sig.type == "harm_cluster" and not sees_small_harm_counts():
        counts = ev.get("counts")
        if isinstance(counts, dict):
            ev["counts"] = {
                k: harm_count(int(v)) if isinstance(v, int | float) and float(v).is_integer() else v
                for k, v in counts.items()
            }
    return ev


@bp.route("/signals")
@requires_page("read_public")
def queue():  # type: ignore[no-untyped-def]
    stmt = select(Signal).order_by(Signal.as_of.desc(), Signal.id.desc()).limit(QUEUE_LIMIT)
    status = request.args.get("status") or None
    kind = request.args.get("type") or None
    if status in ("open", "escalated", "closed"):
        stmt = stmt.where(Signal.status == status)
    if kind in SIGNAL_TYPES:
        stmt = stmt.where(Signal.type == kind)
    rows = list(db().scalars(stmt))
    if wants_csv(request.args):
        from web.ui.privacy import harm_text

        return csv_response(
            (
                {
                    "id": s.id,
                    "type": s.type,
                    "subtype": s.subtype,
                    "status": s.status,
                    "as_of": s.as_of,
                    "family": f"F{s.family_id}" if s.family_id else None,
                    "substance": f"S{s.substance_id}" if s.substance_id else None,
                    "score": s.score,
                    "reason": harm_text(s.reason),
                }
                for s in rows
            ),
            ["id", "type", "subtype", "status", "as_of", "family", "substance", "score", "reason"],
            filename="fews-signals.csv",
        )
    return render_template("review/signals.html", rows=rows, status=status, kind=kind, types=SIGNAL_TYPES)


@bp.route("/signals/<int:signal_id>")
@requires_page("read_public")
def show(signal_id: int):  # type: ignore[no-untyped-def]
    sig = db().get(Signal, signal_id) if 0 < signal_id < 2**31 else None
    if sig is None:
        abort(404, description=f"No signal {signal_id}.")
    role = current_user.role
    alerts = [
        a
        for a in db().scalars(select(Alert).where(Alert.signal_id == sig.id).order_by(Alert.id))
        if alert_view(role, a) is not None or may_review_alert(role, a)
    ]
    return render_template(
        "review/signal.html", sig=sig, record=signal_record(sig), evidence=_evidence(sig), alerts=alerts
    )
