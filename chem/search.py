"""Substructure and similarity search over many structures, fast at 100k+ (an in-process index).

:class:`StructureIndex` keeps, per structure, an id, a 2048-bit RDKit pattern fingerprint and the
Morgan fingerprint of :mod:`chem.fingerprints` (both packed, 256 bytes), and the structure as RDKit's
own canonical SMILES, re-read at query time without sanitisation ("trusted" SMILES, as RDKit's
``CachedTrustedSmilesMolHolder`` does). Parsed RDKit molecules are not kept: they cost about 29 KB
each (2.9 GB at 100k), the index about 0.6 KB.

- **Substructure**: a structure can contain the query only if its pattern fingerprint has every
  bit of the query's (the screen RDKit's own ``SubstructLibrary`` uses). The screen runs as one
  vectorised ``numpy`` pass over the packed array; only the survivors are matched exactly with
  ``HasSubstructMatch``. The screen never drops a true match; it only saves exact matches.
- **Similarity**: Tanimoto on packed Morgan fingerprints (:func:`chem.fingerprints.tanimoto_many`,
  a vectorised popcount), with precomputed popcounts.

The index knows nothing of the database: ``fews.search_index`` builds it from the substance
tables (reusing stored Morgan fingerprints) and persists it with :meth:`StructureIndex.save`.

References
----------
Rogers D., Hahn M. "Extended-connectivity fingerprints". J. Chem. Inf. Model. 2010, 50, 742-754.
Landrum G. et al. "The RDKit Book": "Pattern Fingerprints" (the substructure screen) and
``rdSubstructLibrary`` (the same screen in C++). https://www.rdkit.org/docs/RDKit_Book.html

Examples
--------
>>> index = StructureIndex.build([(1, "CNC(C)C(=O)c1ccc(C)cc1"), (2, "CCNC(C)C(=O)c1ccccc1"), (3, "CCO")])
>>> [h.id for h in index.substructure("NC(C)C(=O)c1ccccc1")]  # the cathinone core
[1, 2]
>>> [(h.id, round(h.score, 2)) for h in index.similar("CNC(C)C(=O)c1ccc(C)cc1", threshold=0.3)]
[(1, 1.0), (2, 0.43)]
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from rdkit import Chem, DataStructs

from chem.errors import InvalidStructure
from chem.fingerprints import FP_BYTES, FP_VERSION, morgan_bits, pack_many, popcounts, tanimoto_many
from chem.rdkit_log import capture_rdkit_log, log_reason
from chem.types import Mol

__all__ = ["INDEX_VERSION", "PATTERN_BITS", "SearchHit", "StructureIndex", "parse_query"]

PATTERN_BITS = 2048
#: Recipe of a persisted index; a file with another version is rebuilt.
INDEX_VERSION = f"pattern-{PATTERN_BITS}-v2/{FP_VERSION}"


@dataclass(frozen=True)
class SearchHit:
    """One result: the structure's id and, for similarity, its Tanimoto score (1.0 for substructure)."""

    id: int
    score: float = 1.0


def parse_query(query: str | Mol, *, smarts: bool = False) -> Mol:
    """A query molecule from SMILES (default), SMARTS (``smarts=True``) or an RDKit molecule.

    Raises
    ------
    InvalidStructure
        If the text cannot be read.

    Examples
    --------
    >>> parse_query("[#6]C(=O)c1ccccc1", smarts=True).GetNumAtoms()
    9
    """
    if isinstance(query, Chem.Mol):
        return query
    if not isinstance(query, str) or not query.strip():
        raise InvalidStructure(str(query), reason="empty query", code="empty")
    with capture_rdkit_log() as messages:
        mol = Chem.MolFromSmarts(query) if smarts else Chem.MolFromSmiles(query)
    if mol is None or mol.GetNumAtoms() == 0:
        kind = "SMARTS" if smarts else "SMILES"
        raise InvalidStructure(query, reason=log_reason(messages, default=f"unreadable {kind}"), code="unparsable")
    if smarts:
        mol.UpdatePropertyCache(strict=False)
        Chem.FastFindRings(mol)
    return mol


def _pattern_bits(mol: Mol) -> bytes:
    fp = Chem.PatternFingerprint(mol, fpSize=PATTERN_BITS)
    arr = np.zeros((PATTERN_BITS,), dtype=np.uint8)
    DataStructs.ConvertToNumpyArray(fp, arr)
    return np.packbits(arr).tobytes()


class StructureIndex:
    """Packed fingerprints and binary molecules of many structures, searched without a Python loop
    per structure (see the module docstring).

    Build with :meth:`build` or :meth:`load`; the constructor takes ready arrays.

    Parameters
    ----------
    ids : numpy.ndarray
        ``(n,)`` ``int64`` ids.
    patterns, morgans : numpy.ndarray
        ``(n, 256)`` ``uint8`` packed pattern and Morgan fingerprints.
    smiles_blob : bytes
        The RDKit canonical SMILES (UTF-8), concatenated.
    offsets : numpy.ndarray
        ``(n + 1,)`` ``int64`` start of each SMILES in ``smiles_blob``.
    """

    def __init__(
        self, ids: np.ndarray, patterns: np.ndarray, morgans: np.ndarray, smiles_blob: bytes, offsets: np.ndarray
    ) -> None:
        n = len(ids)
        if patterns.shape != (n, FP_BYTES) or morgans.shape != (n, FP_BYTES):
            raise ValueError(f"fingerprint arrays must be ({n}, {FP_BYTES}); got {patterns.shape} and {morgans.shape}")
        if offsets.shape != (n + 1,) or int(offsets[-1]) != len(smiles_blob):
            raise ValueError("offsets do not describe the SMILES blob")
        self.ids = np.asarray(ids, dtype=np.int64)
        self.patterns = np.ascontiguousarray(patterns, dtype=np.uint8)
        self.morgans = np.ascontiguousarray(morgans, dtype=np.uint8)
        self._patterns64 = self.patterns.view(np.uint64)
        self._morgan_counts = popcounts(self.morgans)
        self._blob = smiles_blob
        self._offsets = np.asarray(offsets, dtype=np.int64)

    def __len__(self) -> int:
        return len(self.ids)

    # -- building ---------------------------------------------------------------------------------------
    @classmethod
    def build(cls, records: Iterable[tuple[int, str]], *, morgan: dict[int, bytes] | None = None) -> StructureIndex:
        """Index ``(id, SMILES)`` pairs; ``morgan`` supplies already computed Morgan fingerprints by id.

        Raises
        ------
        InvalidStructure
            If a SMILES cannot be read (stored substances are standardised, so this is a real error).
        """
        ids: list[int] = []
        patterns: list[bytes] = []
        morgans: list[bytes] = []
        blobs: list[bytes] = []
        known = morgan or {}
        for ident, smiles in records:
            with capture_rdkit_log() as messages:
                mol = Chem.MolFromSmiles(smiles)
            if mol is None:
                raise InvalidStructure(
                    smiles,
                    reason=f"structure {ident}: {log_reason(messages, default='unreadable SMILES')}",
                    code="unparsable",
                )
            ids.append(int(ident))
            patterns.append(_pattern_bits(mol))
            fp = known.get(int(ident))
            morgans.append(fp if fp is not None and len(fp) == FP_BYTES else morgan_bits(mol))
            blobs.append(Chem.MolToSmiles(mol).encode())
        offsets = np.zeros(len(blobs) + 1, dtype=np.int64)
        if blobs:
            offsets[1:] = np.cumsum([len(b) for b in blobs])
        return cls(np.array(ids, dtype=np.int64), pack_many(patterns), pack_many(morgans), b"".join(blobs), offsets)

    def save(self, path: str | os.PathLike[str]) -> None:
        """Write the index to one ``.npz`` file (no pickles)."""
        np.savez(
            path,
            version=np.array(INDEX_VERSION),
            ids=self.ids,
            patterns=self.patterns,
            morgans=self.morgans,
            smiles=np.frombuffer(self._blob, dtype=np.uint8),
            offsets=self._offsets,
        )

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> StructureIndex:
        """Read a file written by :meth:`save`.

        Raises
        ------
        ValueError
            If the file was written with another :data:`INDEX_VERSION`.
        """
        with np.load(path, allow_pickle=False) as data:
            version = str(data["version"])
            if version != INDEX_VERSION:
                raise ValueError(f"index file {os.fspath(path)!r} has version {version}; expected {INDEX_VERSION}")
            return cls(data["ids"], data["patterns"], data["morgans"], data["smiles"].tobytes(), data["offsets"])

    # -- queries ----------------------------------------------------------------------------------------
    def smiles(self, row: int) -> str:
        """The canonical SMILES at ``row``."""
        return self._blob[self._offsets[row] : self._offsets[row + 1]].decode()

    def mol(self, row: int) -> Mol:
        """The molecule at ``row``, read as trusted SMILES: no sanitisation, ring membership found."""
        mol = Chem.MolFromSmiles(self.smiles(row), sanitize=False)
        mol.UpdatePropertyCache(strict=False)
        Chem.FastFindRings(mol)
        return mol

    def screen(self, query: Mol) -> np.ndarray:
        """Rows whose pattern fingerprint holds every bit of the query's (candidates for a match)."""
        q = np.frombuffer(_pattern_bits(query), dtype=np.uint64)
        return np.flatnonzero(((self._patterns64 & q) == q).all(axis=1))

    def substructure(
        self, query: str | Mol, *, smarts: bool = False, use_chirality: bool = False, limit: int | None = None
    ) -> list[SearchHit]:
        """Structures that contain ``query``, in index order (at most ``limit``).

        Raises
        ------
        InvalidStructure
            If the query cannot be read.
        """
        qmol = parse_query(query, smarts=smarts)
        hits: list[SearchHit] = []
        for row in self.screen(qmol):
            if self.mol(int(row)).HasSubstructMatch(qmol, useChirality=use_chirality):
                hits.append(SearchHit(int(self.ids[row])))
                if limit is not None and len(hits) >= limit:
                    break
        return hits

    def similar(self, query: str | Mol, *, threshold: float = 0.4, top: int | None = 50) -> list[SearchHit]:
        """Structures with Morgan Tanimoto ≥ ``threshold`` to ``query``, best first (at most ``top``).

        Raises
        ------
        ValueError
            If ``threshold`` is outside [0, 1].
        InvalidStructure
            If the query cannot be read.
        """
        if not 0.0 <= threshold <= 1.0:
            raise ValueError(f"threshold must be in [0, 1], got {threshold!r}")
        qmol = parse_query(query)
        scores = tanimoto_many(morgan_bits(qmol), self.morgans, counts=self._morgan_counts)
        rows = np.flatnonzero(scores >= threshold)
        if top is not None and len(rows) > top:
            rows = rows[np.argpartition(-scores[rows], top - 1)[:top]]
        order = sorted(rows.tolist(), key=lambda r: (-scores[r], int(self.ids[r])))
        return [SearchHit(int(self.ids[r]), float(scores[r])) for r in order]

    def stats(self) -> dict[str, Any]:
        """Size of the index in structures and bytes."""
        return {
            "structures": len(self),
            "bytes": int(self.patterns.nbytes + self.morgans.nbytes + len(self._blob) + self._offsets.nbytes),
        }

    @staticmethod
    def brute_force_substructure(mols: Sequence[Mol], ids: Sequence[int], query: Mol) -> list[int]:
        """The reference answer: ``HasSubstructMatch`` on every molecule (for tests and benchmarks)."""
        return [i for i, m in zip(ids, mols, strict=True) if m.HasSubstructMatch(query)]
