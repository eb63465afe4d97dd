"""Near-miss signals for Home Office users (issue #6 item 4).

A substance new to the UK that the legal engine leaves uncontrolled (``PSA`` or
``not_controlled``) while naming a near miss (a controlled rule whose core it matches but whose
permitted modifications it exceeds) shows a family escaping its generic definition. To keep
one-off finds out, the substance needs ``min_samples`` samples, or one linked harm report, within
``window_weeks`` of its first detection.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from chem.legal import LegalEngine
from fews.detection.context import Candidate, WeekContext
from fews.detection.emerging import densest as _densest
from fews.detection.weeks import week_index

__all__ = ["near_miss_candidates", "UNCONTROLLED"]

UNCONTROLLED = frozenset({"PSA", "not_controlled"})


def _decision(ctx: WeekContext, sid: int) -> dict[str, Any]:
    cache: dict[int, dict[str, Any]] = ctx.extra.setdefault("legal_decisions", {})
    if sid not in cache:
        engine: LegalEngine = ctx.extra["legal_engine"]
        cache[sid] = engine.classify(ctx.catalogue.member(sid)["smiles"], ctx.as_of)
    return cache[sid]


def near_miss_candidates(ctx: WeekContext) -> list[Candidate]:
    if ctx.burn_in:
        return []
    s = ctx.settings.near_miss
    k = ctx.knowledge
    groups: dict[str, list[tuple[int, dict[str, Any]]]] = defaultdict(list)
    for sid, first in k.first_uk.items():
        if ctx.week - first.week >= s.window_weeks or ctx.established(sid):
            continue
        samples = k.samples_between(sid, first.week, ctx.week)
        harmed = any(w >= first.week for w, _ in k.harms.get(sid, ()))
        dense = _densest(sorted(week_index(o.event) for o in samples), s.span_weeks) >= s.min_samples
        if not (dense or harmed):
            continue
        decision = _decision(ctx, sid)
        if decision["status"] not in UNCONTROLLED or not decision.get("near_misses"):
            continue
        groups[ctx.catalogue.group_key(sid)].append((sid, decision))
    out = []
    for group, items in groups.items():
        items.sort(key=lambda x: (k.first_uk[x[0]].week, x[0]))
        sids = [sid for sid, _ in items]
        lead = items[0][1]["near_misses"][0]
        names = ", ".join(ctx.catalogue.name(x) for x in sids[:5])
        obs = [o for sid in sids for o in k.samples_between(sid, k.first_uk[sid].week, ctx.week)]
        fam = ctx.catalogue.family(sids[0]) if group.startswith("F") else None
        out.append(
            Candidate(
                type="near_miss",
                key=f"near_miss:{group}",
                score=float(len(obs) + sum(len(k.harms.get(x, ())) for x in sids)),
                reason=(
                    f"{names} escapes {lead['rule']} ({lead['instrument']}): {lead['blocking_modification']}; "
                    f"status {items[0][1]['status']}, {len(obs)} seizures since first detection"
                ),
                members=sids,
                family_id=fam,
                substance_id=sids[0] if len(sids) == 1 else None,
                window_start=min(k.first_uk[x].obs.event for x in sids),
                window_end=ctx.as_of,
                details={
                    "sample_ids": sorted({o.pk for o in obs})[-200:],
                    "near_misses": {f"S{sid}": d["near_misses"] for sid, d in items},
                    "legal_status": {f"S{sid}": d["status"] for sid, d in items},
                    "rule_set_version": items[0][1].get("rule_set_version"),
                    "jurisdictions": sorted({o.jurisdiction for o in obs}),
                    "contexts": sorted({o.context for o in obs if o.context}),
                },
            )
        )
    return out
