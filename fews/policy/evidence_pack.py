"""Evidence packs for control decisions (issue #9 item 1): one document per family or substance, as at a date.

:func:`build_evidence_pack` gathers, from the database, only what was visible on or before ``as_of``
(seizures by received date else seizure date, harm reports by reported date else event date,
intelligence by observation date, psychoactivity results by test date, legal-status events, signals
and alerts by the time they were recorded) and returns a plain mapping that the renderers
(:mod:`fews.policy.render`) turn into HTML, PDF and DOCX. Every figure carries its data window and
source. Nothing case-level is collected: no case references, sample or report identifiers, free
text, reporters or case dates; harm counts are aggregated and suppressed as for the ``policy``
audience (``alerts/data/products.yaml``, ``alerts/suppression.py``), and the finished document is
checked against the products' forbidden keys before it is returned.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from rdkit import Chem
from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.orm import Session

from alerts.exports import analytical_references
from alerts.products import ProductLeak, find_forbidden
from alerts.suppression import scrub_small_numbers, suppress_count, suppress_table
from alerts.tables import product_tables
from chem.depict import depict_svg
from chem.errors import InvalidStructure
from chem.legal import LegalEngine
from chem.legal.overlay import OverlayEvent
from fews.detection.family_store import family_label
from fews.legal_events import load_overlay
from fews.lookup import find_substance
from fews.models import (
    Alert,
    AlertEvent,
    AlertVersion,
    Component,
    Family,
    HarmReport,
    HarmReportSubstance,
    IntelFinding,
    IntelReport,
    PsychoactivityResult,
    Sample,
    Signal,
    Substance,
)

__all__ = [
    "CONTROLLED",
    "EvidencePackError",
    "INTERNATIONAL_BODIES",
    "build_evidence_pack",
    "legal_overlay_as_of",
    "quarter_of",
    "resolve_subject",
]

CONTROLLED = frozenset({"A", "B", "C", "TCDO"})  # statuses under the Misuse of Drugs Act 1971 (incl. s.2A orders)
_DATA = Path(__file__).parent / "data"


def _bodies() -> dict[str, dict[str, str]]:
    data = yaml.safe_load((_DATA / "international_bodies.yaml").read_text(encoding="utf-8"))
    return {str(b["key"]): {"label": str(b["label"]), "source": str(b["source"])} for b in data["bodies"]}


INTERNATIONAL_BODIES = _bodies()


class EvidencePackError(LookupError):
    """The pack cannot be built: unknown family or substance, or a family without members."""


@dataclass(frozen=True)
class Subject:
    kind: str  # family | substance
    id: str  # F<n> | S<n>
    name: str
    family_id: int | None
    members: tuple[Substance, ...]


def quarter_of(day: dt.date) -> str:
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


def _quarters(first: dt.date, last: dt.date) -> list[str]:
    out = []
    year, q = first.year, (first.month - 1) // 3
    while (year, q) <= (last.year, (last.month - 1) // 3):
        out.append(f"{year}-Q{q + 1}")
        year, q = (year + 1, 0) if q == 3 else (year, q + 1)
    return out


def resolve_subject(session: Session, ident: str) -> Subject:
    """``F<n>`` (a family) or ``S<n>``/InChIKey/name (a substance).

    Raises
    ------
    EvidencePackError
        If nothing matches, or the family has no members.
    """
    text = ident.strip()
    if text[:1] in ("F", "f") and text[1:].isdigit():
        fam = session.get(Family, int(text[1:]))
        if fam is None:
            raise EvidencePackError(f"no family {text.upper()}")
        members = tuple(
            session.scalars(
                select(Substance)
                .where(Substance.family_id == fam.id)
                .order_by(Substance.first_uk_detection_date.is_(None), Substance.first_uk_detection_date, Substance.id)
            )
        )
        if not members:
            raise EvidencePackError(f"family {fam.public_id} has no members")
        return Subject("family", fam.public_id, fam.name, fam.id, members)
    sub = find_substance(session, text)
    if sub is None:
        raise EvidencePackError(f"no family or substance {ident!r} (give F<n>, S<n> or an InChIKey)")
    return Subject("substance", sub.public_id, sub.preferred_name or sub.inchikey, sub.family_id, (sub,))


def legal_overlay_as_of(session: Session, as_of: dt.date) -> list[OverlayEvent]:
    """The legal-status events recorded on or before ``as_of`` (Europe/London day), as the engine's overlay."""
    return load_overlay(session, recorded_by=as_of)


def _window(first: dt.date | None, last: dt.date) -> dict[str, str | None]:
    return {"from": first.isoformat() if first else None, "to": last.isoformat()}


def _structure_svg(smiles: str, atoms: Sequence[int], legend: str) -> str | None:
    try:
        return depict_svg(smiles, highlight=atoms, width=300, height=220, legend=legend)
    except InvalidStructure:
        return None


def _identity(members: Sequence[Substance], engine: LegalEngine, as_of: dt.date, core: str | None) -> list[dict]:
    query = Chem.MolFromSmarts(core) if core else None
    out = []
    for sub in members:
        decision = engine.classify(sub.smiles, as_of, ident=sub.public_id)
        draw_smiles = decision.get("smiles") or sub.smiles
        atoms: Sequence[int] = decision.get("matched_atoms") or []
        if query is not None:
            mol = Chem.MolFromSmiles(draw_smiles)
            match = mol.GetSubstructMatch(query) if mol is not None else ()
            atoms = match or atoms
        names = sorted({n.name for n in sub.names if n.name != sub.preferred_name})[:8]
        timeline = engine.timeline(sub.smiles, end=as_of)
        out.append(
            {
                "id": sub.public_id,
                "name": sub.preferred_name or sub.inchikey,
                "synonyms": names,
                "smiles": sub.smiles,
                "inchikey": sub.inchikey,
                "formula": sub.formula,
                "mol_weight": round(sub.mol_weight, 2),
                "structure_svg": _structure_svg(draw_smiles, atoms, sub.preferred_name or ""),
                "legal": {
                    "status": decision["status"],
                    "basis": decision["basis"],
                    "rule": decision["rule"],
                    "instrument": decision["instrument"],
                    "in_force": decision["in_force"],
                    "explanation": decision["explanation"],
                    "near_misses": [
                        {"rule": n["rule"], "blocking_modification": n["blocking_modification"]}
                        for n in decision["near_misses"]
                    ],
                    "caveats": decision.get("caveats", []),
                    "event_ids": decision.get("event_ids", []),
                    "escapes_control": decision["status"] not in CONTROLLED,
                    "history": timeline,
                },
                "international": dict(sub.international_status or {}),
            }
        )
    return out


def _seizures(session: Session, ids: list[int], as_of: dt.date) -> list[Any]:
    visible = func.coalesce(Sample.received_date, Sample.seizure_date)
    return list(
        session.execute(
            select(
                Sample.id.label("pk"),
                Sample.seizure_date,
                Sample.seizure_context,
                Sample.jurisdiction,
                Sample.local_area,
                Component.substance_id,
                Component.identification_level,
                Component.method,
            )
            .join(Component, Component.sample_pk == Sample.id)
            .where(
                Component.substance_id.in_(ids),
                Sample.is_current.is_(True),
                Sample.seizure_date <= as_of,
                visible <= as_of,
            )
            .order_by(Sample.seizure_date, Sample.id)
        ).all()
    )


def _seizure_section(rows: list[Any], names: dict[int, str], as_of: dt.date) -> dict[str, Any]:
    samples: dict[int, Any] = {}
    for r in rows:
        samples.setdefault(r.pk, r)
    first = min((r.seizure_date for r in samples.values()), default=None)
    source = (
        "FEWS seizure records (forensic laboratory results), current versions, counted once per seized sample "
        "containing any member; a sample is counted when received on or before the pack date"
    )
    per_quarter = Counter(quarter_of(r.seizure_date) for r in samples.values())
    quarters = _quarters(first, as_of) if first else []
    firsts_context: dict[str, tuple[dt.date, int]] = {}
    firsts_place: dict[str, tuple[dt.date, int]] = {}
    first_per_member: dict[int, Any] = {}
    for r in rows:  # ordered by date
        firsts_context.setdefault(r.seizure_context or "unknown", (r.seizure_date, r.substance_id))
        firsts_place.setdefault(r.jurisdiction, (r.seizure_date, r.substance_id))
        first_per_member.setdefault(r.substance_id, r)
    by_place = Counter(r.jurisdiction for r in samples.values())
    by_area = Counter(r.local_area or "not recorded" for r in samples.values())
    by_context = Counter(r.seizure_context or "unknown" for r in samples.values())
    top_areas = by_area.most_common(15)
    other = sum(by_area.values()) - sum(n for _, n in top_areas)
    return {
        "source": source,
        "window": _window(first, as_of),
        "samples": len(samples),
        "first_uk": (
            {
                "date": first.isoformat(),
                "substance": names[rows[0].substance_id],
                "context": rows[0].seizure_context,
                "jurisdiction": rows[0].jurisdiction,
                "identification_level": rows[0].identification_level,
            }
            if rows and first
            else None
        ),
        "first_by_member": [
            {
                "substance": names[sid],
                "date": r.seizure_date.isoformat(),
                "context": r.seizure_context,
                "jurisdiction": r.jurisdiction,
                "identification_level": r.identification_level,
            }
            for sid, r in first_per_member.items()
        ],
        "first_by_context": [
            {"context": k, "date": d.isoformat(), "substance": names[s]} for k, (d, s) in sorted(firsts_context.items())
        ],
        "first_by_jurisdiction": [
            {"jurisdiction": k, "date": d.isoformat(), "substance": names[s]}
            for k, (d, s) in sorted(firsts_place.items())
        ],
        "by_quarter": [{"period": q, "count": per_quarter.get(q, 0)} for q in quarters],
        "by_context": dict(sorted(by_context.items())),
        "by_jurisdiction": dict(sorted(by_place.items())),
        "by_local_area": dict(top_areas + ([("all other areas", other)] if other else [])),
        "by_member": {names[k]: v for k, v in Counter(r.substance_id for r in rows).most_common()},
    }


def _availability(session: Session, ids: list[int], names: dict[int, str], as_of: dt.date) -> dict[str, Any]:
    rows = session.execute(
        select(IntelReport.id, IntelReport.stream, IntelReport.observed_date, IntelReport.evidence_grade)
        .join(IntelFinding, IntelFinding.report_pk == IntelReport.id)
        .where(IntelFinding.substance_id.in_(ids), IntelReport.is_current.is_(True), IntelReport.observed_date <= as_of)
        .distinct()
        .order_by(IntelReport.observed_date)
    ).all()
    first = rows[0].observed_date if rows else None
    by_stream = Counter(r.stream for r in rows)
    firsts: dict[str, str] = {}
    for r in rows:
        firsts.setdefault(r.stream, r.observed_date.isoformat())
    per_quarter: dict[str, Counter[str]] = defaultdict(Counter)
    for r in rows:
        per_quarter[quarter_of(r.observed_date)][r.stream] += 1
    quarters = _quarters(first, as_of) if first else []
    return {
        "source": "FEWS intelligence records (online-market observations, drug checking, street surveys), "
        "graded separately from laboratory results; counted once per record naming a member",
        "window": _window(first, as_of),
        "records": len(rows),
        "by_stream": dict(sorted(by_stream.items())),
        "first_by_stream": dict(sorted(firsts.items())),
        "online_share": round(by_stream.get("online_market", 0) / len(rows), 3) if rows else None,
        "by_quarter": [{"period": q, **{s: per_quarter[q].get(s, 0) for s in sorted(by_stream)}} for q in quarters],
    }


def _harms(session: Session, ids: list[int], as_of: dt.date, threshold: int) -> dict[str, Any]:
    visible = func.coalesce(HarmReport.reported_date, HarmReport.event_date)
    rows = session.execute(
        select(
            HarmReport.id,
            HarmReport.event_date,
            HarmReport.severity,
            HarmReport.care_setting,
            HarmReport.jurisdiction,
            HarmReport.toxicology_status,
        )
        .join(HarmReportSubstance, HarmReportSubstance.report_pk == HarmReport.id)
        .where(
            HarmReportSubstance.substance_id.in_(ids),
            HarmReport.is_current.is_(True),
            HarmReport.event_date <= as_of,
            visible <= as_of,
        )
        .distinct()
    ).all()
    first = min((r.event_date for r in rows), default=None)

    def table(values: Iterable[str | None]) -> dict[str, Any]:
        t = suppress_table(Counter(v or "not recorded" for v in values), total=True, threshold=threshold)
        return {"cells": dict(sorted(t.cells.items())), "total": t.total}

    quarters = _quarters(first, as_of) if first else []
    per_q = Counter(quarter_of(r.event_date) for r in rows)
    q_table = suppress_table({q: per_q.get(q, 0) for q in quarters}, total=True, threshold=threshold)
    return {
        "source": "RIDR-style adverse-reaction reports naming a member (suspected substance as mapped), "
        "aggregated; counts 1-4 shown as '<5' with complementary suppression (DESIGN.md §4 rule 1)",
        "window": _window(first, as_of),
        "reports": suppress_count(len(rows), threshold=threshold),
        "severity": table(r.severity for r in rows),
        "care_settings": table(r.care_setting for r in rows),
        "jurisdictions": table(r.jurisdiction for r in rows),
        "toxicology": table(r.toxicology_status for r in rows),
        "by_quarter": [{"period": q, "count": q_table.cells[q]} for q in quarters],
    }


def _psychoactivity(session: Session, ids: list[int], names: dict[int, str], as_of: dt.date) -> dict[str, Any]:
    rows = session.scalars(
        select(PsychoactivityResult)
        .where(
            PsychoactivityResult.substance_id.in_(ids),
            PsychoactivityResult.is_current.is_(True),
            PsychoactivityResult.test_date <= as_of,
        )
        .order_by(PsychoactivityResult.test_date, PsychoactivityResult.id)
    ).all()
    return {
        "source": "In-vitro psychoactivity test results submitted by forensic laboratories",
        "window": _window(rows[0].test_date if rows else None, as_of),
        "results": [
            {
                "substance": names.get(r.substance_id or 0, r.substance_name),
                "assay": r.assay,
                "result": r.result,
                "potency": f"{r.potency_value:g} {r.potency_unit or ''}".strip()
                if r.potency_value is not None
                else None,
                "efficacy_percent": r.efficacy_percent,
                "reference_compound": r.reference_compound,
                "tested": r.test_date.isoformat(),
                "laboratory": r.laboratory,
            }
            for r in rows
        ],
    }


def _signals_and_alerts(
    session: Session, family_id: int | None, ids: list[int], as_of: dt.date, subject_kind: str
) -> dict[str, Any]:
    cutoff = dt.datetime.combine(as_of + dt.timedelta(days=1), dt.time.min, tzinfo=dt.UTC)
    cond: list[ColumnElement[bool]] = [Signal.substance_id.in_(ids)]
    if family_id is not None and subject_kind == "family":
        cond.append(Signal.family_id == family_id)
    signals = session.scalars(
        select(Signal)
        .where(or_(*cond), func.coalesce(Signal.first_as_of, Signal.as_of) <= as_of)
        .order_by(func.coalesce(Signal.first_as_of, Signal.as_of), Signal.id)
    ).all()
    sig_ids = [s.id for s in signals]
    acond: list[ColumnElement[bool]] = [Alert.substance_id.in_(ids)]
    if sig_ids:
        acond.append(Alert.signal_id.in_(sig_ids))
    if family_id is not None and subject_kind == "family":
        acond.append(Alert.family_id == family_id)
    alerts = session.scalars(select(Alert).where(or_(*acond), Alert.created_at < cutoff).order_by(Alert.id)).all()
    alert_rows = []
    for a in alerts:
        events = session.scalars(
            select(AlertEvent).where(AlertEvent.alert_id == a.id, AlertEvent.at < cutoff).order_by(AlertEvent.at)
        ).all()
        version = session.scalar(
            select(AlertVersion)
            .where(AlertVersion.alert_id == a.id, AlertVersion.created_at < cutoff)
            .order_by(AlertVersion.version.desc())
            .limit(1)
        )
        alert_rows.append(
            {
                "id": f"A{a.id}",
                "type": a.type,
                "level": a.level,
                "lead_audience": a.audience,
                "title": scrub_small_numbers(version.title) if version else None,
                "status": events[-1].to_status if events else "draft",
                "events": [{"date": e.at.date().isoformat(), "action": e.action} for e in events],
            }
        )
    return {
        "source": "FEWS detection signals (fews detect) and the alerts drafted from them; "
        "reasons scrubbed of small counts",
        "window": _window(min((s.first_as_of or s.as_of for s in signals), default=None), as_of),
        "signals": [
            {
                "id": f"G{s.id}",
                "type": s.type,
                "subtype": s.subtype,
                "raised": (s.first_as_of or s.as_of).isoformat(),
                "last_update": s.as_of.isoformat() if s.as_of <= as_of else None,
                "status": s.status if s.as_of <= as_of else "open",
                "score": round(s.score, 2),
                "evidence_level": s.evidence_level,
                "reason": scrub_small_numbers(s.reason),
            }
            for s in signals
        ],
        "alerts": alert_rows,
    }


def _analytical(rows: list[Any], members: Sequence[Substance], names: dict[int, str]) -> dict[str, Any]:
    methods = Counter(r.method or "not recorded" for r in rows)
    levels = Counter(r.identification_level or "not recorded" for r in rows)
    refs = []
    for sub in members:
        for ref in analytical_references(sub.inchikey):
            refs.append({"substance": names[sub.id], **ref})
    return {
        "source": "MassBank reference spectra shipped with FEWS (licence per record, reference_spectra/data/NOTICE.md) "
        "and the methods laboratories reported for the seizures counted above",
        "references": refs,
        "methods": dict(methods.most_common()),
        "identification_levels": dict(levels.most_common()),
    }


def build_evidence_pack(
    session: Session,
    ident: str,
    *,
    as_of: dt.date,
    security_marking: str,
    international_bodies: Sequence[str] | None = None,
    engine: LegalEngine | None = None,
) -> dict[str, Any]:
    """The evidence pack of a family (``F<n>``) or substance (``S<n>``/InChIKey) as at ``as_of``.

    Parameters
    ----------
    international_bodies
        Keys of :data:`INTERNATIONAL_BODIES` whose status is shown (default: all of them, in file order).

    Raises
    ------
    EvidencePackError
        Unknown subject, or an unknown international body.
    ProductLeak
        If the document would carry a key forbidden in every product (a bug; nothing is rendered).
    """
    subject = resolve_subject(session, ident)
    bodies = list(international_bodies) if international_bodies else list(INTERNATIONAL_BODIES)
    unknown = [b for b in bodies if b not in INTERNATIONAL_BODIES]
    if unknown:
        raise EvidencePackError(f"unknown international bodies {unknown}; known: {sorted(INTERNATIONAL_BODIES)}")
    engine = engine or LegalEngine(overlay=legal_overlay_as_of(session, as_of))
    tables = product_tables()
    members = subject.members
    ids = [m.id for m in members]
    names = {m.id: m.preferred_name or m.inchikey for m in members}
    family = family_label(session, subject.family_id) if subject.family_id is not None else None
    fam_row = session.get(Family, subject.family_id) if subject.family_id is not None else None
    identity = _identity(members, engine, as_of, fam_row.core_smarts if fam_row else None)
    rows = _seizures(session, ids, as_of)
    doc: dict[str, Any] = {
        "title": f"Evidence pack: {subject.name}",
        "subject": {
            "kind": subject.kind,
            "id": subject.id,
            "name": subject.name,
            "family": {"id": family["id"], "name": family["name"], "method": family["method"]} if family else None,
            "members": len(members),
        },
        "as_of": as_of.isoformat(),
        "security_marking": security_marking,
        "rule_set_version": engine.rules.version,
        "legal_event_ids": sorted({e for m in identity for e in m["legal"]["event_ids"]}),
        "members": identity,
        "escaping_control": [m["name"] for m in identity if m["legal"]["escapes_control"]],
        "legal_source": "UK legal status decided by the FEWS legal engine (chem/legal rule files, rule set "
        f"{engine.rules.version}) with the legal-status events recorded on or before {as_of.isoformat()}",
        "seizures": _seizure_section(rows, names, as_of),
        "availability": _availability(session, ids, names, as_of),
        "harms": _harms(session, ids, as_of, tables.threshold),
        "psychoactivity": _psychoactivity(session, ids, names, as_of),
        "international": {
            "source": "; ".join(
                f"{INTERNATIONAL_BODIES[b]['label']}: {INTERNATIONAL_BODIES[b]['source']}" for b in bodies
            ),
            "bodies": [{"key": b, "label": INTERNATIONAL_BODIES[b]["label"]} for b in bodies],
            "rows": [
                {"substance": m["name"], **{b: (m["international"].get(b) or "no record") for b in bodies}}
                for m in identity
            ],
        },
        "detection": _signals_and_alerts(session, subject.family_id, ids, as_of, subject.kind),
        "analytical": _analytical(rows, members, names),
    }
    for m in doc["members"]:
        m.pop("international", None)
    leaks = find_forbidden(doc, tables.forbidden_keys)
    if leaks:
        raise ProductLeak(f"evidence pack {subject.id} would carry forbidden fields: {leaks}")
    return doc
