"""Draft generic definitions from a family's members, and the analogues the trade might make next.

The drafter works in the legal engine's own machine form (``chem/legal/generic.py``): a core
SMARTS whose atoms carry map numbers, and per position the substituent classes allowed there
(``chem/legal/substituents.py``). So a draft can be written as a rule file that
:func:`chem.legal.rules.load_rules` accepts and that the engine's evaluator runs unchanged.

1. :func:`common_core`: the maximum common substructure of the members (RDKit FMCS, complete
   rings only, ring bonds match ring bonds), trimmed to a statutory-style parent: ring
   substituents of a recognised class (halide, alkoxy, nitro ...) and alkyl groups on
   heteroatoms leave the core and become observed variation, as "2-amino-1-phenylpropan-1-one"
   is the parent of the cathinone generic although every seized cathinone is N-alkylated.
2. :func:`observed_variation`: what each member carries at each position of the core
   (ring systems are one position each, "substitution in the ring to any extent"), classified
   with the engine's substituent predicates, with carbon counts.
3. :func:`draft_generic`: a rule (YAML-ready mapping) allowing the observed classes, with
   carbon caps and a mass cap a margin above the observed maxima, plus an English draft in the
   style of Schedule 2 to the Misuse of Drugs Act 1971 (uk-law.md §2).
4. :func:`enumerate_analogues`: plausible next analogues of the members (ring substituent swaps,
   halogen walks, N- and alpha-alkyl homologues, thienyl/naphthyl ring isosteres, nitazene motif
   changes), for coverage-gap forecasts.

References
----------
Dalke A., Hastings J. "FMCS: a novel algorithm for the multiple MCS problem". J. Cheminform.
2013, 5 (Suppl 1), O6 (the algorithm behind ``rdkit.Chem.rdFMCS``).
King L. A. *Forensic Chemistry of Substance Misuse*, RSC 2009 (the words of the generic definitions).
Misuse of Drugs Act 1971, Schedule 2; uk-law.md §2 and §4.2 (how the statutory phrases map to checks).
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from rdkit import Chem
from rdkit.Chem import Descriptors, rdChemReactions, rdFMCS

from chem.errors import InvalidStructure
from chem.legal.substituents import Fragment, Switches, classify_fragment
from chem.rdkit_log import capture_rdkit_log

__all__ = [
    "ANALOGUE_KINDS",
    "Analogue",
    "Core",
    "DraftGeneric",
    "ObservedGroup",
    "PositionVariation",
    "common_core",
    "draft_generic",
    "enumerate_analogues",
    "observed_variation",
]

# -- data: substituent classes tried, in order, per kind of position -------------------------------------
# Most specific first, so that a residue gets the most informative label (a CF3 is "haloalkyl", not "alkyl").
RING_CLASSES: tuple[str, ...] = (
    "halide",
    "cycloalkylmethyl",
    "cycloalkylethyl",
    "morpholinylethyl",
    "methylpiperidinylmethyl",
    "cyanoalkyl",
    "nitro",
    "cyano",
    "hydroxy",
    "amino",
    "alkylenedioxy",
    "acetyloxy",
    "alkylsulphonyl",
    "haloalkoxy",
    "alkoxy",
    "thioalkyl",
    "haloalkyl",
    "hydroxyalkyl",
    "alkyl",
    "alkenyl",
    "oxo",
)
NITROGEN_CLASSES: tuple[str, ...] = (
    "n_ring",
    "hydroxyalkyl",
    "haloalkyl",
    "cyanoalkyl",
    "cycloalkylmethyl",
    "cycloalkylethyl",
    "morpholinylethyl",
    "methylpiperidinylmethyl",
    "alkoxyalkyl",
    "alkyl",
    "alkenyl",
)
CHAIN_CLASSES: tuple[str, ...] = (
    "halide",
    "hydroxy",
    "amino",
    "oxo",
    "alkoxycarbonyl",
    "acyloxy",
    "alkoxy",
    "haloalkyl",
    "hydroxyalkyl",
    "alkoxyalkyl",
    "cyanoalkyl",
    "cycloalkylmethyl",
    "cycloalkylethyl",
    "morpholinylethyl",
    "methylpiperidinylmethyl",
    "alkyl",
    "alkenyl",
    "n_ring",
)
# ring substituents that leave the MCS to become variation (they are what "substitution in the ring" means)
TRIM_RING_CLASSES: tuple[str, ...] = (
    "halide",
    "cycloalkylmethyl",
    "cycloalkylethyl",
    "morpholinylethyl",
    "methylpiperidinylmethyl",
    "cyanoalkyl",
    "nitro",
    "cyano",
    "hydroxy",
    "amino",
    "acetyloxy",
    "alkylsulphonyl",
    "haloalkoxy",
    "alkoxy",
    "thioalkyl",
    "haloalkyl",
    "alkyl",
    "alkenyl",
)
# classes whose size the statute caps by carbon count ("alkyl substituents containing up to three carbon atoms")
CARBON_CAPPED: frozenset[str] = frozenset(
    {"alkyl", "alkenyl", "alkoxy", "haloalkyl", "haloalkoxy", "thioalkyl", "hydroxyalkyl", "alkoxyalkyl"}
)
CLASS_WORDS: dict[str, str] = {
    "alkyl": "alkyl",
    "alkenyl": "alkenyl",
    "alkoxy": "alkoxy",
    "haloalkyl": "haloalkyl",
    "haloalkoxy": "haloalkoxy",
    "halide": "halide",
    "alkylenedioxy": "alkylenedioxy",
    "nitro": "nitro",
    "cyano": "cyano",
    "hydroxy": "hydroxy",
    "amino": "amino",
    "oxo": "oxo",
    "thioalkyl": "thioalkyl",
    "hydroxyalkyl": "hydroxyalkyl",
    "acetyloxy": "acetyloxy",
    "alkylsulphonyl": "alkylsulphonyl",
    "alkoxycarbonyl": "alkoxycarbonyl",
    "acyloxy": "acyloxy",
    "alkoxyalkyl": "alkoxyalkyl",
    "cyanoalkyl": "cyanoalkyl",
    "cycloalkylmethyl": "cycloalkylmethyl",
    "cycloalkylethyl": "cycloalkylethyl",
    "morpholinylethyl": "2-(4-morpholinyl)ethyl",
    "methylpiperidinylmethyl": "(N-methylpiperidin-2-yl)methyl",
    "univalent": "other univalent",
}
NUMBER_WORDS = ("no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve")

# Statutory names of parents and ring systems (canonical SMILES -> words), from the texts in uk-law.md §2.
PARENT_NAMES: dict[str, str] = {
    "CC(N)C(=O)c1ccccc1": "2-amino-1-phenyl-1-propanone",
    "NCCn1c(Cc2ccccc2)nc2ccccc21": "2-(2-benzyl-benzimidazol-1-yl)ethanamine",
    "NCCc1ccccc1": "phenethylamine",
    "CC(N)Cc1ccccc1": "alpha-methylphenethylamine",
    "NCCc1c[nH]c2ccccc12": "tryptamine",
    "NC1(c2ccccc2)CCCCC1": "1-phenylcyclohexylamine",
    "NC1(c2ccccc2)CCCCC1=O": "2-amino-2-phenylcyclohexanone",
    "CC(N)C=O": "2-aminopropan-1-one",
}
RING_NAMES: dict[str, str] = {
    "c1ccccc1": "phenyl ring",
    "c1ccc2[nH]cnc2c1": "benzimidazole ring system",
    "c1ccc2[nH]ncc2c1": "indazole ring system",
    "c1ccc2[nH]ccc2c1": "indole ring system",
    "c1ccc2ccccc2c1": "naphthyl ring system",
    "c1ccsc1": "thienyl ring",
    "c1ccoc1": "furyl ring",
    "c1ccncc1": "pyridyl ring",
    "c1cc[nH]c1": "pyrrole ring",
    "C1CCCCC1": "cyclohexyl ring",
    "C1CCNCC1": "piperidine ring",
    "C1CCNC1": "pyrrolidine ring",
    "c1ccc2c(c1)OCO2": "benzodioxole ring system",
    "c1ccc2c(c1)CCC2": "indane ring system",
}


@dataclass(frozen=True)
class Core:
    """The common core: a SMARTS with map numbers ``1..n`` and how it sits in the members."""

    smarts: str
    parent_smiles: str
    ring_systems: tuple[tuple[int, ...], ...]  # map numbers of each ring system of the core
    ring_names: tuple[str, ...]  # the statutory word for each ring system ("phenyl ring")
    members_with_core: tuple[int, ...]  # indices of the members that contain it
    mcs_atoms: int  # size of the untrimmed MCS
    mcs_timed_out: bool
    query: Chem.Mol = field(compare=False, repr=False)

    @property
    def map_index(self) -> dict[int, int]:
        return {a.GetAtomMapNum(): a.GetIdx() for a in self.query.GetAtoms() if a.GetAtomMapNum()}


@dataclass(frozen=True)
class ObservedGroup:
    member: int
    smiles: str
    substituent_class: str | None
    carbons: int


@dataclass
class PositionVariation:
    """What the members carry at one position of the core."""

    name: str
    kind: str  # ring | nitrogen | chain
    atoms: tuple[int, ...]  # map numbers
    groups: list[ObservedGroup] = field(default_factory=list)
    max_groups: int = 0

    @property
    def classes(self) -> list[str]:
        order = {"ring": RING_CLASSES, "nitrogen": NITROGEN_CLASSES, "chain": CHAIN_CLASSES}[self.kind]
        seen = {g.substituent_class for g in self.groups if g.substituent_class}
        out = [c for c in order if c in seen]
        if any(g.substituent_class is None for g in self.groups):
            out.append("univalent")
        return out

    @property
    def unclassified(self) -> list[str]:
        return sorted({g.smiles for g in self.groups if g.substituent_class is None})

    def max_carbons(self, cls: str) -> int:
        return max((g.carbons for g in self.groups if g.substituent_class == cls), default=0)


@dataclass
class DraftGeneric:
    """A proposed generic definition: the rule mapping (YAML-ready), its English text and the evidence."""

    rule: dict[str, Any]
    text: str
    core: Core
    positions: list[PositionVariation]
    notes: list[str]


def _mol(smiles: str) -> Chem.Mol:
    with capture_rdkit_log() as messages:
        mol = Chem.MolFromSmiles(smiles)
    if mol is None:
        raise InvalidStructure(smiles, reason="; ".join(messages) or "the SMILES cannot be read", code="unparsable")
    return mol


def _ring_systems(mol: Chem.Mol, atoms: Iterable[int] | None = None) -> list[set[int]]:
    """Fused ring systems of ``mol`` (restricted to rings wholly inside ``atoms`` when given)."""
    allowed = set(atoms) if atoms is not None else None
    rings = [set(r) for r in mol.GetRingInfo().AtomRings() if allowed is None or set(r) <= allowed]
    systems: list[set[int]] = []
    for ring in rings:
        merged = [s for s in systems if len(s & ring) >= 2]
        for s in merged:
            systems.remove(s)
            ring = ring | s
        systems.append(ring)
    return systems


def _component(mol: Chem.Mol, start: int, allowed: set[int], blocked: set[int]) -> set[int]:
    comp, stack = {start}, [start]
    while stack:
        i = stack.pop()
        for nb in mol.GetAtomWithIdx(i).GetNeighbors():
            j = nb.GetIdx()
            if j in allowed and j not in blocked and j not in comp:
                comp.add(j)
                stack.append(j)
    return comp


def _trim(mol: Chem.Mol, core: set[int], sw: Switches) -> set[int]:
    """Drop ring substituents of a recognised class and alkyl groups on heteroatoms from the MCS atoms."""
    core = set(core)
    ring_atoms = set().union(*_ring_systems(mol, core)) if _ring_systems(mol, core) else set()
    changed = True
    while changed:
        changed = False
        for a in sorted(core):
            atom = mol.GetAtomWithIdx(a)
            for nb in atom.GetNeighbors():
                b = nb.GetIdx()
                if b not in core or b in ring_atoms:
                    continue
                bond = mol.GetBondBetweenAtoms(a, b)
                if bond.GetBondType() != Chem.BondType.SINGLE:
                    continue
                branch = _component(mol, b, core - ring_atoms, {a})
                if branch & ring_atoms or any(
                    n.GetIdx() in core and n.GetIdx() not in branch and n.GetIdx() != a
                    for i in branch
                    for n in mol.GetAtomWithIdx(i).GetNeighbors()
                ):
                    continue  # a linker to another part of the core: keep
                frag = Fragment(frozenset(branch), ((a, b),), mol)
                if a in ring_atoms:
                    drop = classify_fragment(frag, TRIM_RING_CLASSES, sw) is not None
                elif atom.GetAtomicNum() in (7, 8, 16) and not atom.GetIsAromatic():
                    drop = all(mol.GetAtomWithIdx(i).GetAtomicNum() == 6 for i in branch)
                else:
                    drop = False
                if drop and len(core - branch) >= 3:
                    core -= branch
                    changed = True
                    break
            if changed:
                break
    return core


def _atom_smarts(mol: Chem.Mol, idx: int, number: int, acyclic_everywhere: bool) -> str:
    atom = mol.GetAtomWithIdx(idx)
    symbol = atom.GetSymbol()
    if atom.GetIsAromatic():
        symbol = symbol.lower()
        return f"[{symbol}:{number}]"
    extra = ""
    if acyclic_everywhere:
        extra += ";!R"
    if atom.GetAtomicNum() == 7 and not atom.GetIsAromatic():
        amide = any(
            b.GetBondType() == Chem.BondType.DOUBLE and b.GetOtherAtom(n).GetAtomicNum() in (7, 8, 16)
            for n in atom.GetNeighbors()
            for b in n.GetBonds()
            if n.GetAtomicNum() in (6, 16)
        )
        if not amide:
            extra += ";!$(N-[C,S]=[O,S,N])"
    return f"[{symbol}{extra}:{number}]"


def _bond_smarts(bond: Chem.Bond) -> str:
    if bond.GetIsAromatic():
        return ":"
    return {Chem.BondType.DOUBLE: "=", Chem.BondType.TRIPLE: "#"}.get(bond.GetBondType(), "-")


def _parent_smiles(mol: Chem.Mol, atoms: set[int]) -> str:
    """The core atoms of ``mol`` as a molecule in its own right (hydrogens where substituents were)."""
    rw = Chem.RWMol(mol)
    for a in rw.GetAtoms():
        if a.GetIdx() in atoms:
            lost = sum(1 for n in a.GetNeighbors() if n.GetIdx() not in atoms)
            if a.GetIsAromatic() and a.GetAtomicNum() == 7 and lost:
                a.SetNumExplicitHs(a.GetNumExplicitHs() + lost)
            a.SetNoImplicit(False)
            if a.GetFormalCharge() and lost:
                a.SetFormalCharge(0)
    for i in sorted(set(range(mol.GetNumAtoms())) - atoms, reverse=True):
        rw.RemoveAtom(i)
    smi = _canonical(rw.GetMol())
    return smi or Chem.MolFragmentToSmiles(mol, atomsToUse=sorted(atoms))


MCS_FALLBACK_THRESHOLDS = (0.9, 0.75, 0.5)  # fractions of members tried when all members share no ring


def _has_ring(mols: Sequence[Chem.Mol], query: Chem.Mol | None) -> bool:
    if query is None:
        return False
    for m in mols:
        match = m.GetSubstructMatch(query)
        if match:
            return bool(_ring_systems(m, match))
    return False


def common_core(
    smiles: Sequence[str], *, timeout: int = 20, threshold: float = 1.0, switches: Switches | None = None
) -> Core:
    """The members' maximum common substructure, trimmed to a statutory-style parent (module docstring).

    Parameters
    ----------
    smiles
        Member structures (at least one).
    timeout
        Seconds allowed to FMCS; on time-out the best substructure found so far is used (``mcs_timed_out``).
    threshold
        Fraction of members that must contain the MCS (1.0: all). Members without it are listed by
        their absence from ``members_with_core``.

    Raises
    ------
    ValueError
        With no members, or when the members share no ring (no useful core).
    InvalidStructure
        When a member's SMILES cannot be read.
    """
    if not smiles:
        raise ValueError("common_core needs at least one member structure")
    sw = switches or Switches()
    mols = [_mol(s) for s in smiles]
    if len(mols) == 1:
        tries = [(Chem.MolToSmarts(mols[0]), False)]
    else:
        params = rdFMCS.MCSParameters()
        params.AtomTyper = rdFMCS.AtomCompare.CompareElements
        params.BondTyper = rdFMCS.BondCompare.CompareOrder
        params.AtomCompareParameters.RingMatchesRingOnly = False  # a pyrrolidine N matches an open-chain N
        params.BondCompareParameters.RingMatchesRingOnly = True
        params.BondCompareParameters.CompleteRingsOnly = True
        params.Timeout = timeout  # type: ignore[assignment]  # the RDKit stubs mistype this field
        tries = []
        # a core without a ring is no basis for a generic: let fewer members share it before giving up
        for fraction in sorted({threshold, *(f for f in MCS_FALLBACK_THRESHOLDS if f < threshold)}, reverse=True):
            params.Threshold = fraction  # type: ignore[assignment]
            with capture_rdkit_log():
                result = rdFMCS.FindMCS(mols, params)
            if result.smartsString:
                tries.append((result.smartsString, bool(result.canceled)))
                if result.numAtoms and _has_ring(mols, Chem.MolFromSmarts(result.smartsString)):
                    break
    query, timed_out = None, False
    for mcs_smarts, canceled in reversed(tries):
        candidate = Chem.MolFromSmarts(mcs_smarts)
        if _has_ring(mols, candidate):
            query, timed_out = candidate, canceled
            break
    if query is None:
        raise ValueError("the members share no ring system: no core for a generic definition")
    holders = [i for i, m in enumerate(mols) if m.HasSubstructMatch(query)]
    ref = mols[holders[0]]
    match = ref.GetSubstructMatch(query)
    trimmed = _trim(ref, set(match), sw)
    order = sorted(trimmed)
    number = {a: i + 1 for i, a in enumerate(order)}
    # is each acyclic core atom acyclic in every member that has the (untrimmed) core?
    acyclic = {a: not ref.GetAtomWithIdx(a).IsInRing() for a in order}
    pos_in_match = {a: k for k, a in enumerate(match)}
    for i in holders[1:]:
        other = mols[i].GetSubstructMatch(query)
        for a in order:
            if acyclic[a] and mols[i].GetAtomWithIdx(other[pos_in_match[a]]).IsInRing():
                acyclic[a] = False
    atom_symbols = [""] * ref.GetNumAtoms()
    bond_symbols = [""] * ref.GetNumBonds()
    for a in order:
        atom_symbols[a] = _atom_smarts(ref, a, number[a], acyclic[a])
    for b in ref.GetBonds():
        bond_symbols[b.GetIdx()] = _bond_smarts(b)
    bonds = [b.GetIdx() for b in ref.GetBonds() if b.GetBeginAtomIdx() in trimmed and b.GetEndAtomIdx() in trimmed]
    smarts = Chem.MolFragmentToSmiles(
        ref,
        atomsToUse=order,
        bondsToUse=bonds,
        atomSymbols=atom_symbols,
        bondSymbols=bond_symbols,
        canonical=False,
        allBondsExplicit=True,
    )
    core_query = Chem.MolFromSmarts(smarts)
    if core_query is None:
        raise ValueError(f"could not write the core as SMARTS: {smarts!r}")
    parent_smiles = _parent_smiles(ref, trimmed)
    ref_systems = sorted(_ring_systems(ref, trimmed), key=min)
    systems = tuple(tuple(sorted(number[a] for a in s)) for s in ref_systems)
    names = tuple(
        _name_ring_system(ref, s) or f"ring system of atoms {min(number[a] for a in s)}-{max(number[a] for a in s)}"
        for s in ref_systems
    )
    with_core = tuple(i for i, m in enumerate(mols) if m.HasSubstructMatch(core_query))
    return Core(smarts, parent_smiles, systems, names, with_core, len(match), timed_out, core_query)


# -- observed variation --------------------------------------------------------------------------------
def _fragments(mol: Chem.Mol, core_atoms: set[int]) -> list[Fragment]:
    seen: set[int] = set()
    out = []
    rest = set(range(mol.GetNumAtoms())) - core_atoms
    for start in sorted(rest):
        if start in seen:
            continue
        comp = _component(mol, start, rest, set())
        seen |= comp
        anchors = tuple(
            sorted(
                (nb.GetIdx(), i)
                for i in comp
                for nb in mol.GetAtomWithIdx(i).GetNeighbors()
                if nb.GetIdx() in core_atoms
            )
        )
        out.append(Fragment(frozenset(comp), anchors, mol))
    return out


def _position_layout(core: Core) -> tuple[dict[int, str], dict[str, tuple[str, tuple[int, ...]]]]:
    """Map number -> position key, and position key -> (kind, map numbers)."""
    key_of: dict[int, str] = {}
    layout: dict[str, tuple[str, tuple[int, ...]]] = {}
    for i, system in enumerate(core.ring_systems):
        key = f"ring{i}"
        layout[key] = ("ring", system)
        for m in system:
            key_of[m] = key
    for atom in core.query.GetAtoms():
        m = atom.GetAtomMapNum()
        if m in key_of:
            continue
        key = f"atom{m}"
        layout[key] = ("nitrogen" if atom.GetAtomicNum() == 7 else "chain", (m,))
        key_of[m] = key
    return key_of, layout


def _name_ring_system(mol: Chem.Mol, system: set[int]) -> str | None:
    """The statutory word for a ring system of ``mol`` (:data:`RING_NAMES`), else None."""
    for smi, name in RING_NAMES.items():
        query = Chem.MolFromSmarts(smi.replace("[nH]", "n"))
        if query.GetNumAtoms() != len(system):
            continue
        if any(set(m) == system for m in mol.GetSubstructMatches(query, uniquify=True, maxMatches=50)):
            return name
    return None


def observed_variation(
    core: Core, smiles: Sequence[str], *, switches: Switches | None = None
) -> list[PositionVariation]:
    """Per position of the core, every residue the members carry there, classified.

    A member is matched in the mapping that leaves the fewest unclassifiable residues. Positions with
    no residue in any member are not returned (no substitution observed there).
    """
    sw = switches or Switches()
    key_of, layout = _position_layout(core)
    index = core.map_index
    by_key: dict[str, PositionVariation] = {}
    names: dict[str, str] = {}
    ring_names = list(core.ring_names)
    for key, (kind, atoms) in layout.items():
        if kind == "ring":
            name = ring_names[int(key.removeprefix("ring"))]
            if ring_names.count(name) > 1:
                name = f"{name} (atoms {atoms[0]}-{atoms[-1]})"
        else:
            element = core.query.GetAtomWithIdx(index[atoms[0]]).GetSymbol()
            word = {"N": "nitrogen", "O": "oxygen", "S": "sulphur"}.get(element, "carbon")
            name = f"{word} atom {atoms[0]}"
        names[key] = name
    for member, smi in enumerate(smiles):
        mol = _mol(smi)
        best: tuple[int, list[tuple[str, Fragment, str | None]]] | None = None
        for match in mol.GetSubstructMatches(core.query, uniquify=False, maxMatches=200):
            pos_of = {match[index[m]]: key_of[m] for m in index}
            found: list[tuple[str, Fragment, str | None]] = []
            bad = 0
            for frag in _fragments(mol, set(match)):
                keys = {pos_of[c] for c in frag.core_atoms}
                if len(keys) != 1:
                    found.append(("?", frag, None))
                    bad += 2
                    continue
                key = keys.pop()
                kind = layout[key][0]
                order = {"ring": RING_CLASSES, "nitrogen": NITROGEN_CLASSES, "chain": CHAIN_CLASSES}[kind]
                cls = classify_fragment(frag, order, sw)
                bad += cls is None
                found.append((key, frag, cls))
            if best is None or bad < best[0]:
                best = (bad, found)
            if bad == 0:
                break
        if best is None:
            continue
        counts: dict[str, int] = defaultdict(int)
        for key, frag, cls in best[1]:
            if key == "?":
                continue
            kind, atoms = layout[key]
            var = by_key.setdefault(key, PositionVariation(names[key], kind, atoms))
            text = Chem.MolFragmentToSmiles(mol, atomsToUse=sorted(frag.atoms))
            var.groups.append(ObservedGroup(member, text, cls, frag.carbons()))
            counts[key] += 1
        for key, n in counts.items():
            by_key[key].max_groups = max(by_key[key].max_groups, n)
    return [by_key[k] for k in layout if k in by_key]


# -- the draft -----------------------------------------------------------------------------------------
def _words(items: Sequence[str]) -> str:
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " or " + items[-1]


def _number(n: int) -> str:
    return NUMBER_WORDS[n] if 0 <= n < len(NUMBER_WORDS) else str(n)


def _parent_words(parent_smiles: str, parent_name: str | None) -> str:
    if parent_name:
        return parent_name
    named = PARENT_NAMES.get(parent_smiles)
    if named:
        return named
    return f"the compound of structure {parent_smiles} (atoms numbered as in the annexed structure)"


def _limb(p: PositionVariation, caps: dict[str, int]) -> str:
    """One limb of the English draft, e.g. "by substitution in the phenyl ring to any extent with … substituents"."""
    words = [CLASS_WORDS.get(c, c) for c in p.classes if c != "n_ring"]
    limits = [
        f"{CLASS_WORDS.get(c, c)} containing up to {_number(n)} carbon atom{'s' if n != 1 else ''}"
        for c, n in caps.items()
    ]
    limit = f" ({'; '.join(limits)})" if limits else ""
    if p.kind == "ring":
        return f"by substitution in the {p.name} to any extent with {_words(words)} substituents{limit}"
    text = ""
    if words:
        if p.max_groups > 1:
            count = f"up to {_number(p.max_groups)}"
            text = f"by substitution at {p.name} with {count} {_words(words)} substituents{limit}"
        else:
            article = "an" if words[0][0] in "aeiou" else "a"
            text = f"by substitution at {p.name} with {article} {_words(words)} substituent{limit}"
    if "n_ring" in p.classes:
        ring = f"by inclusion of {p.name} (and no other atom of the parent) in a cyclic structure"
        text = f"{text}, or {ring}" if text else ring
    return text


def draft_generic(
    members: Sequence[str],
    *,
    rule_id: str,
    name: str,
    drug_class: str = "B",
    in_force: str,
    parent_name: str | None = None,
    carbon_margin: int = 1,
    mass_margin: float = 100.0,
    timeout: int = 20,
    switches: Switches | None = None,
    source: str = "",
) -> DraftGeneric:
    """Propose a generic definition that captures ``members`` (see the module docstring).

    Parameters
    ----------
    members
        Member SMILES.
    rule_id, name, drug_class, in_force
        The rule's id, name, proposed class (``A``/``B``/``C``) and the date from which it would apply.
    carbon_margin
        Carbons allowed above the largest observed group, per capped class ("containing up to n carbon atoms").
    mass_margin
        Mass cap = observed maximum + this margin, rounded up to a multiple of 50 u (as the nitazene
        generic's 500 u cap).

    Returns
    -------
    DraftGeneric
        ``rule`` can be dumped as YAML to a file that :func:`chem.legal.rules.load_rules` accepts.
    """
    if drug_class not in ("A", "B", "C"):
        raise ValueError(f"drug_class must be A, B or C, got {drug_class!r}")
    sw = switches or Switches()
    core = common_core(members, timeout=timeout, switches=sw)
    positions = observed_variation(core, members, switches=sw)
    notes: list[str] = []
    missing = [i for i in range(len(members)) if i not in core.members_with_core]
    if missing:
        notes.append(
            f"{len(missing)} member(s) lack the core and are not covered: {', '.join(members[i] for i in missing)}"
        )
    if core.mcs_timed_out:
        notes.append("the maximum-common-substructure search timed out; the core may be smaller than it could be")
    masses = [Descriptors.MolWt(_mol(s)) for s in members]  # type: ignore[attr-defined]
    max_mass = float(math.ceil((max(masses) + mass_margin) / 50.0) * 50)
    spec_positions = []
    limbs = []
    for p in positions:
        caps = {c: p.max_carbons(c) + carbon_margin for c in p.classes if c in CARBON_CAPPED and p.max_carbons(c)}
        entry: dict[str, Any] = {"name": p.name, "atoms": list(p.atoms), "qualifying": p.classes}
        if p.kind != "ring":
            entry["max_groups"] = max(p.max_groups, 1)
        if caps:
            entry["carbon_caps"] = caps
        spec_positions.append(entry)
        if p.unclassified:
            notes.append(
                f"{p.name}: residue(s) of no named class ({', '.join(p.unclassified)}) allowed as 'other univalent'"
                " substituents: review this limb, it is wide"
            )
        limbs.append(_limb(p, caps))
    roman = ["i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix", "x", "xi", "xii"]
    text = (
        "Any compound (not being a compound for the time being specified in sub-paragraph (a) above) with a "
        f"maximum molecular mass of {max_mass:g} atomic mass units and structurally derived from "
        f"{_parent_words(core.parent_smiles, parent_name)} by modification in any of the following ways, that is "
        "to say—" + "".join(f" ({roman[i] if i < len(roman) else i + 1}) {limb};" for i, limb in enumerate(limbs))
    )
    if not limbs:
        text = text.removesuffix(" by modification in any of the following ways, that is to say—") + ";"
    rule: dict[str, Any] = {
        "id": rule_id,
        "kind": "generic",
        "class": drug_class,
        "name": name,
        "instrument": f"Draft generic definition {rule_id} (proposal, not law)",
        "citation": f"FEWS draft generic definition {rule_id}: {source}".rstrip(": "),
        "in_force": in_force,
        "end": None,
        "confidence": "I",
        "source": source or "FEWS chem.drafting",
        "text": text,
        "exclude_named_in": [drug_class],
        "generic": {"core": core.smarts, "max_mass": max_mass, "positions": spec_positions},
    }
    return DraftGeneric(rule, text, core, positions, notes)


# -- analogue enumeration ------------------------------------------------------------------------------
ANALOGUE_KINDS: dict[str, str] = {
    "ring_substituent_swap": "a ring substituent replaced by another common one",
    "halogen_walk": "a ring halogen moved to another free position of the same ring",
    "n_alkyl_homologue": "an N-alkyl chain one carbon longer or shorter, or N-methylation",
    "alpha_alkyl_homologue": "the alkyl on the carbon next to the nitrogen one carbon longer, or alpha-methylation",
    "ring_isostere": "a terminal (hetero)aromatic ring replaced by thienyl or naphthyl",
    "nitazene_motif": "a change to the nitazene motif (2-benzyl linker, 5-nitro group, ethanamine chain)",
}

# (label, SMILES of the group as written from its attachment atom)
RING_SUBSTITUENTS: tuple[tuple[str, str], ...] = (
    ("F", "F"),
    ("Cl", "Cl"),
    ("Br", "Br"),
    ("I", "I"),
    ("CH3", "C"),
    ("OCH3", "OC"),
    ("CF3", "C(F)(F)F"),
)
ISOSTERES: tuple[tuple[str, str], ...] = (
    ("2-thienyl", "c1cccs1"),
    ("3-thienyl", "c1ccsc1"),
    ("1-naphthyl", "c1cccc2ccccc12"),
    ("2-naphthyl", "c1ccc2ccccc2c1"),
)
NITAZENE_MOTIF = "c1ccc2c(c1)nc(-[CH2]-c)n2-[CH2]-[CH2]-N"
NITAZENE_CHANGES: tuple[tuple[str, str], ...] = (
    ("2-aryl (benzyl CH2 removed)", "[n:1][c:2]([n:3])-[CH2]-[c:4]>>[n:1][c:2]([n:3])-[c:4]"),
    ("2-phenethyl (benzyl homologue)", "[n:1][c:2]([n:3])-[CH2:5]-[c:4]>>[n:1][c:2]([n:3])-[CH2:5]-[CH2]-[c:4]"),
    ("2-benzoyl (keto linker)", "[n:1][c:2]([n:3])-[CH2:5]-[c:4]>>[n:1][c:2]([n:3])-[C:5](=O)-[c:4]"),
    ("2-phenoxymethyl (ether linker)", "[n:1][c:2]([n:3])-[CH2:5]-[c:4]>>[n:1][c:2]([n:3])-[CH2:5]-O-[c:4]"),
    ("5-desnitro", "[c:1]-[N+](=O)[O-]>>[c:1]"),
    ("5-amino in place of 5-nitro", "[c:1]-[N+](=O)[O-]>>[c:1]-N"),
    ("5-cyano in place of 5-nitro", "[c:1]-[N+](=O)[O-]>>[c:1]-C#N"),
    ("ethanamine to propanamine chain", "[n:1]-[CH2:2]-[CH2:3]-[N:4]>>[n:1]-[CH2:2]-[CH2:3]-[CH2]-[N:4]"),
    ("benzimidazol-2-one core (carbamoyl-type)", "[n:1][c:2]([n:3])-[CH2]-[c:4]>>[n:1][c:2](=O)[nH:3]"),
)


@dataclass(frozen=True)
class Analogue:
    smiles: str
    parent: int  # index into the members
    kind: str  # a key of ANALOGUE_KINDS
    change: str


def _canonical(mol: Chem.Mol) -> str | None:
    with capture_rdkit_log():
        try:
            Chem.SanitizeMol(mol)
        except (ValueError, RuntimeError):
            return None
        smi = Chem.MolToSmiles(mol)
        check = Chem.MolFromSmiles(smi)
    return Chem.MolToSmiles(check) if check is not None else None


def _attach(mol: Chem.Mol, at: int, group: str, remove: Iterable[int] = ()) -> str | None:
    """``mol`` without the atoms ``remove`` and with ``group`` (SMILES; first atom attaches) bonded to ``at``."""
    frag = Chem.MolFromSmiles(group)
    combo = Chem.RWMol(Chem.CombineMols(mol, frag))
    combo.AddBond(at, mol.GetNumAtoms(), Chem.BondType.SINGLE)
    for i in sorted(remove, reverse=True):
        combo.RemoveAtom(i)
    for a in combo.GetAtoms():
        a.SetNoImplicit(False)
        if a.GetIsAromatic() and a.GetAtomicNum() == 7:
            continue
        a.SetNumExplicitHs(0)
    return _canonical(combo.GetMol())


def _benzene_rings(mol: Chem.Mol) -> list[set[int]]:
    return [
        set(r)
        for r in mol.GetRingInfo().AtomRings()
        if len(r) == 6
        and all(mol.GetAtomWithIdx(i).GetIsAromatic() and mol.GetAtomWithIdx(i).GetAtomicNum() == 6 for i in r)
    ]


def _simple_substituent(mol: Chem.Mol, ring_atom: int, nb: int) -> tuple[str, set[int]] | None:
    """The label and atoms of a simple ring substituent (halogen, CH3, OCH3, CF3) on ``ring_atom`` via ``nb``."""
    atom = mol.GetAtomWithIdx(nb)
    if atom.IsInRing():
        return None
    branch = _component(mol, nb, set(range(mol.GetNumAtoms())), {ring_atom})
    if len(branch) > 4:
        return None
    here = Chem.MolFromSmiles(Chem.MolFragmentToSmiles(mol, atomsToUse=sorted(branch)))
    if here is None:
        return None
    for label, group in RING_SUBSTITUENTS:
        ref = Chem.MolFromSmiles(group)
        if (
            Chem.MolToSmiles(here) == Chem.MolToSmiles(ref)
            and atom.GetAtomicNum() == ref.GetAtomWithIdx(0).GetAtomicNum()
        ):
            return label, branch
    return None


def _ring_swaps_and_walks(mol: Chem.Mol) -> list[tuple[str, str, str]]:
    out: list[tuple[str, str, str]] = []
    for ring in _benzene_rings(mol):
        for a in sorted(ring):
            for nb in mol.GetAtomWithIdx(a).GetNeighbors():
                if nb.GetIdx() in ring:
                    continue
                found = _simple_substituent(mol, a, nb.GetIdx())
                if found is None:
                    continue
                label, atoms = found
                for other, group in RING_SUBSTITUENTS:
                    if other == label:
                        continue
                    smi = _attach(mol, a, group, atoms)
                    if smi:
                        out.append(("ring_substituent_swap", smi, f"ring {label} -> {other}"))
                if label in ("F", "Cl", "Br", "I"):
                    free = [i for i in ring if i != a and mol.GetAtomWithIdx(i).GetTotalNumHs() == 1]
                    for target in free:
                        smi = _attach(mol, target, label, atoms)
                        if smi:
                            out.append(("halogen_walk", smi, f"ring {label} moved"))
    return out


def _is_amine(atom: Chem.Atom) -> bool:
    if atom.GetAtomicNum() != 7 or atom.GetIsAromatic() or atom.GetFormalCharge() != 0:
        return False
    for n in atom.GetNeighbors():
        if n.GetIsAromatic():
            return False
        for b in n.GetBonds():
            if b.GetBondType() == Chem.BondType.DOUBLE and b.GetOtherAtom(n).GetAtomicNum() in (7, 8, 16):
                return False
    return True


def _chain_end(mol: Chem.Mol, start: int, came_from: int) -> tuple[set[int], int] | None:
    """An acyclic saturated carbon chain from ``start`` (away from ``came_from``): its atoms and terminal carbon."""
    branch = _component(mol, start, set(range(mol.GetNumAtoms())), {came_from})
    atoms = [mol.GetAtomWithIdx(i) for i in branch]
    if any(a.GetAtomicNum() != 6 or a.IsInRing() or a.GetHybridization() != Chem.HybridizationType.SP3 for a in atoms):
        return None
    terminal = max(branch, key=lambda i: (len(Chem.GetShortestPath(mol, start, i)) if i != start else 0, -i))
    return branch, terminal


def _homologues(mol: Chem.Mol) -> list[tuple[str, str, str]]:
    out: list[tuple[str, str, str]] = []
    for atom in mol.GetAtoms():
        if not _is_amine(atom):
            continue
        n = atom.GetIdx()
        if atom.GetTotalNumHs() >= 1:
            smi = _attach(mol, n, "C")
            if smi:
                out.append(("n_alkyl_homologue", smi, "N-methylation"))
        for nb in atom.GetNeighbors():
            chain = _chain_end(mol, nb.GetIdx(), n)
            if chain is not None:
                atoms, terminal = chain
                longer = _attach(mol, terminal, "C")
                if longer:
                    out.append(("n_alkyl_homologue", longer, f"N-alkyl +CH2 ({len(atoms)} -> {len(atoms) + 1} C)"))
                if len(atoms) >= 2:
                    shorter = _canonical(_without(mol, [terminal]))
                    if shorter:
                        out.append(("n_alkyl_homologue", shorter, f"N-alkyl -CH2 ({len(atoms)} -> {len(atoms) - 1} C)"))
                continue
            alpha = nb
            if alpha.IsInRing() or alpha.GetAtomicNum() != 6 or alpha.GetHybridization() != Chem.HybridizationType.SP3:
                continue
            alkyls = [
                chain
                for x in alpha.GetNeighbors()
                if x.GetIdx() != n and not x.GetIsAromatic()
                for chain in [_chain_end(mol, x.GetIdx(), alpha.GetIdx())]
                if chain is not None
            ]
            for atoms, terminal in alkyls:
                longer = _attach(mol, terminal, "C")
                if longer:
                    out.append(
                        ("alpha_alkyl_homologue", longer, f"alpha-alkyl +CH2 ({len(atoms)} -> {len(atoms) + 1} C)")
                    )
            if not alkyls and alpha.GetTotalNumHs() >= 1:
                smi = _attach(mol, alpha.GetIdx(), "C")
                if smi:
                    out.append(("alpha_alkyl_homologue", smi, "alpha-methylation"))
    return out


def _without(mol: Chem.Mol, atoms: Iterable[int]) -> Chem.Mol:
    rw = Chem.RWMol(mol)
    for i in sorted(atoms, reverse=True):
        rw.RemoveAtom(i)
    return rw.GetMol()


def _isosteres(mol: Chem.Mol) -> list[tuple[str, str, str]]:
    out: list[tuple[str, str, str]] = []
    systems = _ring_systems(mol)
    everything = set(range(mol.GetNumAtoms()))
    for bond in mol.GetBonds():
        if bond.IsInRing() or bond.GetBondType() != Chem.BondType.SINGLE:
            continue
        for a, b in ((bond.GetBeginAtomIdx(), bond.GetEndAtomIdx()), (bond.GetEndAtomIdx(), bond.GetBeginAtomIdx())):
            if not mol.GetAtomWithIdx(a).GetIsAromatic():
                continue
            side = _component(mol, a, everything, {b})
            inside = [s for s in systems if s & side]
            if len(inside) != 1 or len(side) >= mol.GetNumAtoms() - 2:
                continue
            if not any(len(r) == 6 for r in mol.GetRingInfo().AtomRings() if set(r) <= inside[0]):
                continue
            for label, group in ISOSTERES:
                same = Chem.MolFromSmarts(group)
                if same.GetNumAtoms() == len(inside[0]) and any(
                    set(m) == inside[0] for m in mol.GetSubstructMatches(same, maxMatches=20)
                ):
                    continue  # already this ring system
                smi = _attach(mol, b, group, side)
                if smi:
                    out.append(("ring_isostere", smi, f"ring system -> {label}"))
    return out


def _nitazene_changes(mol: Chem.Mol) -> list[tuple[str, str, str]]:
    if not mol.HasSubstructMatch(Chem.MolFromSmarts(NITAZENE_MOTIF)):
        return []
    out: list[tuple[str, str, str]] = []
    for label, smarts in NITAZENE_CHANGES:
        rxn = rdChemReactions.ReactionFromSmarts(smarts)
        with capture_rdkit_log():
            products = rxn.RunReactants((mol,))
        for prods in products:
            smi = _canonical(Chem.Mol(prods[0]))
            if smi:
                out.append(("nitazene_motif", smi, label))
    return out


def enumerate_analogues(members: Sequence[str], *, kinds: Iterable[str] | None = None) -> list[Analogue]:
    """Plausible next analogues of ``members`` (each once, members themselves left out).

    Parameters
    ----------
    kinds
        Keys of :data:`ANALOGUE_KINDS` to apply (default: all).

    Raises
    ------
    ValueError
        For an unknown kind.
    InvalidStructure
        When a member's SMILES cannot be read.
    """
    wanted = set(kinds) if kinds is not None else set(ANALOGUE_KINDS)
    unknown = wanted - set(ANALOGUE_KINDS)
    if unknown:
        raise ValueError(f"unknown analogue kind(s) {sorted(unknown)}; known: {sorted(ANALOGUE_KINDS)}")
    mols = [_mol(s) for s in members]
    known = {Chem.MolToSmiles(m) for m in mols}
    seen: set[str] = set()
    out: list[Analogue] = []
    for i, mol in enumerate(mols):
        found = _ring_swaps_and_walks(mol) + _homologues(mol) + _isosteres(mol) + _nitazene_changes(mol)
        for kind, smi, change in found:
            if kind not in wanted or smi in known or smi in seen or "." in smi:
                continue
            seen.add(smi)
            out.append(Analogue(smi, i, kind, change))
    return out
