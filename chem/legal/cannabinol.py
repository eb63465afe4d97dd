"""The Part IV definition of "cannabinol derivatives": "the following substances, except where contained in
cannabis or cannabis resin, namely tetrahydro derivatives of cannabinol and 3-alkyl homologues of cannabinol
or of its tetrahydro derivatives" (uk-law.md §2.13 [M]).

Machine form [I]: the dibenzopyran skeleton of cannabinol (1-hydroxy, 6,6,9-trimethyl, 3-alkyl); the
terpenoid ring either aromatic (cannabinol and its 3-alkyl homologues) or carrying exactly one C=C
double bond, in the ring or to the 9-methyl (a *tetrahydro* derivative: delta-9-, delta-8-, delta-10-,
delta-6a(10a)- or delta-9(11)-THC). Hexahydro compounds (HHC, no double bond) and anything substituted
elsewhere fall outside — HHC escapes, as the ACMD found (uk-law.md §2.8(f)).
"""

from __future__ import annotations

from rdkit import Chem

from chem.legal.generic import GenericHit, GenericMiss
from chem.legal.substituents import Fragment, Switches, is_alkyl

__all__ = ["evaluate_cannabinol_derivative"]

# ring atoms of the terpenoid ring mapped 1-6; 7 = the 9-methyl carbon; 8 = the 3-position ring carbon
_CORE = Chem.MolFromSmarts(
    "[OX2H1]-c1cc(-[CX4:8])cc2-[OX2]-C(-[CH3])(-[CH3])-[#6:1]3~[#6:2]~[#6:3]~[#6:4](~[CX4,CX3;!R:7])~[#6:5]~[#6:6]3-c12"
)


def _mapped(match: tuple[int, ...], number: int) -> int:
    for q, m in zip(_CORE.GetAtoms(), match, strict=True):
        if q.GetAtomMapNum() == number:
            return m
    raise KeyError(number)


def evaluate_cannabinol_derivative(mol: Chem.Mol, sw: Switches) -> GenericHit | GenericMiss | None:
    closest: GenericMiss | None = None
    for match in mol.GetSubstructMatches(_CORE, uniquify=False, maxMatches=20):
        ring = [_mapped(match, n) for n in range(1, 7)]
        methyl = _mapped(match, 7)
        alkyl_root = _mapped(match, 8)
        core = set(match) - {alkyl_root}
        # the 3-alkyl chain: everything reachable from its root without entering the core
        chain = {alkyl_root}
        stack = [alkyl_root]
        while stack:
            i = stack.pop()
            for nb in mol.GetAtomWithIdx(i).GetNeighbors():
                if nb.GetIdx() not in core and nb.GetIdx() not in chain:
                    chain.add(nb.GetIdx())
                    stack.append(nb.GetIdx())
        anchor = next(nb.GetIdx() for nb in mol.GetAtomWithIdx(alkyl_root).GetNeighbors() if nb.GetIdx() in core)
        if not is_alkyl(Fragment(frozenset(chain), ((anchor, alkyl_root),), mol), sw):
            closest = closest or GenericMiss("the 3-position group is not an alkyl (not a 3-alkyl homologue)")
            continue
        if len(core | chain) != mol.GetNumAtoms():
            closest = closest or GenericMiss("substituted outside the cannabinol skeleton")
            continue
        aromatic = all(mol.GetAtomWithIdx(i).GetIsAromatic() for i in ring)
        doubles = sum(
            1
            for b in mol.GetBonds()
            if b.GetBondType() == Chem.BondType.DOUBLE
            and (b.GetBeginAtomIdx() in ring or b.GetEndAtomIdx() in ring)
            and {b.GetBeginAtomIdx(), b.GetEndAtomIdx()} <= set(ring) | {methyl}
        )
        if aromatic:
            return GenericHit(tuple(range(mol.GetNumAtoms())), ("cannabinol or a 3-alkyl homologue",))
        if doubles == 1:
            return GenericHit(
                tuple(range(mol.GetNumAtoms())), ("a tetrahydro derivative of cannabinol (one remaining double bond)",)
            )
        closest = GenericMiss(
            "hexahydro (no double bond left in the terpenoid ring): not a tetrahydro derivative"
            if doubles == 0
            else f"{doubles} double bonds in the terpenoid ring: not a tetrahydro derivative"
        )
    return closest
