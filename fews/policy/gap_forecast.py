"""Coverage-gap forecasts (issue #9 item 4): the analogues the trade could make next, and whether the law
as at a date, and a draft generic, would capture them.

:func:`forecast` works on structures alone (for tests and for analysts' own lists);
:func:`family_gap_forecast` takes a family from the database, drafts its rule unless one is given, and
marks analogues already seen as substances. An analogue *escapes* when its status on the date is not a
Misuse of Drugs Act control (A, B, C or a temporary class drug order); a *gap* is an analogue that
escapes the current law and that the draft would not capture either.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from rdkit import Chem
from sqlalchemy import select
from sqlalchemy.orm import Session

from chem.drafting import ANALOGUE_KINDS, enumerate_analogues
from chem.legal import LegalEngine
from chem.legal.rules import Rule
from fews.models import Substance
from fews.policy.collateral import rule_capture
from fews.policy.draft_generic import draft_for_family, load_draft, rule_yaml
from fews.policy.evidence_pack import CONTROLLED, legal_overlay_as_of, resolve_subject

__all__ = ["family_gap_forecast", "forecast"]


def forecast(
    members: Sequence[tuple[str, str]],
    *,
    as_of: dt.date,
    engine: LegalEngine | None = None,
    draft: Rule | None = None,
    kinds: Iterable[str] | None = None,
) -> dict[str, Any]:
    """Analogues of ``members`` (``(name, smiles)``) with their status on ``as_of`` and the draft's verdict.

    Returns ``{"as_of", "analogues": [...], "summary": {kind: {"analogues", "escape", "draft_captures",
    "gaps"}}}``; each analogue has ``smiles``, ``inchikey``, ``parent``, ``kind``, ``change``, ``status``,
    ``rule``, ``escapes``, ``draft_captures`` (None without a draft) and ``gap``.
    """
    engine = engine or LegalEngine()
    found = enumerate_analogues([s for _, s in members], kinds=kinds)
    rows = []
    for a in found:
        decision = engine.classify(a.smiles, as_of)
        escapes = decision["status"] not in CONTROLLED
        captured = None
        key = engine.structures.get(a.smiles).inchikey_nostereo if decision["inchikey"] else None
        if draft is not None and key:
            captured = rule_capture(draft, Chem.MolFromSmiles(decision["smiles"]), key) == "captured"
        rows.append(
            {
                "smiles": decision["smiles"],
                "inchikey": decision["inchikey"],
                "inchikey_nostereo": key,
                "parent": members[a.parent][0],
                "kind": a.kind,
                "change": a.change,
                "status": decision["status"],
                "rule": decision["rule"],
                "escapes": escapes,
                "draft_captures": captured,
                "gap": escapes and not captured,
            }
        )
    summary: dict[str, Counter[str]] = defaultdict(Counter)
    for r in rows:
        s = summary[r["kind"]]
        s["analogues"] += 1
        s["escape"] += r["escapes"]
        s["draft_captures"] += bool(r["draft_captures"])
        s["gaps"] += r["gap"]
    return {
        "as_of": as_of.isoformat(),
        "rule_set_version": engine.rules.version,
        "draft": draft.id if draft else None,
        "kinds": {k: ANALOGUE_KINDS[k] for k in summary},
        "summary": {k: dict(v) for k, v in sorted(summary.items())},
        "analogues": rows,
    }


def family_gap_forecast(
    session: Session,
    ident: str,
    *,
    as_of: dt.date,
    draft_path: Path | None = None,
    kinds: Iterable[str] | None = None,
) -> dict[str, Any]:
    """:func:`forecast` for family ``ident``; the draft is read from ``draft_path`` or drafted from the members."""
    subject = resolve_subject(session, ident)
    engine = LegalEngine(overlay=legal_overlay_as_of(session, as_of))
    if draft_path is not None:
        draft = load_draft(draft_path)
    else:
        proposal, members_used = draft_for_family(session, ident, as_of=as_of, engine=engine)
        with tempfile.TemporaryDirectory() as tmp:  # through the loader, exactly as a drafter's file would go
            path = Path(tmp) / "draft.yaml"
            path.write_text(rule_yaml(proposal, members_used), encoding="utf-8")
            draft = load_draft(path)
    members = [(m.preferred_name or m.inchikey, m.smiles) for m in subject.members]
    out = forecast(members, as_of=as_of, engine=engine, draft=draft, kinds=kinds)
    known: dict[str, int] = {k: i for k, i in session.execute(select(Substance.inchikey_nostereo, Substance.id))}
    for row in out["analogues"]:
        sid = known.get(row["inchikey_nostereo"] or "")
        row["known_substance"] = f"S{sid}" if sid else None
    return {"family": subject.id, "name": subject.name, **out}
