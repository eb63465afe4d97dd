"""What detection knows at the end of the latest evaluated week, kept in memory between weeks.

:class:`Knowledge` reads observations once (by id watermark), holds those not yet visible until
their week comes, and keeps the facts the signal rules need: first detections (UK, border,
prison, per jurisdiction), weekly counts per substance by *visible* week (the week FEWS learnt of
the record: counts by event week would be right-truncated by reporting lags of 1-8 weeks and
would always look like a fall), and the harm observations.

A fresh process rebuilds it from the database up to the last evaluated week; nothing here is
the source of truth.
"""

from __future__ import annotations

import datetime as dt
import heapq
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from sqlalchemy.orm import Session

from fews.detection.observations import (
    HarmObs,
    SeizureObs,
    SpectrumObs,
    border_contexts,
    read_harms,
    read_seizures,
    read_unidentified,
)
from fews.detection.weeks import week_index

__all__ = ["First", "WeekNews", "Knowledge"]

PRISON = "prison"


@dataclass(frozen=True, slots=True)
class First:
    """A first detection: the observation that brought it and the week FEWS learnt of it."""

    obs: SeizureObs
    week: int


@dataclass
class WeekNews:
    """What became visible in one week."""

    seizures: list[SeizureObs] = field(default_factory=list)
    harms: list[HarmObs] = field(default_factory=list)
    first_uk: list[First] = field(default_factory=list)
    first_border: list[First] = field(default_factory=list)
    first_prison: list[First] = field(default_factory=list)
    first_jurisdiction: list[First] = field(default_factory=list)
    unidentified: list[SpectrumObs] = field(default_factory=list)


ObsT = TypeVar("ObsT", SeizureObs, HarmObs, SpectrumObs)


class _Pending(Generic[ObsT]):
    """Observations read but not yet visible, released in visible-date order."""

    def __init__(self) -> None:
        self._heap: list[tuple[dt.date, int, int, ObsT]] = []
        self._n = 0

    def add(self, items: list[ObsT]) -> None:
        for o in items:
            self._n += 1
            heapq.heappush(self._heap, (o.visible, o.pk, self._n, o))

    def release(self, until: dt.date) -> list[ObsT]:
        out = []
        while self._heap and self._heap[0][0] <= until:
            out.append(heapq.heappop(self._heap)[3])
        return out

    def earliest(self) -> dt.date | None:
        return self._heap[0][0] if self._heap else None


class Knowledge:
    def __init__(self) -> None:
        self.border = border_contexts()
        self._seizure_wm = 0
        self._harm_wm = 0
        self._pending_s: _Pending[SeizureObs] = _Pending()
        self._pending_h: _Pending[HarmObs] = _Pending()
        self._pending_u: _Pending[SpectrumObs] = _Pending()
        self._spectrum_wm = 0
        self._seen_s: set[tuple[str, int]] = set()
        self._seen_h: set[tuple[str, int]] = set()
        self.first_uk: dict[int, First] = {}
        self.first_event: dict[int, dt.date] = {}  # earliest event date seen per substance
        self.first_border: dict[int, First] = {}
        self.first_prison: dict[int, First] = {}
        self.first_jurisdiction: dict[tuple[int, str], First] = {}
        # substance -> visible week -> distinct samples
        self.seizure_counts: dict[int, Counter[int]] = defaultdict(Counter)
        self.samples: dict[int, list[tuple[int, SeizureObs]]] = defaultdict(list)
        self.harms: dict[int, list[tuple[int, HarmObs]]] = defaultdict(list)
        self.unidentified: list[tuple[int, SpectrumObs]] = []
        self.first_week: int | None = None  # first week with any visible data
        self.last_week: int | None = None  # latest week advanced to

    # -- reading ------------------------------------------------------------------------------
    def fetch(self, session: Session) -> None:
        """Read rows stored since the last call (ids above the watermarks)."""
        seizures = read_seizures(session, after_pk=self._seizure_wm)
        if seizures:
            self._seizure_wm = max(o.pk for o in seizures)
            self._pending_s.add(seizures)
        harms = read_harms(session, after_pk=self._harm_wm)
        if harms:
            self._harm_wm = max(o.pk for o in harms)
            self._pending_h.add(harms)
        spectra = read_unidentified(session, after_pk=self._spectrum_wm)
        if spectra:
            self._spectrum_wm = max(o.pk for o in spectra)
            self._pending_u.add(spectra)

    def earliest_pending(self) -> dt.date | None:
        dates = [d for d in (self._pending_s.earliest(), self._pending_h.earliest()) if d is not None]
        return min(dates) if dates else None

    # -- advancing ----------------------------------------------------------------------------
    def advance(self, until: dt.date) -> WeekNews:
        """Make visible everything with a visible date on or before ``until``; return the news."""
        week = week_index(until)
        news = WeekNews()
        for o in self._pending_s.release(until):
            if (o.key, o.substance_id) in self._seen_s:
                continue  # another version of a sample already counted
            self._seen_s.add((o.key, o.substance_id))
            news.seizures.append(o)
            sid = o.substance_id
            self.seizure_counts[sid][week] += 1
            self.samples[sid].append((week, o))
            if sid not in self.first_event or o.event < self.first_event[sid]:
                self.first_event[sid] = o.event
            if sid not in self.first_uk:
                self.first_uk[sid] = First(o, week)
                news.first_uk.append(self.first_uk[sid])
            elif (sid, o.jurisdiction) not in self.first_jurisdiction:
                news.first_jurisdiction.append(First(o, week))
            self.first_jurisdiction.setdefault((sid, o.jurisdiction), First(o, week))
            if o.context in self.border and sid not in self.first_border:
                self.first_border[sid] = First(o, week)
                news.first_border.append(self.first_border[sid])
            if o.context == PRISON and sid not in self.first_prison:
                self.first_prison[sid] = First(o, week)
                news.first_prison.append(self.first_prison[sid])
        for h in self._pending_h.release(until):
            if (h.key, h.substance_id) in self._seen_h:
                continue
            self._seen_h.add((h.key, h.substance_id))
            news.harms.append(h)
            self.harms[h.substance_id].append((week, h))
        for u in self._pending_u.release(until):
            news.unidentified.append(u)
            self.unidentified.append((week, u))
        if (news.seizures or news.harms) and self.first_week is None:
            self.first_week = week
        self.last_week = week
        return news

    # -- queries ------------------------------------------------------------------------------
    def samples_between(self, sid: int, first_week: int, last_week: int) -> list[SeizureObs]:
        return [o for w, o in self.samples.get(sid, ()) if first_week <= w <= last_week]

    def substances(self) -> list[int]:
        return list(self.first_uk)
