"""The substance search index: :class:`chem.search.StructureIndex` over the ``substance`` table.

Morgan fingerprints already stored in ``substance_fingerprint`` (by family assignment) are reused;
pattern fingerprints are computed when the index is built. :func:`load_or_build` keeps the index in a
file (``instance/search/substances.npz`` by default) tagged with a signature of the table (count,
newest id, recipe), so a process rebuilds only after substances were added.
"""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from chem.fingerprints import FP_VERSION
from chem.search import INDEX_VERSION, StructureIndex
from fews.models import Substance, SubstanceFingerprint

__all__ = ["build_substance_index", "index_signature", "load_or_build"]

logger = logging.getLogger(__name__)


def index_signature(session: Session) -> str:
    """What the index depends on: substance count, newest id and the index recipe (one query)."""
    count, newest = session.execute(select(func.count(Substance.id), func.max(Substance.id))).one()
    return json.dumps({"substances": count, "max_id": newest, "version": INDEX_VERSION}, sort_keys=True)


def build_substance_index(session: Session) -> StructureIndex:
    """Index every substance (one query; stored Morgan fingerprints of the current recipe are reused)."""
    rows = session.execute(
        select(Substance.id, Substance.smiles, SubstanceFingerprint.bits, SubstanceFingerprint.version)
        .outerjoin(SubstanceFingerprint, SubstanceFingerprint.substance_id == Substance.id)
        .order_by(Substance.id)
    )
    records: list[tuple[int, str]] = []
    morgan: dict[int, bytes] = {}
    for sid, smiles, bits, version in rows:
        records.append((sid, smiles))
        if bits is not None and version == FP_VERSION:
            morgan[sid] = bytes(bits)
    return StructureIndex.build(records, morgan=morgan)


def load_or_build(session: Session, path: str | os.PathLike[str]) -> StructureIndex:
    """The persisted index at ``path`` if it matches the table, else a fresh one (written to ``path``).

    The signature is kept beside the index (``path`` + ``.json``); the index file is written to a
    temporary name and renamed, so a reader in another process never sees half a file.
    """
    target = Path(path)
    meta = target.with_name(target.name + ".json")
    signature = index_signature(session)
    if target.exists() and meta.exists() and meta.read_text() == signature:
        try:
            return StructureIndex.load(target)
        except (ValueError, OSError) as exc:
            logger.warning("rebuilding the search index: %s", exc)
    index = build_substance_index(session)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.stem}.{os.getpid()}.npz")
    index.save(tmp)
    os.replace(tmp, target)
    meta.write_text(signature)
    return index
