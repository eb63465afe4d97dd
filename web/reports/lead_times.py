"""Lead times for the page (issue #7 item 4): ``alerts.metrics`` over the alerts the signed-in role may see,
and the distribution of one interval over time (median per quarter in which the interval ended) and by size
(days, in bins), for the chart and the table beside it."""

from __future__ import annotations

import datetime as dt
import statistics
from collections import defaultdict
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from alerts.metrics import INTERVALS, lead_times, summarise
from fews.models import Alert
from web.api.policy import alert_view, may_review_alert

__all__ = [
    "SUBJECT_LEAD_TIMES",
    "HISTOGRAM_BINS",
    "visible_alerts",
    "lead_time_document",
    "by_quarter",
    "histogram",
    "csv_rows",
    "csv_columns",
]

# the three lead times of issue #7 (per subject), with the per-alert interval that draws them over time
SUBJECT_LEAD_TIMES: dict[str, tuple[str, str]] = {
    "harm_report_to_agreed": ("First harm report to agreed clinical response", "harm_report_to_agreed"),
    "identification_to_first_alert": ("First lab identification to first alert issued", "identification_to_issued"),
    "first_alert_to_control": ("First alert issued to control order", "issued_to_control"),
}
# (label, lowest day, highest day) - highest None = no upper bound
HISTOGRAM_BINS: tuple[tuple[str, int | None, int | None], ...] = (
    ("before (negative)", None, -1),
    ("0-7 days", 0, 7),
    ("8-14 days", 8, 14),
    ("15-30 days", 15, 30),
    ("31-60 days", 31, 60),
    ("61-90 days", 61, 90),
    ("91-180 days", 91, 180),
    ("181-365 days", 181, 365),
    ("over a year", 366, None),
)


def visible_alerts(session: Session, role: str) -> list[Alert]:
    """Alerts the role may read: issued products for its audiences, and those it reviews."""
    return [
        a
        for a in session.scalars(select(Alert).order_by(Alert.id))
        if alert_view(role, a) is not None or may_review_alert(role, a)
    ]


def lead_time_document(session: Session, role: str, *, marking: str) -> dict[str, Any]:
    """``fews export lead-times --format json``'s document over the alerts ``role`` may see."""
    rows = lead_times(session, alerts=visible_alerts(session, role))
    return {
        "generated": dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat(),
        "security_marking": marking,
        "scope": f"alerts visible to the role {role}",
        "alerts": rows,
        "summary": summarise(rows),
    }


def _quarter(day: dt.date) -> str:
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


def by_quarter(rows: list[dict[str, Any]], interval: str) -> list[dict[str, Any]]:
    """Per calendar quarter in which ``interval`` ended: n, median, min and max days (quarters without one are
    listed between the first and last so the chart's time axis is even)."""
    _, end_stage = INTERVALS[interval]
    groups: dict[str, list[int]] = defaultdict(list)
    for r in rows:
        days, end = r["intervals"][interval], r["stages"][end_stage]
        if days is not None and end is not None:
            groups[_quarter(end)].append(days)
    if not groups:
        return []
    first, last = min(groups), max(groups)
    out = []
    year, q = int(first[:4]), int(first[-1])
    while f"{year}-Q{q}" <= last:
        label = f"{year}-Q{q}"
        values = groups.get(label, [])
        out.append(
            {
                "quarter": label,
                "n": len(values),
                "median": statistics.median(values) if values else None,
                "min": min(values) if values else None,
                "max": max(values) if values else None,
            }
        )
        year, q = (year + 1, 1) if q == 4 else (year, q + 1)
    return out


def histogram(rows: list[dict[str, Any]], interval: str) -> list[dict[str, Any]]:
    """How many alerts fall in each of :data:`HISTOGRAM_BINS` for ``interval``."""
    values = [r["intervals"][interval] for r in rows if r["intervals"][interval] is not None]
    out = []
    for label, low, high in HISTOGRAM_BINS:
        n = sum(1 for v in values if (low is None or v >= low) and (high is None or v <= high))
        out.append({"bin": label, "alerts": n})
    return out


def csv_columns(rows: list[dict[str, Any]]) -> list[str]:
    """The columns of ``fews export lead-times --format csv``."""
    stages = list(rows[0]["stages"]) if rows else []
    return ["alert", "type", "status", "subject"] + [f"{k}_date" for k in stages] + [f"{k}_days" for k in INTERVALS]


def csv_rows(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One flat row per alert: stage dates and intervals in days."""
    return [
        {"alert": r["alert"], "type": r["type"], "status": r["status"], "subject": r["subject"]}
        | {f"{k}_date": v for k, v in r["stages"].items()}
        | {f"{k}_days": v for k, v in r["intervals"].items()}
        for r in rows
    ]
