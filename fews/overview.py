"""Aggregate figures for dashboards (no case-level data)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fews.models import HarmReport, IntakeBatch, QuarantineItem, Sample, Substance, SubstanceLegalStatus

__all__ = ["Overview", "overview", "recent_first_detections", "recent_batches", "status_label"]


@dataclass(frozen=True)
class Overview:
    samples: int
    harm_reports: int
    substances: int
    open_quarantine: int
    sold_as_mismatches: int
    latest_seizure: dt.date | None


def overview(session: Session) -> Overview:
    def count(stmt: Any) -> int:
        return int(session.scalar(stmt) or 0)

    return Overview(
        samples=count(select(func.count()).select_from(Sample).where(Sample.is_current.is_(True))),
        harm_reports=count(select(func.count()).select_from(HarmReport).where(HarmReport.is_current.is_(True))),
        substances=count(select(func.count()).select_from(Substance)),
        open_quarantine=count(select(func.count()).select_from(QuarantineItem).where(QuarantineItem.status == "open")),
        sold_as_mismatches=count(
            select(func.count())
            .select_from(Sample)
            .where(Sample.is_current.is_(True), Sample.sold_as_mismatch.is_(True))
        ),
        latest_seizure=session.scalar(select(func.max(Sample.seizure_date))),
    )


STATUS_LABELS = {
    "A": "Class A",
    "B": "Class B",
    "C": "Class C",
    "TCDO": "temporary class drug",
    "PSA": "Psychoactive Substances Act",
    "exempt": "exempt (PSA Schedule 1)",
    "not_controlled": "not controlled",
}


def status_label(status: SubstanceLegalStatus | None) -> str:
    """A plain-English label for a stored legal decision."""
    if status is None:
        return "not yet decided"
    return STATUS_LABELS.get(status.status, status.status)


def recent_first_detections(session: Session, limit: int = 15) -> list[tuple[Substance, str]]:
    """Newest first detections, each with a label for its stored legal decision."""
    rows = session.execute(
        select(Substance, SubstanceLegalStatus)
        .outerjoin(SubstanceLegalStatus, SubstanceLegalStatus.substance_id == Substance.id)
        .where(Substance.first_uk_detection_date.is_not(None))
        .order_by(Substance.first_uk_detection_date.desc(), Substance.id.desc())
        .limit(limit)
    ).all()
    return [(sub, status_label(status)) for sub, status in rows]


def recent_batches(session: Session, *, submitted_by: str | None, limit: int = 10) -> list[IntakeBatch]:
    stmt = select(IntakeBatch).order_by(IntakeBatch.id.desc()).limit(limit)
    if submitted_by is not None:
        stmt = stmt.where(IntakeBatch.submitted_by == submitted_by)
    return list(session.scalars(stmt))
