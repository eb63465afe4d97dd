"""Exports (DESIGN.md §8): the international report, the prison test panel, and issued alerts.

- International (:func:`international_export`): substance-level only — names, structures, UK legal
  status, first UK detection, quarterly seizure and harm-report counts (harm counts 1-4 shown as
  ``"<5"``), seizure contexts and analytical reference spectra. No personal data, no case
  references, no free text, no places below the nation.
- Prison test panel (:func:`prison_panel`): substances seized in prisons whose first prison
  detection falls in the period, for the specified-substance test panel.
- Issued alerts (:func:`alerts_export`): one audience product per issued alert, flattened for CSV.

:func:`to_csv` neutralises spreadsheet formula injection (cells starting ``= + - @`` or a control
character get a leading apostrophe, as OWASP recommends).
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import io
import json
from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from alerts.document import alert_document, signal_substance_ids
from alerts.products import render_product
from alerts.suppression import suppress_count
from alerts.tables import product_tables
from fews.models import (
    Alert,
    Component,
    Family,
    HarmReport,
    HarmReportSubstance,
    Sample,
    Signal,
    Substance,
    SubstanceLegalStatus,
)

__all__ = [
    "international_export",
    "prison_panel",
    "alerts_export",
    "quarter_of",
    "safe_cell",
    "to_csv",
    "international_rows",
    "analytical_references",
]

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")


def quarter_of(day: dt.date) -> str:
    """``2026-Q3`` for a date in July-September 2026."""
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


def _quarters(first: dt.date, last: dt.date) -> list[str]:
    out = []
    year, q = first.year, (first.month - 1) // 3
    while (year, q) <= (last.year, (last.month - 1) // 3):
        out.append(f"{year}-Q{q + 1}")
        q += 1
        if q == 4:
            year, q = year + 1, 0
    return out


@functools.cache
def _reference_index() -> dict[str, list[dict[str, str]]]:
    from reference_spectra.msp import iter_msp
    from reference_spectra.search import SHIPPED_LIBRARY

    index: dict[str, list[dict[str, str]]] = defaultdict(list)
    for spec in iter_msp(str(SHIPPED_LIBRARY)):
        key = (spec.metadata.get("INCHIKEY") or "")[:14]
        source = spec.metadata.get("SOURCE") or ""
        if not key or not source:
            continue
        accession = source.split()[-1]
        level = spec.metadata.get("MSLEVEL")
        technique = " ".join(x for x in (spec.metadata.get("INSTRUMENT_TYPE"), f"MS{level}" if level else None) if x)
        entry = {"accession": accession, "technique": technique or "MS", "licence": spec.metadata.get("LICENSE", "")}
        if entry not in index[key]:
            index[key].append(entry)
    return dict(index)


def analytical_references(inchikey: str, *, limit: int = 5) -> list[dict[str, str]]:
    """MassBank reference spectra of the shipped library for a structure (first InChIKey block)."""
    return _reference_index().get(inchikey[:14], [])[:limit]


def _signal_substances(session: Session) -> list[int]:
    ids: list[int] = []
    for signal in session.scalars(select(Signal).order_by(Signal.id)):
        for sid in signal_substance_ids(session, signal):
            if sid not in ids:
                ids.append(sid)
    for alert in session.scalars(select(Alert).where(Alert.issued_version.is_not(None))):
        if "international" in (alert.audiences or []):
            doc = alert_document(session, alert, alert.issued_version)
            for s in doc["substances"]:
                sid = int(str(s["id"]).lstrip("S"))
                if sid not in ids:
                    ids.append(sid)
    return ids


def international_export(
    session: Session,
    *,
    until: dt.date,
    since: dt.date | None = None,
    rule_set_version: str,
    substance_ids: Iterable[int] | None = None,
    generated: dt.datetime | None = None,
) -> dict[str, Any]:
    """The international report: every substance behind a detection signal or an internationally issued
    alert (or ``substance_ids``), with quarterly counts from its first activity (or ``since``) to ``until``."""
    threshold = product_tables().threshold
    ids = list(substance_ids) if substance_ids is not None else _signal_substances(session)
    subs = {s.id: s for s in session.scalars(select(Substance).where(Substance.id.in_(ids)))} if ids else {}
    statuses = {
        x.substance_id: x
        for x in session.scalars(select(SubstanceLegalStatus).where(SubstanceLegalStatus.substance_id.in_(ids)))
    }
    families = {f.id: f for f in session.scalars(select(Family))}
    out = []
    for sid in ids:
        sub = subs.get(sid)
        if sub is None:
            continue
        seizures = session.execute(
            select(Sample.id, Sample.seizure_date, Sample.seizure_context)
            .join(Component, Component.sample_pk == Sample.id)
            .where(Component.substance_id == sid, Sample.is_current.is_(True), Sample.seizure_date <= until)
            .distinct()
        ).all()
        reports = session.execute(
            select(HarmReport.id, HarmReport.event_date)
            .join(HarmReportSubstance, HarmReportSubstance.report_pk == HarmReport.id)
            .where(
                HarmReportSubstance.substance_id == sid, HarmReport.is_current.is_(True), HarmReport.event_date <= until
            )
            .distinct()
        ).all()
        dates = [r.seizure_date for r in seizures] + [r.event_date for r in reports]
        quarterly: list[dict[str, Any]] = []
        if dates:
            start = max(min(dates), since) if since else min(dates)
            s_counts: dict[str, int] = defaultdict(int)
            h_counts: dict[str, int] = defaultdict(int)
            for row in seizures:
                s_counts[quarter_of(row.seizure_date)] += 1
            for report in reports:
                h_counts[quarter_of(report.event_date)] += 1
            for q in _quarters(start, until):
                quarterly.append(
                    {
                        "quarter": q,
                        "seizures": s_counts.get(q, 0),
                        "harm_reports": suppress_count(h_counts.get(q, 0), threshold=threshold),
                    }
                )
        status = statuses.get(sid)
        family = families.get(sub.family_id) if sub.family_id else None
        out.append(
            {
                "name": sub.preferred_name or sub.inchikey,
                "inchikey": sub.inchikey,
                "smiles": sub.smiles,
                "family": family.name if family else None,
                "uk_status": status.status if status else None,
                "first_uk_detection": sub.first_uk_detection_date,
                "quarterly_counts": quarterly,
                "contexts": sorted({r.seizure_context for r in seizures if r.seizure_context}),
                "analytical_references": [
                    {"accession": r["accession"], "technique": r["technique"]}
                    for r in analytical_references(sub.inchikey)
                ],
            }
        )
    return {
        "generated": (generated or dt.datetime.now(dt.UTC)).replace(microsecond=0).isoformat(),
        "rule_set_version": rule_set_version,
        "period": {"from": since.isoformat() if since else None, "to": until.isoformat()},
        "substances": out,
    }


def international_rows(document: Mapping[str, Any]) -> list[dict[str, Any]]:
    """One CSV row per substance and quarter."""
    rows = []
    for s in document["substances"]:
        refs = "|".join(f"{r['accession']} ({r['technique']})" for r in s["analytical_references"])
        base = {
            "name": s["name"],
            "inchikey": s["inchikey"],
            "smiles": s["smiles"],
            "family": s["family"],
            "uk_status": s["uk_status"],
            "first_uk_detection": s["first_uk_detection"],
            "contexts": "|".join(s["contexts"]),
            "analytical_references": refs,
        }
        for q in s["quarterly_counts"] or [{"quarter": None, "seizures": 0, "harm_reports": 0}]:
            rows.append(base | {"quarter": q["quarter"], "seizures": q["seizures"], "harm_reports": q["harm_reports"]})
    return rows


def prison_panel(
    session: Session, *, until: dt.date, since: dt.date | None = None, generated: dt.datetime | None = None
) -> dict[str, Any]:
    """Substances (active components) first seized in a prison between ``since`` and ``until``."""
    first = (
        select(
            Component.substance_id,
            func.min(Sample.seizure_date).label("first"),
            func.count(func.distinct(Sample.id)).label("n"),
        )
        .join(Sample, Sample.id == Component.sample_pk)
        .where(
            Sample.seizure_context == "prison",
            Sample.is_current.is_(True),
            Sample.seizure_date <= until,
            Component.substance_id.is_not(None),
            Component.role.in_(("active", "unknown")) | Component.role.is_(None),
        )
        .group_by(Component.substance_id)
    )
    rows = session.execute(first).all()
    ids = [r.substance_id for r in rows if since is None or r.first >= since]
    subs = {s.id: s for s in session.scalars(select(Substance).where(Substance.id.in_(ids)))} if ids else {}
    statuses = {
        x.substance_id: x
        for x in session.scalars(select(SubstanceLegalStatus).where(SubstanceLegalStatus.substance_id.in_(ids)))
    }
    families = {f.id: f for f in session.scalars(select(Family))}
    additions = []
    for r in sorted(rows, key=lambda r: (r.first, r.substance_id)):
        sub = subs.get(r.substance_id)
        if sub is None:
            continue
        status = statuses.get(sub.id)
        family = families.get(sub.family_id) if sub.family_id else None
        legal = f"UK status {status.status}" if status else "UK status not yet decided"
        additions.append(
            {
                "name": sub.preferred_name or sub.inchikey,
                "inchikey": sub.inchikey,
                "smiles": sub.smiles,
                "family": family.name if family else None,
                "first_prison_detection": r.first,
                "reason": f"first seized in a prison on {r.first.isoformat()}; {r.n} prison seizure"
                f"{'s' if r.n != 1 else ''} to {until.isoformat()}; {legal}",
            }
        )
    return {
        "generated": (generated or dt.datetime.now(dt.UTC)).replace(microsecond=0).isoformat(),
        "period": {"from": since.isoformat() if since else None, "to": until.isoformat()},
        "additions": additions,
    }


def alerts_export(session: Session, *, audience: str, include_withdrawn: bool = True) -> list[dict[str, Any]]:
    """The ``audience`` product of every issued alert (its issued version), newest first."""
    out = []
    for alert in session.scalars(select(Alert).where(Alert.issued_version.is_not(None)).order_by(Alert.id.desc())):
        if audience not in (alert.audiences or []):
            continue
        if alert.status == "withdrawn" and not include_withdrawn:
            continue
        out.append(render_product(alert_document(session, alert, alert.issued_version), audience))
    return out


ALERT_CSV_COLUMNS = (
    "id",
    "version",
    "type",
    "subtype",
    "level",
    "status",
    "title",
    "summary",
    "legal_status",
    "family",
    "substances",
    "inchikeys",
    "geography",
    "harm_reports",
    "seizures",
    "issued_at",
    "updated_at",
    "withdrawn_at",
    "security_marking",
)


def alert_rows(products: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Flatten alert products for CSV (one row per alert)."""
    rows = []
    for p in products:
        subs = p.get("substances") or []
        rows.append(
            {
                "id": p.get("id"),
                "version": p.get("version"),
                "type": p.get("type"),
                "subtype": p.get("subtype"),
                "level": p.get("level"),
                "status": p.get("status"),
                "title": p.get("title"),
                "summary": p.get("summary"),
                "legal_status": p.get("legal_status"),
                "family": (p.get("family") or {}).get("name"),
                "substances": "|".join(str(s.get("name", "")) for s in subs),
                "inchikeys": "|".join(str(s.get("inchikey", "")) for s in subs if s.get("inchikey")),
                "geography": "|".join(p.get("geography") or []),
                "harm_reports": (p.get("harms") or {}).get("reports"),
                "seizures": (p.get("seizures") or {}).get("samples"),
                "issued_at": p.get("issued_at"),
                "updated_at": p.get("updated_at"),
                "withdrawn_at": p.get("withdrawn_at"),
                "security_marking": p.get("security_marking"),
            }
        )
    return rows


def safe_cell(value: Any) -> str:
    """A CSV cell that no spreadsheet evaluates as a formula.

    Examples
    --------
    >>> safe_cell('=HYPERLINK("http://x")')
    '\\'=HYPERLINK("http://x")'
    >>> safe_cell(-3)
    '-3'
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, (list, dict)):
        value = json.dumps(value, ensure_ascii=False, default=str)
    text = str(value)
    if text.startswith(_FORMULA_START):
        return "'" + text
    return text


def to_csv(rows: Iterable[Mapping[str, Any]], columns: Iterable[str]) -> str:
    """CSV text with a header row; every cell passes :func:`safe_cell`.

    Lines end in CRLF (RFC 4180): the writer quotes a cell holding any line-terminator character,
    so a lone carriage return inside a value can no longer split its row in a spreadsheet.
    """
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    cols = list(columns)
    writer.writerow(cols)
    for row in rows:
        writer.writerow([safe_cell(row.get(c)) for c in cols])
    return buf.getvalue()
