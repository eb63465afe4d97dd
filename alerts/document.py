"""Compose what an alert says from a detection signal and the stored data, as aggregates only.

:func:`compose_version` reads the signal's substances (and family), the seizures and harm reports
that mention them up to the signal's date, and returns the fields of an ``AlertVersion``. Only
counts, coarse places (nations, regions) and months leave this module: case references, report and
sample identifiers, free text and exact event dates are never read into the alert. The evidence
(sample and harm-report primary keys) is returned separately for ``alert_evidence`` rows.

:func:`alert_document` turns a stored alert and one of its versions into the full document from
which every audience product is cut (``alerts/products.py``).
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from alerts.tables import audience_rules
from fews.models import (
    Alert,
    AlertEvent,
    AlertVersion,
    Component,
    Family,
    HarmReport,
    HarmReportSubstance,
    Sample,
    Signal,
    Substance,
    SubstanceLegalStatus,
)

__all__ = ["ComposedVersion", "compose_version", "alert_document", "signal_substance_ids", "SEVERITY_ORDER"]

SEVERITY_ORDER = ("mild", "moderate", "severe", "fatal")
MAX_SUBSTANCES = 50
_SUBSTANCE_ID = re.compile(r"^[Ss]?(\d+)$")


@dataclass
class ComposedVersion:
    """The fields of a new alert version, with the evidence behind it."""

    title: str
    summary: str
    legal_status: str | None
    geography: list[str]
    severity: str | None
    level: str
    audiences: list[str]
    recommended_actions: str
    body: dict[str, Any]
    evidence: list[tuple[str, int]] = field(default_factory=list)


def signal_substance_ids(session: Session, signal: Signal) -> list[int]:
    """Substances a signal is about: its substance, its listed members, else its family's members."""
    ids: list[int] = []
    if signal.substance_id:
        ids.append(signal.substance_id)
    for member in (signal.details or {}).get("members") or []:
        sid = _member_id(session, member)
        if sid is not None and sid not in ids:
            ids.append(sid)
    if not ids and signal.family_id:
        ids.extend(
            session.scalars(
                select(Substance.id).where(Substance.family_id == signal.family_id).order_by(Substance.id)
            ).all()
        )
    return ids[:MAX_SUBSTANCES]


def _member_id(session: Session, member: Any) -> int | None:
    if not isinstance(member, dict):
        return None
    raw = member.get("id")
    if isinstance(raw, int):
        return raw
    if isinstance(raw, str) and _SUBSTANCE_ID.match(raw.strip()):
        return int(_SUBSTANCE_ID.match(raw.strip()).group(1))  # type: ignore[union-attr]
    key = member.get("inchikey")
    if key:
        return session.scalar(
            select(Substance.id).where((Substance.inchikey == key) | (Substance.inchikey_nostereo == key)).limit(1)
        )
    return None


def _month(day: dt.date | None) -> str | None:
    return day.strftime("%Y-%m") if day else None


def _counts(values: list[str | None]) -> dict[str, int]:
    return dict(sorted(Counter(v for v in values if v).items(), key=lambda kv: (-kv[1], kv[0])))


def _substances(session: Session, ids: list[int], as_of: dt.date) -> list[dict[str, Any]]:
    if not ids:
        return []
    subs = {s.id: s for s in session.scalars(select(Substance).where(Substance.id.in_(ids)))}
    status = {
        s.substance_id: s
        for s in session.scalars(select(SubstanceLegalStatus).where(SubstanceLegalStatus.substance_id.in_(ids)))
    }
    prison_first = dict(
        session.execute(
            select(Component.substance_id, Sample.seizure_date)
            .join(Sample, Sample.id == Component.sample_pk)
            .where(
                Component.substance_id.in_(ids),
                Sample.is_current.is_(True),
                Sample.seizure_context == "prison",
                Sample.seizure_date <= as_of,
            )
            .order_by(Sample.seizure_date.desc())
        ).all()
    )  # the last row per substance wins: ordered newest first, so the earliest date is kept
    out = []
    for sid in ids:
        sub = subs.get(sid)
        if sub is None:
            continue
        legal = status.get(sid)
        out.append(
            {
                "id": sub.public_id,
                "name": sub.preferred_name or sub.inchikey,
                "inchikey": sub.inchikey,
                "smiles": sub.smiles,
                "legal_status": legal.status if legal else None,
                "legal_basis": legal.basis if legal else None,
                "rule": legal.rule_id if legal else None,
                "instrument": legal.instrument if legal else None,
                "first_uk_detection": sub.first_uk_detection_date,
                "first_uk_detection_level": sub.first_uk_detection_level,
                "first_prison_detection": prison_first.get(sid),
            }
        )
    return out


def _seizures(session: Session, ids: list[int], as_of: dt.date) -> tuple[dict[str, Any], list[int]]:
    rows = session.execute(
        select(
            Sample.id,
            Sample.seizure_date,
            Sample.seizure_context,
            Sample.jurisdiction,
            Sample.local_area,
            Sample.product_form,
            Sample.product_as_sold,
            Component.identification_level,
            Component.method,
        )
        .join(Component, Component.sample_pk == Sample.id)
        .where(Component.substance_id.in_(ids), Sample.is_current.is_(True), Sample.seizure_date <= as_of)
    ).all()
    samples: dict[int, Any] = {}
    levels, methods = [], []
    for r in rows:
        samples.setdefault(r.id, r)
        levels.append(r.identification_level)
        methods.append(r.method)
    dates = [r.seizure_date for r in samples.values()]
    return (
        {
            "samples": len(samples),
            "first": min(dates) if dates else None,
            "last": max(dates) if dates else None,
            "contexts": _counts([r.seizure_context for r in samples.values()]),
            "jurisdictions": _counts([r.jurisdiction for r in samples.values()]),
            "local_areas": _counts([r.local_area for r in samples.values()]),
            "product_forms": _counts([r.product_form for r in samples.values()]),
            "sold_as": _counts([r.product_as_sold for r in samples.values()]),
            "identification_levels": _counts(levels),
            "methods": _counts(methods),
        },
        sorted(samples),
    )


def _harms(session: Session, ids: list[int], as_of: dt.date) -> tuple[dict[str, Any], list[int]]:
    reports = session.scalars(
        select(HarmReport)
        .where(
            HarmReport.is_current.is_(True),
            HarmReport.event_date <= as_of,
            HarmReport.id.in_(select(HarmReportSubstance.report_pk).where(HarmReportSubstance.substance_id.in_(ids))),
        )
        .order_by(HarmReport.id)
    ).all()
    effects: list[str | None] = []
    for r in reports:
        effects.extend(e for e in (r.effects or []) if isinstance(e, str) and not e.startswith("raw:"))
    dates = [r.event_date for r in reports]
    return (
        {
            "reports": len(reports),
            "first_month": _month(min(dates)) if dates else None,
            "last_month": _month(max(dates)) if dates else None,
            "severity": _counts([r.severity for r in reports]),
            "effects": _counts(effects),
            "care_settings": _counts([r.care_setting for r in reports]),
            "toxicology": _counts([r.toxicology_status for r in reports]),
            "regions": _counts([r.region for r in reports]),
            "jurisdictions": _counts([r.jurisdiction for r in reports]),
            "vulnerable_groups": _counts([r.vulnerable_group for r in reports]),
        },
        [r.id for r in reports],
    )


def _legal_headline(substances: list[dict[str, Any]]) -> str | None:
    statuses = sorted({s["legal_status"] for s in substances if s.get("legal_status")})
    return ", ".join(statuses) if statuses else None


def _names(family: dict[str, Any] | None, substances: list[dict[str, Any]]) -> str:
    if family and family.get("name") and len(substances) != 1:
        return f"{family['name']} family"
    names = [s["name"] for s in substances[:3]]
    more = len(substances) - len(names)
    text = ", ".join(names) or "unidentified substance"
    return text + (f" and {more} more" if more > 0 else "")


def _near_misses(details: dict[str, Any]) -> list[dict[str, Any]]:
    keep = ("rule", "instrument", "blocking_modification", "explanation", "substance", "inchikey")
    out = []
    for item in details.get("near_misses") or []:
        if isinstance(item, dict):
            out.append({k: item[k] for k in keep if k in item})
    return out


def compose_version(session: Session, signal: Signal) -> ComposedVersion:
    """Build the content of an alert version from ``signal`` (aggregates only, see module docstring)."""
    rules = audience_rules()
    rule = rules.rule(signal.type)
    ids = signal_substance_ids(session, signal)
    substances = _substances(session, ids, signal.as_of)
    family_row = session.get(Family, signal.family_id) if signal.family_id else None
    family = {"id": family_row.public_id, "name": family_row.name} if family_row else None
    seizures, sample_pks = _seizures(session, ids, signal.as_of) if ids else ({"samples": 0}, [])
    harms, report_pks = _harms(session, ids, signal.as_of) if ids else ({"reports": 0}, [])
    contexts = list(seizures.get("contexts", {}))
    severities = [s for s in SEVERITY_ORDER if s in harms.get("severity", {})]
    worst = severities[-1] if severities else None
    geography = sorted(set(seizures.get("jurisdictions", {})) | set(harms.get("jurisdictions", {})))
    names = _names(family, substances)
    legal = _legal_headline(substances)
    parts = [f"{rule.label}: {names}."]
    if legal:
        parts.append(f"UK legal status: {legal}.")
    if seizures.get("samples"):
        where = ", ".join(contexts) or "unknown contexts"
        parts.append(
            f"Seized {seizures['samples']} times between {seizures['first']:%d %B %Y} and "
            f"{seizures['last']:%d %B %Y} ({where})."
        )
    if harms.get("reports"):
        parts.append(f"Harm reports linked since {harms['first_month']}; highest severity {worst}.")
    details = dict(signal.details or {})
    body = {
        "signal": {
            "id": signal.id,
            "type": signal.type,
            "subtype": signal.subtype,
            "score": signal.score,
            "reason": signal.reason,
            "as_of": signal.as_of,
            "first_as_of": signal.first_as_of or signal.as_of,
            "window_start": signal.window_start,
            "window_end": signal.window_end,
            "evidence_level": signal.evidence_level,
            "escalations": signal.escalations,
        },
        "family": family,
        "substances": substances,
        "seizures": seizures,
        "harms": harms,
        "near_misses": _near_misses(details),
    }
    evidence = (
        [("signal", signal.id)] + [("sample", pk) for pk in sample_pks] + [("harm_report", pk) for pk in report_pks]
    )
    return ComposedVersion(
        title=f"{rule.label}: {names}"[:300],
        summary=" ".join(parts),
        legal_status=legal,
        geography=geography,
        severity=worst,
        level=rules.level_for(signal.type, severities),
        audiences=rules.audiences_for(signal.type, signal.subtype, contexts),
        recommended_actions=rules.actions[rule.lead],
        body=_jsonable(body),
        evidence=evidence,
    )


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return value


def _iso(value: dt.datetime | dt.date | None) -> str | None:
    return value.isoformat() if value else None


def _status_of(alert: Alert, number: int) -> str:
    """The status of one version: the issued version of an alert with a pending update is still issued."""
    if alert.status in ("draft", "agreed") and alert.issued_version == number:
        return "issued"
    return alert.status


def alert_document(session: Session, alert: Alert, version_no: int | None = None) -> dict[str, Any]:
    """The full document of ``alert`` at ``version_no`` (default: the current version)."""
    number = version_no or alert.current_version
    ver = session.scalar(select(AlertVersion).where(AlertVersion.alert_id == alert.id, AlertVersion.version == number))
    if ver is None:
        raise LookupError(f"alert A{alert.id} has no version {number}")
    withdrawal = None
    if alert.status == "withdrawn":
        withdrawal = session.scalar(
            select(AlertEvent.note)
            .where(AlertEvent.alert_id == alert.id, AlertEvent.action == "withdrawn")
            .order_by(AlertEvent.id.desc())
            .limit(1)
        )
    body = dict(ver.body or {})
    return {
        "id": f"A{alert.id}",
        "version": ver.version,
        "type": alert.type,
        "subtype": (body.get("signal") or {}).get("subtype"),
        "level": alert.level,
        "status": _status_of(alert, ver.version),
        "lead_audience": alert.audience,
        "audiences": list(alert.audiences or []),
        "title": ver.title,
        "summary": ver.summary,
        "legal_status": ver.legal_status,
        "severity": ver.severity,
        "clinical_response": ver.clinical_response,
        "recommended_actions": ver.recommended_actions,
        "review_by": _iso(alert.review_by),
        "issued_at": _iso(alert.issued_at),
        "updated_at": _iso(ver.created_at),
        "withdrawn_at": _iso(alert.withdrawn_at),
        "withdrawal_reason": withdrawal,
        "security_marking": alert.security_marking,
        "family": body.get("family"),
        "substances": body.get("substances") or [],
        "seizures": body.get("seizures") or {},
        "harms": body.get("harms") or {},
        "geography": list(ver.geography or []),
        "signal": body.get("signal") or {},
        "near_misses": body.get("near_misses") or [],
    }
