"""Draft generic definitions for a family (issue #9 item 2), written as rule files the legal engine loads.

:func:`draft_for_family` proposes a rule from the family's members (:func:`chem.drafting.draft_generic`);
:func:`rule_yaml` writes it as YAML with a commented header (members, notes); :func:`load_draft` reads a
drafter's (possibly edited) file back through the engine's own loader, and :func:`check_draft` re-runs
the checks: which members the rule captures, and every unintended capture among the shipped medicines
and the database's substances (:func:`fews.policy.collateral.collateral_check`).
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import tempfile
from pathlib import Path
from typing import Any

import yaml
from rdkit import Chem
from sqlalchemy import select
from sqlalchemy.orm import Session

from chem.drafting import DraftGeneric, draft_generic
from chem.legal import LegalEngine
from chem.legal.rules import Rule, RuleFileError, load_rules
from chem.rdkit_log import capture_rdkit_log
from fews.models import Substance
from fews.policy.collateral import collateral_check, rule_capture
from fews.policy.evidence_pack import EvidencePackError, resolve_subject

__all__ = ["DRAFT_ID", "check_draft", "draft_for_family", "family_of_draft", "load_draft", "rule_yaml"]

DRAFT_ID = re.compile(r"^DRAFT-(F\d+)")
CLASS_ORDER = ("A", "B", "C")


def draft_for_family(
    session: Session, ident: str, *, as_of: dt.date, drug_class: str | None = None, engine: LegalEngine | None = None
) -> tuple[DraftGeneric, list[dict[str, Any]]]:
    """The draft rule for family ``ident`` (``F<n>``) and the members it was drawn from.

    The proposed class defaults to the highest class any member holds on ``as_of`` (else B).

    Raises
    ------
    EvidencePackError
        When ``ident`` is not a family with members.
    ValueError
        When the members share no ring system (no core to draft from).
    """
    subject = resolve_subject(session, ident)
    if subject.kind != "family":
        raise EvidencePackError(f"{ident!r} is not a family: draft-generic needs F<n>")
    engine = engine or LegalEngine()
    members = []
    classes = set()
    for sub in subject.members:
        status = engine.classify(sub.smiles, as_of)["status"]
        classes.add(status)
        members.append(
            {"id": sub.public_id, "name": sub.preferred_name or sub.inchikey, "smiles": sub.smiles, "status": status}
        )
    chosen = drug_class or next((c for c in CLASS_ORDER if c in classes), "B")
    draft = draft_generic(
        [m["smiles"] for m in members],
        rule_id=f"DRAFT-{subject.id}",
        name=f"draft generic definition for {subject.name}",
        drug_class=chosen,
        in_force=as_of.isoformat(),
        source=f"drawn from the {len(members)} members of family {subject.id} as at {as_of.isoformat()}",
    )
    return draft, members


def rule_yaml(draft: DraftGeneric, members: list[dict[str, Any]]) -> str:
    """The draft as a rule file: a commented header, then the rule mapping ``load_rules`` accepts."""
    lines = [
        "# FEWS DRAFT generic definition - a proposal for discussion, not law.",
        "# Edit the core, positions, classes and caps, then re-run: fews draft-generic --check THIS_FILE",
        f"# Core (parent) structure: {draft.core.parent_smiles}",
        "# Members it was drawn from:",
        *(f"#   {m['id']} {m['name']}: {m['smiles']}" for m in members),
        *(f"# NOTE: {n}" for n in draft.notes),
    ]
    body = yaml.safe_dump(draft.rule, sort_keys=False, allow_unicode=True, width=110)
    return "\n".join(lines) + "\n" + body


def load_draft(path: Path) -> Rule:
    """Read one rule file through the engine's loader (a copy in a scratch directory).

    Raises
    ------
    RuleFileError
        With the loader's reason when the file is not a valid rule.
    """
    if not path.is_file():
        raise RuleFileError(f"{path}: no such file")
    scratch = Path(tempfile.mkdtemp(prefix="fews-draft-"))
    try:
        shutil.copyfile(path, scratch / (path.stem + ".yaml"))
        rules = load_rules(scratch)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    rule = rules.rules[0]
    if rule.kind != "generic":
        raise RuleFileError(f"{path.name}: a draft must be kind generic, got {rule.kind!r}")
    return rule


def family_of_draft(rule: Rule) -> str | None:
    """``F<n>`` from a draft's id (``DRAFT-F<n>``), else None."""
    m = DRAFT_ID.match(rule.id)
    return m.group(1) if m else None


def check_draft(session: Session, rule: Rule, *, family: str | None = None) -> dict[str, Any]:
    """Members captured and missed, and every unintended capture (medicines list and database substances)."""
    fam = family or family_of_draft(rule)
    members: list[dict[str, Any]] = []
    keys: list[str] = []
    if fam:
        subject = resolve_subject(session, fam)
        for sub in subject.members:
            with capture_rdkit_log():
                mol = Chem.MolFromSmiles(sub.smiles)
            verdict = rule_capture(rule, mol, sub.inchikey_nostereo) if mol is not None else None
            members.append({"id": sub.public_id, "name": sub.preferred_name or sub.inchikey, "captured": verdict})
            keys.append(sub.inchikey_nostereo)
    substances = [
        (f"S{sid}", name or key, smiles)
        for sid, name, smiles, key in session.execute(
            select(Substance.id, Substance.preferred_name, Substance.smiles, Substance.inchikey).order_by(Substance.id)
        )
    ]
    collateral = collateral_check(rule, substances=substances, members=keys)
    return {
        "rule": rule.id,
        "family": fam,
        "members": len(members),
        "members_captured": sum(m["captured"] == "captured" for m in members),
        "members_missed": [m["name"] for m in members if m["captured"] != "captured"],
        **{k: v for k, v in collateral.items() if k != "rule"},
    }
