"""Clauses that define a compound by a change to a *controlled parent*: strip the change, then
re-test the parent (uk-law.md §2.5: NBOMe 1(f) "by substitution at the nitrogen atom of the amino
group with a benzyl substituent, whether or not substituted in the phenyl ring of the benzyl group to
any extent")."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from rdkit import Chem

__all__ = ["DerivedSpec", "strip_n_benzyl", "STRIPPERS"]

_N_BENZYL = Chem.MolFromSmarts("[NX3;!$(N-[C,S]=[O,S,N]);!$(N-a)]-[CH2]-c1ccccc1")


@dataclass(frozen=True)
class DerivedSpec:
    strip: str  # a name in STRIPPERS
    parent_rules: tuple[str, ...]  # generic rules that may capture the parent, or named rules that may list it
    parent_classes: tuple[str, ...] = ()  # or: any named/generic rule of these classes captures the parent
    basis: str = "generic"  # how a capture is reported (DESIGN.md §6 basis)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> DerivedSpec:
        unknown = set(data) - {"strip", "parent_rules", "parent_classes", "basis"}
        if unknown:
            raise ValueError(f"unknown key(s) {', '.join(sorted(unknown))}")
        if data.get("strip") not in STRIPPERS:
            raise ValueError(f"strip must be one of {sorted(STRIPPERS)}, got {data.get('strip')!r}")
        return cls(
            strip=str(data["strip"]),
            parent_rules=tuple(data.get("parent_rules") or ()),
            parent_classes=tuple(data.get("parent_classes") or ()),
            basis=str(data.get("basis", "generic")),
        )


def strip_n_benzyl(mol: Chem.Mol) -> Iterator[tuple[str, tuple[int, ...]]]:
    """Yield (parent SMILES, cut atom) for each removable N-benzyl group."""
    for n_idx, ch2, *_ in mol.GetSubstructMatches(_N_BENZYL):
        smi = _cut(mol, n_idx, ch2, None)
        if smi:
            yield smi, (ch2,)


def _cut(mol: Chem.Mol, keep_side: int, cut_atom: int, add_oh_to: int | None) -> str | None:
    """Remove everything reachable from ``cut_atom`` without passing ``keep_side``; optionally make the
    atom ``add_oh_to`` (on the kept side) carry a new hydroxy. Returns the parent SMILES or None."""
    removed = {cut_atom}
    stack = [cut_atom]
    while stack:
        i = stack.pop()
        for nb in mol.GetAtomWithIdx(i).GetNeighbors():
            j = nb.GetIdx()
            if j == keep_side and i == cut_atom:
                continue
            if j == keep_side:
                return None  # the two sides are joined elsewhere (a ring): not a removable group
            if j not in removed:
                removed.add(j)
                stack.append(j)
    rw = Chem.RWMol(mol)
    if add_oh_to is not None:
        o = rw.AddAtom(Chem.Atom(8))
        rw.AddBond(add_oh_to, o, Chem.BondType.SINGLE)
    else:
        a = rw.GetAtomWithIdx(keep_side)
        a.SetNumExplicitHs(a.GetTotalNumHs() + 1)
        a.SetNoImplicit(False)
    for i in sorted(removed, reverse=True):
        rw.RemoveAtom(i)
    try:
        parent = rw.GetMol()
        Chem.SanitizeMol(parent)
    except (ValueError, RuntimeError):  # RDKit raises these for impossible valences
        return None
    return Chem.MolToSmiles(parent)


_ETHER = Chem.MolFromSmarts("[CX4,c:1]-[OX2;!R:2]-[CX4:3]")
_ESTER = Chem.MolFromSmarts("[#6:1]-[CX3:2](=O)-[OX2;!R:3]-[#6:4]")


def strip_ester_ether(mol: Chem.Mol) -> Iterator[tuple[str, tuple[int, ...]]]:
    """Parents of which ``mol`` is an ester or an ether (Class A paragraph 3, uk-law.md §1.1 [M]):
    an ether loses one O-substituent (R-O-R' -> R-OH); an ester R-C(=O)-O-R' gives the alcohol
    R'-OH and the acid R-C(=O)-OH."""
    seen: set[str] = set()
    for a, o, c in mol.GetSubstructMatches(_ETHER):
        for keep, cut in ((o, c), (o, a)):
            smi = _cut(mol, keep, cut, None)
            if smi and smi not in seen:
                seen.add(smi)
                yield smi, (cut,)
    for _r, acyl, _carbonyl_o, o, _alk in mol.GetSubstructMatches(_ESTER):
        for keep, cut in ((o, acyl), (acyl, o)):
            smi = _cut(mol, keep, cut, None if keep == o else acyl)
            if smi and smi not in seen:
                seen.add(smi)
                yield smi, (cut,)


STRIPPERS = {"n_benzyl": strip_n_benzyl, "ester_ether": strip_ester_ether}
