"""The shared inputs of the signal rules for one evaluated week, and the candidate they return."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from fews.detection.knowledge import Knowledge, WeekNews
from fews.detection.settings import DetectionSettings
from fews.detection.weeks import week_monday, week_sunday
from fews.models import Family, Substance

__all__ = ["Candidate", "Catalogue", "WeekContext"]


@dataclass
class Candidate:
    """A signal a rule proposes this week; :mod:`fews.detection.signals` raises or updates it."""

    type: str
    key: str
    score: float
    reason: str
    members: list[int]  # substance ids driving the signal
    subtype: str | None = None
    family_id: int | None = None
    substance_id: int | None = None
    window_start: dt.date | None = None
    window_end: dt.date | None = None
    details: dict[str, Any] = field(default_factory=dict)


class Catalogue:
    """Names, structures and families of substances, read from the database as needed."""

    def __init__(self) -> None:
        self._subs: dict[int, tuple[str, str, str, int | None]] = {}
        self._families: dict[int, str] = {}

    def refresh(self, session: Session, ids: set[int] | list[int]) -> None:
        """Read substances not yet known, and the family of those still without one."""
        want = [i for i in ids if i not in self._subs or self._subs[i][3] is None]
        for chunk in range(0, len(want), 900):
            part = want[chunk : chunk + 900]
            for sid, name, smiles, key, fam in session.execute(
                select(
                    Substance.id, Substance.preferred_name, Substance.smiles, Substance.inchikey, Substance.family_id
                ).where(Substance.id.in_(part))
            ):
                self._subs[sid] = (name or key, smiles, key, fam)
        fams = {v[3] for v in self._subs.values() if v[3] is not None} - set(self._families)
        if fams:
            self._families.update(session.execute(select(Family.id, Family.name).where(Family.id.in_(fams))).all())

    def name(self, sid: int) -> str:
        return self._subs[sid][0] if sid in self._subs else f"S{sid}"

    def family(self, sid: int) -> int | None:
        return self._subs[sid][3] if sid in self._subs else None

    def family_name(self, fid: int | None) -> str | None:
        return self._families.get(fid) if fid is not None else None

    def member(self, sid: int) -> dict[str, Any]:
        name, smiles, key, _ = self._subs.get(sid, (f"S{sid}", "", "", None))
        return {"id": f"S{sid}", "name": name, "smiles": smiles, "inchikey": key}

    def group_key(self, sid: int) -> str:
        """The family (``F<n>``) a substance belongs to, else the substance itself (``S<n>``)."""
        fam = self.family(sid)
        return f"F{fam}" if fam is not None else f"S{sid}"


@dataclass
class WeekContext:
    session: Session
    week: int
    as_of: dt.date  # the closing Sunday (or the evaluation day of a provisional, partial week)
    provisional: bool
    knowledge: Knowledge
    news: WeekNews
    catalogue: Catalogue
    settings: DetectionSettings
    burn_in: bool
    extra: dict[str, Any] = field(default_factory=dict)

    def established(self, sid: int) -> bool:
        """First seen during the burn-in: part of the market FEWS found when it was switched on."""
        first = self.knowledge.first_uk.get(sid)
        start = self.knowledge.first_week
        return first is None or start is None or first.week < start + self.settings.burn_in_weeks

    def window(self, weeks: int) -> tuple[dt.date, dt.date]:
        return week_monday(self.week - weeks + 1), min(week_sunday(self.week), self.as_of)
