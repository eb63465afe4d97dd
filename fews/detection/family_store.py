"""Families in the database: fingerprints per substance, existing families reloaded, new substances placed.

:func:`update_families` is the one entry point detection calls (after each intake batch, nightly, and at
every replay step). It

1. computes the Morgan fingerprint and generic scaffold (``substance_fingerprint``) of every substance
   that has none, or one of another :data:`chem.fingerprints.FP_VERSION`;
2. reloads every family with the fingerprints of its first members (in first-detection order);
3. places every substance without a family (only those first detected on or before ``as_of`` when
   given), in order of first UK detection date, then id, with :class:`~fews.detection.families.FamilyModel`;
4. stores new ``family`` rows, refreshed names/cores, and ``substance.family_id``.

Existing members are never moved and a family's key never changes; a substance whose structure cannot
be read gets no fingerprint and no family, and is logged with the reason (it stays visible as a
substance without a family).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from chem.errors import InvalidStructure
from chem.fingerprints import FP_VERSION, generic_scaffold, morgan_bits
from fews.detection.families import (
    Candidate,
    FamilyModel,
    FamilyParams,
    FamilyState,
    LegalGrouper,
)
from fews.models import Family, Substance, SubstanceFingerprint, utcnow

__all__ = ["FamilyAssignment", "family_label", "refresh_fingerprints", "update_families"]

logger = logging.getLogger(__name__)

_CHUNK = 900  # ids per IN (...) list: below SQLite's bound-parameter limit


@dataclass(frozen=True)
class FamilyAssignment:
    """One substance placed in a family (``founded``: it started the family)."""

    substance_id: int
    family_id: int
    family_key: str
    founded: bool
    similarity: float | None
    via: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "substance_id": self.substance_id,
            "family_id": self.family_id,
            "family_key": self.family_key,
            "founded": self.founded,
            "similarity": self.similarity,
            "via": self.via,
        }


def refresh_fingerprints(session: Session) -> int:
    """Compute fingerprints for substances that lack one or have an old version; returns how many.

    A structure that cannot be read is skipped with a warning naming the substance and the reason.
    """
    rows = session.execute(
        select(Substance.id, Substance.smiles, SubstanceFingerprint.version)
        .outerjoin(SubstanceFingerprint, SubstanceFingerprint.substance_id == Substance.id)
        .where((SubstanceFingerprint.substance_id.is_(None)) | (SubstanceFingerprint.version != FP_VERSION))
        .order_by(Substance.id)
    ).all()
    new: list[dict[str, Any]] = []
    old: list[dict[str, Any]] = []
    for sid, smiles, version in rows:
        try:
            values = {"bits": morgan_bits(smiles), "scaffold": generic_scaffold(smiles)}
        except InvalidStructure as exc:
            logger.warning("substance S%s: no fingerprint (%s); it gets no family", sid, exc.reason)
            continue
        row = {"substance_id": sid, "version": FP_VERSION, "computed_at": utcnow(), **values}
        (new if version is None else old).append(row)
    if new:
        session.execute(insert(SubstanceFingerprint), new)
    if old:
        session.execute(update(SubstanceFingerprint), old)
    return len(new) + len(old)


def _load_model(session: Session, params: FamilyParams) -> tuple[FamilyModel, dict[str, int]]:
    """Rebuild the model from stored families (founding order) and their members' fingerprints."""
    model = FamilyModel(params)
    families = session.scalars(select(Family).order_by(Family.id)).all()
    if not families:
        return model, {}
    members: dict[int, list[tuple[bytes | None, str]]] = defaultdict(list)
    sizes: dict[int, int] = defaultdict(int)
    q = (
        select(Substance.family_id, Substance.smiles, SubstanceFingerprint.bits)
        .outerjoin(SubstanceFingerprint, SubstanceFingerprint.substance_id == Substance.id)
        .where(Substance.family_id.is_not(None))
        .order_by(Substance.first_uk_detection_date.is_(None), Substance.first_uk_detection_date, Substance.id)
    )
    for fid, smiles, bits in session.execute(q):
        if fid is None:
            continue
        sizes[fid] += 1
        if len(members[fid]) < params.max_representatives:
            members[fid].append((bits, smiles))
    ids: dict[str, int] = {}
    for fam in families:
        basis = dict(fam.basis or {})
        key = fam.key or f"family:{fam.id}"
        state = FamilyState(
            key=key,
            name=fam.name,
            method=fam.method,
            core_smarts=fam.core_smarts,
            basis=basis,
            first_seen=fam.first_seen,
            group_label=basis.get("group_label"),
            scaffold=basis.get("scaffold"),
            founders=[smi for _, smi in members[fam.id][: params.core_members]],
            size=sizes[fam.id],
            family_id=fam.id,
        )
        model.add_family(state, [b for b, _ in members[fam.id] if b is not None])
        ids[key] = fam.id
    return model, ids


def _candidates(session: Session, as_of: dt.date | None, grouper: LegalGrouper | None) -> list[Candidate]:
    q = (
        select(
            Substance.id,
            Substance.inchikey_nostereo,
            Substance.smiles,
            Substance.preferred_name,
            Substance.first_uk_detection_date,
            SubstanceFingerprint.bits,
            SubstanceFingerprint.scaffold,
        )
        .join(SubstanceFingerprint, SubstanceFingerprint.substance_id == Substance.id)
        .where(Substance.family_id.is_(None), SubstanceFingerprint.version == FP_VERSION)
        .order_by(Substance.first_uk_detection_date.is_(None), Substance.first_uk_detection_date, Substance.id)
    )
    if as_of is not None:
        q = q.where(Substance.first_uk_detection_date <= as_of)
    rows = session.execute(q).all()
    if rows and grouper is None:
        grouper = LegalGrouper()
    out = []
    for sid, ident, smiles, name, first, bits, scaffold in rows:
        assert grouper is not None
        try:
            group = grouper.group(smiles)
        except ValueError as exc:
            logger.warning("substance S%s: legal grouping failed (%s); placed without a legal group", sid, exc)
            group = None
        out.append(Candidate(sid, ident, smiles, bits, scaffold, group, name=name, first_seen=first))
    return out


def update_families(
    session: Session,
    *,
    as_of: dt.date | None = None,
    params: FamilyParams | None = None,
    grouper: LegalGrouper | None = None,
) -> list[FamilyAssignment]:
    """Fingerprint new substances and give every substance without a family one.

    Parameters
    ----------
    session : Session
        An open write session (the caller commits, e.g. :func:`fews.db.session_scope`).
    as_of : datetime.date, optional
        Only place substances first detected in the UK on or before this date (replays); substances
        without a detection date are then left for later.
    params : FamilyParams, optional
        Model settings (default :class:`~fews.detection.families.FamilyParams`).
    grouper : LegalGrouper, optional
        Legal-generic grouping (default: the shipped rules); pass one to reuse it across calls.

    Returns
    -------
    list of FamilyAssignment
        One per substance placed, in placing order.
    """
    params = params or FamilyParams()
    refresh_fingerprints(session)
    candidates = _candidates(session, as_of, grouper)
    if not candidates:
        return []
    model, ids = _load_model(session, params)
    placed = [model.assign(c) for c in candidates]
    model.describe()
    for fam in model.families_:
        if not fam.changed:
            continue
        basis = {**fam.basis, "group_label": fam.group_label, "scaffold": fam.scaffold}
        if fam.family_id is None:
            row = Family(
                key=fam.key,
                name=fam.name,
                first_seen=fam.first_seen,
                core_smarts=fam.core_smarts,
                method=fam.method,
                basis=basis,
            )
            session.add(row)
            session.flush()
            fam.family_id = row.id
            ids[fam.key] = row.id
        else:
            session.execute(
                update(Family)
                .where(Family.id == fam.family_id)
                .values(name=fam.name, core_smarts=fam.core_smarts, first_seen=fam.first_seen)
            )
        fam.changed = False
    out = [
        FamilyAssignment(a.substance_id, ids[a.family_key], a.family_key, a.founded, a.similarity, a.via)
        for a in placed
    ]
    session.execute(update(Substance), [{"id": a.substance_id, "family_id": a.family_id} for a in out])
    founded = sum(a.founded for a in out)
    logger.info("families: placed %d substances (%d new families, %d joined)", len(out), founded, len(out) - founded)
    return out


def family_label(session: Session, family_id: int) -> dict[str, Any]:
    """A family as shown to users: ``{"id": "F<n>", "name", "key", "method", "members", "first_seen"}``.

    ``members`` (``[{"id": "S<n>", "name", "smiles", "inchikey"}]``) are in first-detection order;
    ``first_seen`` is an ISO date or ``None``.

    Raises
    ------
    LookupError
        If there is no family with this id.
    """
    fam = session.get(Family, family_id)
    if fam is None:
        raise LookupError(f"no family F{family_id}")
    subs = session.execute(
        select(Substance.id, Substance.preferred_name, Substance.smiles, Substance.inchikey)
        .where(Substance.family_id == family_id)
        .order_by(Substance.first_uk_detection_date.is_(None), Substance.first_uk_detection_date, Substance.id)
    ).all()
    return {
        "id": fam.public_id,
        "name": fam.name,
        "key": fam.key,
        "method": fam.method,
        "members": [
            {"id": f"S{sid}", "name": name or key, "smiles": smiles, "inchikey": key} for sid, name, smiles, key in subs
        ],
        "first_seen": fam.first_seen.isoformat() if fam.first_seen else None,
    }
