"""The data behind pages, each fetched in a fixed number of SQL statements (no N+1).

:func:`substance_page_data` gathers everything the substance page shows — identity and names,
stored legal status, recorded changes and legal-status events, family, seizures over time, contexts
and places, first detections per context, and harm aggregates — in eight statements whatever the
number of samples, names or reports (``tests/fews/test_pages.py`` counts them). Counts are grouped
in SQL; only the grouped rows (one per day x context x nation) come back to Python.

Harm figures are raw counts: callers showing them outside clinical roles must apply
``alerts.suppression`` (DESIGN.md §4.1).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from fews.models import (
    Component,
    Family,
    HarmReport,
    HarmReportSubstance,
    LegalStatusChange,
    LegalStatusEvent,
    Sample,
    Substance,
    SubstanceLegalStatus,
    SubstanceName,
)

__all__ = ["SubstancePage", "substance_page_data"]


@dataclass
class SubstancePage:
    """Everything the substance page shows (plain values; no lazy loading after the session closes)."""

    substance: Substance
    names: list[SubstanceName]
    legal_status: SubstanceLegalStatus | None
    legal_changes: list[LegalStatusChange]
    legal_events: list[LegalStatusEvent]
    family: Family | None
    family_size: int
    samples: int = 0
    weekly_seizures: list[tuple[str, int]] = field(default_factory=list)  # (ISO week "2024-W03", samples)
    contexts: dict[str | None, int] = field(default_factory=dict)
    jurisdictions: dict[str, int] = field(default_factory=dict)
    first_detections: list[dict[str, Any]] = field(default_factory=list)  # per context: date, samples
    harm_reports: int = 0
    harm_by_severity: dict[str | None, int] = field(default_factory=dict)
    harm_by_jurisdiction: dict[str, int] = field(default_factory=dict)


def _iso_week(day: dt.date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def substance_page_data(session: Session, substance_id: int) -> SubstancePage | None:
    """The substance page's data in a fixed number of statements; ``None`` if there is no such substance.

    Parameters
    ----------
    session : Session
        An open session (read-only use).
    substance_id : int
        The substance's primary key (``S<n>`` without the ``S``).

    Returns
    -------
    SubstancePage or None
    """
    sub = session.get(Substance, substance_id)
    if sub is None:
        return None
    names = list(
        session.scalars(
            select(SubstanceName).where(SubstanceName.substance_id == substance_id).order_by(SubstanceName.id)
        )
    )
    legal_status = session.scalar(select(SubstanceLegalStatus).where(SubstanceLegalStatus.substance_id == substance_id))
    changes = list(
        session.scalars(
            select(LegalStatusChange)
            .where(LegalStatusChange.substance_id == substance_id)
            .order_by(LegalStatusChange.as_of, LegalStatusChange.id)
        )
    )
    events = list(
        session.scalars(
            select(LegalStatusEvent)
            .where(or_(LegalStatusEvent.inchikey == sub.inchikey, LegalStatusEvent.inchikey == sub.inchikey_nostereo))
            .order_by(LegalStatusEvent.effective_date, LegalStatusEvent.id)
        )
    )
    family, family_size = None, 0
    if sub.family_id is not None:
        row = session.execute(
            select(
                Family, select(func.count(Substance.id)).where(Substance.family_id == Family.id).scalar_subquery()
            ).where(Family.id == sub.family_id)
        ).first()
        if row is not None:
            family, family_size = row[0], int(row[1])
    page = SubstancePage(sub, names, legal_status, changes, events, family, family_size)
    _seizures(session, substance_id, page)
    _harms(session, substance_id, page)
    return page


def _seizures(session: Session, substance_id: int, page: SubstancePage) -> None:
    """Seizures over time, contexts, places and first detections: one grouped statement."""
    holding = select(Component.sample_pk).where(Component.substance_id == substance_id).distinct().subquery()
    rows = session.execute(
        select(Sample.seizure_date, Sample.seizure_context, Sample.jurisdiction, func.count(Sample.id))
        .join(holding, holding.c.sample_pk == Sample.id)
        .where(Sample.is_current.is_(True))
        .group_by(Sample.seizure_date, Sample.seizure_context, Sample.jurisdiction)
    ).all()
    weekly: Counter[str] = Counter()
    contexts: Counter[str | None] = Counter()
    places: Counter[str] = Counter()
    first: dict[str | None, dt.date] = {}
    for day, context, jurisdiction, n in rows:
        weekly[_iso_week(day)] += n
        contexts[context] += n
        places[jurisdiction] += n
        if context not in first or day < first[context]:
            first[context] = day
    page.samples = sum(contexts.values())
    page.weekly_seizures = sorted(weekly.items())
    page.contexts = dict(contexts.most_common())
    page.jurisdictions = dict(places.most_common())
    page.first_detections = [
        {"context": c, "date": d, "samples": contexts[c]} for c, d in sorted(first.items(), key=lambda kv: kv[1])
    ]


def _harms(session: Session, substance_id: int, page: SubstancePage) -> None:
    """Harm-report aggregates (current versions) by severity and nation: one grouped statement."""
    linked = (
        select(HarmReportSubstance.report_pk).where(HarmReportSubstance.substance_id == substance_id).distinct()
    ).subquery()
    rows = session.execute(
        select(HarmReport.severity, HarmReport.jurisdiction, func.count(HarmReport.id))
        .join(linked, linked.c.report_pk == HarmReport.id)
        .where(HarmReport.is_current.is_(True))
        .group_by(HarmReport.severity, HarmReport.jurisdiction)
    ).all()
    severity: defaultdict[str | None, int] = defaultdict(int)
    places: defaultdict[str, int] = defaultdict(int)
    for sev, jurisdiction, n in rows:
        severity[sev] += n
        places[jurisdiction] += n
    page.harm_reports = sum(severity.values())
    page.harm_by_severity = dict(severity)
    page.harm_by_jurisdiction = dict(places)
