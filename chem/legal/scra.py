"""Third-generation synthetic cannabinoid generic, Class B 1(ca) (uk-law.md §2.8(c)-(d)).

"Structurally related to 1-pentyl-3-(1-naphthoyl)indole (JWH-018), in that the four sub-structures
(the indole ring, the pentyl substituent, the methanone linking group and the naphthyl ring) are
linked together in a similar manner", each sub-structure optionally replaced by one of the listed
alternatives. Evaluated as four-fragment topology [I, uk-law.md §4.2 item 10]: a core ring from
list (i) whose N1-equivalent atom carries the tail (ii) and whose C3-equivalent atom carries a linker
(iii) leading to a head (iv). Substitution allowed on the sub-structures: 2016 text, any univalent
substituents; 2019 text, a benzyl or phenyl group and alkyl, alkenyl, alkoxy, halide, haloalkyl or
cyano substituents.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rdkit import Chem

from chem.legal.generic import GenericHit, GenericMiss
from chem.legal.substituents import Fragment, Switches, classify_fragment

__all__ = ["ScraSpec", "evaluate_scra"]

# (i) core rings: map 1 = atom bearing the tail (indole N1 position), map 2 = atom bearing the linker (C3).
CORES = {
    "indole": "[c]1[c][c][c]2[c]([c]1)[c:2][c][n:1]2",
    "indazole": "[c]1[c][c][c]2[c]([c]1)[c:2][n][n:1]2",
    "benzimidazole": "[c]1[c][c][c]2[c]([c]1)[n][c:2][n:1]2",
    "pyrrolo[2,3-b]pyridine": "[c]1[c][n][c]2[n:1][c][c:2][c]2[c]1",
    "pyrrolo[3,2-c]pyridine": "[c]1[n][c][c]2[c:2][c][n:1][c]2[c]1",
    "pyrazolo[3,4-b]pyridine": "[c]1[c][n][c]2[n:1][n][c:2][c]2[c]1",
    "pyrrole": "[n:1]1[c][c:2][c][c]1",
    "pyrazole": "[n:1]1[n][c:2][c][c]1",
    # [I] the tail on N1 and the linker on C4: the 1,3 relation of indole N1/C3 (C2 would put it next to N1)
    "imidazole": "[n:1]1[c][n][c:2][c]1",
    # [I] indane and indene: the two five-ring carbons next to the benzo ring take the tail (N1 place) and the
    # linker (C3 place), in either order (the pattern is symmetric; every mapping is tried)
    "indane / indene": "[c]1[c][c][c]2[c]([c]1)[C:2]~[C]~[C:1]2",
}
# (iii) linkers from the core's C3 atom (map 2) to the head (map 3).
LINKERS = {
    "methanone": "[#6:2]-[CX3](=O)-[#6,#7;!$([#6]=O):3]",
    "ethanone": "[#6:2]-[CX3](=O)-[CH2]-[#6:3]",
    "carboxamide": "[#6:2]-[CX3](=O)-[NX3;H1]-[#6:3]",
    "carboxylate": "[#6:2]-[CX3](=O)-[OX2]-[#6:3]",
    "methylene bridge": "[#6:2]-[CH2]-[#6:3]",
    "methine": "[#6:2]-[CH1]=[#6:3]",
    "methine (ylidene)": "[#6:2]=[CH1]-[#6:3]",  # =CH- from a ring carbon, as in JWH-176 (indene core) [I]
}


# (ii) tails and (iv) heads with a base pattern anchored at the attachment atom (map 3).
def _ring(n: int) -> str:
    """A saturated carbocycle of ``n`` atoms as SMARTS, opened at its first atom."""
    return "[CX4;R]1" + "[CX4;R]" * (n - 1) + "1"


RING_SIZES = range(3, 9)
TAILS = {
    "benzyl": "[CH2:3]-c1ccccc1",
    **{f"cycloalkylmethyl ({n})": f"[CH2:3]-{_ring(n)}" for n in RING_SIZES},
    **{f"cycloalkylethyl ({n})": f"[CH2:3]-[CH2]-{_ring(n)}" for n in RING_SIZES},
    "(N-methylpiperidin-2-yl)methyl": "[CH2:3]-[CH1]1CCCCN1C",
    "2-(4-morpholinyl)ethyl": "[CH2:3]-[CH2]-N1CCOCC1",
    "(tetrahydropyran-4-yl)methyl": "[CH2:3]-[CH1]1CCOCC1",
}
HEADS = {
    "1-naphthyl / 2-naphthyl": "[c:3]1[c][c][c]2[c][c][c][c][c]2[c]1",
    "1-naphthyl": "[c:3]1[c][c][c][c]2[c][c][c][c][c]12",
    "phenyl": "[c:3]1[c][c][c][c][c]1",
    "benzyl": "[CX4:3]-c1ccccc1",
    "adamantyl": "[CX4:3]1(C2)CC3CC2CC(C3)C1",
    "adamantyl (2-)": "[CX4:3]1C2CC3CC1CC(C3)C2",
    **{f"cycloalkyl ({n})": "[CX4;R:3]1" + "[CX4;R]" * (n - 1) + "1" for n in RING_SIZES},
    **{f"cycloalkylmethyl ({n})": f"[CH2:3]-{_ring(n)}" for n in RING_SIZES},
    **{f"cycloalkylethyl ({n})": f"[CH2:3]-[CH2]-{_ring(n)}" for n in RING_SIZES},
    "bicyclo[2.2.1]heptanyl": "[CX4:3]1CC2CCC1C2",
    "1,2,3,4-tetrahydronaphthyl": "[#6:3]1~[#6]~[#6]~[#6]c2ccccc21",
    "quinolinyl": "[c:3]1ccc2ncccc2c1",
    "quinolin-8-yl": "[c:3]1cccc2cccnc12",
    "isoquinolinyl": "[c:3]1ccc2cnccc2c1",
    "1-amino-1-oxopropan-2-yl": "[CX4;H1,H0:3](-[CX4])-C(=O)-[NH2]",
    "1-hydroxy-1-oxopropan-2-yl": "[CX4;H1,H0:3](-[CX4])-C(=O)-[OX2]",
    "piperidinyl": "[#6,#7;R:3]1~[#6,#7]~[#6,#7]~[#6,#7]~[#6,#7]~[#6,#7]1",
    "morpholinyl": "[#6,#7;R:3]1~[#6,#7,#8]~[#6,#7,#8]~[#6,#7,#8]~[#6,#7,#8]~[#6,#7,#8]1",
    "pyrrolidinyl": "[#6,#7;R:3]1~[#6,#7]~[#6,#7]~[#6,#7]~[#6,#7]1",
    "tetrahydropyranyl": "[CX4;R:3]1~[CX4]~[CX4]~[OX2]~[CX4]~[CX4]1",
    "tetrahydropyranyl (2-/3-)": "[CX4;R:3]1~[#6,#8]~[#6,#8]~[#6,#8]~[#6,#8]~[#6,#8]1",
    "piperazinyl": "[#6,#7;R:3]1~[#6,#7]~[#6,#7]~[#6,#7]~[#6,#7]~[#6,#7]1",
}
SUBSTITUENTS_2019 = ("alkyl", "alkenyl", "alkoxy", "halide", "haloalkyl", "cyano")


@dataclass(frozen=True)
class ScraSpec:
    substituents: str  # "univalent" (2016) | "restricted" (2019)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ScraSpec:
        if data.get("substituents") not in ("univalent", "restricted"):
            raise ValueError("substituents must be 'univalent' (2016 text) or 'restricted' (2019 text)")
        return cls(substituents=str(data["substituents"]))


_C = {k: Chem.MolFromSmarts(v) for k, v in CORES.items()}
_L = {k: Chem.MolFromSmarts(v) for k, v in LINKERS.items()}
_T = {k: Chem.MolFromSmarts(v) for k, v in TAILS.items()}
_H = {k: Chem.MolFromSmarts(v) for k, v in HEADS.items()}


def _mapped(pattern: Chem.Mol, match: tuple[int, ...], number: int) -> int:
    for q, m in zip(pattern.GetAtoms(), match, strict=True):
        if q.GetAtomMapNum() == number:
            return m
    raise KeyError(number)


def _component(mol: Chem.Mol, start: int, blocked: set[int]) -> set[int]:
    seen = {start}
    stack = [start]
    while stack:
        i = stack.pop()
        for nb in mol.GetAtomWithIdx(i).GetNeighbors():
            j = nb.GetIdx()
            if j not in blocked and j not in seen:
                seen.add(j)
                stack.append(j)
    return seen


def _leftovers_ok(mol: Chem.Mol, group: set[int], base: set[int], spec: ScraSpec, sw: Switches) -> str | None:
    """Every part of ``group`` outside ``base`` must be an allowed substituent on a base atom."""
    rest = group - base
    while rest:
        start = next(iter(rest))
        frag_atoms = _component(mol, start, base | (set(range(mol.GetNumAtoms())) - group))
        rest -= frag_atoms
        anchors = tuple(
            sorted(
                (nb.GetIdx(), i)
                for i in frag_atoms
                for nb in mol.GetAtomWithIdx(i).GetNeighbors()
                if nb.GetIdx() in base
            )
        )
        f = Fragment(frozenset(frag_atoms), anchors, mol)
        allowed = ("univalent",) if spec.substituents == "univalent" else SUBSTITUENTS_2019
        if classify_fragment(f, allowed, sw) is None and not _is_benzyl_or_phenyl(f):
            smi = Chem.MolFragmentToSmiles(mol, atomsToUse=sorted(frag_atoms))
            return f"substituent {smi} is not {'univalent' if spec.substituents == 'univalent' else ', '.join(allowed)}"
    return None


def _is_benzyl_or_phenyl(f: Fragment) -> bool:
    if len(f.anchors) != 1:
        return False
    smi = Chem.MolFragmentToSmiles(f.mol, atomsToUse=sorted(f.atoms), rootedAtAtom=f.anchors[0][1])
    return smi in ("c1ccccc1", "C(c1ccccc1)", "Cc1ccccc1")


def _alkyl_like_tail(mol: Chem.Mol, tail: set[int], spec: ScraSpec, sw: Switches) -> str | None:
    """Alkyl or alkenyl tails, with halogen/cyano (2019) or any univalent (2016) substituents."""
    carbons = {
        i
        for i in tail
        if mol.GetAtomWithIdx(i).GetAtomicNum() == 6
        and not mol.GetAtomWithIdx(i).GetIsAromatic()
        and not mol.GetAtomWithIdx(i).IsInRing()
    }
    if not carbons:
        return None
    # the chain: carbons reachable from the attachment through non-ring carbons, excluding nitrile carbons
    chain = {
        i for i in carbons if not any(b.GetBondType() == Chem.BondType.TRIPLE for b in mol.GetAtomWithIdx(i).GetBonds())
    }
    if not chain:
        return None
    if _leftovers_ok(mol, tail, chain, spec, sw) is None:
        return (
            "alkenyl"
            if any(
                mol.GetBondBetweenAtoms(a, b) is not None
                and mol.GetBondBetweenAtoms(a, b).GetBondType() == Chem.BondType.DOUBLE
                for a in chain
                for b in chain
                if a < b
            )
            else "alkyl"
        )
    return None


def _named_group(
    mol: Chem.Mol, group: set[int], anchor: int, patterns: dict[str, Chem.Mol], spec: ScraSpec, sw: Switches
) -> str | None:
    for name, pattern in patterns.items():
        for match in mol.GetSubstructMatches(pattern, uniquify=False, maxMatches=200):
            if _mapped(pattern, match, 3) != anchor or not set(match) <= group:
                continue
            if _leftovers_ok(mol, group, set(match), spec, sw) is None:
                return name
    return None


def evaluate_scra(spec: ScraSpec, mol: Chem.Mol, sw: Switches) -> GenericHit | GenericMiss | None:
    closest: GenericMiss | None = None
    all_atoms = set(range(mol.GetNumAtoms()))
    for core_name, core in _C.items():
        for cm in mol.GetSubstructMatches(core, uniquify=False, maxMatches=50):
            core_atoms = set(cm)
            t_atom, l_atom = _mapped(core, cm, 1), _mapped(core, cm, 2)
            problems: list[str] = []
            tail_roots = [n.GetIdx() for n in mol.GetAtomWithIdx(t_atom).GetNeighbors() if n.GetIdx() not in core_atoms]
            if len(tail_roots) != 1:
                closest = closest or GenericMiss(f"{core_name} core without a substituent at the N1 position (tail)")
                continue
            tail = _component(mol, tail_roots[0], core_atoms)
            for lname, lpat in _L.items():
                for lm in mol.GetSubstructMatches(lpat, uniquify=False, maxMatches=50):
                    if _mapped(lpat, lm, 2) != l_atom:
                        continue
                    head_root = _mapped(lpat, lm, 3)
                    linker_atoms = set(lm) - {l_atom, head_root}
                    if linker_atoms & core_atoms or head_root in core_atoms:
                        continue
                    head = _component(mol, head_root, core_atoms | linker_atoms)
                    if head & tail:
                        continue
                    others = all_atoms - core_atoms - tail - linker_atoms - head
                    problems = []
                    if _leftovers_ok(mol, core_atoms | others, core_atoms, spec, sw):
                        problems.append(_leftovers_ok(mol, core_atoms | others, core_atoms, spec, sw) or "")
                    tail_kind = _alkyl_like_tail(mol, tail, spec, sw) or _named_group(
                        mol, tail, tail_roots[0], _T, spec, sw
                    )
                    if tail_kind is None:
                        smi = Chem.MolFragmentToSmiles(mol, atomsToUse=sorted(tail))
                        problems.append(f"tail {smi} is not an allowed replacement of the pentyl group")
                    head_kind = _named_group(mol, head, head_root, _H, spec, sw)
                    if head_kind is None:
                        smi = Chem.MolFragmentToSmiles(mol, atomsToUse=sorted(head))
                        problems.append(f"head {smi} is not an allowed replacement of the naphthyl group")
                    if not problems:
                        return GenericHit(
                            tuple(sorted(all_atoms - others)),
                            (f"{core_name} core", f"{tail_kind} tail", f"{lname} linker", f"{head_kind} head"),
                        )
                    miss = GenericMiss("; ".join(problems))
                    if closest is None or miss.blocking.count(";") < closest.blocking.count(";"):
                        closest = miss
            if not problems and closest is None:
                closest = GenericMiss(f"{core_name} core with no linker from list (iii) at the 3-position")
    return closest
