"""Find or create substances by stereo-free InChIKey, safely under concurrent writers."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from chem.names import SynonymTable, normalise_name
from chem.standardise import STANDARDISATION_VERSION, StandardStructure
from fews.db import dialect_name
from fews.models import Substance, SubstanceName

__all__ = ["SubstanceRegistry", "preferred_name_for"]


def _insert(session: Session, model: type) -> object:
    return postgresql.insert(model) if dialect_name(session) == "postgresql" else sqlite.insert(model)


def preferred_name_for(structure: StandardStructure, table: SynonymTable, fallback: str | None) -> str:
    names = table.names_for(structure.inchikey_nostereo)
    for kind in ("common", "code", "systematic", "street", "brand"):
        for syn in names:
            if syn.kind == kind:
                return syn.preferred_name or syn.name
    return fallback or structure.formula


class SubstanceRegistry:
    """Per-session memo of ``inchikey_nostereo -> substance id``; inserts with ON CONFLICT DO NOTHING."""

    def __init__(self, table: SynonymTable | None = None):
        self.table = table or SynonymTable.default()
        self._ids: dict[str, int] = {}
        self._names: set[tuple[int, str]] = set()
        self._raw_names: set[tuple[int, str]] = set()
        self.created = 0

    def forget(self) -> None:
        """Drop the memo (call after a rollback: ids created in it no longer exist)."""
        self._ids.clear()
        self._names.clear()
        self._raw_names.clear()

    def ensure(
        self,
        session: Session,
        structure: StandardStructure,
        *,
        reported_name: str | None = None,
        name_kind: str = "reported",
        source: str | None = None,
    ) -> int:
        key = structure.inchikey_nostereo
        sid = self._ids.get(key)
        if sid is None:
            sid = session.scalar(select(Substance.id).where(Substance.inchikey_nostereo == key))
            if sid is None:
                stmt = (
                    _insert(session, Substance)
                    .values(  # type: ignore[attr-defined]
                        inchikey_nostereo=key,
                        inchikey=structure.inchikey,
                        smiles=structure.smiles,
                        formula=structure.formula,
                        exact_mass=structure.exact_mass,
                        mol_weight=structure.mol_weight,
                        preferred_name=preferred_name_for(structure, self.table, reported_name)[:300],
                        standardisation_version=STANDARDISATION_VERSION,
                        international_status={},
                    )
                    .on_conflict_do_nothing(index_elements=["inchikey_nostereo"])
                )
                session.execute(stmt)
                sid = session.scalar(select(Substance.id).where(Substance.inchikey_nostereo == key))
                if sid is None:  # cannot happen: inserted or already there
                    raise RuntimeError(f"substance {key} vanished after insert")
                self.created += 1
                for syn in self.table.names_for(key):
                    self._add_name(session, sid, syn.name, syn.kind, syn.source)
            self._ids[key] = sid
        if reported_name:
            self._add_name(session, sid, reported_name, name_kind, source)
        return sid

    def _add_name(self, session: Session, sid: int, name: str, kind: str, source: str | None) -> None:
        if (sid, name) in self._raw_names:
            return
        self._raw_names.add((sid, name))
        norm = normalise_name(name)[:300]
        if not norm or (sid, norm) in self._names:
            return
        self._names.add((sid, norm))
        stmt = (
            _insert(session, SubstanceName)
            .values(  # type: ignore[attr-defined]
                substance_id=sid, name=name[:300], name_norm=norm, kind=kind, source=(source or None) and source[:300]
            )
            .on_conflict_do_nothing(index_elements=["substance_id", "name_norm"])
        )
        session.execute(stmt)
