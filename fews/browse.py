"""Lists and family pages for the browser, each in a fixed number of grouped SQL statements.

:func:`substance_list` filters and sorts the substance catalogue (by name or synonym, InChIKey or
``S<n>``) a page at a time; :func:`family_list` gives every family with its size; :func:`family_page_data`
gathers a family page: members with their stored legal status, seizures and harm reports per ISO week,
places, and the family's signals (whose details carry the baselines and alarms the charts draw).

Harm counts are raw here: pages outside clinical roles suppress them (``alerts.suppression``).
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from chem.names import normalise_name
from fews.models import (
    Component,
    Family,
    HarmReport,
    HarmReportSubstance,
    Sample,
    Signal,
    Substance,
    SubstanceLegalStatus,
    SubstanceName,
)

__all__ = [
    "SUBSTANCE_SORTS",
    "SubstanceRow",
    "substance_list",
    "FamilyRow",
    "family_list",
    "FamilyPage",
    "family_page_data",
    "iso_week",
]

SUBSTANCE_SORTS = {
    "name": (Substance.preferred_name.is_(None), Substance.preferred_name, Substance.id),
    "first_detection": (Substance.first_uk_detection_date.desc(), Substance.id.desc()),
    "id": (Substance.id,),
    "formula": (Substance.formula, Substance.id),
}
_INCHIKEY = re.compile(r"^[A-Z]{14}(-[A-Z]{10}(-[A-Z])?)?$")


def iso_week(day: dt.date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


@dataclass(frozen=True)
class SubstanceRow:
    id: int
    name: str | None
    formula: str
    smiles: str
    inchikey: str
    family_id: int | None
    first_uk_detection: dt.date | None
    legal_status: str | None

    @property
    def public_id(self) -> str:
        return f"S{self.id}"


def _filtered(query: str | None) -> Any:
    stmt = select(
        Substance.id,
        Substance.preferred_name,
        Substance.formula,
        Substance.smiles,
        Substance.inchikey,
        Substance.family_id,
        Substance.first_uk_detection_date,
        SubstanceLegalStatus.status,
    ).outerjoin(SubstanceLegalStatus, SubstanceLegalStatus.substance_id == Substance.id)
    q = (query or "").strip()
    if not q:
        return stmt
    if re.fullmatch(r"[Ss]\d+", q):
        return stmt.where(Substance.id == int(q[1:]))
    if _INCHIKEY.match(q.upper()):
        return stmt.where(Substance.inchikey_nostereo.like(q.upper()[:14] + "%"))
    pattern = "%" + normalise_name(q).replace("%", "").replace("_", "") + "%"
    named = select(SubstanceName.substance_id).where(SubstanceName.name_norm.like(pattern))
    return stmt.where(or_(Substance.id.in_(named), Substance.formula == q))


def substance_list(
    session: Session, *, query: str | None = None, sort: str = "name", page: int = 1, per_page: int = 50
) -> tuple[list[SubstanceRow], int]:
    """One page of substances matching ``query`` (name or synonym part, InChIKey, ``S<n>``, formula), and the total.

    Raises
    ------
    ValueError
        ``sort`` is not one of :data:`SUBSTANCE_SORTS`, or ``page``/``per_page`` is not positive.
    """
    if sort not in SUBSTANCE_SORTS:
        raise ValueError(f"sort must be one of {', '.join(SUBSTANCE_SORTS)}, got {sort!r}")
    if page < 1 or per_page < 1:
        raise ValueError(f"page and per_page must be positive, got {page} and {per_page}")
    stmt = _filtered(query)
    total = int(session.scalar(select(func.count()).select_from(stmt.subquery())) or 0)
    rows = session.execute(stmt.order_by(*SUBSTANCE_SORTS[sort]).limit(per_page).offset((page - 1) * per_page)).all()
    return [SubstanceRow(*r) for r in rows], total


@dataclass(frozen=True)
class FamilyRow:
    id: int
    name: str
    method: str
    first_seen: dt.date | None
    members: int

    @property
    def public_id(self) -> str:
        return f"F{self.id}"


def family_list(session: Session) -> list[FamilyRow]:
    """Every family with its number of member substances, newest first."""
    members = select(Substance.family_id, func.count(Substance.id).label("n")).group_by(Substance.family_id).subquery()
    rows = session.execute(
        select(Family.id, Family.name, Family.method, Family.first_seen, func.coalesce(members.c.n, 0))
        .outerjoin(members, members.c.family_id == Family.id)
        .order_by(Family.first_seen.desc().nulls_last(), Family.id.desc())
    ).all()
    return [FamilyRow(*r) for r in rows]


@dataclass
class FamilyPage:
    family: Family
    members: list[SubstanceRow]
    weekly_seizures: dict[str, int] = field(default_factory=dict)
    weekly_harms: dict[str, int] = field(default_factory=dict)
    places: list[tuple[str, str | None, int]] = field(default_factory=list)  # nation, local area, samples
    harm_by_severity: dict[str, int] = field(default_factory=dict)
    signals: list[Signal] = field(default_factory=list)

    @property
    def samples(self) -> int:
        return sum(self.weekly_seizures.values())


def family_page_data(session: Session, family_id: int, *, max_places: int = 50) -> FamilyPage | None:
    """A family page's data in six statements whatever the family's size; ``None`` if there is no such family."""
    fam = session.get(Family, family_id)
    if fam is None:
        return None
    members = [
        SubstanceRow(*r)
        for r in session.execute(
            _filtered(None)
            .where(Substance.family_id == family_id)
            .order_by(Substance.first_uk_detection_date.is_(None), Substance.first_uk_detection_date, Substance.id)
        ).all()
    ]
    page = FamilyPage(fam, members)
    member_ids = select(Substance.id).where(Substance.family_id == family_id)
    holding = select(Component.sample_pk).where(Component.substance_id.in_(member_ids)).distinct().subquery()
    rows = session.execute(
        select(Sample.seizure_date, Sample.jurisdiction, Sample.local_area, func.count(Sample.id))
        .join(holding, holding.c.sample_pk == Sample.id)
        .where(Sample.is_current.is_(True))
        .group_by(Sample.seizure_date, Sample.jurisdiction, Sample.local_area)
    ).all()
    weekly: Counter[str] = Counter()
    places: Counter[tuple[str, str | None]] = Counter()
    for day, nation, area, n in rows:
        weekly[iso_week(day)] += n
        places[(nation, area)] += n
    page.weekly_seizures = dict(weekly)
    page.places = [(nation, area, n) for (nation, area), n in places.most_common(max_places)]
    linked = (
        select(HarmReportSubstance.report_pk)
        .where(HarmReportSubstance.substance_id.in_(member_ids))
        .distinct()
        .subquery()
    )
    harm_rows = session.execute(
        select(HarmReport.event_date, HarmReport.severity, func.count(HarmReport.id))
        .join(linked, linked.c.report_pk == HarmReport.id)
        .where(HarmReport.is_current.is_(True))
        .group_by(HarmReport.event_date, HarmReport.severity)
    ).all()
    harms: Counter[str] = Counter()
    severity: Counter[str] = Counter()
    for day, sev, n in harm_rows:
        harms[iso_week(day)] += n
        severity[sev or "not stated"] += n
    page.weekly_harms = dict(harms)
    page.harm_by_severity = dict(severity)
    page.signals = list(
        session.scalars(
            select(Signal)
            .where(Signal.family_id == family_id)
            .order_by(Signal.as_of.desc(), Signal.id.desc())
            .limit(50)
        )
    )
    return page
