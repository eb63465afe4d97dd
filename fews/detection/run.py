"""``fews detect``: evaluate every week from the last evaluated one up to a date (DESIGN.md §6).

:class:`Detector` keeps what it learnt (:class:`~fews.detection.knowledge.Knowledge`, the weekly
series and their cached baselines) between weeks, so a replay of 15 years reads each row once.
Each week is one transaction: families are updated for substances new by then, newly visible
observations are added, every signal rule proposes candidates, signals are raised, updated,
escalated or closed, draft alerts are made for raised and escalated signals, and the week is
recorded in ``detection_week``. A later run resumes after the last recorded week.

A partial current week (``as_of`` not a Sunday) is evaluated provisionally: novelty, emergence,
near misses and harm clusters are checked so a first detection is not held back to Sunday, but
the week is not recorded, and the weekly aberration methods wait for the complete week.
"""

from __future__ import annotations

import datetime as dt
import logging
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from fews import audit
from fews.db import advisory_lock, session_scope
from fews.detection.context import Candidate, Catalogue, WeekContext
from fews.detection.emerging import emerging_candidates
from fews.detection.harm_clusters import harm_cluster_candidates
from fews.detection.knowledge import Knowledge
from fews.detection.near_miss import near_miss_candidates
from fews.detection.novelty import novelty_candidates
from fews.detection.series_alarms import SeriesBook, record_week, series_candidates
from fews.detection.settings import DetectionSettings, load_settings
from fews.detection.signals import SignalEvent, apply_candidates, close_quiet, load_open
from fews.detection.unidentified import unidentified_candidates
from fews.detection.weeks import closing_sunday, week_index
from fews.models import BaselineFit, DetectionWeek

__all__ = ["Detector", "DetectionSummary", "RULES", "detect"]

logger = logging.getLogger(__name__)

LOCK_KEY = zlib.crc32(b"fews-detection")

# The signal rules, in the order they run. Each takes the week's context and returns candidates.
RULES: tuple[Callable[[WeekContext], list[Candidate]], ...] = (
    novelty_candidates,
    emerging_candidates,
    near_miss_candidates,
    harm_cluster_candidates,
    series_candidates,
    unidentified_candidates,
)


@dataclass
class DetectionSummary:
    weeks: list[dt.date] = field(default_factory=list)
    events: list[SignalEvent] = field(default_factory=list)
    alerts_drafted: int = 0


def _draft_alert(session: Session, event: SignalEvent) -> bool:
    """Hand a raised or escalated signal to the alert workflow (issue #7), when it is installed."""
    try:
        from alerts.workflow import draft_from_signal
    except ImportError:  # the alerts package is optional for detection
        return False
    return draft_from_signal(session, event.signal, actor="detection") is not None


class Detector:
    def __init__(
        self,
        factory: sessionmaker[Session],
        *,
        settings: DetectionSettings | None = None,
        draft_alerts: bool = True,
        update_families: bool = True,
    ) -> None:
        self.factory = factory
        self.settings = settings or load_settings()
        self.draft_alerts = draft_alerts
        self.update_families = update_families
        self.knowledge = Knowledge()
        self.catalogue = Catalogue()
        self.extra: dict[str, Any] = {}
        self.last_evaluated: dt.date | None = None
        self._bootstrapped = False

    # -- state --------------------------------------------------------------------------------
    def _bootstrap(self) -> None:
        """Rebuild knowledge and series up to the last recorded week without raising anything."""
        if self._bootstrapped:
            return
        self._bootstrapped = True
        from chem.legal import LegalEngine
        from fews.legal_events import load_overlay

        with session_scope(self.factory) as s:
            self.extra["legal_engine"] = LegalEngine(overlay=load_overlay(s))
            self.last_evaluated = s.scalar(select(func.max(DetectionWeek.as_of)))
            if self.last_evaluated is None:
                return
            self.knowledge.fetch(s)
            start = self.knowledge.earliest_pending()
            if start is not None:
                day = closing_sunday(start)
                while day <= self.last_evaluated:
                    self._advance(s, day, provisional=False)
                    day += dt.timedelta(weeks=1)
            saved: dict[str, dict[str, Any]] = {"seizures": {}, "harms": {}}
            for row in s.scalars(select(BaselineFit)):
                kind, _, group = row.series_key.partition(":")
                if kind in saved:
                    saved[kind][group] = row.params
            books: tuple[SeriesBook, SeriesBook] | None = self.extra.get("series_books")
            if books:
                books[0].restore(saved["seizures"])
                books[1].restore(saved["harms"])

    def _advance(self, s: Session, day: dt.date, *, provisional: bool) -> WeekContext:
        news = self.knowledge.advance(day)
        self.catalogue.refresh(s, {o.substance_id for o in news.seizures} | {h.substance_id for h in news.harms})
        week = week_index(day)
        first = self.knowledge.first_week
        ctx = WeekContext(
            session=s,
            week=week,
            as_of=day,
            provisional=provisional,
            knowledge=self.knowledge,
            news=news,
            catalogue=self.catalogue,
            settings=self.settings,
            burn_in=first is None or week < first + self.settings.burn_in_weeks,
            extra=self.extra,
        )
        record_week(ctx)
        return ctx

    def _save_baselines(self, s: Session) -> None:
        books: tuple[SeriesBook, SeriesBook] | None = self.extra.get("series_books")
        if not books:
            return
        existing = {r.series_key: r for r in s.scalars(select(BaselineFit))}
        for book in books:
            for group, params in book.state().items():
                key = f"{book.kind}:{group}"
                row = existing.get(key)
                fitted = (params.get("cache") or {}).get("fitted_as_of")
                if row is None:
                    row = BaselineFit(series_key=key, method="", fitted_as_of=self.last_evaluated or dt.date.today())
                    s.add(row)
                row.method = str((params.get("cache") or {}).get("method", "aberration"))[:40]
                if fitted:
                    row.fitted_as_of = dt.date.fromisoformat(str(fitted))
                row.params = params

    # -- evaluation ---------------------------------------------------------------------------
    def weeks_to_evaluate(self, as_of: dt.date) -> list[tuple[dt.date, bool]]:
        """Closing Sundays after the last evaluated week up to ``as_of``, then a provisional partial week."""
        if self.last_evaluated is not None:
            day = self.last_evaluated + dt.timedelta(weeks=1)
        else:
            start = self.knowledge.earliest_pending()
            if start is None:
                return []
            day = closing_sunday(start)
        out = []
        while day <= as_of:
            out.append((day, False))
            day += dt.timedelta(weeks=1)
        if as_of.weekday() != 6 and (self.last_evaluated is None or as_of > self.last_evaluated):
            if not out or out[-1][0] < as_of:
                out.append((as_of, True))
        return out

    def evaluate_week(self, day: dt.date, *, provisional: bool = False) -> list[SignalEvent]:
        with session_scope(self.factory) as s:
            advisory_lock(s, LOCK_KEY)
            self.knowledge.fetch(s)
            if self.update_families:
                from fews.detection.families import LegalGrouper
                from fews.detection.family_store import update_families

                grouper = self.extra.get("legal_grouper")
                if grouper is None:
                    grouper = self.extra["legal_grouper"] = LegalGrouper()
                update_families(s, as_of=day, grouper=grouper)
            ctx = self._advance(s, day, provisional=provisional)
            if not provisional and s.get(DetectionWeek, day) is not None:
                self.last_evaluated = day  # another process evaluated this week meanwhile
                return []
            candidates: list[Candidate] = []
            for rule in RULES:
                candidates.extend(rule(ctx))
            self.catalogue.refresh(s, {sid for c in candidates for sid in c.members})
            open_signals = load_open(s)
            events = apply_candidates(
                s, candidates, as_of=day, catalogue=self.catalogue, settings=self.settings, open_signals=open_signals
            )
            closed = close_quiet(s, open_signals, as_of=day, quiet_weeks=self.settings.close_after_quiet_weeks)
            drafted = 0
            if self.draft_alerts:
                drafted = sum(_draft_alert(s, e) for e in events if e.event in ("raised", "escalated"))
            if not provisional:
                raised = sum(e.event == "raised" for e in events)
                s.add(
                    DetectionWeek(
                        as_of=day,
                        raised=raised,
                        updated=len(events) - raised,
                        details={"closed": closed, "alerts_drafted": drafted, "candidates": len(candidates)},
                    )
                )
                self.last_evaluated = day
            self.extra["alerts_drafted"] = self.extra.get("alerts_drafted", 0) + drafted
        return events

    def run(self, as_of: dt.date, *, actor: str = "detection", via: str = "cli") -> DetectionSummary:
        self._bootstrap()
        with session_scope(self.factory) as s:
            self.knowledge.fetch(s)
        summary = DetectionSummary()
        for day, provisional in self.weeks_to_evaluate(as_of):
            summary.events.extend(self.evaluate_week(day, provisional=provisional))
            summary.weeks.append(day)
        with session_scope(self.factory) as s:
            self._save_baselines(s)
            if summary.weeks:
                audit.record(
                    s,
                    actor=actor,
                    via=via,
                    action="detection.run",
                    object_type="detection_week",
                    object_id=f"{summary.weeks[0]}..{summary.weeks[-1]}",
                    content={
                        "weeks": len(summary.weeks),
                        "raised": sum(e.event == "raised" for e in summary.events),
                        "escalated": sum(e.event == "escalated" for e in summary.events),
                    },
                )
        summary.alerts_drafted = int(self.extra.get("alerts_drafted", 0))
        return summary


def detect(factory: sessionmaker[Session], as_of: dt.date, **kwargs: Any) -> DetectionSummary:
    """Evaluate every week up to ``as_of`` (see :class:`Detector`)."""
    return Detector(factory, **kwargs).run(as_of)
