"""Substituent classes of the generic definitions, as small predicates over a residue fragment.

A *fragment* is a connected set of atoms outside the matched core, with the core atoms it is
bonded to. The statutory words ("alkyl", "alkoxy", "alkylenedioxy", "haloalkyl", "halide") have no
statutory definition; the readings here follow uk-law.md §4.2, and the open questions are
switches (``Switches``) with documented defaults.
"""

from __future__ import annotations

from dataclasses import dataclass

from rdkit import Chem

__all__ = ["Fragment", "Switches", "CLASSES", "classify_fragment"]

HALOGENS = frozenset({9, 17, 35, 53})


@dataclass(frozen=True)
class Switches:
    """Interpretive choices (uk-law.md §6.10). Defaults are the narrower reading."""

    alkyl_includes_cycloalkyl: bool = False  # is cyclopropyl an "alkyl"? (King 2009 reads alkyl as acyclic)
    n_alkyl_includes_dialkyl: bool = False  # phenethylamines 1(c): "an N-alkyl…" read as one alkyl group


@dataclass(frozen=True)
class Fragment:
    atoms: frozenset[int]
    anchors: tuple[tuple[int, int], ...]  # (core atom index, fragment atom index) per bond to the core
    mol: Chem.Mol

    @property
    def core_atoms(self) -> frozenset[int]:
        return frozenset(c for c, _ in self.anchors)

    def atom(self, idx: int) -> Chem.Atom:
        return self.mol.GetAtomWithIdx(idx)

    def carbons(self) -> int:
        return sum(1 for i in self.atoms if self.atom(i).GetAtomicNum() == 6)

    def in_ring_within(self) -> bool:
        """True if the fragment contains a ring of its own atoms."""
        ri = self.mol.GetRingInfo()
        return any(set(r) <= self.atoms for r in ri.AtomRings())


def _single_bond_anchor(f: Fragment) -> bool:
    if len(f.anchors) != 1:
        return False
    core, atom = f.anchors[0]
    bond = f.mol.GetBondBetweenAtoms(core, atom)
    return bond is not None and bond.GetBondType() == Chem.BondType.SINGLE


def _saturated_carbons(f: Fragment, atoms: frozenset[int], sw: Switches) -> bool:
    for i in atoms:
        a = f.atom(i)
        if a.GetAtomicNum() != 6 or a.GetIsAromatic() or a.GetHybridization() != Chem.HybridizationType.SP3:
            return False
    if not sw.alkyl_includes_cycloalkyl:
        ri = f.mol.GetRingInfo()
        if any(ri.NumAtomRings(i) for i in atoms):
            return False
    return True


def is_alkyl(f: Fragment, sw: Switches) -> bool:
    return _single_bond_anchor(f) and _saturated_carbons(f, f.atoms, sw)


def is_halide(f: Fragment, sw: Switches) -> bool:
    return _single_bond_anchor(f) and len(f.atoms) == 1 and f.atom(next(iter(f.atoms))).GetAtomicNum() in HALOGENS


def is_haloalkyl(f: Fragment, sw: Switches) -> bool:
    if not _single_bond_anchor(f):
        return False
    carbons = frozenset(i for i in f.atoms if f.atom(i).GetAtomicNum() == 6)
    halos = [i for i in f.atoms if f.atom(i).GetAtomicNum() in HALOGENS]
    if not halos or len(carbons) + len(halos) != len(f.atoms):
        return False
    return f.atom(f.anchors[0][1]).GetAtomicNum() == 6 and _saturated_carbons(f, carbons, sw)


def is_alkoxy(f: Fragment, sw: Switches) -> bool:
    if not _single_bond_anchor(f):
        return False
    first = f.anchors[0][1]
    if f.atom(first).GetAtomicNum() != 8:
        return False
    rest = f.atoms - {first}
    return bool(rest) and f.atom(first).GetDegree() == 2 and _saturated_carbons(f, frozenset(rest), sw)


def is_alkylenedioxy(f: Fragment, sw: Switches) -> bool:
    """–O–(CH2)n–O– bridging two adjacent core atoms (a fused ring: methylenedioxy in MDMA, methylone)."""
    if len(f.anchors) != 2 or len(f.core_atoms) != 2:
        return False
    (c1, o1), (c2, o2) = f.anchors
    if f.mol.GetBondBetweenAtoms(c1, c2) is None:
        return False
    if o1 == o2 or f.atom(o1).GetAtomicNum() != 8 or f.atom(o2).GetAtomicNum() != 8:
        return False
    carbons = f.atoms - {o1, o2}
    if not carbons:
        return False
    for i in carbons:
        a = f.atom(i)
        if a.GetAtomicNum() != 6 or a.GetIsAromatic() or a.GetHybridization() != Chem.HybridizationType.SP3:
            return False
    return True


def is_univalent(f: Fragment, sw: Switches) -> bool:
    """Any group joined to one core atom by one single bond (not forming a ring with the core)."""
    return _single_bond_anchor(f)


def _acyclic_carbons(f: Fragment, atoms: frozenset[int]) -> bool:
    ri = f.mol.GetRingInfo()
    return all(
        f.atom(i).GetAtomicNum() == 6 and not f.atom(i).GetIsAromatic() and not ri.NumAtomRings(i) for i in atoms
    )


def is_alkenyl(f: Fragment, sw: Switches) -> bool:
    if not _single_bond_anchor(f) or not _acyclic_carbons(f, f.atoms):
        return False
    bonds = [f.mol.GetBondBetweenAtoms(a, b) for a in f.atoms for b in f.atoms if a < b]
    return any(b is not None and b.GetBondType() == Chem.BondType.DOUBLE for b in bonds)


def _single_atom(f: Fragment, number: int) -> bool:
    return len(f.atoms) == 1 and f.atom(next(iter(f.atoms))).GetAtomicNum() == number


def is_hydroxy(f: Fragment, sw: Switches) -> bool:
    return _single_bond_anchor(f) and _single_atom(f, 8) and f.atom(next(iter(f.atoms))).GetTotalNumHs() == 1


def is_amino(f: Fragment, sw: Switches) -> bool:
    return _single_bond_anchor(f) and _single_atom(f, 7) and f.atom(next(iter(f.atoms))).GetTotalNumHs() == 2


def is_oxo(f: Fragment, sw: Switches) -> bool:
    """=O on a ring carbon (2-amino-2-phenylcyclohexanone in 1(d))."""
    if len(f.anchors) != 1 or not _single_atom(f, 8):
        return False
    bond = f.mol.GetBondBetweenAtoms(*f.anchors[0])
    return bond is not None and bond.GetBondType() == Chem.BondType.DOUBLE


def _hetero_then_alkyl(f: Fragment, sw: Switches, element: int) -> frozenset[int] | None:
    if not _single_bond_anchor(f):
        return None
    first = f.anchors[0][1]
    if f.atom(first).GetAtomicNum() != element or f.atom(first).GetDegree() != 2:
        return None
    return f.atoms - {first}


def is_thioalkyl(f: Fragment, sw: Switches) -> bool:
    rest = _hetero_then_alkyl(f, sw, 16)
    return bool(rest) and _saturated_carbons(f, rest, sw)  # type: ignore[arg-type]


def is_haloalkoxy(f: Fragment, sw: Switches) -> bool:
    rest = _hetero_then_alkyl(f, sw, 8)
    if not rest:
        return False
    carbons = frozenset(i for i in rest if f.atom(i).GetAtomicNum() == 6)
    halos = [i for i in rest if f.atom(i).GetAtomicNum() in HALOGENS]
    return (
        bool(halos) and bool(carbons) and len(carbons) + len(halos) == len(rest) and _saturated_carbons(f, carbons, sw)
    )


def is_hydroxyalkyl(f: Fragment, sw: Switches) -> bool:
    if not _single_bond_anchor(f) or f.atom(f.anchors[0][1]).GetAtomicNum() != 6:
        return False
    oxygens = [i for i in f.atoms if f.atom(i).GetAtomicNum() == 8]
    carbons = frozenset(f.atoms - set(oxygens))
    return (
        bool(oxygens)
        and all(f.atom(i).GetTotalNumHs() == 1 and f.atom(i).GetDegree() == 1 for i in oxygens)
        and _saturated_carbons(f, carbons, sw)
    )


def _matches(f: Fragment, smarts: str) -> bool:
    if not _single_bond_anchor(f):
        return False
    sub = Chem.MolFromSmiles(Chem.MolFragmentToSmiles(f.mol, atomsToUse=sorted(f.atoms)))
    pattern = Chem.MolFromSmarts(smarts)
    return sub is not None and sub.GetNumAtoms() == pattern.GetNumAtoms() and sub.HasSubstructMatch(pattern)


def is_nitro(f: Fragment, sw: Switches) -> bool:
    return len(f.atoms) == 3 and _matches(f, "[N+](=O)[O-]")


def is_cyano(f: Fragment, sw: Switches) -> bool:
    return len(f.atoms) == 2 and _matches(f, "C#N")


def is_acetyloxy(f: Fragment, sw: Switches) -> bool:
    return len(f.atoms) == 4 and f.atom(f.anchors[0][1]).GetAtomicNum() == 8 and _matches(f, "O-C(=O)-[CH3]")


def is_alkylsulphonyl(f: Fragment, sw: Switches) -> bool:
    if not _single_bond_anchor(f) or f.atom(f.anchors[0][1]).GetAtomicNum() != 16:
        return False
    sulfur = f.anchors[0][1]
    oxos = [n.GetIdx() for n in f.atom(sulfur).GetNeighbors() if n.GetAtomicNum() == 8]
    rest = f.atoms - {sulfur, *oxos}
    return len(oxos) == 2 and bool(rest) and _saturated_carbons(f, frozenset(rest), sw)


def _ring_after(f: Fragment, first: int, hops: int) -> bool:
    """``first`` starts a chain of ``hops`` CH2 groups ending on a saturated carbocycle (the rest of f)."""
    chain = [first]
    while len(chain) < hops:
        nxt = [
            n.GetIdx() for n in f.atom(chain[-1]).GetNeighbors() if n.GetIdx() in f.atoms and n.GetIdx() not in chain
        ]
        if len(nxt) != 1:
            return False
        chain.append(nxt[0])
    ri = f.mol.GetRingInfo()
    if any(ri.NumAtomRings(i) or f.atom(i).GetAtomicNum() != 6 for i in chain):
        return False
    ring = f.atoms - set(chain)
    return (
        bool(ring)
        and all(
            f.atom(i).GetAtomicNum() == 6
            and not f.atom(i).GetIsAromatic()
            and ri.NumAtomRings(i)
            and f.atom(i).GetHybridization() == Chem.HybridizationType.SP3
            for i in ring
        )
        and f.in_ring_within()
    )


def is_cycloalkylmethyl(f: Fragment, sw: Switches) -> bool:
    return _single_bond_anchor(f) and _ring_after(f, f.anchors[0][1], 1)


def is_cycloalkylethyl(f: Fragment, sw: Switches) -> bool:
    return _single_bond_anchor(f) and _ring_after(f, f.anchors[0][1], 2)


def is_morpholinylethyl(f: Fragment, sw: Switches) -> bool:
    return len(f.atoms) == 8 and _matches(f, "[CX4]-[CX4]-N1CCOCC1")


def is_cyanoalkyl(f: Fragment, sw: Switches) -> bool:
    if not _single_bond_anchor(f):
        return False
    nitrile_n = [i for i in f.atoms if f.atom(i).GetAtomicNum() == 7]
    if len(nitrile_n) != 1:
        return False
    nitrile_c = [n.GetIdx() for n in f.atom(nitrile_n[0]).GetNeighbors()]
    rest = f.atoms - set(nitrile_n) - set(nitrile_c)
    bond = f.mol.GetBondBetweenAtoms(nitrile_n[0], nitrile_c[0]) if nitrile_c else None
    return (
        bond is not None
        and bond.GetBondType() == Chem.BondType.TRIPLE
        and bool(rest)
        and _saturated_carbons(f, frozenset(rest), sw)
    )


def is_methylpiperidinylmethyl(f: Fragment, sw: Switches) -> bool:
    return len(f.atoms) == 8 and _matches(f, "[CX4]-[CX4]1CCCCN1[CH3]")


def is_alkoxycarbonyl(f: Fragment, sw: Switches) -> bool:
    """–C(=O)–O–alkyl (the 4-ethoxycarbonyl of pethidine and its homologues)."""
    if not _single_bond_anchor(f):
        return False
    c = f.anchors[0][1]
    if f.atom(c).GetAtomicNum() != 6:
        return False
    oxo = [
        n.GetIdx()
        for n in f.atom(c).GetNeighbors()
        if n.GetAtomicNum() == 8 and f.mol.GetBondBetweenAtoms(c, n.GetIdx()).GetBondType() == Chem.BondType.DOUBLE
    ]
    ether = [
        n.GetIdx()
        for n in f.atom(c).GetNeighbors()
        if n.GetAtomicNum() == 8 and f.mol.GetBondBetweenAtoms(c, n.GetIdx()).GetBondType() == Chem.BondType.SINGLE
    ]
    if len(oxo) != 1 or len(ether) != 1:
        return False
    rest = f.atoms - {c, oxo[0], ether[0]}
    return bool(rest) and _saturated_carbons(f, frozenset(rest), sw)


def is_acyloxy(f: Fragment, sw: Switches) -> bool:
    """–O–C(=O)–alkyl (prodine-type 4-propionyloxy)."""
    if not _single_bond_anchor(f) or f.atom(f.anchors[0][1]).GetAtomicNum() != 8:
        return False
    o = f.anchors[0][1]
    carbonyl = [n.GetIdx() for n in f.atom(o).GetNeighbors() if n.GetIdx() in f.atoms]
    if len(carbonyl) != 1:
        return False
    c = carbonyl[0]
    oxo = [n.GetIdx() for n in f.atom(c).GetNeighbors() if n.GetAtomicNum() == 8 and n.GetIdx() != o]
    if len(oxo) != 1 or f.mol.GetBondBetweenAtoms(c, oxo[0]).GetBondType() != Chem.BondType.DOUBLE:
        return False
    rest = f.atoms - {o, c, oxo[0]}
    return bool(rest) and _saturated_carbons(f, frozenset(rest), sw)


def is_alkoxyalkyl(f: Fragment, sw: Switches) -> bool:
    """A saturated carbon chain holding one ether oxygen, attached by carbon (–CH2–O–CH3 …)."""
    if not _single_bond_anchor(f) or f.atom(f.anchors[0][1]).GetAtomicNum() != 6:
        return False
    oxygens = [i for i in f.atoms if f.atom(i).GetAtomicNum() == 8]
    if len(oxygens) != 1 or f.atom(oxygens[0]).GetDegree() != 2:
        return False
    return _saturated_carbons(f, frozenset(f.atoms - set(oxygens)), sw)


def is_aryloxy(f: Fragment, sw: Switches) -> bool:
    """–O–aryl: an ether oxygen carrying an aromatic carbocycle (phenoxy, naphthyloxy), unsubstituted [I]."""
    rest = _hetero_then_alkyl(f, sw, 8)
    if not rest:
        return False
    return all(f.atom(i).GetAtomicNum() == 6 and f.atom(i).GetIsAromatic() for i in rest) and f.in_ring_within()


def is_propano_bridge(f: Fragment, sw: Switches) -> bool:
    """–CH2–CH2–CH2– joining two non-adjacent core ring atoms (pethidine 1(e)(ii) "a propano bridge") [I]."""
    if len(f.anchors) != 2 or len(f.core_atoms) != 2 or len(f.atoms) != 3:
        return False
    (c1, a1), (c2, a2) = f.anchors
    if a1 == a2 or f.mol.GetBondBetweenAtoms(c1, c2) is not None:
        return False
    if any(
        f.atom(i).GetAtomicNum() != 6 or f.atom(i).GetHybridization() != Chem.HybridizationType.SP3 for i in f.atoms
    ):
        return False
    middle = f.atoms - {a1, a2}
    return len(middle) == 1 and all(f.mol.GetBondBetweenAtoms(a, next(iter(middle))) is not None for a in (a1, a2))


def is_n_ring(f: Fragment, sw: Switches) -> bool:
    """The nitrogen included in a cyclic structure made of the fragment alone (pyrrolidino, piperidino…)."""
    return len(f.anchors) == 2 and len(f.core_atoms) == 1


CLASSES = {
    "alkyl": is_alkyl,
    "alkoxy": is_alkoxy,
    "haloalkyl": is_haloalkyl,
    "halide": is_halide,
    "alkylenedioxy": is_alkylenedioxy,
    "univalent": is_univalent,
    "n_ring": is_n_ring,
    "alkenyl": is_alkenyl,
    "hydroxy": is_hydroxy,
    "amino": is_amino,
    "oxo": is_oxo,
    "thioalkyl": is_thioalkyl,
    "haloalkoxy": is_haloalkoxy,
    "hydroxyalkyl": is_hydroxyalkyl,
    "nitro": is_nitro,
    "cyano": is_cyano,
    "acetyloxy": is_acetyloxy,
    "alkylsulphonyl": is_alkylsulphonyl,
    "cycloalkylmethyl": is_cycloalkylmethyl,
    "cycloalkylethyl": is_cycloalkylethyl,
    "morpholinylethyl": is_morpholinylethyl,
    "cyanoalkyl": is_cyanoalkyl,
    "methylpiperidinylmethyl": is_methylpiperidinylmethyl,
    "alkoxycarbonyl": is_alkoxycarbonyl,
    "acyloxy": is_acyloxy,
    "alkoxyalkyl": is_alkoxyalkyl,
    "aryloxy": is_aryloxy,
    "propano_bridge": is_propano_bridge,
}


def classify_fragment(f: Fragment, allowed: tuple[str, ...], sw: Switches) -> str | None:
    """The first allowed class the fragment belongs to, else None."""
    for name in allowed:
        if CLASSES[name](f, sw):
            return name
    return None
