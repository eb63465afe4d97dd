"""Aberrations in weekly series: seizures per family (or per substance without a family), and
harm reports weighted by severity, against a seasonal baseline (issue #6 item 3).

The statistics live in :mod:`fews.detection.aberration` (method and thresholds in
``aberration.yaml``); this module keeps the series, fits only series with enough recent counts
(DESIGN.md §9: "fit baselines only for series with counts in the window"), reuses cached fits
(refit at most every ``refit_weeks``), and turns alarms that hold for ``consecutive_weeks`` into
candidates.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from fews.detection.context import Candidate, WeekContext
from fews.detection.observations import severity_ranks
from fews.detection.weeks import week_monday

__all__ = ["SeriesBook", "series_candidates"]

# the score of an aberration over a zero threshold: finite, because signal details and alert documents
# are JSON and PostgreSQL's JSONB refuses Infinity (the whole detection week failed there)
ZERO_THRESHOLD_SCORE = 1e6


@dataclass
class _Series:
    first_week: int
    counts: np.ndarray = field(default_factory=lambda: np.zeros(64))
    cache: dict[str, Any] | None = None
    streak: int = 0

    def add(self, week: int, value: float) -> None:
        i = week - self.first_week
        if i >= len(self.counts):
            grown = np.zeros(max(2 * len(self.counts), i + 1))
            grown[: len(self.counts)] = self.counts
            self.counts = grown
        self.counts[i] += value

    def upto(self, week: int) -> np.ndarray:
        n = week - self.first_week + 1
        if n > len(self.counts):
            self.add(week, 0.0)
        return self.counts[:n]


class SeriesBook:
    """Weekly series by group key (``F<n>`` or ``S<n>``) for one kind of data."""

    def __init__(self, kind: str) -> None:
        self.kind = kind  # "seizures" | "harms"
        self.series: dict[str, _Series] = {}

    def add(self, group: str, week: int, value: float) -> None:
        s = self.series.get(group)
        if s is None:
            s = self.series[group] = _Series(first_week=week)
        s.add(week, value)

    def state(self) -> dict[str, Any]:
        return {g: {"cache": s.cache, "streak": s.streak} for g, s in self.series.items() if s.cache is not None}

    def restore(self, saved: dict[str, Any]) -> None:
        for g, v in saved.items():
            if g in self.series:
                self.series[g].cache = v.get("cache")
                self.series[g].streak = int(v.get("streak", 0))


def _books(ctx: WeekContext) -> tuple[SeriesBook, SeriesBook]:
    books = ctx.extra.get("series_books")
    if books is None:
        books = ctx.extra["series_books"] = (SeriesBook("seizures"), SeriesBook("harms"))
    return books


def record_week(ctx: WeekContext) -> None:
    """Add the week's newly visible observations to the series (always, burn-in included)."""
    seizures, harms = _books(ctx)
    ranks = ctx.extra.setdefault("severity_ranks", severity_ranks())
    for o in ctx.news.seizures:
        seizures.add(ctx.catalogue.group_key(o.substance_id), ctx.week, 1.0)
    for h in ctx.news.harms:
        weight = ranks.get(h.severity or "", (0, 1.0))[1]
        harms.add(ctx.catalogue.group_key(h.substance_id), ctx.week, weight)


def _members(ctx: WeekContext, group: str) -> list[int]:
    if group.startswith("S"):
        return [int(group[1:])]
    fid = int(group[1:])
    recent = [
        (sum(1 for w, _ in ctx.knowledge.samples.get(sid, ()) if ctx.week - w < 8), sid)
        for sid in ctx.knowledge.first_uk
        if ctx.catalogue.family(sid) == fid
    ]
    return [sid for n, sid in sorted(recent, reverse=True)[:10] if n > 0] or [sid for _, sid in recent[:10]]


def series_candidates(ctx: WeekContext) -> list[Candidate]:
    s = ctx.settings.seizure_aberration
    if ctx.burn_in or ctx.provisional or not s.enabled:
        return []
    from fews.detection import aberration

    config = ctx.extra.get("aberration_config")
    if config is None:
        config = ctx.extra["aberration_config"] = aberration.load_config()
    out = []
    for book, type_, subtype, unit in (
        (_books(ctx)[0], "emerging_family", "seizure_aberration", "seizures"),
        (_books(ctx)[1], "harm_cluster", "harm_aberration", "severity-weighted harm reports"),
    ):
        for group, series in book.series.items():
            counts = series.upto(ctx.week)
            observed = counts[-1]
            if len(counts) < s.min_history_weeks or observed < s.min_observed or counts[-52:].sum() < s.min_count_52w:
                series.streak = 0
                continue
            ev, series.cache = aberration.evaluate_latest(counts, config, series.cache)
            score = ev.observed / ev.upper if ev.upper > 0 else ZERO_THRESHOLD_SCORE
            series.streak = series.streak + 1 if ev.alarm and score >= s.min_score else 0
            if series.streak < s.consecutive_weeks:
                continue
            members = _members(ctx, group)
            fam = int(group[1:]) if group.startswith("F") else None
            label = ctx.catalogue.family_name(fam) if fam is not None else ctx.catalogue.name(members[0])
            out.append(
                Candidate(
                    type=type_,
                    subtype=subtype,
                    key=f"{type_}:{subtype}:{group}",
                    score=round(float(score), 3),
                    reason=f"{label}: {ev.reason} ({unit}, {series.streak} weeks running)",
                    members=members,
                    family_id=fam,
                    substance_id=members[0] if group.startswith("S") else None,
                    window_start=week_monday(ctx.week - series.streak + 1),
                    window_end=ctx.as_of,
                    details={
                        "counts": {
                            "observed": float(ev.observed),
                            "expected": round(float(ev.expected), 3),
                            "upper": round(float(ev.upper), 3),
                            "last_12_weeks": [float(x) for x in counts[-12:]],
                        },
                        "method": ev.method,
                    },
                )
            )
    return out
