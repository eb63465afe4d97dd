"""Emerging families: substances new to the UK that keep turning up (issue #6 items 1 and 6).

A substance first detected at most ``young_weeks`` ago counts towards its family's emergence.
A family that is itself new (every member first seen within ``young_weeks``) raises
``emerging_family`` when its members together reach ``min_samples`` distinct samples seized within
``span_weeks`` over ``min_weeks`` distinct weeks; in an established family a new member must reach
that on its own.
One-off finds that never recur stay below that; a wave starting near one seizure a week crosses
it within a few weeks of its first appearance.
"""

from __future__ import annotations

from collections import defaultdict

from fews.detection.context import Candidate, WeekContext
from fews.detection.knowledge import Knowledge
from fews.detection.settings import EmergingSettings
from fews.detection.weeks import week_index

__all__ = ["emerging_candidates", "densest"]


def densest(weeks: list[int], span: int) -> int:
    """Most items of the sorted ``weeks`` inside any ``span`` consecutive weeks."""
    best, lo = 0, 0
    for hi, w in enumerate(weeks):
        while w - weeks[lo] >= span:
            lo += 1
        best = max(best, hi - lo + 1)
    return best


def _qualifies(k: Knowledge, pool: list[int], week: int, s: EmergingSettings) -> bool:
    obs = [o for sid in pool for o in k.samples_between(sid, week - s.young_weeks + 1, week)]
    weeks = sorted(week_index(o.event) for o in obs)
    return (
        len(obs) >= s.min_samples and len(set(weeks)) >= s.min_weeks and densest(weeks, s.span_weeks) >= s.min_samples
    )


def emerging_candidates(ctx: WeekContext) -> list[Candidate]:
    if ctx.burn_in:
        return []
    s = ctx.settings.emerging_family
    k = ctx.knowledge
    young: dict[str, list[int]] = defaultdict(list)
    oldest: dict[str, int] = {}  # group -> week its earliest known member was first seen
    for sid, seen in k.first_uk.items():
        group = ctx.catalogue.group_key(sid)
        oldest[group] = min(oldest.get(group, seen.week), seen.week)
        if ctx.week - seen.week < s.young_weeks and not ctx.established(sid):
            young[group].append(sid)
    out = []
    for group, candidates in young.items():
        # a family that is itself new pools its members' evidence; in an established family each
        # new member must show the pattern on its own (unrelated one-off finds in a big family
        # such as the cathinones would otherwise add up)
        new_family = ctx.week - oldest[group] < s.young_weeks
        pools = [candidates] if new_family else [[sid] for sid in candidates]
        sids = [sid for pool in pools for sid in pool if _qualifies(k, pool, ctx.week, s)]
        if not sids:
            continue
        obs = [o for sid in sids for o in k.samples_between(sid, ctx.week - s.young_weeks + 1, ctx.week)]
        weeks = sorted(week_index(o.event) for o in obs)
        sids.sort(key=lambda x: (k.first_uk[x].week, x))
        names = ", ".join(ctx.catalogue.name(x) for x in sids[:5]) + (" and others" if len(sids) > 5 else "")
        fam = ctx.catalogue.family(sids[0]) if group.startswith("F") else None
        fam_label = ctx.catalogue.family_name(fam)
        first = min(k.first_event.get(x, k.first_uk[x].obs.event) for x in sids)
        recent = [o for sid in sids for o in k.samples_between(sid, ctx.week - s.window_weeks + 1, ctx.week)]
        reason = f"{len(obs)} seizures in {len(weeks)} weeks of {names}, new to the UK since {first.isoformat()}" + (
            f" ({fam_label})" if fam_label else ""
        )
        out.append(
            Candidate(
                type="emerging_family",
                key=f"emerging_family:{group}",
                score=float(len(obs)),
                reason=reason,
                members=sids,
                family_id=fam,
                substance_id=sids[0] if len(sids) == 1 else None,
                window_start=first,
                window_end=ctx.as_of,
                details={
                    "sample_ids": sorted({o.pk for o in obs})[-200:],
                    "counts": {"samples": len(obs), "weeks": len(set(weeks)), "samples_recent": len(recent)},
                    "contexts": sorted({o.context for o in obs if o.context}),
                    "jurisdictions": sorted({o.jurisdiction for o in obs}),
                    "areas": sorted({o.area for o in obs if o.area})[:50],
                    "first_detection": first.isoformat(),
                },
            )
        )
    return out
