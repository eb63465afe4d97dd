"""Generic definitions as "core + allowed modifications + nothing else" (uk-law.md §4.2).

A rule is data (a YAML file): a core SMARTS whose atoms carry map numbers, and per group of
core atoms the substituent classes allowed there. A structure is captured when some mapping of
the core leaves only residues that are allowed where they sit; a residue anywhere else, or of
another kind, keeps it out — and that residue is reported as the near miss.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from rdkit import Chem
from rdkit.Chem import Descriptors

from chem.legal.substituents import CLASSES, Fragment, Switches, classify_fragment

POSITION_KEYS = {"name", "atoms", "qualifying", "further", "min_qualifying", "max_groups", "max_carbons", "carbon_caps"}
SPEC_KEYS = {"core", "positions", "max_mass", "ring_system", "min_modifications"}

__all__ = ["Position", "GenericSpec", "GenericHit", "GenericMiss", "evaluate_generic"]


@dataclass(frozen=True)
class Position:
    name: str
    atoms: tuple[int, ...]  # map numbers in the core SMARTS
    qualifying: tuple[str, ...]  # substituent classes that count as a modification
    further: tuple[str, ...] = ()  # also allowed once at least one qualifying group is present
    min_qualifying: int = 0
    max_groups: int | None = None
    max_carbons: int | None = None  # per group, any class
    carbon_caps: tuple[tuple[str, int], ...] = ()  # per class, e.g. (("alkoxy", 5),) for "alkoxy containing up to five"

    def __post_init__(self) -> None:
        for c in (*self.qualifying, *self.further):
            if c not in CLASSES:
                raise ValueError(f"position {self.name!r}: unknown substituent class {c!r}")


@dataclass(frozen=True)
class RingSystem:
    """A core atom whose whole ring system (fused rings) belongs to the core, e.g. "any monocyclic, or
    fused-polycyclic ring system (not being a phenyl ring or alkylenedioxyphenyl ring system)"."""

    atom: int  # map number of the ring atom bonded to the rest of the core
    position: str  # the position (by name) whose substituent rules apply to the ring system's atoms
    not_phenyl: bool = False
    not_alkylenedioxyphenyl: bool = False
    monocyclic: bool = False  # "any heteromonocycle": one ring only
    allowed: tuple[str, ...] = ()  # if set, the unsubstituted ring system must be one of these (canonical SMILES)
    attach_ring_size: int | None = None  # the core atom must sit in a ring of this size ("the 6-membered ring")


@dataclass(frozen=True)
class GenericSpec:
    core_smarts: str
    positions: tuple[Position, ...]
    max_mass: float | None = None
    ring_system: RingSystem | None = None
    min_modifications: int = 0  # "structurally derived … by modification": the parent itself is not caught
    core: Chem.Mol = field(init=False, compare=False, repr=False)
    map_index: dict[int, int] = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        core = Chem.MolFromSmarts(self.core_smarts)
        if core is None:
            raise ValueError(f"core SMARTS does not parse: {self.core_smarts!r}")
        index = {a.GetAtomMapNum(): a.GetIdx() for a in core.GetAtoms() if a.GetAtomMapNum()}
        for p in self.positions:
            missing = [m for m in p.atoms if m not in index]
            if missing:
                raise ValueError(f"position {p.name!r} names map numbers {missing} absent from the core SMARTS")
        object.__setattr__(self, "core", core)
        object.__setattr__(self, "map_index", index)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> GenericSpec:
        positions = tuple(
            Position(
                name=p["name"],
                atoms=tuple(p["atoms"]),
                qualifying=tuple(p.get("qualifying", ())),
                further=tuple(p.get("further", ())),
                min_qualifying=int(p.get("min_qualifying", 0)),
                max_groups=p.get("max_groups"),
                max_carbons=p.get("max_carbons"),
                carbon_caps=tuple((str(k), int(v)) for k, v in (p.get("carbon_caps") or {}).items()),
            )
            for p in data["positions"]
        )
        for p in data["positions"]:
            unknown = set(p) - POSITION_KEYS
            if unknown:
                raise ValueError(f"position {p.get('name')!r}: unknown key(s) {', '.join(sorted(unknown))}")
        unknown = set(data) - SPEC_KEYS
        if unknown:
            raise ValueError(f"unknown key(s) {', '.join(sorted(unknown))}")
        rs = data.get("ring_system")
        ring = (
            RingSystem(
                atom=int(rs["atom"]),
                position=str(rs["position"]),
                not_phenyl=bool(rs.get("not_phenyl", False)),
                not_alkylenedioxyphenyl=bool(rs.get("not_alkylenedioxyphenyl", False)),
                monocyclic=bool(rs.get("monocyclic", False)),
                allowed=tuple(_canonical(x) for x in rs.get("allowed", ())),
                attach_ring_size=rs.get("attach_ring_size"),
            )
            if rs
            else None
        )
        if ring is not None and ring.position not in {p.name for p in positions}:
            raise ValueError(f"ring_system position {ring.position!r} is not a position of the rule")
        return cls(
            core_smarts=data["core"],
            positions=positions,
            max_mass=data.get("max_mass"),
            ring_system=ring,
            min_modifications=int(data.get("min_modifications", 0)),
        )


@dataclass(frozen=True)
class GenericHit:
    matched_atoms: tuple[int, ...]
    modifications: tuple[str, ...]


@dataclass(frozen=True)
class GenericMiss:
    blocking: str


def _fragments(mol: Chem.Mol, core_atoms: set[int]) -> list[Fragment]:
    seen: set[int] = set()
    out = []
    for start in range(mol.GetNumAtoms()):
        if start in core_atoms or start in seen:
            continue
        comp = {start}
        stack = [start]
        while stack:
            i = stack.pop()
            for nb in mol.GetAtomWithIdx(i).GetNeighbors():
                j = nb.GetIdx()
                if j not in core_atoms and j not in comp:
                    comp.add(j)
                    stack.append(j)
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


def _ring_system(mol: Chem.Mol, atom: int) -> set[int]:
    rings = [set(r) for r in mol.GetRingInfo().AtomRings()]
    system: set[int] = set()
    frontier = [r for r in rings if atom in r]
    while frontier:
        ring = frontier.pop()
        if ring <= system:
            continue
        system |= ring
        frontier.extend(r for r in rings if r & ring and not r <= system)
    return system


def _is_benzene(mol: Chem.Mol, ring: set[int]) -> bool:
    return len(ring) == 6 and all(
        mol.GetAtomWithIdx(i).GetIsAromatic() and mol.GetAtomWithIdx(i).GetAtomicNum() == 6 for i in ring
    )


def _canonical(smiles: str) -> str:
    mol = Chem.MolFromSmiles(smiles)
    if mol is None:
        raise ValueError(f"ring system SMILES does not parse: {smiles!r}")
    return Chem.MolToSmiles(mol)


def _excluded_ring_system(mol: Chem.Mol, system: set[int], rs: RingSystem, attach: int | None = None) -> str | None:
    rings = [set(r) for r in mol.GetRingInfo().AtomRings() if set(r) <= system]
    if (
        rs.attach_ring_size is not None
        and attach is not None
        and not any(attach in r and len(r) == rs.attach_ring_size for r in rings)
    ):
        return f"the side chain is not on a {rs.attach_ring_size}-membered ring"
    if rs.allowed:
        frag = Chem.MolFromSmiles(Chem.MolFragmentToSmiles(mol, atomsToUse=sorted(system)))
        name = Chem.MolToSmiles(frag) if frag is not None else ""
        if name not in rs.allowed:
            return f"the ring system {name or '?'} is not one of those listed"
    if rs.monocyclic and len(rings) != 1:
        return "the ring system is not monocyclic"
    benzenes = [r for r in rings if _is_benzene(mol, r)]
    if rs.not_phenyl and len(rings) == 1 and benzenes:
        return "the ring system is a phenyl ring"
    if rs.not_alkylenedioxyphenyl and len(benzenes) == 1 and len(rings) == 2:
        other = next(r for r in rings if r is not benzenes[0])
        extra = other - benzenes[0]
        oxygens = [i for i in extra if mol.GetAtomWithIdx(i).GetAtomicNum() == 8]
        carbons = [
            i for i in extra if mol.GetAtomWithIdx(i).GetAtomicNum() == 6 and not mol.GetAtomWithIdx(i).GetIsAromatic()
        ]
        if len(oxygens) == 2 and len(carbons) == len(extra) - 2:
            return "the ring system is an alkylenedioxyphenyl ring system"
    return None


def _fragment_smiles(f: Fragment) -> str:
    return Chem.MolFragmentToSmiles(f.mol, atomsToUse=sorted(f.atoms), canonical=True)


def _evaluate_mapping(
    spec: GenericSpec, mol: Chem.Mol, match: tuple[int, ...], sw: Switches
) -> GenericHit | GenericMiss:
    core_atoms = set(match)
    label = {}  # molecule atom index -> position
    for p in spec.positions:
        for m in p.atoms:
            label[match[spec.map_index[m]]] = p
    if spec.ring_system is not None:
        rs = spec.ring_system
        system = _ring_system(mol, match[spec.map_index[rs.atom]])
        excluded = _excluded_ring_system(mol, system, rs, match[spec.map_index[rs.atom]])
        if excluded:
            return GenericMiss(excluded)
        pos = next(p for p in spec.positions if p.name == rs.position)
        core_atoms |= system
        for i in system:
            label[i] = pos
    groups: dict[str, list[tuple[Fragment, str | None]]] = {p.name: [] for p in spec.positions}
    problems: list[str] = []
    for f in _fragments(mol, core_atoms):
        positions = {label.get(c) for c in f.core_atoms}
        if None in positions or len(positions) != 1:
            where = "a core atom where no substitution is allowed" if None in positions else "two positions"
            problems.append(f"{_fragment_smiles(f)} on {where}")
            continue
        found_pos = positions.pop()
        assert found_pos is not None
        kind = classify_fragment(f, found_pos.qualifying, sw)
        limit = dict(found_pos.carbon_caps).get(kind or "", found_pos.max_carbons)
        if kind is not None and limit is not None and f.carbons() > limit:
            problems.append(f"{_fragment_smiles(f)} at {found_pos.name}: more than {limit} carbon atoms")
            continue
        groups[found_pos.name].append((f, kind))
    mods = []
    for p in spec.positions:
        found = groups[p.name]
        qualifying = [(f, k) for f, k in found if k is not None]
        if len(qualifying) < p.min_qualifying:
            problems.append(f"no qualifying substituent ({', '.join(p.qualifying)}) at {p.name}")
        if p.max_groups is not None and len(found) > p.max_groups:
            problems.append(f"{len(found)} groups at {p.name}; at most {p.max_groups} allowed")
        for f, k in found:
            if k is None:
                other = classify_fragment(f, p.further, sw) if qualifying else None
                if other is None:
                    problems.append(f"{_fragment_smiles(f)} at {p.name} is not {', '.join(p.qualifying)}")
                else:
                    mods.append(f"{_fragment_smiles(f)} at {p.name} (other univalent substituent)")
            else:
                mods.append(f"{_fragment_smiles(f)} at {p.name} ({k.replace('_', ' ')})")
    if not problems and len(mods) < spec.min_modifications:
        problems.append("no modification of the parent compound")
    if problems:
        return GenericMiss("; ".join(problems))
    matched = set(core_atoms)
    for p in spec.positions:
        for f, _ in groups[p.name]:
            matched |= f.atoms
    return GenericHit(tuple(sorted(matched)), tuple(mods))


def evaluate_generic(spec: GenericSpec, mol: Chem.Mol, sw: Switches) -> GenericHit | GenericMiss | None:
    """A hit, the closest miss (core present, a residue not allowed), or None when the core is absent."""
    matches: Iterable[tuple[int, ...]] = mol.GetSubstructMatches(spec.core, uniquify=False, maxMatches=1000)
    closest: GenericMiss | None = None
    for match in matches:
        result = _evaluate_mapping(spec, mol, match, sw)
        if isinstance(result, GenericHit):
            mass = Descriptors.MolWt(mol)  # type: ignore[attr-defined]  # average molecular mass
            if spec.max_mass is not None and mass > spec.max_mass:
                return GenericMiss(f"molecular mass {mass:.1f} u is over {spec.max_mass:g} u")
            return result
        if closest is None or result.blocking.count(";") < closest.blocking.count(";"):
            closest = result  # the mapping with the fewest problems is the nearest miss
    return closest
