"""Substance families: legal-generic membership, shared scaffold and Tanimoto similarity (issue #6 item 1).

The model is pure (no database): :class:`FamilyModel` holds the families known so far and places one
new substance at a time, in the order the caller gives (first UK detection date, then id), so the
same input order always gives the same families. A placed substance is never moved again: a new
substance joins an existing family or founds a new one, and a family's key never changes meaning.

How a substance is placed (:meth:`FamilyModel.assign`):

1. **Legal group.** :class:`LegalGrouper` runs the legal engine's own generic-definition evaluators
   on the structure, independent of dates (so a nitazene seen in 2019 groups with those seen after
   the 2025 generic came into force). The group is the generic that captures it, else the generic
   whose core it has but whose permitted modifications it exceeds (a near miss). Different groups
   never share a family; a substance outside every generic may join any family.
2. **Similarity.** Tanimoto similarity of Morgan fingerprints (radius 2, 2048 bits) against the
   representatives of each compatible family (the first ``max_representatives`` members: a
   leader-style single-link comparison). The best family at or above ``threshold`` wins (own legal
   group first, then families outside any generic); ties go to the older family.
3. **Scaffold.** Failing that, a family of the same legal group with the same generic Murcko
   scaffold (at least ``min_scaffold_rings`` rings) and a similarity of at least
   ``scaffold_threshold`` takes it.
4. Otherwise the substance founds a family. Its ``method`` says what defines it: ``legal_generic``
   (it has a legal group), ``scaffold`` (a specific ring framework) or ``cluster`` (similarity only).

A family's ``name`` is the legal group's label (or a chemotype from :data:`CHEMOTYPES`) followed by
the structural features (:data:`FEATURES`) shared by its founding members; ``core_smarts`` is their
maximum common substructure (RDKit FMCS). Both are refined until the family has
``core_members`` members and then frozen.

References
----------
Hartigan J. A. *Clustering Algorithms*. Wiley, 1975 (the leader algorithm).
Bemis G. W., Murcko M. A. J. Med. Chem. 1996, 39, 2887-2893 (molecular frameworks).
Misuse of Drugs Act 1971, Schedule 2, and the generic definitions in ``chem/legal/rules/generic``.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from rdkit import Chem
from rdkit.Chem import rdFMCS
from rdkit.Chem.Scaffolds import MurckoScaffold

from chem.fingerprints import FP_BYTES, FP_VERSION, scaffold_ring_count
from chem.legal.cannabinol import evaluate_cannabinol_derivative
from chem.legal.generic import GenericHit, GenericMiss, evaluate_generic
from chem.legal.rules import Rule, RuleSet, load_rules
from chem.legal.scra import evaluate_scra
from chem.legal.substituents import Switches
from chem.rdkit_log import capture_rdkit_log

__all__ = [
    "CHEMOTYPES",
    "FEATURES",
    "GROUP_LABELS",
    "Assignment",
    "Candidate",
    "FamilyModel",
    "FamilyParams",
    "FamilyState",
    "GroupLabel",
    "LegalGroup",
    "LegalGrouper",
    "describe_features",
    "family_label_text",
]

logger = logging.getLogger(__name__)

# --------------------------------------------------------------------------------------------------
# Data: labels of the generic definitions, structural features, chemotypes
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class GroupLabel:
    """How a generic definition names and ranks a family.

    ``priority`` decides between several definitions whose cores a structure has (the more specific
    core wins); ``near_miss`` says whether a near miss of this definition is a family bond at all
    (a generic whose core is a bare aryl-ethylamine or indole says little about the rest).
    """

    label: str
    priority: int
    near_miss: bool = True


#: Family label of each generic/derived rule (rule ids and texts: ``chem/legal/rules``; labels are the
#: common names used by the EMCDDA/EUDA and UNODC for these groups). A rule missing here falls back to
#: its own ``name`` and the size of its core (tests check that every shipped rule is listed).
GROUP_LABELS: dict[str, GroupLabel] = {
    "MDA-S2-P1-1(b)-1977": GroupLabel("tryptamines", 70),
    "MDA-S2-P1-1(b)-2015": GroupLabel("tryptamines", 71),
    "MDA-S2-P1-1(c)": GroupLabel("phenethylamines", 50),
    "MDA-S2-P1-1(d)": GroupLabel("fentanyls", 90),
    "MDA-S2-P1-1(e)": GroupLabel("pethidines", 80, near_miss=False),  # a bare 4-phenylpiperidine core
    "MDA-S2-P1-1(ea)": GroupLabel("nitazenes", 95),
    "MDA-S2-P1-1(f)": GroupLabel("NBOMes", 60),
    "MDA-S2-P1-3": GroupLabel("esters and ethers of Class A substances", 10, near_miss=False),
    "MDA-S2-P1-cannabinol-derivatives": GroupLabel("cannabinol derivatives", 85),
    "MDA-S2-P2-1(aa)": GroupLabel("cathinones", 75),
    "MDA-S2-P2-1(ab)": GroupLabel("cathinones (other ring systems)", 65, near_miss=False),
    "MDA-S2-P2-cannabinoids-2009-naphthoylindoles": GroupLabel("synthetic cannabinoids (naphthoylindoles)", 60),
    "MDA-S2-P2-cannabinoids-2013-naphthoylindoles": GroupLabel("synthetic cannabinoids (naphthoylindoles)", 61),
    "MDA-S2-P2-cannabinoids-2009-naphthoylpyrroles": GroupLabel("synthetic cannabinoids (naphthoylpyrroles)", 60),
    "MDA-S2-P2-cannabinoids-2013-naphthoylpyrroles": GroupLabel("synthetic cannabinoids (naphthoylpyrroles)", 61),
    "MDA-S2-P2-cannabinoids-2009-naphthylmethylindenes": GroupLabel(
        "synthetic cannabinoids (naphthylmethylindenes)", 60
    ),
    "MDA-S2-P2-cannabinoids-2009-phenylacetylindoles": GroupLabel("synthetic cannabinoids (phenylacetylindoles)", 60),
    "MDA-S2-P2-cannabinoids-2009-cyclohexylphenols": GroupLabel("synthetic cannabinoids (cyclohexylphenols)", 60),
    "MDA-S2-P2-cannabinoids-2013-benzoylindoles": GroupLabel("synthetic cannabinoids (benzoylindoles)", 61),
    "MDA-S2-P2-cannabinoids-2013-adamantoylindoles": GroupLabel("synthetic cannabinoids (adamantoylindoles)", 61),
    "MDA-S2-P2-cannabinoids-2013-tmcp-indoles": GroupLabel(
        "synthetic cannabinoids (tetramethylcyclopropyl ketone indoles)", 61
    ),
    "MDA-S2-P2-cannabinoids-2013-adamantylcarboxamides": GroupLabel(
        "synthetic cannabinoids (N-adamantyl carboxamides)", 61
    ),
    "MDA-S2-P2-1(ca)-2016": GroupLabel("synthetic cannabinoids", 55, near_miss=False),
    "MDA-S2-P2-1(ca)-2019": GroupLabel("synthetic cannabinoids", 56, near_miss=False),
    "MDA-S2-P2-1(d)": GroupLabel("arylcyclohexylamines", 75),
    "MDA-S2-P2-benzofurans": GroupLabel("benzofurans and related aminoalkyl aromatics", 40, near_miss=False),
    "MDA-S2-P2-cannabinol-derivatives-2009": GroupLabel("cannabinol derivatives", 86),
    "MDA-S2-P2-pipradrols": GroupLabel("pipradrols", 60),
    "MDA-S2-P3-cannabinol-derivatives-2004": GroupLabel("cannabinol derivatives", 84),
}


@dataclass(frozen=True)
class Feature:
    """A named structural feature (a SMARTS pattern) used to describe what family members share."""

    text: str
    smarts: str
    pattern: Chem.Mol = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        pattern = Chem.MolFromSmarts(self.smarts)
        if pattern is None:
            raise ValueError(f"feature {self.text!r}: SMARTS does not parse: {self.smarts!r}")
        object.__setattr__(self, "pattern", pattern)


#: Features that name a family, most telling first (ring substitution patterns and side chains as
#: forensic chemists name them: UNODC "Recommended methods for the identification and analysis of
#: synthetic cathinones / synthetic cannabinoids", EUDA drug profiles). At most three go in a name.
FEATURES: tuple[Feature, ...] = (
    Feature("5-nitro benzimidazole", "[O-][N+](=O)c1ccc2n([CX4])c(C)nc2c1"),
    Feature("benzimidazolone", "O=c1[nH]c2ccccc2n1"),
    Feature("4-alkoxybenzyl", "[CX4]Oc1ccc([CH2]c)cc1"),
    Feature("4-anilidopiperidine", "O=C[NX3](c1ccccc1)C1CCNCC1"),
    Feature("indazole-3-carboxamide", "O=C([NX3])c1nn([#6])c2ccccc12"),
    Feature("indole-3-carboxamide", "O=C([NX3])c1cn([#6])c2ccccc12"),
    Feature("7-azaindole-3-carboxamide", "O=C([NX3])c1cn([#6])c2ncccc12"),
    Feature("amino-acid-derived head", "[CX4]([NX3][CX3](=O)c)[CX3](=O)[OX2,NX3]"),
    Feature("tert-leucine head", "[CH3]C([CH3])([CH3])[CH1]([NX3]C=O)C=O"),
    Feature("valine head", "[CH3][CH1]([CH3])[CH1]([NX3]C=O)C=O"),
    Feature("fluoroalkyl tail", "[nX3][CH2][CX4;!R]~[CX4;!R]~*~[CH2]F"),
    Feature("alkenyl tail", "[nX3][CH2][CX4;!R]~[CX4;!R][CH]=[CH2]"),
    Feature("fluorobenzyl tail", "[nX3][CH2]c1ccc(F)cc1"),
    Feature("cyclohexylmethyl tail", "[nX3][CH2]C1CCCCC1"),
    Feature("triazolo-benzodiazepine", "c1nnc2n1-c1ccccc1C=NC2"),
    Feature("thienotriazolodiazepine", "c1nnc2n1-c1sccc1C=NC2"),
    Feature("1,4-benzodiazepin-2-one", "O=C1CN=C(c)c2ccccc2N1"),
    Feature("2-oxo (ketamine-like)", "O=C1CCCCC1([NX3])c"),
    Feature("phencyclidine-like", "[NX3]C1(c)[CH2]CCC[CH2]1"),
    Feature("lysergamide", "O=C(N)C1C=C2c3cccc4[nX3]cc(c34)CC2N(C)C1"),
    Feature("N-2-methoxybenzyl", "[NX3;!$(N-C=O)][CH2]c1ccccc1O[CH3]"),
    Feature("N-2-hydroxybenzyl", "[NX3;!$(N-C=O)][CH2]c1ccccc1[OH]"),
    Feature("N-benzyl", "[NX3;!$(N-C=O);!$(N-a)][CH2]c1ccccc1"),
    Feature("2,5-dimethoxy", "[CX4]c1c(O[CH3])ccc(O[CH3])c1"),
    Feature("3,4-methylenedioxy", "c1cc2OCOc2cc1"),
    Feature("4-hydroxy indole", "[OH]c1cccc2[nH]ccc12"),
    Feature("4-acyloxy indole", "O=C([#6])Oc1cccc2[nH]ccc12"),
    Feature("5-methoxy indole", "[CH3]Oc1ccc2[nH]ccc2c1"),
    Feature("piperidin-2-yl acetate ester", "O=C(O[CX4])C(c)C1CCCCN1"),
    Feature("β-keto", "c[CX3](=O)[CX4][NX3;!$(N-C=O)]"),
    Feature("α-methyl", "c[CH2][CH1]([CH3])[NX3;!$(N-C=O)]"),
    Feature("N-pyrrolidinyl", "[CX4;!R][NX3;R1;!$(N-C=O)]1[CH2][CH2][CH2][CH2]1"),
    Feature("N-piperidinyl", "[CX4][NX3;R1;!$(N-C=O)]1[CH2][CH2][CH2][CH2][CH2]1"),
    Feature("N,N-dialkyl", "[CX4;!R][NX3;H0;!R;!$(N-C=O);!$(N-a)]([CX4;!R])[CX4;!R]"),
    Feature("N-alkyl", "[CX4;!R][NX3;H1;!R;!$(N-C=O);!$(N-a)][CX4;!R]"),
    Feature("ring-halogenated", "c[F,Cl,Br,I]"),
    Feature("ring-nitro", "c[N+](=O)[O-]"),
    Feature("ring-alkoxy", "cO[CX4;!R]"),
)

#: Chemotypes that label a family outside every generic definition (same sources as :data:`FEATURES`).
CHEMOTYPES: tuple[Feature, ...] = (
    Feature("designer benzodiazepines", "[#6]1~[#6]~[#7]=[#6](-c)-c:c-[#7]~1"),
    Feature(
        "morphinans",
        "[#6]12~[#6]~[#6]~[#6]~[#6]~[#6]~1~[#6]~[#6]1~[#6]3~[#6]~[#6]~[#6]~[#6]~[#6]~2~3~[#6]~[#6]~[#7]~1",
    ),
    Feature("nitazene-like benzimidazoles", "c1ccc2nc(Cc3ccccc3)n(CCN)c2c1"),
    Feature("fentanyl-like 4-anilidopiperidines", "O=C[NX3](c1ccccc1)C1CCNCC1"),
    Feature("phenidates", "O=C(O[CX4])C(c1ccccc1)C1CCCCN1"),
    Feature("lysergamides", "O=C(N)C1C=C2c3cccc4[nX3]cc(c34)CC2N(C)C1"),
    Feature("synthetic cannabinoids", "O=C([NX3])c1[c,n][nX3]([CX4])c2ccccc12"),
    Feature("arylcyclohexylamines", "[NX3]C1(c2ccccc2)CCCCC1"),
    Feature("diarylethylamines", "c1ccccc1[CH2][CH1](c1ccccc1)[NX3]"),
    Feature("phenmetrazines", "C1(c2ccccc2)OCCNC1"),
    Feature("quinazolinones", "O=c1n(-c)c(C)nc2ccccc12"),
    Feature("brorphine-like piperidines", "O=c1[nH]c2ccccc2n1C1CCNCC1"),
    Feature("cinnamylpiperazines", "O=CN1CCN(C/C=C/c2ccccc2)CC1"),
    Feature("U-drugs (benzamide opioids)", "O=C(c1ccccc1)N[CH2][CX4;R][NX3]([CH3])[CH3]"),
    Feature("U-drugs (benzamide opioids)", "O=C(c1ccccc1)[NX3]([CH3])C1CCCCC1N([CH3])[CH3]"),
    Feature("gabapentinoids and GABA analogues", "[NX3;H2][CH2][CX4][CH2]C(=O)[OH]"),
    Feature("amphetamines", "c[CH2][CH1]([CH3])[NX3;!$(N-C=O)]"),
    Feature("tryptamines", "c1[nH]c2ccccc2c1[CH2][CX4][NX3]"),
)

#: Most features a family name lists.
MAX_NAME_FEATURES = 3


def describe_features(mols: Sequence[Chem.Mol], *, table: Sequence[Feature] = FEATURES) -> list[str]:
    """Texts of the features (in table order) that every molecule has.

    Several table rows may share one text (alternative patterns): a molecule has the feature when
    any of them matches.

    Examples
    --------
    >>> eutylone = Chem.MolFromSmiles("CCNC(CC)C(=O)c1ccc2c(c1)OCO2")
    >>> pentylone = Chem.MolFromSmiles("CCCC(NC)C(=O)c1ccc2c(c1)OCO2")
    >>> describe_features([eutylone, pentylone])
    ['3,4-methylenedioxy', 'β-keto', 'N-alkyl']
    """
    if not mols:
        return []
    patterns: dict[str, list[Chem.Mol]] = {}
    for f in table:
        patterns.setdefault(f.text, []).append(f.pattern)
    return [text for text, pats in patterns.items() if all(any(m.HasSubstructMatch(p) for p in pats) for m in mols)]


def family_label_text(group_label: str | None, mols: Sequence[Chem.Mol], *, fallback: str) -> str:
    """A readable family name: label, then up to :data:`MAX_NAME_FEATURES` shared features.

    ``group_label`` is the legal group's label; without one, the first chemotype all ``mols`` share
    names the family, else ``"unclassified"``. ``fallback`` (e.g. ``"analogues of 2-MAPB"``) is used
    when no feature is shared.

    Examples
    --------
    >>> mols = [Chem.MolFromSmiles(s) for s in ("CCN(CC)CCn1c(Cc2ccc(OCC)cc2)nc2cc([N+](=O)[O-])ccc21",
    ...                                         "CCN(CC)CCn1c(Cc2ccc(OC)cc2)nc2cc([N+](=O)[O-])ccc21")]
    >>> family_label_text("nitazenes", mols, fallback="analogues of etonitazene")
    'nitazenes: 5-nitro benzimidazole, 4-alkoxybenzyl, N,N-dialkyl'
    """
    label = group_label
    if label is None:
        types = describe_features(mols, table=CHEMOTYPES)
        label = types[0] if types else "unclassified"
    features = describe_features(mols)[:MAX_NAME_FEATURES] if label != "unclassified" else []
    text = f"{label}: {', '.join(features) if features else fallback}"
    return text[:300]


# --------------------------------------------------------------------------------------------------
# Legal-generic membership
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LegalGroup:
    """The generic definition a structure belongs to: captured by it, or a near miss of it."""

    rule_id: str
    label: str
    captured: bool
    priority: int

    def as_dict(self) -> dict[str, Any]:
        return {"rule_id": self.rule_id, "label": self.label, "captured": self.captured}


class LegalGrouper:
    """Evaluate every generic definition of a rule set on a structure, regardless of dates.

    Parameters
    ----------
    rules : RuleSet, optional
        The rule set (default: the shipped rules, :func:`chem.legal.rules.load_rules`).
    switches : Switches, optional
        Interpretive switches of the legal engine (default: its narrower readings).

    Examples
    --------
    >>> grouper = LegalGrouper()
    >>> grouper.group("CNC(C)C(=O)c1ccc(Cl)cc1")  # 4-CMC
    LegalGroup(rule_id='MDA-S2-P2-1(aa)', label='cathinones', captured=True, priority=75)
    >>> grouper.group("Cn1cnc2c1c(=O)n(C)c(=O)n2C") is None  # caffeine
    True
    """

    def __init__(self, rules: RuleSet | None = None, *, switches: Switches | None = None) -> None:
        self.rules = rules or load_rules()
        self.switches = switches or Switches()
        self._rules: list[tuple[Rule, GroupLabel]] = []
        for rule in self.rules.of_kind("generic"):
            label = GROUP_LABELS.get(rule.id)
            if label is None:
                size = rule.generic.core.GetNumAtoms() if rule.generic is not None else 10
                label = GroupLabel(rule.name, size)
                logger.info("no family label for rule %s; using its name %r", rule.id, rule.name)
            self._rules.append((rule, label))
        # most specific first; then the newest text; then the id (deterministic)
        self._rules.sort(key=lambda rl: (-rl[1].priority, -(rl[0].in_force or dt.date.min).toordinal(), rl[0].id))

    def _evaluate(self, rule: Rule, mol: Chem.Mol) -> GenericHit | GenericMiss | None:
        if rule.generic is not None:
            return evaluate_generic(rule.generic, mol, self.switches)
        if rule.scra is not None:
            return evaluate_scra(rule.scra, mol, self.switches)
        if rule.cannabinol:
            return evaluate_cannabinol_derivative(mol, self.switches)
        return None

    def group(self, smiles_or_mol: str | Chem.Mol) -> LegalGroup | None:
        """The capturing generic of highest priority, else the best near miss, else ``None``.

        Raises
        ------
        ValueError
            If a SMILES string cannot be read.
        """
        mol = smiles_or_mol
        if isinstance(smiles_or_mol, str):
            with capture_rdkit_log():
                mol = Chem.MolFromSmiles(smiles_or_mol)
            if mol is None:
                raise ValueError(f"cannot read SMILES {smiles_or_mol!r}")
        assert isinstance(mol, Chem.Mol)
        near: LegalGroup | None = None
        for rule, label in self._rules:
            result = self._evaluate(rule, mol)
            if isinstance(result, GenericHit):
                return LegalGroup(rule.id, label.label, True, label.priority)
            if isinstance(result, GenericMiss) and near is None and label.near_miss:
                near = LegalGroup(rule.id, label.label, False, label.priority)
        return near


# --------------------------------------------------------------------------------------------------
# The model
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FamilyParams:
    """Settings of the family model (defaults chosen from ``benchmarks/families_quality.py``).

    Parameters
    ----------
    threshold
        Tanimoto similarity (Morgan r=2, 2048 bits) at or above which a substance joins a family.
        Default 0.40: on the quality set it gives the best adjusted Rand index against the known
        analogue series while keeping homogeneity above 0.9 (docs/performance.md, "Families").
    scaffold_threshold
        Lower similarity that suffices when the substance shares the family's generic scaffold and
        legal group.
    min_scaffold_rings
        Scaffolds with fewer rings (a lone benzene) are too common to bind a family.
    max_representatives
        Members a new substance is compared with, per family (the first ones: leader-style).
    core_members
        Founding members whose shared features and MCS define the family name and core.
    mcs_timeout
        Seconds allowed to RDKit FMCS for the core of the founding members. FMCS's limit is wall-clock
        time, so a search near the limit would finish on an idle machine and time out on a busy one
        (giving a different core): the limit is far above what real founders need (the slowest seen,
        three nitazenes, ~1 s on a loaded 2-core machine), and a timed-out search falls back to the
        first founder's scaffold.
    """

    threshold: float = 0.40
    scaffold_threshold: float = 0.30
    min_scaffold_rings: int = 2
    max_representatives: int = 16
    core_members: int = 3
    mcs_timeout: int = 10

    def __post_init__(self) -> None:
        for name in ("threshold", "scaffold_threshold"):
            value = getattr(self, name)
            if not 0.0 < value <= 1.0:
                raise ValueError(f"{name} must be in (0, 1], got {value!r}")
        if self.scaffold_threshold > self.threshold:
            raise ValueError(
                f"scaffold_threshold ({self.scaffold_threshold}) must not exceed threshold ({self.threshold})"
            )
        for name in ("min_scaffold_rings", "max_representatives", "core_members", "mcs_timeout"):
            value = getattr(self, name)
            if not isinstance(value, int) or value < 1:
                raise ValueError(f"{name} must be a positive integer, got {value!r}")

    def as_dict(self) -> dict[str, Any]:
        return {
            "threshold": self.threshold,
            "scaffold_threshold": self.scaffold_threshold,
            "min_scaffold_rings": self.min_scaffold_rings,
            "max_representatives": self.max_representatives,
            "fp_version": FP_VERSION,
        }


@dataclass(frozen=True)
class Candidate:
    """A substance to place. ``ident`` is its stable identity (stereo-free InChIKey) used in keys."""

    substance_id: int
    ident: str
    smiles: str
    bits: bytes
    scaffold: str | None
    group: LegalGroup | None
    name: str | None = None
    first_seen: dt.date | None = None

    def __post_init__(self) -> None:
        if len(self.bits) != FP_BYTES:
            raise ValueError(f"substance {self.substance_id}: fingerprint has {len(self.bits)} bytes, not {FP_BYTES}")


@dataclass
class FamilyState:
    """One family as the model sees it (mirrors a ``fews.models.Family`` row)."""

    key: str
    name: str
    method: str
    core_smarts: str | None
    basis: dict[str, Any]
    first_seen: dt.date | None
    group_label: str | None
    scaffold: str | None
    founders: list[str] = field(default_factory=list)  # SMILES of the first core_members members
    size: int = 0
    family_id: int | None = None  # database id, when stored
    changed: bool = False  # founded, or name/core/first_seen changed since loaded (the store writes it back)
    stale: bool = False  # founders changed: name and core need :meth:`FamilyModel.describe`


@dataclass(frozen=True)
class Assignment:
    """Where one substance went: ``via`` is ``similarity``, ``scaffold`` or ``founded``."""

    substance_id: int
    family_key: str
    founded: bool
    similarity: float | None
    via: str


class _Block:
    """Representative fingerprints of the families of one legal group, in growable arrays."""

    def __init__(self) -> None:
        self.n = 0
        self.bits = np.zeros((64, FP_BYTES), dtype=np.uint8)
        self.counts = np.zeros(64, dtype=np.int64)
        self.family = np.zeros(64, dtype=np.int64)

    def add(self, bits: bytes, family: int) -> None:
        if self.n == len(self.counts):
            cap = 2 * len(self.counts)
            self.bits = np.resize(self.bits, (cap, FP_BYTES))
            self.counts = np.resize(self.counts, cap)
            self.family = np.resize(self.family, cap)
        row = np.frombuffer(bits, dtype=np.uint8)
        self.bits[self.n] = row
        self.counts[self.n] = int(np.bitwise_count(row).sum())
        self.family[self.n] = family
        self.n += 1

    def best(self, query: np.ndarray, qcount: int) -> tuple[np.ndarray, np.ndarray]:
        """Per-family maximum similarity: (family indexes, their best similarity)."""
        if self.n == 0:
            return np.zeros(0, dtype=np.int64), np.zeros(0)
        reps = self.bits[: self.n].view(np.uint64)
        inter = np.bitwise_count(reps & query).sum(axis=1, dtype=np.int64)
        union = qcount + self.counts[: self.n] - inter
        sims = np.divide(inter, union, out=np.zeros(self.n), where=union > 0)
        fam = self.family[: self.n]
        order = np.lexsort((-sims, fam))  # by family, best first
        first = np.ones(len(order), dtype=bool)
        first[1:] = fam[order][1:] != fam[order][:-1]
        return fam[order][first], sims[order][first]


class FamilyModel:
    """Incremental, deterministic family assignment (see the module docstring for the rules).

    Parameters
    ----------
    params : FamilyParams, optional
        Thresholds and sizes (default :class:`FamilyParams()`).

    Attributes
    ----------
    families_ : list of FamilyState
        Every family, in founding order (an index into this list is stable).

    Examples
    --------
    >>> from chem.fingerprints import morgan_bits, generic_scaffold
    >>> model = FamilyModel()
    >>> def cand(i, smi):
    ...     return Candidate(i, f"K{i}", smi, morgan_bits(smi), generic_scaffold(smi), None)
    >>> model.assign(cand(1, "CCN(CC)CCn1c(Cc2ccc(OCC)cc2)nc2cc([N+](=O)[O-])ccc21")).founded
    True
    >>> a = model.assign(cand(2, "CCN(CC)CCn1c(Cc2ccc(OC(C)C)cc2)nc2cc([N+](=O)[O-])ccc21"))
    >>> a.founded, a.via, round(a.similarity, 2)
    (False, 'similarity', 0.8)
    """

    def __init__(self, params: FamilyParams | None = None) -> None:
        self.params = params or FamilyParams()
        self.families_: list[FamilyState] = []
        self._index: dict[str, int] = {}
        self._reps: list[int] = []  # representatives held per family
        self._blocks: dict[str | None, _Block] = {}
        self._block_of: list[str | None] = []
        self._by_scaffold: dict[tuple[str | None, str], list[int]] = {}

    # -- state -----------------------------------------------------------------------------------------
    def add_family(self, family: FamilyState, member_bits: Sequence[bytes] = ()) -> int:
        """Load an existing family with its members' fingerprints (oldest first); returns its index."""
        if family.key in self._index:
            raise ValueError(f"duplicate family key {family.key!r}")
        idx = len(self.families_)
        self.families_.append(family)
        self._index[family.key] = idx
        self._reps.append(0)
        self._block_of.append(family.group_label)
        self._blocks.setdefault(family.group_label, _Block())
        if family.scaffold and scaffold_ring_count(family.scaffold) >= self.params.min_scaffold_rings:
            self._by_scaffold.setdefault((family.group_label, family.scaffold), []).append(idx)
        for bits in member_bits:
            self._add_rep(idx, bits)
        return idx

    def family(self, key: str) -> FamilyState:
        """The family with this key (``KeyError`` if unknown)."""
        return self.families_[self._index[key]]

    def _add_rep(self, idx: int, bits: bytes) -> None:
        if self._reps[idx] < self.params.max_representatives:
            self._blocks[self._block_of[idx]].add(bits, idx)
            self._reps[idx] += 1

    # -- placing -----------------------------------------------------------------------------------------
    def _best_in(self, label: str | None, query: np.ndarray, qcount: int) -> tuple[int, float] | None:
        block = self._blocks.get(label)
        if block is None or block.n == 0:
            return None
        fams, sims = block.best(query, qcount)
        top = float(sims.max())
        return int(fams[sims == top].min()), top  # tie: the older family

    def assign(self, cand: Candidate) -> Assignment:
        """Place one substance: join the best compatible family or found a new one."""
        p = self.params
        query = np.frombuffer(cand.bits, dtype=np.uint64)
        qcount = int(np.bitwise_count(query).sum())
        label = cand.group.label if cand.group else None
        searches: list[list[str | None]]
        if label is not None:
            searches = [[label], [None]]
        else:
            searches = [sorted(self._blocks, key=lambda k: (k is not None, k or ""))]
        for labels in searches:
            found = [b for b in (self._best_in(lab, query, qcount) for lab in labels) if b is not None]
            if found:
                idx, sim = max(found, key=lambda fs: (fs[1], -fs[0]))
                if sim >= p.threshold:
                    return self._join(idx, cand, sim, "similarity")
        if cand.scaffold and scaffold_ring_count(cand.scaffold) >= p.min_scaffold_rings:
            same = self._by_scaffold.get((label, cand.scaffold), [])
            if same:
                block = self._blocks[label]
                fams, sims = block.best(query, qcount)
                best: tuple[int, float] | None = None
                for f, s in zip(fams.tolist(), sims.tolist(), strict=True):
                    if f in same and s >= p.scaffold_threshold and (best is None or s > best[1]):
                        best = (f, s)
                if best is not None:
                    return self._join(best[0], cand, best[1], "scaffold")
        return self._found(cand)

    def _join(self, idx: int, cand: Candidate, sim: float, via: str) -> Assignment:
        fam = self.families_[idx]
        fam.size += 1
        self._add_rep(idx, cand.bits)
        if len(fam.founders) < self.params.core_members:
            fam.founders.append(cand.smiles)
            fam.changed = fam.stale = True
        if cand.first_seen and (fam.first_seen is None or cand.first_seen < fam.first_seen):
            fam.first_seen = cand.first_seen
            fam.changed = True
        return Assignment(cand.substance_id, fam.key, False, round(sim, 4), via)

    def _found(self, cand: Candidate) -> Assignment:
        p = self.params
        group = cand.group
        if group is not None:
            method = "legal_generic"
        elif cand.scaffold and scaffold_ring_count(cand.scaffold) >= p.min_scaffold_rings:
            method = "scaffold"
        else:
            method = "cluster"
        key = f"{method}:{group.rule_id if group else '-'}:{cand.ident}"
        basis: dict[str, Any] = {
            "rule_id": group.rule_id if group else None,
            "captured": group.captured if group else None,
            "scaffold": cand.scaffold,
            "founder": cand.ident,
            "founder_name": cand.name or cand.ident,
            **p.as_dict(),
        }
        fam = FamilyState(
            key=key,
            name="",
            method=method,
            core_smarts=None,
            basis=basis,
            first_seen=cand.first_seen,
            group_label=group.label if group else None,
            scaffold=cand.scaffold,
            founders=[cand.smiles],
            size=1,
            changed=True,
            stale=True,
        )
        idx = self.add_family(fam)
        self._add_rep(idx, cand.bits)
        return Assignment(cand.substance_id, key, True, None, "founded")

    def describe(self) -> list[FamilyState]:
        """Name and core every family whose founding members changed; returns those families.

        Run once after a batch of :meth:`assign` calls (naming runs SMARTS matches and an MCS, so it
        is done per family, not per substance).
        """
        done = []
        for fam in self.families_:
            if not fam.stale:
                continue
            mols = [m for m in (Chem.MolFromSmiles(s) for s in fam.founders) if m is not None]
            fallback = f"analogues of {fam.basis.get('founder_name') or fam.basis.get('founder')}"
            fam.name = family_label_text(fam.group_label, mols, fallback=fallback)
            fam.core_smarts = _core_smarts(mols, timeout=self.params.mcs_timeout)
            fam.stale = False
            done.append(fam)
        return done


def _core_smarts(mols: Sequence[Chem.Mol], *, timeout: int) -> str | None:
    """Maximum common substructure of the founding members (whole rings only), as SMARTS."""
    if not mols:
        return None
    if len(mols) == 1:
        return Chem.MolToSmarts(mols[0])
    with capture_rdkit_log():
        res = rdFMCS.FindMCS(list(mols), timeout=timeout, ringMatchesRingOnly=True, completeRingsOnly=True)
    if res.canceled or not res.smartsString:
        # a timed-out search would make the core depend on machine speed: use the first founder's
        # Murcko scaffold instead, which is deterministic
        logger.info("MCS of %d founding members timed out after %ds; using the scaffold", len(mols), timeout)
        scaffold = MurckoScaffold.GetScaffoldForMol(mols[0])
        return Chem.MolToSmarts(scaffold) if scaffold.GetNumAtoms() else Chem.MolToSmarts(mols[0])
    return str(res.smartsString)
