"""Structure standardisation: one parent structure and identity key per input.

Every structure that enters FEWS (from a SMILES, a MOL block, an SDF record or
a resolved name) goes through the same RDKit ``rdMolStandardize`` pipeline:

1. ``cleanup``: RDKit's standard clean-up (remove explicit H, disconnect
   metals, normalise functional groups such as nitro, reionise).
2. ``fragment_parent``: keep the largest fragment (drops counter-ions,
   hydrate water and solvents; the dropped SMILES are reported).
3. ``uncharge``: neutralise by adding/removing protons where possible
   (a protonated amine becomes the free base; a quaternary ammonium stays).
4. ``canonical_tautomer``: RDKit's canonical tautomer, *keeping* sp3 and
   double-bond stereochemistry (optional, ``tautomer=False`` skips it).

No chemistry is hand-written here: the steps are RDKit's, and the pipeline is
data (:data:`PIPELINE`) versioned by :data:`STANDARDISATION_VERSION`, which is
stored with every record.  Stereochemistry and isotopes are kept in the
SMILES and the full InChIKey; the *identity key* of a substance is the
InChIKey of the parent with stereochemistry removed
(:attr:`StandardStructure.inchikey_nostereo`), so the enantiomers of
methamphetamine are one substance with two full keys.

Examples
--------
>>> s = standardise_smiles("CNC(C)C(=O)c1ccc(C)cc1.Cl")  # mephedrone hydrochloride
>>> s.smiles, s.formula, s.removed_fragments
('CNC(C)C(=O)c1ccc(C)cc1', 'C11H15NO', ('Cl',))
>>> s.inchikey_nostereo
'YELGFTGWJGBAQU-UHFFFAOYSA-N'
>>> try:
...     standardise_smiles("C(C)(C)(C)(C)C")
... except InvalidStructure as err:
...     print(err.code, "-", err.reason)
sanitization - Explicit valence for atom # 0 C, 5, is greater than permitted
"""

from __future__ import annotations

import json
import logging
import re
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any

from rdkit import Chem
from rdkit.Chem import rdMolDescriptors
from rdkit.Chem.Descriptors import MolWt  # type: ignore[attr-defined]  # defined at runtime
from rdkit.Chem.MolStandardize import rdMolStandardize

from chem.errors import InvalidStructure
from chem.rdkit_log import capture_rdkit_log, log_reason
from chem.types import Mol

__all__ = [
    "MAX_HEAVY_ATOMS",
    "MAX_SMILES_LENGTH",
    "PIPELINE",
    "STANDARDISATION_VERSION",
    "StandardStructure",
    "StandardiseCache",
    "standardise_mol",
    "standardise_molblock",
    "standardise_smiles",
    "try_standardise_smiles",
]

logger = logging.getLogger(__name__)

#: Version of :data:`PIPELINE`; bump whenever a step, its order or its
#: parameters change (a test pins the pair), and store it with every record.
STANDARDISATION_VERSION = "2026.11-1"

#: The standardisation steps as data: ``(step name, parameters)`` in order.
PIPELINE: tuple[tuple[str, dict[str, Any]], ...] = (
    ("cleanup", {}),
    ("fragment_parent", {}),
    ("uncharge", {"canonical_order": True}),
    (
        "canonical_tautomer",
        {
            "remove_sp3_stereo": False,
            "remove_bond_stereo": False,
            "max_tautomers": 1000,
            "max_transforms": 1000,
        },
    ),
)

#: Structures with more heavy atoms are refused (``code="too_large"``) before
#: any expensive step; NPS are small molecules (fentanyl has 25).
MAX_HEAVY_ATOMS = 500

#: Longer SMILES strings are refused (``code="too_large"``) without parsing.
MAX_SMILES_LENGTH = 100 * MAX_HEAVY_ATOMS


@dataclass(frozen=True, slots=True)
class StandardStructure:
    """The standardised parent of one input structure.

    Attributes
    ----------
    smiles : str
        Canonical isomeric SMILES of the parent (stereo and isotopes kept).
    inchikey : str
        Full standard InChIKey of the parent.
    inchikey_nostereo : str
        Standard InChIKey of the parent with stereochemistry removed; the
        identity key of a substance.
    formula : str
        Hill formula of the parent.
    exact_mass : float
        Monoisotopic mass (isotope labels respected).
    mol_weight : float
        Average molecular weight.
    removed_fragments : tuple of str
        SMILES of the salts/solvents that were stripped, in input order.
    neutralised : bool
        Whether the uncharge step changed a charge.
    tautomer_changed : bool
        Whether the canonical tautomer differs from the uncharged parent.
    has_stereo : bool
        Whether the parent carries defined tetrahedral or double-bond stereo.
    """

    smiles: str
    inchikey: str
    inchikey_nostereo: str
    formula: str
    exact_mass: float
    mol_weight: float
    removed_fragments: tuple[str, ...]
    neutralised: bool
    tautomer_changed: bool
    has_stereo: bool


@dataclass
class _Trace:
    """What the steps did to one structure (collected while running)."""

    removed_fragments: tuple[str, ...] = ()
    neutralised: bool = False
    tautomer_changed: bool = False


# --- the steps -------------------------------------------------------------------------------------------


def _step_cleanup(mol: Mol, trace: _Trace) -> Mol:
    return rdMolStandardize.Cleanup(mol)


def _step_fragment_parent(mol: Mol, trace: _Trace) -> Mol:
    fragments = Chem.GetMolFrags(mol, asMols=True, sanitizeFrags=False)
    parent = rdMolStandardize.FragmentParent(mol, None, True)  # skipStandardize: cleanup already ran
    if len(fragments) > 1:
        removed = [Chem.MolToSmiles(fragment) for fragment in fragments]
        removed.remove(Chem.MolToSmiles(parent))
        trace.removed_fragments = tuple(removed)
    return parent


@cache
def _uncharger(canonical_order: bool) -> rdMolStandardize.Uncharger:
    return rdMolStandardize.Uncharger(canonicalOrder=canonical_order)


def _charge_state(mol: Mol) -> list[tuple[int, int]]:
    return [(atom.GetFormalCharge(), atom.GetTotalNumHs()) for atom in mol.GetAtoms()]


def _step_uncharge(mol: Mol, trace: _Trace, *, canonical_order: bool) -> Mol:
    before = _charge_state(mol)
    uncharged = _uncharger(canonical_order).uncharge(mol)
    trace.neutralised = _charge_state(uncharged) != before
    return uncharged


@cache
def _tautomer_enumerator(
    remove_sp3_stereo: bool, remove_bond_stereo: bool, max_tautomers: int, max_transforms: int
) -> rdMolStandardize.TautomerEnumerator:
    params = rdMolStandardize.CleanupParameters()
    settings = {
        "tautomerRemoveSp3Stereo": remove_sp3_stereo,
        "tautomerRemoveBondStereo": remove_bond_stereo,
        "maxTautomers": max_tautomers,
        "maxTransforms": max_transforms,
    }
    rdMolStandardize.UpdateParamsFromJSON(params, json.dumps(settings))
    return rdMolStandardize.TautomerEnumerator(params)


def _step_canonical_tautomer(
    mol: Mol,
    trace: _Trace,
    *,
    remove_sp3_stereo: bool,
    remove_bond_stereo: bool,
    max_tautomers: int,
    max_transforms: int,
) -> Mol:
    enumerator = _tautomer_enumerator(remove_sp3_stereo, remove_bond_stereo, max_tautomers, max_transforms)
    canonical = enumerator.Canonicalize(mol)
    trace.tautomer_changed = Chem.MolToSmiles(canonical) != Chem.MolToSmiles(mol)
    return canonical


_STEPS: dict[str, Callable[..., Mol]] = {
    "cleanup": _step_cleanup,
    "fragment_parent": _step_fragment_parent,
    "uncharge": _step_uncharge,
    "canonical_tautomer": _step_canonical_tautomer,
}

# RDKit raises these for structures it cannot process; each becomes an InvalidStructure.
_RDKIT_ERRORS = (Chem.rdchem.MolSanitizeException, RuntimeError, ValueError)


# --- the pipeline ----------------------------------------------------------------------------------------


def _has_stereo(mol: Mol) -> bool:
    if any(atom.GetChiralTag() != Chem.ChiralType.CHI_UNSPECIFIED for atom in mol.GetAtoms()):
        return True
    defined = (Chem.BondStereo.STEREONONE, Chem.BondStereo.STEREOANY)
    return any(bond.GetStereo() not in defined for bond in mol.GetBonds())


def _check_size(mol: Mol, source: str) -> None:
    if mol.GetNumAtoms() == 0:
        raise InvalidStructure(source, reason="the structure has no atoms", code="no_atoms")
    heavy = mol.GetNumHeavyAtoms()
    if heavy > MAX_HEAVY_ATOMS:
        raise InvalidStructure(
            source,
            reason=f"{heavy} heavy atoms is more than the limit of {MAX_HEAVY_ATOMS}",
            code="too_large",
        )


def _check_size_before_sanitising(parse: Callable[..., Mol | None], text: str) -> None:
    """Refuse a structure over the size limit before RDKit sanitises it: ring perception of a
    10,000-atom polycycle took over two minutes, only for the size check to refuse it afterwards."""
    with capture_rdkit_log():
        raw = parse(text, sanitize=False)
    if raw is not None:
        _check_size(raw, text)


_V3000_COUNTS = re.compile(r"^M  V30 COUNTS ([0-9]+)", re.MULTILINE)
_V2000_ATOMS = re.compile(r" *([0-9]{1,3})$")


def _declared_atoms(block: str) -> int | None:
    """The atom count a MOL block declares (V2000 counts line or V3000 ``COUNTS``), read as text:
    RDKit needs seconds just to read (even unsanitised) a block of thousands of ring atoms."""
    match = _V3000_COUNTS.search(block)
    if match:
        return int(match.group(1))
    lines = block.split("\n", 4)
    counts = _V2000_ATOMS.match(lines[3][:3]) if len(lines) > 3 else None
    return int(counts.group(1)) if counts else None


def _inchikey(mol: Mol, source: str, what: str) -> str:
    with capture_rdkit_log() as messages:
        key = Chem.MolToInchiKey(mol)
    if not key:
        reason = log_reason(messages, default="the InChI library returned no key")
        raise InvalidStructure(source, reason=f"no {what}: {reason}", code="inchi_failed")
    return key


def _run_pipeline(mol: Mol, *, tautomer: bool, source: str) -> StandardStructure:
    """Standardise a sanitised molecule that the caller owns (it may be changed)."""
    _check_size(mol, source)
    mol.RemoveAllConformers()  # stereo is in the atom/bond tags by now; keys must not depend on coordinates
    trace = _Trace()
    error: Exception | None = None
    failed = ""
    with capture_rdkit_log() as messages:
        try:
            for name, params in PIPELINE:
                if name == "canonical_tautomer" and not tautomer:
                    continue
                mol = _STEPS[name](mol, trace, **params)
        except _RDKIT_ERRORS as exc:
            failed = name
            error = exc
    if error is not None:
        reason = log_reason(messages, default=str(error) or type(error).__name__)
        raise InvalidStructure(source, reason=f"{failed} step failed: {reason}", code="sanitization")
    if messages:
        logger.debug("RDKit messages while standardising %r: %s", source, messages)

    inchikey = _inchikey(mol, source, "InChIKey")
    has_stereo = _has_stereo(mol)
    if has_stereo:
        flat = Chem.Mol(mol)
        Chem.RemoveStereochemistry(flat)
        inchikey_nostereo = _inchikey(flat, source, "stereo-free InChIKey")
    else:  # nothing to remove: the full key is already stereo-free
        inchikey_nostereo = inchikey
    return StandardStructure(
        smiles=Chem.MolToSmiles(mol),
        inchikey=inchikey,
        inchikey_nostereo=inchikey_nostereo,
        formula=rdMolDescriptors.CalcMolFormula(mol),
        exact_mass=rdMolDescriptors.CalcExactMolWt(mol),
        mol_weight=MolWt(mol),
        removed_fragments=trace.removed_fragments,
        neutralised=trace.neutralised,
        tautomer_changed=trace.tautomer_changed,
        has_stereo=has_stereo,
    )


# --- public entry points ---------------------------------------------------------------------------------


def _require_text(value: object, what: str) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise TypeError(f"{what} must be a str, got {type(value).__name__}: {value!r:.80}")
    return value


def standardise_mol(mol: Mol, *, tautomer: bool = True, source: str = "") -> StandardStructure:
    """Standardise an RDKit molecule (the input is never modified).

    Parameters
    ----------
    mol : Mol
        The molecule; it is copied and sanitised before standardisation.
        Stereochemistry is read from the atom and bond stereo tags, not from
        coordinates.
    tautomer : bool, default True
        Run the ``canonical_tautomer`` step.
    source : str, default ""
        The text the molecule came from, echoed in errors (defaults to the
        molecule's SMILES).

    Returns
    -------
    StandardStructure

    Raises
    ------
    InvalidStructure
        ``no_atoms``, ``too_large``, ``sanitization`` or ``inchi_failed``.
    TypeError
        If ``mol`` is not an RDKit molecule.

    Examples
    --------
    >>> from rdkit import Chem
    >>> mol = Chem.MolFromSmiles("C[NH2+]C(C)Cc1ccccc1")  # protonated methamphetamine
    >>> s = standardise_mol(mol)
    >>> s.smiles, s.neutralised
    ('CNC(C)Cc1ccccc1', True)
    >>> Chem.MolToSmiles(mol)  # untouched
    'C[NH2+]C(C)Cc1ccccc1'
    """
    if not isinstance(mol, Chem.Mol):
        raise TypeError(f"mol must be an RDKit Mol, got {type(mol).__name__}: {mol!r:.80}")
    work = Chem.Mol(mol)
    if not source:
        with capture_rdkit_log():
            try:
                source = Chem.MolToSmiles(work)
            except _RDKIT_ERRORS:
                source = "<unprintable Mol>"
    _check_size(work, source)
    with capture_rdkit_log() as messages:
        try:
            Chem.SanitizeMol(work)
        except Chem.rdchem.MolSanitizeException as exc:
            error: Exception | None = exc
        else:
            error = None
    if error is not None:
        raise InvalidStructure(source, reason=log_reason(messages, default=str(error)), code="sanitization")
    return _run_pipeline(work, tautomer=tautomer, source=source)


def standardise_smiles(smiles: str, *, tautomer: bool = True) -> StandardStructure:
    """Parse and standardise a SMILES string.

    Parameters
    ----------
    smiles : str
        The SMILES (surrounding whitespace is ignored; ``None`` counts as
        empty).
    tautomer : bool, default True
        Run the ``canonical_tautomer`` step.

    Returns
    -------
    StandardStructure

    Raises
    ------
    InvalidStructure
        With ``code`` ``empty``, ``unparsable`` (syntax), ``sanitization``
        (e.g. bad valence; the reason is RDKit's message), ``no_atoms``,
        ``too_large`` or ``inchi_failed``.
    TypeError
        If ``smiles`` is not a string.

    Examples
    --------
    >>> standardise_smiles("O=c1cccc[nH]1").inchikey == standardise_smiles("Oc1ccccn1").inchikey
    True
    >>> try:
    ...     standardise_smiles("C1CC")
    ... except InvalidStructure as err:
    ...     print(err.code, "-", err.reason)
    unparsable - unclosed ring
    """
    text = _require_text(smiles, "smiles").strip()
    if not text:
        raise InvalidStructure(text, reason="the SMILES is empty", code="empty")
    if len(text) > MAX_SMILES_LENGTH:
        raise InvalidStructure(
            text,
            reason=f"a SMILES of {len(text)} characters is longer than the limit of {MAX_SMILES_LENGTH}",
            code="too_large",
        )
    if len(text) > MAX_HEAVY_ATOMS:  # shorter SMILES cannot hold too many atoms
        _check_size_before_sanitising(Chem.MolFromSmiles, text)
    with capture_rdkit_log() as messages:
        mol = Chem.MolFromSmiles(text)
        if mol is None:  # tell a syntax error from a chemically impossible structure
            unsanitised = Chem.MolFromSmiles(text, sanitize=False)
    if mol is None:
        code = "unparsable" if unsanitised is None else "sanitization"
        raise InvalidStructure(text, reason=log_reason(messages, default="RDKit could not read it"), code=code)
    return _run_pipeline(mol, tautomer=tautomer, source=text)


def standardise_molblock(block: str, *, tautomer: bool = True) -> StandardStructure:
    """Parse and standardise an MDL MOL block (V2000 or V3000).

    Parameters
    ----------
    block : str
        The MOL block, up to and including ``M  END``.
    tautomer : bool, default True
        Run the ``canonical_tautomer`` step.

    Returns
    -------
    StandardStructure

    Raises
    ------
    InvalidStructure
        As :func:`standardise_smiles`.
    TypeError
        If ``block`` is not a string.

    Examples
    --------
    >>> from rdkit import Chem
    >>> block = Chem.MolToMolBlock(Chem.MolFromSmiles("CN[C@@H](C)Cc1ccccc1"))
    >>> standardise_molblock(block).smiles
    'CN[C@@H](C)Cc1ccccc1'
    """
    text = _require_text(block, "block")
    if not text.strip():
        raise InvalidStructure(text, reason="the MOL block is empty", code="empty")
    declared = _declared_atoms(text)
    if declared is not None and declared > 2 * MAX_HEAVY_ATOMS:  # room for explicit hydrogens
        raise InvalidStructure(
            text,
            reason=f"the MOL block declares {declared} atoms, more than the limit of {2 * MAX_HEAVY_ATOMS}",
            code="too_large",
        )
    with capture_rdkit_log() as messages:
        mol = Chem.MolFromMolBlock(text)
        if mol is None:
            unsanitised = Chem.MolFromMolBlock(text, sanitize=False)
    if mol is None:
        code = "unparsable" if unsanitised is None else "sanitization"
        raise InvalidStructure(text, reason=log_reason(messages, default="RDKit could not read it"), code=code)
    return _run_pipeline(mol, tautomer=tautomer, source=text)


def try_standardise_smiles(smiles: str, **kw: Any) -> StandardStructure | None:
    """Like :func:`standardise_smiles`, but return ``None`` for an invalid structure.

    Parameters
    ----------
    smiles : str
        The SMILES.
    **kw
        Keyword options of :func:`standardise_smiles`.

    Returns
    -------
    StandardStructure or None

    Examples
    --------
    >>> try_standardise_smiles("not a smiles") is None
    True
    """
    try:
        return standardise_smiles(smiles, **kw)
    except InvalidStructure:
        return None


class StandardiseCache:
    """Bounded LRU memo of :func:`standardise_smiles`, keyed by the exact input string.

    Invalid inputs are cached too: a second ``get`` of the same bad SMILES
    raises an equal :class:`InvalidStructure` without re-parsing.  Safe to
    share between threads.

    Parameters
    ----------
    maxsize : int, default 100_000
        Most entries kept; the least recently used is evicted first.
    tautomer : bool, default True
        Passed to :func:`standardise_smiles`.

    Raises
    ------
    ValueError
        If ``maxsize`` is not a positive integer.

    Examples
    --------
    >>> cache = StandardiseCache(maxsize=10)
    >>> cache.get("CCO").smiles
    'CCO'
    >>> cache.get("CCO").formula
    'C2H6O'
    >>> cache.stats
    {'hits': 1, 'misses': 1, 'size': 1}
    """

    def __init__(self, *, maxsize: int = 100_000, tautomer: bool = True) -> None:
        if isinstance(maxsize, bool) or not isinstance(maxsize, int) or maxsize < 1:
            raise ValueError(f"maxsize must be a positive int, got {maxsize!r}")
        self.maxsize = maxsize
        self.tautomer = tautomer
        self._entries: OrderedDict[str, StandardStructure | InvalidStructure] = OrderedDict()
        self._lock = threading.Lock()
        self._hits = 0
        self._misses = 0

    def get(self, smiles: str) -> StandardStructure:
        """Return the standardised structure of ``smiles`` (computed at most once while cached).

        Raises
        ------
        InvalidStructure
            If the SMILES is invalid (also when the failure was cached).
        """
        with self._lock:
            entry = self._entries.get(smiles)
            if entry is not None:
                self._entries.move_to_end(smiles)
                self._hits += 1
        if entry is None:
            try:
                entry = standardise_smiles(smiles, tautomer=self.tautomer)
            except InvalidStructure as exc:
                entry = exc
            with self._lock:
                self._misses += 1
                self._entries[smiles] = entry
                self._entries.move_to_end(smiles)
                while len(self._entries) > self.maxsize:
                    self._entries.popitem(last=False)
        if isinstance(entry, InvalidStructure):
            # a fresh instance each time, so tracebacks do not pile up on the cached one
            raise InvalidStructure(entry.input, reason=entry.reason, code=entry.code)
        return entry

    @property
    def stats(self) -> dict[str, int]:
        """Counts so far: ``hits``, ``misses`` and the current ``size``."""
        with self._lock:
            return {"hits": self._hits, "misses": self._misses, "size": len(self._entries)}

    def clear(self) -> None:
        """Forget every entry and reset the counts."""
        with self._lock:
            self._entries.clear()
            self._hits = self._misses = 0

    def __len__(self) -> int:
        with self._lock:
            return len(self._entries)
