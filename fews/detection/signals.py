"""Signals in the database: raise, update, escalate and close (issue #6 item 6).

One open signal per key (type + family or substance, e.g. ``emerging_family:F12``): a candidate
whose key already has an open signal updates it (score, evidence window, members, details); it
escalates when the score has grown by ``escalate_factor`` since it was raised or last escalated.
Signals with no new evidence for ``close_after_quiet_weeks`` are closed; a later recurrence raises
a new signal.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from fews.detection.context import Candidate, Catalogue
from fews.detection.settings import DetectionSettings
from fews.models import Signal, utcnow

__all__ = ["SignalEvent", "apply_candidates", "close_quiet", "signal_record"]

OPEN = ("open", "escalated")


@dataclass
class SignalEvent:
    event: str  # raised | escalated | updated
    signal: Signal


def _merge_members(old: list[dict[str, Any]], new: list[dict[str, Any]]) -> list[dict[str, Any]]:
    seen = {m["id"] for m in old}
    return old + [m for m in new if m["id"] not in seen]


def apply_candidates(
    session: Session,
    candidates: list[Candidate],
    *,
    as_of: dt.date,
    catalogue: Catalogue,
    settings: DetectionSettings,
    open_signals: dict[str, Signal],
) -> list[SignalEvent]:
    """Raise or update one signal per candidate key; ``open_signals`` (key -> signal) is kept current."""
    events = []
    factor = settings.emerging_family.escalate_factor
    for c in candidates:
        # members are stored substances; a rule may add others (an unidentified analyte has no structure)
        members = [catalogue.member(sid) for sid in c.members] + list(c.details.pop("extra_members", []))
        sig = open_signals.get(c.key)
        if sig is None:
            sig = Signal(
                type=c.type,
                subtype=c.subtype,
                key=c.key,
                family_id=c.family_id,
                substance_id=c.substance_id,
                as_of=as_of,
                first_as_of=as_of,
                window_start=c.window_start,
                window_end=c.window_end,
                score=c.score,
                reason=c.reason,
                status="open",
                escalations=0,
                details=c.details | {"members": members, "escalated_score": c.score},
            )
            session.add(sig)
            session.flush()
            open_signals[c.key] = sig
            events.append(SignalEvent("raised", sig))
            continue
        details = dict(sig.details or {})
        last = float(details.get("escalated_score") or sig.score or 0.0)
        escalate = c.type not in ("new_substance", "border_first") and c.score >= factor * max(last, 1e-9)
        details.update(c.details)
        details["members"] = _merge_members(list((sig.details or {}).get("members", [])), members)
        changed = c.score != sig.score or details != sig.details or sig.as_of != as_of
        if not changed:
            continue
        sig.as_of = as_of
        sig.score = c.score
        sig.reason = c.reason
        sig.window_end = c.window_end
        sig.family_id = sig.family_id or c.family_id
        sig.updated_at = utcnow()
        if escalate:
            sig.escalations += 1
            sig.status = "escalated"
            details["escalated_score"] = c.score
        sig.details = details
        events.append(SignalEvent("escalated" if escalate else "updated", sig))
    return events


def close_quiet(session: Session, open_signals: dict[str, Signal], *, as_of: dt.date, quiet_weeks: int) -> int:
    limit = as_of - dt.timedelta(weeks=quiet_weeks)
    closed = 0
    for key, sig in list(open_signals.items()):
        if sig.as_of < limit:
            sig.status = "closed"
            sig.updated_at = utcnow()
            del open_signals[key]
            closed += 1
    return closed


def load_open(session: Session) -> dict[str, Signal]:
    return {s.key: s for s in session.scalars(select(Signal).where(Signal.status.in_(OPEN)))}


def signal_record(sig: Signal, *, event: str | None = None) -> dict[str, Any]:
    """The public form of a signal (``fews signals list``, ``fews detect`` output, the API)."""
    details = sig.details or {}
    out: dict[str, Any] = {
        "id": sig.id,
        "type": sig.type,
        "subtype": sig.subtype,
        "family_id": f"F{sig.family_id}" if sig.family_id else None,
        "substance_id": f"S{sig.substance_id}" if sig.substance_id else None,
        "as_of": sig.as_of.isoformat(),
        "first_as_of": sig.first_as_of.isoformat() if sig.first_as_of else None,
        "window": [
            sig.window_start.isoformat() if sig.window_start else None,
            sig.window_end.isoformat() if sig.window_end else None,
        ],
        "score": sig.score,
        "reason": sig.reason,
        "status": sig.status,
        "escalations": sig.escalations,
        "members": [{k: m.get(k) for k in ("id", "name", "smiles", "inchikey")} for m in details.get("members", [])],
        "evidence": {k: v for k, v in details.items() if k not in ("members", "escalated_score")},
    }
    if event:
        out["event"] = event
    return out
