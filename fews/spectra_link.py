"""Link library compounds to FEWS substances by InChIKey (stereo-free, as FEWS substance identity).

:func:`link_library` upserts one :class:`fews.models.Substance` per library compound through
:class:`fews.substances.SubstanceRegistry` (the library name is recorded as a ``reference_library``
name); :func:`substance_ids` maps InChIKey first blocks to ``S<n>`` for ``fews identify``. It lives in
``fews/`` because ``reference_spectra/`` knows nothing of the database (DESIGN.md §1).
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from reference_spectra.spectrum import Spectrum

__all__ = ["LinkReport", "link_library", "substance_ids"]


@dataclass
class LinkReport:
    compounds: int = 0
    linked: int = 0
    created: int = 0
    failed: list[dict[str, str]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"compounds": self.compounds, "linked": self.linked, "created": self.created, "failed": self.failed}


def link_library(session: Session, spectra: Iterable[Spectrum]) -> LinkReport:
    """Upsert a substance for every compound with a SMILES; compounds whose SMILES cannot be standardised
    are listed in ``failed`` with the reason (never silently skipped)."""
    from chem.errors import InvalidStructure
    from chem.standardise import standardise_smiles
    from fews.substances import SubstanceRegistry

    registry = SubstanceRegistry()
    report = LinkReport()
    seen: set[str] = set()
    for spec in spectra:
        key = spec.compound_key
        if key in seen:
            continue
        seen.add(key)
        report.compounds += 1
        smiles = spec.metadata.get("SMILES")
        if not smiles:
            report.failed.append({"name": spec.name, "reason": "no SMILES in the library record"})
            continue
        try:
            structure = standardise_smiles(smiles)
        except InvalidStructure as exc:
            report.failed.append({"name": spec.name, "reason": str(exc)})
            continue
        before = registry.created
        registry.ensure(
            session,
            structure,
            reported_name=spec.name,
            name_kind="common",
            source=f"reference library {spec.metadata.get('SOURCE', '')}".strip(),
        )
        report.linked += 1
        report.created += registry.created - before
    return report


def substance_ids(session: Session, inchikeys: Iterable[str]) -> dict[str, str]:
    """``{InChIKey first block: "S<n>"}`` for the substances present in the database."""
    from fews.models import Substance

    blocks = sorted({k[:14] for k in inchikeys if k})
    out: dict[str, str] = {}
    for i in range(0, len(blocks), 500):
        chunk = blocks[i : i + 500]
        rows = session.execute(
            select(Substance.id, Substance.inchikey_nostereo).where(
                func.substr(Substance.inchikey_nostereo, 1, 14).in_(chunk)
            )
        ).all()
        for sid, key in rows:
            out[key[:14]] = f"S{sid}"
    return out


def known_substance_ids(database_url: str) -> dict[str, str]:
    """``{InChIKey first block: S<n>}`` from the configured database, or ``{}`` when there is none yet
    (a missing SQLite file is never created just to look)."""
    from sqlalchemy import create_engine
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import OperationalError, ProgrammingError
    from sqlalchemy.orm import Session

    url = make_url(database_url)
    if url.get_backend_name() == "sqlite" and (not url.database or not os.path.exists(url.database)):
        return {}
    engine = create_engine(url)
    try:
        with Session(engine) as session:
            from sqlalchemy import select

            from fews.models import Substance

            keys = [k for (k,) in session.execute(select(Substance.inchikey_nostereo))]
            return substance_ids(session, keys)
    except (OperationalError, ProgrammingError):  # not migrated yet: no substances to name
        return {}
    finally:
        engine.dispose()
