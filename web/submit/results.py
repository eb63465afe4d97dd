"""What one intake batch did: its counters, the records it stored and the records it quarantined
(with machine-readable reasons), bounded for a result page."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from fews.models import HarmReport, IntakeBatch, PsychoactivityResult, QuarantineItem, Sample

__all__ = ["BatchResult", "batch_result"]


@dataclass
class BatchResult:
    batch: IntakeBatch
    quarantined: list[QuarantineItem] = field(default_factory=list)
    stored: list[Any] = field(default_factory=list)


_STORED: dict[str, Any] = {"seizures": Sample, "reports": HarmReport, "psychoactivity": PsychoactivityResult}


def batch_result(session: Session, batch_id: int, *, limit: int = 200) -> BatchResult | None:
    batch = session.get(IntakeBatch, batch_id)
    if batch is None:
        return None
    out = BatchResult(batch)
    out.quarantined = list(
        session.scalars(
            select(QuarantineItem).where(QuarantineItem.batch_id == batch_id).order_by(QuarantineItem.id).limit(limit)
        )
    )
    model = _STORED.get(batch.kind)
    if model is not None:
        stmt = select(model).where(model.batch_id == batch_id).order_by(model.id).limit(limit)
        if model is Sample:
            stmt = stmt.options(selectinload(Sample.components))
        out.stored = list(session.scalars(stmt))
    return out
