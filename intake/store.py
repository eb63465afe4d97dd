"""Store prepared records: new, duplicate, merged (same batch) or amended (new version).

Same key + same content = duplicate (nothing written). Same key + different content = amendment:
the old version stays, marked not current, and a new version is written. A key met again later in
the same batch with the same record fields adds its new rows to the sample stored earlier in the
batch. Writes are Core ``executemany`` inserts, so a chunk of thousands of rows is a few statements.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select, text, update
from sqlalchemy.orm import Session

from chem.standardise import StandardStructure
from fews.bulk import bulk_insert
from fews.db import dialect_name
from fews.models import (
    Component,
    HarmReport,
    HarmReportSubstance,
    IntelFinding,
    IntelReport,
    PsychoactivityResult,
    QuarantineItem,
    Sample,
    Substance,
    utcnow,
)
from fews.substances import SubstanceRegistry
from intake.prepared import Prepared

__all__ = ["StoreCounts", "store_prepared", "MODELS", "column_overflow"]


@dataclass(frozen=True)
class KindModels:
    parent: Any  # a mapped model class
    key: str
    child: Any | None = None
    child_fk: str | None = None
    child_name_field: str = "name_reported"


MODELS: dict[str, KindModels] = {
    "seizures": KindModels(Sample, "sample_id", Component, "sample_pk"),
    "reports": KindModels(HarmReport, "report_id", HarmReportSubstance, "report_pk"),
    "intel": KindModels(IntelReport, "record_id", IntelFinding, "report_pk"),
    "psychoactivity": KindModels(PsychoactivityResult, "result_id"),
}


@dataclass
class StoreCounts:
    accepted: int = 0
    duplicates: int = 0
    amended: int = 0
    stored_ids: list[int] | None = None


@dataclass(slots=True)
class _Existing:
    pk: int
    version: int
    header_sha256: str
    batch_id: int | None
    row_hashes: set[str]
    next_position: int


def _existing(session: Session, m: KindModels, items: list[Prepared]) -> dict[tuple[str, str], _Existing]:
    parent = m.parent
    keys = {p.key for p in items}
    providers = {p.provider for p in items}
    key_col = getattr(parent, m.key)
    rows = session.execute(
        select(parent.id, parent.provider, key_col, parent.version, parent.header_sha256, parent.batch_id).where(
            key_col.in_(keys), parent.is_current.is_(True)
        )
    ).all()
    found = {(r[1], r[2]): r for r in rows if r[1] in providers}
    out: dict[tuple[str, str], _Existing] = {}
    hashes: dict[int, set[str]] = {r[0]: set() for r in found.values()}
    positions: dict[int, int] = {r[0]: 0 for r in found.values()}
    if m.child is not None and hashes:
        fk = getattr(m.child, m.child_fk or "")
        for pk, h, pos in session.execute(select(fk, m.child.row_sha256, m.child.position).where(fk.in_(list(hashes)))):
            hashes[pk].add(h)
            positions[pk] = max(positions[pk], pos + 1)
    for k, r in found.items():
        # a record without child rows (e.g. a survey naming only what was on offer) is its header
        row_hashes = (hashes[r[0]] or {r[4]}) if m.child is not None else {r[4]}
        out[k] = _Existing(r[0], r[3], r[4], r[5], row_hashes, positions[r[0]])
    return out


def allocate_ids(session: Session, table: Any, n: int) -> list[int]:
    """Primary keys for ``n`` new rows, so parents and children go in as plain executemany.

    SQLite: the caller holds the write lock (``BEGIN IMMEDIATE``), so ``max(id)`` is safe.
    PostgreSQL: draw from the table's own sequence, which other writers share.
    """
    if dialect_name(session) == "postgresql":
        seq = session.execute(text("SELECT pg_get_serial_sequence(:t, 'id')"), {"t": table.name}).scalar_one()
        return list(
            session.execute(text("SELECT nextval(:s) FROM generate_series(1, :n)"), {"s": seq, "n": n}).scalars()
        )
    start = session.execute(select(func.coalesce(func.max(table.c.id), 0))).scalar_one()
    return list(range(start + 1, start + 1 + n))


def _ensure_substances_in_key_order(
    session: Session, registry: SubstanceRegistry, items: list[Prepared]
) -> dict[str, int]:
    """Find or create the chunk's substances (and their reported names) sorted by InChIKey and name;
    return their ids by stereo-free InChIKey.

    Under concurrent writers (PostgreSQL) an ``INSERT ... ON CONFLICT`` waits for another
    transaction's uncommitted row with the same key; two chunks that create the same new substances
    in different orders would each wait for the other ("deadlock detected"). One global order makes
    that impossible. Each distinct (structure, name) pair is ensured once per chunk.
    """
    wanted: dict[tuple[str, str], tuple[StandardStructure, str | None]] = {}
    for p in items:
        if p.children:
            for c in p.children:
                if c.structure is not None:
                    wanted.setdefault((c.structure.inchikey_nostereo, c.name or ""), (c.structure, c.name))
        elif p.structure is not None:
            wanted.setdefault((p.structure.inchikey_nostereo, p.name or ""), (p.structure, p.name))
    ids: dict[str, int] = {}
    for key in sorted(wanted):
        structure, name = wanted[key]
        ids[key[0]] = registry.ensure(session, structure, reported_name=name)
    return ids


def _first_detections(session: Session, firsts: dict[int, tuple[dt.date, int, str | None]]) -> None:
    if not firsts:
        return
    current = dict(
        session.execute(
            select(Substance.id, Substance.first_uk_detection_date).where(Substance.id.in_(list(firsts)))
        ).all()
    )
    for sid, (day, sample_pk, level) in sorted(firsts.items()):  # row locks in id order: no deadlock
        known = current.get(sid)
        if known is None or day < known:
            session.execute(
                update(Substance)
                .where(Substance.id == sid)
                .values(
                    first_uk_detection_date=day, first_uk_detection_sample_id=sample_pk, first_uk_detection_level=level
                )
            )


def store_prepared(
    session: Session, kind: str, items: list[Prepared], *, batch_id: int, submitted_by: str, registry: SubstanceRegistry
) -> StoreCounts:
    """Write one chunk's accepted records in the caller's transaction."""
    m = MODELS[kind]
    counts = StoreCounts(stored_ids=[])
    if not items:
        return counts
    existing = _existing(session, m, items)
    new_parents: list[tuple[Prepared, dict[str, Any]]] = []
    new_keys: list[tuple[str, str]] = []
    merges: list[tuple[_Existing, Prepared]] = []
    pending: dict[tuple[str, str], dict[str, Any]] = {}  # parents to insert, by key
    has_child = m.child is not None
    for p in items:
        key = (p.provider, p.key)
        ex = existing.get(key)
        row_hashes = p.row_hashes
        version = 1
        if ex is not None:
            if ex.header_sha256 == p.header_sha256 and ex.row_hashes.issuperset(row_hashes):
                counts.duplicates += p.nrows
                continue
            if has_child and ex.batch_id == batch_id and ex.header_sha256 == p.header_sha256:
                merges.append((ex, p))
                ex.row_hashes.update(row_hashes)
                counts.accepted += p.nrows
                continue
            if ex.pk == -1:  # the version being replaced was itself added earlier in this chunk
                pending[key]["is_current"] = False
            else:
                session.execute(update(m.parent).where(m.parent.id == ex.pk).values(is_current=False))
            version = ex.version + 1
            counts.amended += p.nrows
        counts.accepted += p.nrows
        values = dict(
            p.header,
            version=version,
            is_current=True,
            header_sha256=p.header_sha256,
            batch_id=batch_id,
            submitted_by=submitted_by,
        )
        new_parents.append((p, values))
        new_keys.append(key)
        pending[key] = values
        # a later record with the same key in this chunk compares with this version
        existing[key] = _Existing(-1, version, p.header_sha256, batch_id, set(row_hashes), len(p.children))
    substance_ids = _ensure_substances_in_key_order(
        session, registry, [p for p, _ in new_parents] + [p for _, p in merges]
    )
    if m.child is None:
        for p, values in new_parents:
            values["substance_id"] = substance_ids[p.structure.inchikey_nostereo] if p.structure is not None else None
    if kind in ("reports", "psychoactivity"):
        _link_samples(session, [v for _, v in new_parents])
    pks: list[int] = []
    if new_parents:
        table = m.parent.__table__
        pks = allocate_ids(session, table, len(new_parents))
        now = utcnow()
        for (_, v), pk in zip(new_parents, pks, strict=True):
            v["id"] = pk
            v["created_at"] = now
        bulk_insert(session, table, [v for _, v in new_parents])
        counts.stored_ids = pks
        for key, pk in zip(new_keys, pks, strict=True):
            existing[key].pk = pk
    firsts: dict[int, tuple[dt.date, int, str | None]] = {}
    if m.child is not None:
        child_rows: list[dict[str, Any]] = []
        fk = m.child_fk or ""
        seizures = kind == "seizures"
        add_row = child_rows.append

        def add_children(parent_pk: int, p: Prepared, offset: int) -> None:
            day: dt.date = p.header["seizure_date"] if seizures else dt.date.min
            for i, c in enumerate(p.children, start=offset):
                structure = c.structure
                sid = substance_ids[structure.inchikey_nostereo] if structure is not None else None
                add_row(dict(c.values, position=i, row_sha256=c.row_sha256, substance_id=sid, **{fk: parent_pk}))
                if seizures and sid is not None:
                    first = firsts.get(sid)
                    if first is None or day < first[0]:
                        firsts[sid] = (day, parent_pk, c.values.get("identification_level"))

        for (p, _), pk in zip(new_parents, pks, strict=True):
            add_children(pk, p, 0)
        for ex, p in merges:
            pk = ex.pk if ex.pk != -1 else existing[(p.provider, p.key)].pk
            add_children(pk, p, ex.next_position)
            ex.next_position += len(p.children)
        if child_rows:
            bulk_insert(session, m.child.__table__, child_rows)
    if kind == "seizures":
        _first_detections(session, firsts)
    if new_keys:
        _supersede_quarantine(session, kind, set(new_keys))
    return counts


def column_overflow(kind: str, prepared: Prepared) -> tuple[str, int, int] | None:
    """The first value of a prepared record longer than its ``String(n)`` column: (column, length, n).

    SQLite stores any length, PostgreSQL refuses the whole chunk (``StringDataRightTruncation``),
    so such a record is quarantined before it is stored, on both engines alike.
    """
    parent_limits, child_limits = _string_limits(kind)
    tables = [(parent_limits, [prepared.header])]
    if child_limits is not None:
        tables.append((child_limits, [c.values for c in prepared.children]))
    for limits, rows in tables:
        for values in rows:
            for name, limit in limits:  # the common case: only the bounded columns, no overflow
                value = values.get(name)
                if isinstance(value, str) and len(value) > limit:
                    return _first_overflow(dict(limits), values)
    return None


def _first_overflow(limits: dict[str, int], values: dict[str, Any]) -> tuple[str, int, int]:
    """The first over-long value in ``values``' own order (the one the quarantine reason names)."""
    for name, value in values.items():
        limit = limits.get(name)
        if limit and isinstance(value, str) and len(value) > limit:
            return name, len(value), limit
    raise AssertionError("no over-long value")  # the caller found one


@functools.cache
def _string_limits(kind: str) -> tuple[tuple[tuple[str, int], ...], tuple[tuple[str, int], ...] | None]:
    """(column, length) of every ``String(n)`` column of the kind's parent and child tables."""

    def limits(table: Any) -> tuple[tuple[str, int], ...]:
        return tuple((c.key, c.type.length) for c in table.columns if getattr(c.type, "length", None))

    m = MODELS[kind]
    return limits(m.parent.__table__), (limits(m.child.__table__) if m.child is not None else None)


def _link_samples(session: Session, values: list[dict[str, Any]]) -> None:
    """Link a report or result to the seized sample it names, when exactly one current sample has that id."""
    refs = {v["sample_ref"] for v in values if v.get("sample_ref")}
    if not refs:
        return
    found: dict[str, list[int]] = {}
    for sid, pk in session.execute(
        select(Sample.sample_id, Sample.id).where(Sample.sample_id.in_(refs), Sample.is_current.is_(True))
    ):
        found.setdefault(sid, []).append(pk)
    for v in values:
        pks = found.get(v.get("sample_ref") or "")
        v["linked_sample_pk"] = pks[0] if pks and len(pks) == 1 else None


def _supersede_quarantine(session: Session, kind: str, keys: set[tuple[str, str]]) -> None:
    """Open quarantine items for a key that has now been stored are marked superseded."""
    providers = {p for p, _ in keys}
    open_any = session.scalar(
        select(QuarantineItem.id)
        .where(QuarantineItem.kind == kind, QuarantineItem.status == "open", QuarantineItem.provider.in_(providers))
        .limit(1)
    )
    if open_any is None:
        return
    by_provider: dict[str, list[str]] = {}
    for provider, key in keys:
        by_provider.setdefault(provider, []).append(key)
    for provider, key_list in by_provider.items():
        session.execute(
            update(QuarantineItem)
            .where(
                QuarantineItem.kind == kind,
                QuarantineItem.provider == provider,
                QuarantineItem.record_key.in_(key_list),
                QuarantineItem.status == "open",
            )
            .values(status="superseded", resolved_at=utcnow(), resolution_note="a later submission was accepted")
        )
