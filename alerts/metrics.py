"""Lead-time metrics: how quickly the system moves from first evidence to an alert and to control.

For each alert, the stage dates (Europe/London calendar days):

- ``first_identification``: the earliest first UK lab detection of its substances;
- ``first_harm_report``: the earliest harm report naming them (reported date, else event date);
- ``signal``: the day detection first raised the alert's signal;
- ``drafted``, ``agreed``, ``issued``: the alert's workflow;
- ``control``: the first control of one of its substances on or after the first identification
  (a legal-status event adding it by name, or a re-evaluation that found it controlled).

Intervals in days between stages (``None`` where a stage is missing), and per subject (the family,
else the substance) the three lead times of issue #7: first harm report -> agreed clinical
response, first lab identification -> first alert issued, first alert issued -> control. The
summary gives n, median, quartiles and range per interval, and the median per year of issue.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import defaultdict
from collections.abc import Iterable
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from alerts.document import alert_document
from fews.models import (
    Alert,
    HarmReport,
    HarmReportSubstance,
    LegalStatusChange,
    LegalStatusEvent,
    Signal,
    Substance,
)

__all__ = ["INTERVALS", "SUBJECT_INTERVALS", "lead_times", "summarise", "lead_time_report"]

_LONDON = ZoneInfo("Europe/London")
CONTROLLED = ("A", "B", "C", "TCDO")
INTERVALS: dict[str, tuple[str, str]] = {
    "identification_to_signal": ("first_identification", "signal"),
    "signal_to_draft": ("signal", "drafted"),
    "draft_to_agreed": ("drafted", "agreed"),
    "agreed_to_issued": ("agreed", "issued"),
    "draft_to_issued": ("drafted", "issued"),
    "identification_to_issued": ("first_identification", "issued"),
    "harm_report_to_agreed": ("first_harm_report", "agreed"),
    "issued_to_control": ("issued", "control"),
}
SUBJECT_INTERVALS = ("harm_report_to_agreed", "identification_to_first_alert", "first_alert_to_control")


def _day(value: dt.datetime | dt.date | None) -> dt.date | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.astimezone(_LONDON).date()
    return value


def _days(a: dt.date | None, b: dt.date | None) -> int | None:
    return (b - a).days if a is not None and b is not None else None


def _control_date(session: Session, substances: list[Substance], after: dt.date | None) -> dt.date | None:
    if not substances:
        return None
    blocks = [s.inchikey[:14] for s in substances]
    ids = [s.id for s in substances]
    candidates: list[dt.date] = []
    for block in blocks:
        candidates.extend(
            session.scalars(
                select(LegalStatusEvent.effective_date).where(
                    LegalStatusEvent.kind == "add_named", LegalStatusEvent.inchikey.like(block + "%")
                )
            ).all()
        )
    candidates.extend(
        session.scalars(
            select(LegalStatusChange.as_of).where(
                LegalStatusChange.substance_id.in_(ids), LegalStatusChange.to_status.in_(CONTROLLED)
            )
        ).all()
    )
    if after is not None:
        candidates = [d for d in candidates if d >= after]
    return min(candidates) if candidates else None


def lead_times(session: Session, *, alerts: Iterable[Alert] | None = None) -> list[dict[str, Any]]:
    """One row per alert: its subject, stage dates and intervals (see module docstring)."""
    rows = []
    for alert in alerts if alerts is not None else session.scalars(select(Alert).order_by(Alert.id)):
        doc = alert_document(session, alert, alert.issued_version or alert.current_version)
        ids = [int(str(s["id"]).lstrip("S")) for s in doc["substances"]]
        subs = list(session.scalars(select(Substance).where(Substance.id.in_(ids)))) if ids else []
        first_id = min((s.first_uk_detection_date for s in subs if s.first_uk_detection_date), default=None)
        first_harm = (
            session.scalar(
                select(func.min(func.coalesce(HarmReport.reported_date, HarmReport.event_date)))
                .join(HarmReportSubstance, HarmReportSubstance.report_pk == HarmReport.id)
                .where(HarmReportSubstance.substance_id.in_(ids))
            )
            if ids
            else None
        )
        signal = session.get(Signal, alert.signal_id) if alert.signal_id else None
        stages = {
            "first_identification": first_id,
            "first_harm_report": first_harm,
            "signal": (signal.first_as_of or signal.as_of) if signal else None,
            "drafted": _day(alert.created_at),
            "agreed": _day(alert.agreed_at),
            "issued": _day(alert.issued_at),
            "control": _control_date(session, subs, first_id),
        }
        family = doc.get("family") or {}
        subject = family.get("id") or (doc["substances"][0]["id"] if doc["substances"] else f"A{alert.id}")
        rows.append(
            {
                "alert": f"A{alert.id}",
                "type": alert.type,
                "status": alert.status,
                "subject": subject,
                "subject_name": family.get("name") or (doc["substances"][0]["name"] if doc["substances"] else None),
                "stages": stages,
                "intervals": {name: _days(stages[a], stages[b]) for name, (a, b) in INTERVALS.items()},
            }
        )
    return rows


def _subjects(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    by: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in rows:
        by[r["subject"]].append(r)
    out = []
    for subject, group in sorted(by.items()):

        def first(stage: str, group: list[dict[str, Any]] = group) -> dt.date | None:
            return min((r["stages"][stage] for r in group if r["stages"][stage] is not None), default=None)

        first_alert = first("issued")
        out.append(
            {
                "subject": subject,
                "subject_name": group[0]["subject_name"],
                "alerts": [r["alert"] for r in group],
                "harm_report_to_agreed": _days(first("first_harm_report"), first("agreed")),
                "identification_to_first_alert": _days(first("first_identification"), first_alert),
                "first_alert_to_control": _days(first_alert, first("control")),
            }
        )
    return out


def _stats(values: list[int]) -> dict[str, Any]:
    if not values:
        return {"n": 0, "median": None, "p25": None, "p75": None, "min": None, "max": None}
    ordered = sorted(values)
    if len(ordered) >= 2:
        q = statistics.quantiles(ordered, n=4, method="inclusive")
        p25, p75 = q[0], q[2]
    else:
        p25 = p75 = float(ordered[0])
    return {
        "n": len(ordered),
        "median": statistics.median(ordered),
        "p25": p25,
        "p75": p75,
        "min": ordered[0],
        "max": ordered[-1],
    }


def summarise(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Distribution of each interval over all alerts and subjects, and the median per year of issue."""
    subjects = _subjects(rows)
    overall = {
        name: _stats([r["intervals"][name] for r in rows if r["intervals"][name] is not None]) for name in INTERVALS
    }
    per_subject = {name: _stats([s[name] for s in subjects if s[name] is not None]) for name in SUBJECT_INTERVALS}
    by_year: dict[str, dict[str, Any]] = defaultdict(dict)
    years = sorted({r["stages"]["issued"].year for r in rows if r["stages"]["issued"] is not None})
    for year in years:
        in_year = [r for r in rows if r["stages"]["issued"] is not None and r["stages"]["issued"].year == year]
        for name in INTERVALS:
            values = [r["intervals"][name] for r in in_year if r["intervals"][name] is not None]
            by_year[str(year)][name] = statistics.median(values) if values else None
    return {"intervals": overall, "subjects": subjects, "subject_intervals": per_subject, "by_year": dict(by_year)}


def lead_time_report(session: Session, *, generated: dt.datetime | None = None) -> dict[str, Any]:
    """Everything ``fews export lead-times --format json`` prints."""
    rows = lead_times(session)
    return {
        "generated": (generated or dt.datetime.now(dt.UTC)).replace(microsecond=0).isoformat(),
        "alerts": rows,
        "summary": summarise(rows),
    }
