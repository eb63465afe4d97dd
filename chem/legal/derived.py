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
    parent_rules: tuple[str, ...]  # generic rules that may capture the parent
    parents: tuple[str, ...] = ()  # names of parent entries listed in the rule's ``exclusions``-style list

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> DerivedSpec:
        unknown = set(data) - {"strip", "parent_rules"}
        if unknown:
            raise ValueError(f"unknown key(s) {', '.join(sorted(unknown))}")
        if data.get("strip") not in STRIPPERS:
            raise ValueError(f"strip must be one of {sorted(STRIPPERS)}, got {data.get('strip')!r}")
        return cls(strip=str(data["strip"]), parent_rules=tuple(data.get("parent_rules") or ()))


def strip_n_benzyl(mol: Chem.Mol) -> Iterator[tuple[str, tuple[int, ...]]]:
    """Yield (parent SMILES, benzyl atom indices) for each removable N-benzyl group."""
    for n_idx, ch2, *_ in mol.GetSubstructMatches(_N_BENZYL):
        benzyl = {ch2}
        stack = [ch2]
        while stack:
            i = stack.pop()
            for nb in mol.GetAtomWithIdx(i).GetNeighbors():
                j = nb.GetIdx()
                if j == n_idx and i != ch2:
                    benzyl = set()  # the benzyl side links back to the nitrogen: not a substituent
                    stack = []
                    break
                if j != n_idx and j not in benzyl:
                    benzyl.add(j)
                    stack.append(j)
        if not benzyl:
            continue
        rw = Chem.RWMol(mol)
        n_atom = rw.GetAtomWithIdx(n_idx)
        n_atom.SetNumExplicitHs(n_atom.GetTotalNumHs() + 1)
        n_atom.SetNoImplicit(False)
        for i in sorted(benzyl, reverse=True):
            rw.RemoveAtom(i)
        try:
            parent = rw.GetMol()
            Chem.SanitizeMol(parent)
        except (ValueError, RuntimeError):  # RDKit raises these for impossible valences
            continue
        yield Chem.MolToSmiles(parent), tuple(sorted(benzyl))


STRIPPERS = {"n_benzyl": strip_n_benzyl}
