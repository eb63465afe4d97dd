"""Case-level records behind a substance (bounded, newest first), for roles that may read them.

Callers decide who may see what with ``fews.access`` (``can_read_case_reference``,
``can_read_harm_report``) and record an audit entry for every response that shows case-level data
(DESIGN.md §4.7).
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from fews.models import Component, HarmReport, HarmReportSubstance, Sample

__all__ = ["recent_samples", "recent_harm_reports"]


def recent_samples(
    session: Session, substance_id: int, *, jurisdictions: Sequence[str] | None = None, limit: int = 20
) -> list[Sample]:
    """Current samples holding the substance, newest seizure first; only ``jurisdictions`` when given."""
    holding = select(Component.sample_pk).where(Component.substance_id == substance_id)
    stmt = (
        select(Sample)
        .where(Sample.id.in_(holding), Sample.is_current.is_(True))
        .options(selectinload(Sample.components))
        .order_by(Sample.seizure_date.desc(), Sample.id.desc())
        .limit(limit)
    )
    if jurisdictions is not None:
        stmt = stmt.where(Sample.jurisdiction.in_(list(jurisdictions)))
    return list(session.scalars(stmt))


def recent_harm_reports(
    session: Session, substance_id: int, *, reporter_user_id: int | None = None, limit: int = 20
) -> list[HarmReport]:
    """Current harm reports naming the substance, newest event first; only that reporter's own when given."""
    linked = select(HarmReportSubstance.report_pk).where(HarmReportSubstance.substance_id == substance_id)
    stmt = (
        select(HarmReport)
        .where(HarmReport.id.in_(linked), HarmReport.is_current.is_(True))
        .order_by(HarmReport.event_date.desc(), HarmReport.id.desc())
        .limit(limit)
    )
    if reporter_user_id is not None:
        stmt = stmt.where(HarmReport.reporter_user_id == reporter_user_id)
    return list(session.scalars(stmt))
