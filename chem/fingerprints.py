"""Morgan (ECFP4-like) fingerprints packed to bytes, fast bulk Tanimoto, generic Murcko scaffolds.

Fingerprints come from RDKit's ``rdFingerprintGenerator`` Morgan generator (radius 2, 2048 bits,
the ECFP4 analogue of Rogers & Hahn 2010) and are stored packed: 256 bytes per structure,
most significant bit first (``numpy.packbits``), which is also the layout ``bblean`` expects.
:func:`tanimoto_many` compares one packed fingerprint with an ``(n, 256)`` array using a
vectorised popcount, so no Python loop runs per structure.

:data:`FP_VERSION` names the recipe; a stored fingerprint with another version is recomputed.

References
----------
Rogers D., Hahn M. "Extended-connectivity fingerprints". J. Chem. Inf. Model. 2010, 50, 742-754.
Bemis G. W., Murcko M. A. "The properties of known drugs. 1. Molecular frameworks".
J. Med. Chem. 1996, 39, 2887-2893.

Examples
--------
>>> bits = morgan_bits("CNC(C)C(=O)c1ccc(C)cc1")  # mephedrone
>>> len(bits)
256
>>> packed = pack_many([bits, morgan_bits("CNC(C)C(=O)c1cccc(C)c1")])  # + 3-MMC
>>> [round(float(x), 2) for x in tanimoto_many(bits, packed)]
[1.0, 0.62]
>>> generic_scaffold("CCNC(CC)C(=O)c1ccc2c(c1)OCO2")  # eutylone
'C1CCC2CCCC2C1'
>>> generic_scaffold("CCO") is None
True
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import cache
from typing import Any

import numpy as np
from rdkit import Chem
from rdkit.Chem import rdFingerprintGenerator
from rdkit.Chem.Scaffolds import MurckoScaffold

from chem.errors import InvalidStructure
from chem.rdkit_log import capture_rdkit_log, log_reason
from chem.types import Mol

__all__ = [
    "FP_BITS",
    "FP_BYTES",
    "FP_RADIUS",
    "FP_VERSION",
    "generic_scaffold",
    "morgan_bits",
    "morgan_bits_many",
    "pack_many",
    "popcounts",
    "scaffold_ring_count",
    "tanimoto_many",
]

FP_RADIUS = 2
FP_BITS = 2048
FP_BYTES = FP_BITS // 8
#: Recipe of the stored fingerprints; change it whenever radius, size or generator options change.
FP_VERSION = f"morgan-r{FP_RADIUS}-{FP_BITS}-v1"


@cache
def _generator() -> Any:
    # Created on first use (not at import); RDKit generators are reusable and cheap to call.
    return rdFingerprintGenerator.GetMorganGenerator(radius=FP_RADIUS, fpSize=FP_BITS)


def _as_mol(smiles_or_mol: str | Mol) -> Mol:
    if isinstance(smiles_or_mol, Chem.Mol):
        if smiles_or_mol.GetNumAtoms() == 0:
            raise InvalidStructure("", reason="the molecule has no atoms", code="no_atoms")
        return smiles_or_mol
    if not isinstance(smiles_or_mol, str):
        raise TypeError(f"expected a SMILES string or an RDKit Mol, got {type(smiles_or_mol).__name__}")
    if not smiles_or_mol.strip():
        raise InvalidStructure(smiles_or_mol, reason="empty SMILES", code="empty")
    with capture_rdkit_log() as messages:
        mol = Chem.MolFromSmiles(smiles_or_mol)
    if mol is None:
        raise InvalidStructure(
            smiles_or_mol, reason=log_reason(messages, default="unreadable SMILES"), code="unparsable"
        )
    if mol.GetNumAtoms() == 0:
        raise InvalidStructure(smiles_or_mol, reason="the molecule has no atoms", code="no_atoms")
    return mol


def morgan_bits(smiles_or_mol: str | Mol) -> bytes:
    """The packed 2048-bit Morgan fingerprint (radius 2) of a structure.

    Parameters
    ----------
    smiles_or_mol : str or Mol
        A SMILES string or an RDKit molecule (not modified).

    Returns
    -------
    bytes
        :data:`FP_BYTES` (256) bytes, bit 0 in the most significant bit of byte 0.

    Raises
    ------
    InvalidStructure
        If the SMILES is empty or cannot be read.
    TypeError
        If the input is neither a string nor a molecule.

    Examples
    --------
    >>> bits = morgan_bits("CC(N)Cc1ccccc1")  # amphetamine
    >>> int(np.unpackbits(np.frombuffer(bits, dtype=np.uint8)).sum()) > 0
    True
    """
    mol = _as_mol(smiles_or_mol)
    arr = _generator().GetFingerprintAsNumPy(mol)
    return np.packbits(arr.astype(np.uint8, copy=False)).tobytes()


def pack_many(fingerprints: Iterable[bytes]) -> np.ndarray:
    """Stack packed fingerprints into a ``(n, 256)`` ``uint8`` array.

    Raises
    ------
    ValueError
        If a fingerprint is not :data:`FP_BYTES` long.

    Examples
    --------
    >>> pack_many([]).shape
    (0, 256)
    """
    blobs = list(fingerprints)
    for i, b in enumerate(blobs):
        if len(b) != FP_BYTES:
            raise ValueError(f"fingerprint {i} has {len(b)} bytes; expected {FP_BYTES}")
    if not blobs:
        return np.zeros((0, FP_BYTES), dtype=np.uint8)
    return np.frombuffer(b"".join(blobs), dtype=np.uint8).reshape(len(blobs), FP_BYTES).copy()


def _check_packed(packed: np.ndarray) -> np.ndarray:
    if not isinstance(packed, np.ndarray) or packed.dtype != np.uint8 or packed.ndim != 2:
        raise ValueError(f"packed fingerprints must be a 2-d uint8 array, got {getattr(packed, 'shape', packed)!r}")
    if packed.shape[1] != FP_BYTES:
        raise ValueError(f"packed fingerprints must have {FP_BYTES} columns, got {packed.shape[1]}")
    return np.ascontiguousarray(packed)


def popcounts(packed: np.ndarray) -> np.ndarray:
    """Number of set bits of each row of a ``(n, 256)`` packed array (``int64``)."""
    arr = _check_packed(packed)
    return np.bitwise_count(arr.view(np.uint64)).sum(axis=1, dtype=np.int64)


def tanimoto_many(query: bytes, packed: np.ndarray, *, counts: np.ndarray | None = None) -> np.ndarray:
    """Tanimoto similarity of one packed fingerprint with every row of ``packed``.

    Parameters
    ----------
    query : bytes
        A packed fingerprint (:func:`morgan_bits`).
    packed : numpy.ndarray
        ``(n, 256)`` ``uint8`` array of packed fingerprints.
    counts : numpy.ndarray, optional
        Precomputed :func:`popcounts` of ``packed`` (saves work when the array is reused).

    Returns
    -------
    numpy.ndarray
        ``(n,)`` ``float64`` similarities in [0, 1]; two empty fingerprints score 0, as in RDKit.

    Raises
    ------
    ValueError
        If the query or the array has the wrong size or type.

    Examples
    --------
    >>> q = morgan_bits("CCN(CC)CCn1c(Cc2ccc(OCC)cc2)nc2cc([N+](=O)[O-])ccc21")  # etonitazene
    >>> tanimoto_many(q, pack_many([q])).tolist()
    [1.0]
    """
    if len(query) != FP_BYTES:
        raise ValueError(f"query fingerprint has {len(query)} bytes; expected {FP_BYTES}")
    arr = _check_packed(packed)
    if arr.shape[0] == 0:
        return np.zeros(0, dtype=np.float64)
    q = np.frombuffer(query, dtype=np.uint64)
    inter = np.bitwise_count(arr.view(np.uint64) & q).sum(axis=1, dtype=np.int64)
    row_counts = popcounts(arr) if counts is None else counts
    union = int(np.bitwise_count(q).sum()) + row_counts - inter
    out = np.zeros(arr.shape[0], dtype=np.float64)
    np.divide(inter, union, out=out, where=union > 0)
    return out


def generic_scaffold(smiles_or_mol: str | Mol) -> str | None:
    """The generic Bemis-Murcko scaffold (every atom carbon, every bond single) as canonical SMILES.

    Parameters
    ----------
    smiles_or_mol : str or Mol
        A SMILES string or an RDKit molecule (not modified).

    Returns
    -------
    str or None
        Canonical SMILES of the generic ring framework, or ``None`` for an acyclic structure.

    Raises
    ------
    InvalidStructure
        If the SMILES is empty or cannot be read.

    Examples
    --------
    >>> generic_scaffold("O=C(C1CC1)N(c1ccccc1)C1CCN(CCc2ccccc2)CC1")  # cyclopropylfentanyl
    'C1CCC(CCC2CCC(C(CC3CC3)C3CCCCC3)CC2)CC1'
    """
    mol = _as_mol(smiles_or_mol)
    if mol.GetRingInfo().NumRings() == 0:
        return None
    with capture_rdkit_log():
        core = MurckoScaffold.GetScaffoldForMol(mol)
        generic = MurckoScaffold.MakeScaffoldGeneric(core)
        generic = MurckoScaffold.GetScaffoldForMol(generic)  # drop exocyclic atoms left by "=O" on the core
        smiles = Chem.MolToSmiles(generic)
    return smiles or None


def scaffold_ring_count(scaffold: str | None) -> int:
    """Number of rings of a scaffold SMILES (0 for ``None``).

    Examples
    --------
    >>> scaffold_ring_count("C1CCC2CCCC2C1"), scaffold_ring_count(None)
    (2, 0)
    """
    if not scaffold:
        return 0
    mol = Chem.MolFromSmiles(scaffold)
    if mol is None:
        raise InvalidStructure(scaffold, reason="scaffold SMILES does not parse", code="unparsable")
    return int(mol.GetRingInfo().NumRings())


def morgan_bits_many(structures: Sequence[str | Mol]) -> np.ndarray:
    """Packed fingerprints of many structures as one ``(n, 256)`` array (raises on the first bad one)."""
    return pack_many(morgan_bits(s) for s in structures)
