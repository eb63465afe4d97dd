"""Unidentified analytes: seized components whose spectra the reference library cannot identify
(issue #5 item 5; DESIGN.md §6 subtype ``unidentified_analyte``).

An ``analogue`` verdict (good fragment match with a precursor mass shift) says "close analogue of X:
possibly new"; an ``unknown`` verdict with a precursor says "nothing like it in the library". Spectra
of the same kind group into one signal: analogues by the library compound and the mass shift
(rounded to 0.01 u), unknowns by precursor m/z (0.01). The signal is a ``new_substance`` with subtype
``unidentified_analyte``; its score is the number of samples.
"""

from __future__ import annotations

from collections import defaultdict

from fews.detection.context import Candidate, WeekContext
from fews.detection.observations import SpectrumObs

__all__ = ["unidentified_candidates", "group_of"]


def group_of(u: SpectrumObs) -> str | None:
    hit = u.top_hit or {}
    if u.verdict == "analogue" and hit.get("inchikey") and hit.get("mass_shift") is not None:
        return f"analogue:{str(hit['inchikey'])[:14]}:{float(hit['mass_shift']):+.2f}"
    if u.precursor_mz is not None:
        return f"unknown:{u.precursor_mz:.2f}"
    return None  # an EI spectrum without a match: nothing to group it by


def unidentified_candidates(ctx: WeekContext) -> list[Candidate]:
    if ctx.burn_in or not ctx.news.unidentified:
        return []
    touched = {g for u in ctx.news.unidentified if (g := group_of(u))}
    groups: dict[str, list[SpectrumObs]] = defaultdict(list)
    for _week, u in ctx.knowledge.unidentified:
        g = group_of(u)
        if g in touched:
            groups[g].append(u)
    out = []
    for group, items in sorted(groups.items()):
        samples = sorted({u.sample_pk for u in items})
        first = min(items, key=lambda u: (u.event, u.pk))
        hit = first.top_hit or {}
        if first.verdict == "analogue":
            name = f"analogue of {hit.get('name')} ({float(hit['mass_shift']):+.3f} u)"
            what = (
                f"a close analogue of {hit.get('name')} (mass shift {float(hit['mass_shift']):+.4f} u"
                + (f", likely {hit['modification']}" if hit.get("modification") else "")
                + f"; {hit.get('name')} is {hit.get('status', 'of unknown status')})"
            )
        else:
            name = f"unknown analyte, precursor m/z {first.precursor_mz:.4f}"
            what = "not in the reference library"
        out.append(
            Candidate(
                type="new_substance",
                subtype="unidentified_analyte",
                key=f"unidentified_analyte:{group}",
                score=float(len(samples)),
                reason=(
                    f"{len(samples)} seized sample(s) with a spectrum that is {what}; first seized "
                    f"{first.event.isoformat()} ({first.context or 'unknown context'}, {first.jurisdiction.title()})"
                ),
                members=[],
                window_start=first.event,
                window_end=ctx.as_of,
                details={
                    "sample_ids": samples[-200:],
                    "spectrum_identification_ids": sorted(u.pk for u in items)[-200:],
                    "analyte": {"name": name, "verdict": first.verdict, "top_hit": hit},
                    "extra_members": [{"id": None, "name": name, "smiles": "", "inchikey": None}],
                    "contexts": sorted({u.context for u in items if u.context}),
                    "jurisdictions": sorted({u.jurisdiction for u in items}),
                },
            )
        )
    return out
