"""Liveness and readiness probes for deployments (DESIGN.md §11)."""

from __future__ import annotations

import datetime as dt

from flask import Blueprint, current_app, jsonify
from sqlalchemy import text

from fews import migrate
from fews.models import utcnow
from fews.scheduler import last_heartbeat
from web.database import db

bp = Blueprint("health", __name__)

__all__ = ["bp", "HEARTBEAT_MAX_AGE"]

HEARTBEAT_MAX_AGE = dt.timedelta(minutes=5)


@bp.route("/healthz")
def healthz():  # type: ignore[no-untyped-def]
    return jsonify({"status": "ok"})


@bp.route("/readyz")
def readyz():  # type: ignore[no-untyped-def]
    checks: dict[str, str] = {}
    ok = True
    try:
        db().execute(text("SELECT 1"))
        checks["database"] = "ok"
    except Exception as exc:  # report, never raise, from a probe
        checks["database"] = f"unreachable: {type(exc).__name__}"
        return jsonify({"status": "not ready", "checks": checks}), 503
    engine = current_app.extensions["fews_engine"]
    if migrate.is_at_head(engine):
        checks["migrations"] = "ok"
    else:
        ok = False
        checks["migrations"] = f"at {migrate.current_revision(engine)}, head is {migrate.head_revision()}"
    beat = last_heartbeat(db())
    if beat is None:
        ok = False
        checks["scheduler"] = "no heartbeat yet (is `fews scheduler` running?)"
    elif utcnow() - (beat.finished_at or beat.started_at) > HEARTBEAT_MAX_AGE:
        ok = False
        checks["scheduler"] = f"last heartbeat {beat.finished_at.isoformat() if beat.finished_at else '?'}"
    else:
        checks["scheduler"] = "ok"
    return jsonify({"status": "ready" if ok else "not ready", "checks": checks}), 200 if ok else 503
