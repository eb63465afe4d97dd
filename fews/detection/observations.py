"""What detection reads from the database: seizure and harm-report observations.

An observation is one (record, substance) pair: a seized sample's identified component or a
RIDR report's suspected substance that resolved to a stored substance. Each carries its event
date (when it happened: the series are by event week) and its visible date (when FEWS knew:
``received_date``/``reported_date``, else the event date), so a replay never sees the future.

Rows are read by primary key above a watermark: ids only grow, so each row is read once per
process however many weeks are evaluated.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fews.models import Component, HarmReport, HarmReportSubstance, Sample, SpectrumIdentification
from fews.vocab import load as load_vocabulary

__all__ = [
    "SeizureObs",
    "HarmObs",
    "SpectrumObs",
    "read_seizures",
    "read_harms",
    "read_unidentified",
    "severity_ranks",
    "border_contexts",
]


@dataclass(frozen=True, slots=True)
class SeizureObs:
    pk: int  # sample primary key (a version of the sample)
    key: str  # provider/sample_id: the same seized item across versions
    substance_id: int
    event: dt.date
    visible: dt.date
    context: str | None
    jurisdiction: str
    area: str | None


@dataclass(frozen=True, slots=True)
class HarmObs:
    pk: int
    key: str
    substance_id: int
    event: dt.date
    visible: dt.date
    region: str | None
    jurisdiction: str
    severity: str | None


@dataclass(frozen=True, slots=True)
class SpectrumObs:
    """A seized component's spectrum that the reference library could not identify (analogue/unknown)."""

    pk: int  # spectrum_identification id
    sample_pk: int
    key: str
    event: dt.date
    visible: dt.date
    context: str | None
    jurisdiction: str
    verdict: str
    precursor_mz: float | None
    top_hit: dict[str, Any] | None


def severity_ranks() -> dict[str, tuple[int, float]]:
    """``severity code -> (rank, weight)`` from the shipped ``severities`` vocabulary."""
    return {t.code: (int(t.attrs["rank"]), float(t.attrs["weight"])) for t in load_vocabulary("severities")}


def border_contexts() -> frozenset[str]:
    return frozenset(t.code for t in load_vocabulary("seizure_contexts") if t.attrs.get("is_border") == "true")


def read_seizures(session: Session, *, after_pk: int = 0, limit: int | None = None) -> list[SeizureObs]:
    """Current sample versions with id above ``after_pk``, one row per (sample, substance)."""
    visible = func.coalesce(Sample.received_date, Sample.seizure_date)
    stmt = (
        select(
            Sample.id,
            Sample.provider,
            Sample.sample_id,
            Component.substance_id,
            Sample.seizure_date,
            visible,
            Sample.seizure_context,
            Sample.jurisdiction,
            Sample.local_area,
        )
        .join(Component, Component.sample_pk == Sample.id)
        .where(Sample.id > after_pk, Sample.is_current.is_(True), Component.substance_id.is_not(None))
        .order_by(Sample.id)
        .distinct()
    )
    if limit:
        stmt = stmt.limit(limit)
    return [
        SeizureObs(pk, f"{prov}/{sid}", int(sub or 0), event, vis, ctx, jur, area)
        for pk, prov, sid, sub, event, vis, ctx, jur, area in session.execute(stmt)
    ]


def read_harms(session: Session, *, after_pk: int = 0) -> list[HarmObs]:
    """Current harm-report versions with id above ``after_pk``, one row per (report, substance)."""
    visible = func.coalesce(HarmReport.reported_date, HarmReport.event_date)
    stmt = (
        select(
            HarmReport.id,
            HarmReport.provider,
            HarmReport.report_id,
            HarmReportSubstance.substance_id,
            HarmReport.event_date,
            visible,
            HarmReport.region,
            HarmReport.jurisdiction,
            HarmReport.severity,
        )
        .join(HarmReportSubstance, HarmReportSubstance.report_pk == HarmReport.id)
        .where(
            HarmReport.id > after_pk,
            HarmReport.is_current.is_(True),
            HarmReportSubstance.substance_id.is_not(None),
        )
        .order_by(HarmReport.id)
        .distinct()
    )
    return [
        HarmObs(pk, f"{prov}/{rid}", int(sub or 0), event, vis, region, jur, sev)
        for pk, prov, rid, sub, event, vis, region, jur, sev in session.execute(stmt)
    ]


def read_unidentified(session: Session, *, after_pk: int = 0) -> list[SpectrumObs]:
    """Spectrum identifications above ``after_pk`` with an ``analogue`` or ``unknown`` verdict (no error)."""
    visible = func.coalesce(Sample.received_date, Sample.seizure_date)
    stmt = (
        select(
            SpectrumIdentification.id,
            Sample.id,
            Sample.provider,
            Sample.sample_id,
            Sample.seizure_date,
            visible,
            Sample.seizure_context,
            Sample.jurisdiction,
            SpectrumIdentification.verdict,
            SpectrumIdentification.precursor_mz,
            SpectrumIdentification.hits,
        )
        .join(Sample, Sample.id == SpectrumIdentification.sample_pk)
        .where(
            SpectrumIdentification.id > after_pk,
            SpectrumIdentification.verdict.in_(("analogue", "unknown")),
            SpectrumIdentification.error.is_(None),
            Sample.is_current.is_(True),
        )
        .order_by(SpectrumIdentification.id)
    )
    return [
        SpectrumObs(pk, spk, f"{prov}/{sid}", event, vis, ctx, jur, verdict, mz, (hits or [None])[0])
        for pk, spk, prov, sid, event, vis, ctx, jur, verdict, mz, hits in session.execute(stmt)
    ]
