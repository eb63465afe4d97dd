"""Collateral-capture check (issue #9 item 3): run a (draft) rule against the shipped list of medicines
and legitimate substances (``chem/data/medicines.csv``) and against every substance in the database,
and list every capture that is not a family member, so that exclusions can be drafted before an order
is laid (the 2016 cannabinoid generic caught sartans and NSAIDs and had to name them as exclusions).

A rule is evaluated with the legal engine's own evaluators (generic, third-generation cannabinoid
topology or the cannabinol-derivatives definition); a structure the rule expressly excludes is not a
capture (it is reported as ``excluded``).
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rdkit import Chem

from chem.errors import InvalidStructure
from chem.legal.cannabinol import evaluate_cannabinol_derivative
from chem.legal.generic import GenericHit, evaluate_generic
from chem.legal.rules import Rule
from chem.legal.scra import evaluate_scra
from chem.legal.substituents import Switches
from chem.standardise import StandardiseCache

__all__ = ["MEDICINES", "Medicine", "collateral_check", "load_medicines", "rule_capture"]

MEDICINES = Path(__file__).resolve().parents[2] / "chem" / "data" / "medicines.csv"
COLUMNS = ("name", "smiles", "formula", "category", "source")
_STRUCTURES = StandardiseCache(maxsize=20_000)  # medicines are standardised once per process


@dataclass(frozen=True)
class Medicine:
    name: str
    smiles: str
    formula: str
    category: str
    source: str


def load_medicines(path: Path = MEDICINES) -> list[Medicine]:
    """The shipped medicines list; a row without a name, structure or source is an error naming the line."""
    out = []
    with open(path, newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        if tuple(reader.fieldnames or ()) != COLUMNS:
            raise ValueError(f"{path}: header must be {','.join(COLUMNS)}, got {reader.fieldnames}")
        for line, row in enumerate(reader, start=2):
            if not all(row.get(k) for k in COLUMNS):
                raise ValueError(f"{path}:{line}: every column is required: {row}")
            out.append(Medicine(**{k: row[k] for k in COLUMNS}))
    return out


def rule_capture(rule: Rule, mol: Chem.Mol, inchikey_nostereo: str, switches: Switches | None = None) -> str | None:
    """``"captured"``, ``"excluded"`` (caught by the core but named as an exclusion) or None."""
    sw = switches or Switches()
    if rule.generic is not None:
        result = evaluate_generic(rule.generic, mol, sw)
    elif rule.scra is not None:
        result = evaluate_scra(rule.scra, mol, sw)
    elif rule.cannabinol:
        result = evaluate_cannabinol_derivative(mol, sw)
    else:
        raise ValueError(f"rule {rule.id} is not a structural definition (kind {rule.kind})")
    if not isinstance(result, GenericHit):
        return None
    if any(e.key == inchikey_nostereo for e in rule.exclusions):
        return "excluded"
    return "captured"


def collateral_check(
    rule: Rule,
    *,
    substances: Iterable[tuple[str, str, str]] = (),
    members: Iterable[str] = (),
    medicines: list[Medicine] | None = None,
    structures: StandardiseCache | None = None,
) -> dict[str, Any]:
    """Run ``rule`` over the medicines list and ``substances`` (``(id, name, smiles)``); list non-member captures.

    ``members`` are stereo-free InChIKeys of the family: their capture is intended and not listed.
    Structures that cannot be read are listed under ``unreadable`` (never silently skipped).
    """
    cache = structures or _STRUCTURES
    meds = medicines if medicines is not None else load_medicines()
    intended = set(members)
    out: dict[str, Any] = {
        "rule": rule.id,
        "medicines_checked": len(meds),
        "substances_checked": 0,
        "medicines": [],
        "substances": [],
        "excluded": [],
        "unreadable": [],
    }

    def run(kind: str, ident: str, name: str, smiles: str, extra: dict[str, str]) -> None:
        try:
            s = cache.get(smiles)
        except InvalidStructure as exc:
            out["unreadable"].append({"kind": kind, "id": ident, "name": name, "reason": exc.reason})
            return
        if s.inchikey_nostereo in intended:
            return
        verdict = rule_capture(rule, Chem.MolFromSmiles(s.smiles), s.inchikey_nostereo)
        if verdict == "captured":
            out["medicines" if kind == "medicine" else "substances"].append(
                {"id": ident, "name": name, "smiles": s.smiles, "inchikey": s.inchikey, **extra}
            )
        elif verdict == "excluded":
            out["excluded"].append({"kind": kind, "id": ident, "name": name})

    for med in meds:
        run("medicine", med.name, med.name, med.smiles, {"category": med.category, "source": med.source})
    for ident, name, smiles in substances:
        out["substances_checked"] += 1
        run("substance", ident, name, smiles, {})
    out["unintended_captures"] = len(out["medicines"]) + len(out["substances"])
    return out
