"""Substructure and similarity search over the substance catalogue, with the rows a results page shows.

The index (:class:`chem.search.StructureIndex`, built and persisted by :mod:`fews.search_index`) answers
which substance ids match; :func:`structure_search` turns them into :class:`SubstanceHit` rows (name,
formula, SMILES, InChIKey, family, stored UK legal status) in the index's order, at most ``limit``, and
says whether more matched. :func:`match_atoms` gives the atoms of a substance a query matched, for
highlighted depictions.

Examples
--------
>>> match_atoms("CNC(C)C(=O)c1ccc(C)cc1", "C(=O)c1ccccc1")
[4, 5, 6, 7, 8, 9, 11, 12]
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

from sqlalchemy import select
from sqlalchemy.orm import Session

from chem.search import StructureIndex, parse_query
from fews.models import Family, Substance, SubstanceLegalStatus

__all__ = [
    "MODES",
    "MAX_LIMIT",
    "SubstanceHit",
    "StructureSearchResult",
    "structure_search",
    "substance_hits",
    "match_atoms",
]

#: search modes: the query language and what is matched
MODES: dict[str, str] = {
    "substructure": "substructure (SMILES query)",
    "smarts": "substructure (SMARTS query)",
    "similarity": "similarity (SMILES query, Morgan Tanimoto)",
}
MAX_LIMIT = 500

Mode = Literal["substructure", "smarts", "similarity"]


@dataclass(frozen=True)
class SubstanceHit:
    """One substance in the results, with its similarity score (1.0 for a substructure match)."""

    id: int
    name: str | None
    formula: str
    smiles: str
    inchikey: str
    family_id: int | None
    family_name: str | None
    first_uk_detection: dt.date | None
    legal_status: str | None
    score: float = 1.0
    legal_rule: str | None = None

    @property
    def public_id(self) -> str:
        return f"S{self.id}"


@dataclass(frozen=True)
class StructureSearchResult:
    """Hits in the index's order (substructure: by id; similarity: best first), and whether more matched."""

    hits: list[SubstanceHit]
    truncated: bool
    searched: int


def _rows(session: Session, ids: list[int]) -> dict[int, SubstanceHit]:
    if not ids:
        return {}
    stmt = (
        select(
            Substance.id,
            Substance.preferred_name,
            Substance.formula,
            Substance.smiles,
            Substance.inchikey,
            Substance.family_id,
            Family.name,
            Substance.first_uk_detection_date,
            SubstanceLegalStatus.status,
        )
        .outerjoin(SubstanceLegalStatus, SubstanceLegalStatus.substance_id == Substance.id)
        .outerjoin(Family, Family.id == Substance.family_id)
        .where(Substance.id.in_(ids))
    )
    return {r[0]: SubstanceHit(*r) for r in session.execute(stmt)}


def substance_hits(session: Session, ids: list[int]) -> list[SubstanceHit]:
    """The result rows of ``ids`` (with family name and stored legal status), in the order given."""
    rows = _rows(session, ids)
    return [rows[i] for i in ids if i in rows]


def structure_search(
    session: Session,
    index: StructureIndex,
    query: str,
    *,
    mode: Mode = "substructure",
    threshold: float = 0.4,
    limit: int = 50,
) -> StructureSearchResult:
    """Substances containing (``substructure``, ``smarts``) or resembling (``similarity``) ``query``.

    Parameters
    ----------
    session
        Database session (one query for the rows of the hits).
    index
        The substance index (:func:`fews.search_index.load_or_build`).
    query
        SMILES, or SMARTS for ``mode="smarts"``.
    mode
        One of :data:`MODES`.
    threshold
        Lowest Tanimoto similarity kept (similarity mode).
    limit
        Most hits returned, 1 to :data:`MAX_LIMIT`.

    Raises
    ------
    chem.errors.InvalidStructure
        If the query cannot be read (the reason says why).
    ValueError
        For an unknown mode, a limit outside 1..MAX_LIMIT or a threshold outside [0, 1].
    """
    if mode not in MODES:
        raise ValueError(f"mode must be one of {', '.join(MODES)}, got {mode!r}")
    if not 1 <= limit <= MAX_LIMIT:
        raise ValueError(f"limit must be between 1 and {MAX_LIMIT}, got {limit}")
    if mode == "similarity":
        found = index.similar(query, threshold=threshold, top=limit + 1)
    else:
        found = index.substructure(parse_query(query, smarts=mode == "smarts"), limit=limit + 1)
    truncated = len(found) > limit
    found = found[:limit]
    rows = _rows(session, [h.id for h in found])
    hits = [
        SubstanceHit(**{**rows[h.id].__dict__, "score": round(h.score, 3)})  # a substance deleted since indexing: skip
        for h in found
        if h.id in rows
    ]
    return StructureSearchResult(hits, truncated, len(index))


def match_atoms(smiles: str, query: str, *, smarts: bool = False) -> list[int]:
    """Atom indices of ``smiles`` (as RDKit reads it) matched by ``query``; empty when it does not match.

    Raises
    ------
    chem.errors.InvalidStructure
        If the query cannot be read.
    """
    from rdkit import Chem

    qmol = parse_query(query, smarts=smarts)
    mol = Chem.MolFromSmiles(smiles)
    if mol is None:
        return []
    return sorted(mol.GetSubstructMatch(qmol))
