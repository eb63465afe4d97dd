"""Re-evaluate the legal status of every stored substance (after new rule files or new events) and
record each change, so feeds, exports and analysts see what moved and why (issue #4 item 7)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from chem.legal import LegalEngine
from fews import audit
from fews.db import session_scope
from fews.legal_events import load_overlay
from fews.models import LegalStatusChange, Substance, SubstanceLegalStatus, utcnow

__all__ = ["ReevaluationSummary", "reevaluate"]


@dataclass
class ReevaluationSummary:
    as_of: dt.date
    rule_set_version: str
    evaluated: int = 0
    first_decisions: int = 0
    changed: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {
            "as_of": self.as_of.isoformat(),
            "rule_set_version": self.rule_set_version,
            "evaluated": self.evaluated,
            "first_decisions": self.first_decisions,
            "changed": self.changed,
        }


def reevaluate(
    factory: sessionmaker[Session],
    *,
    as_of: dt.date,
    actor: str,
    via: str = "cli",
    engine: LegalEngine | None = None,
    batch: int = 500,
) -> ReevaluationSummary:
    """Decide every substance as at ``as_of``; store the decision; record a change where it differs."""
    if engine is None:
        with session_scope(factory) as s:
            engine = LegalEngine(overlay=load_overlay(s))
    summary = ReevaluationSummary(as_of=as_of, rule_set_version=engine.rules.version)
    last_id = 0
    while True:
        with session_scope(factory) as s:
            subs = s.scalars(select(Substance).where(Substance.id > last_id).order_by(Substance.id).limit(batch)).all()
            if not subs:
                break
            last_id = subs[-1].id
            stored = {
                x.substance_id: x
                for x in s.scalars(
                    select(SubstanceLegalStatus).where(SubstanceLegalStatus.substance_id.in_([x.id for x in subs]))
                )
            }
            changes = []
            for sub in subs:
                r = engine.classify(sub.smiles, as_of)
                old = stored.get(sub.id)
                summary.evaluated += 1
                values = {
                    "as_of": as_of,
                    "status": r["status"],
                    "basis": r["basis"],
                    "rule_id": r["rule"],
                    "instrument": r["instrument"],
                    "rule_set_version": engine.rules.version,
                    "event_ids": r["event_ids"],
                    "decided_at": utcnow(),
                }
                if old is None:
                    s.add(SubstanceLegalStatus(substance_id=sub.id, **values))
                    summary.first_decisions += 1
                    continue
                if (old.status, old.rule_id) != (r["status"], r["rule"]):
                    change = LegalStatusChange(
                        substance_id=sub.id,
                        as_of=as_of,
                        from_status=old.status,
                        to_status=r["status"],
                        from_rule=old.rule_id,
                        to_rule=r["rule"],
                        rule_set_version=engine.rules.version,
                        event_ids=r["event_ids"],
                    )
                    s.add(change)
                    changes.append((sub.id, old.status, r["status"], r["rule"]))
                    summary.changed += 1
                for k, v in values.items():
                    setattr(old, k, v)
            audit.record(
                s,
                actor=actor,
                via=via,
                action="legal.reevaluate",
                object_type="substance",
                object_id=f"{subs[0].id}-{subs[-1].id}",
                content={"as_of": as_of, "rule_set_version": engine.rules.version, "changes": changes},
            )
    return summary
