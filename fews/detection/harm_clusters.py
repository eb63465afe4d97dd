"""Harm clusters: several severe or fatal RIDR reports linked to one substance or family in a short
window and area (issue #6 item 5).

For each family (or unfamilied substance) and each region, and nationally, the severe/fatal
reports that became visible in the latest ``window_weeks`` are compared with the same key's own
rate over the preceding ``baseline_weeks`` (plus a small prior rate) by a one-sided Poisson tail
probability. Background harms of established drugs (cocaine presentations every week) therefore
do not alarm unless they jump; a substance new to the market has an expectation near zero and
alarms as soon as ``min_reports`` severe reports arrive together.

Only substances new since FEWS was switched on (not found during the burn-in) form clusters here:
harms of the established market are over-dispersed and seasonal, and their rises are found by
the seasonal baseline methods on severity-weighted harm series (:mod:`series_alarms`,
``harm_aberration``), which model that.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import defaultdict

from scipy.stats import poisson

from fews.detection.context import Candidate, WeekContext
from fews.detection.observations import HarmObs, severity_ranks
from fews.vocab import load as load_vocabulary

__all__ = ["harm_cluster_candidates"]

NATIONAL = "UK"


def harm_cluster_candidates(ctx: WeekContext) -> list[Candidate]:
    if ctx.burn_in:
        return []
    s = ctx.settings.harm_cluster
    ranks = ctx.extra.setdefault("severity_ranks", severity_ranks())
    lo_window = ctx.week - s.window_weeks + 1
    lo_base = lo_window - s.baseline_weeks
    # group key -> area -> (window reports, baseline count)
    window: dict[str, dict[str, list[tuple[int, HarmObs]]]] = defaultdict(lambda: defaultdict(list))
    baseline: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for sid, items in ctx.knowledge.harms.items():
        if not items or items[-1][0] < lo_window or ctx.established(sid):
            continue  # nothing recent, or part of the established market (see the module docstring)
        group = ctx.catalogue.group_key(sid)
        for w, h in items[bisect_left(items, lo_base, key=lambda x: x[0]) :]:
            if ranks.get(h.severity or "", (0, 0.0))[0] < s.min_severity_rank:
                continue
            for area in (h.region or "unknown region", NATIONAL):
                if w >= lo_window:
                    window[group][area].append((sid, h))
                else:
                    baseline[group][area] += 1
    # weeks of history before the window (fewer than baseline_weeks early in a system's life)
    start = ctx.knowledge.first_week if ctx.knowledge.first_week is not None else lo_window
    history = max(1, min(s.baseline_weeks, lo_window - start))
    regions = max(1, len(ctx.extra.setdefault("regions", {t.code for t in load_vocabulary("regions")})))
    out = []
    for group, areas in window.items():
        best = None
        for area, reports in areas.items():
            keys = {h.key for _, h in reports}
            n = len(keys)
            if n < s.min_reports:
                continue
            # a region's expectation is at least its share of the national rate (sparse regions)
            rate = max(baseline[group][area] / history, baseline[group][NATIONAL] / history / regions)
            expected = (rate + s.prior_rate_per_week) * s.window_weeks
            p = float(poisson.sf(n - 1, expected))
            if p <= s.max_p_value and n >= s.min_ratio * expected and (best is None or p < best[0]):
                best = (p, area, reports, expected)
        if best is None:
            continue
        p, area, reports, expected = best
        sids = sorted({sid for sid, _ in reports})
        n = len({h.key for _, h in reports})
        fatal = len({h.key for _, h in reports if h.severity == "fatal"})
        names = ", ".join(ctx.catalogue.name(x) for x in sids[:5])
        fam = ctx.catalogue.family(sids[0]) if group.startswith("F") else None
        where = "across the UK" if area == NATIONAL else f"in {area}"
        out.append(
            Candidate(
                type="harm_cluster",
                key=f"harm_cluster:{group}",
                score=float(n),
                reason=(
                    f"{n} severe or fatal harm reports ({fatal} fatal) linked to {names} {where} in "
                    f"{s.window_weeks} weeks against {expected:.2f} expected (Poisson p={p:.1e})"
                ),
                members=sids,
                family_id=fam,
                substance_id=sids[0] if len(sids) == 1 else None,
                window_start=ctx.window(s.window_weeks)[0],
                window_end=ctx.as_of,
                details={
                    "harm_report_ids": sorted({h.pk for _, h in reports}),
                    "counts": {"severe_or_fatal": n, "fatal": fatal, "expected": round(expected, 3), "p_value": p},
                    "regions": sorted({h.region for _, h in reports if h.region}),
                    "area": area,
                    "jurisdictions": sorted({h.jurisdiction for _, h in reports}),
                },
            )
        )
    return out
