"""Novelty signals: first UK detection of a substance, first at the border, in prisons and in
each jurisdiction (issue #6 item 2). Identity is the stored substance (stereo-free InChIKey)."""

from __future__ import annotations

from fews.detection.context import Candidate, WeekContext
from fews.detection.knowledge import First

__all__ = ["novelty_candidates"]

_CONTEXT_LABEL = {
    "border_postal": "in the postal/fast-parcel stream at the border",
    "border_freight": "in freight at the border",
    "border_passenger": "from a passenger at the border",
    "prison": "in a prison",
    "inland": "inland",
    "online": "online",
}


def _where(f: First) -> str:
    o = f.obs
    place = ", ".join(x for x in (o.area, o.jurisdiction) if x)
    ctx = _CONTEXT_LABEL.get(o.context or "", o.context or "in an unknown context")
    return f"{ctx} ({place}), seized {o.event.isoformat()}"


def _candidate(ctx: WeekContext, f: First, *, type_: str, subtype: str | None, key: str, what: str) -> Candidate:
    sid = f.obs.substance_id
    return Candidate(
        type=type_,
        subtype=subtype,
        key=key,
        score=1.0,
        reason=f"{what} of {ctx.catalogue.name(sid)}: {_where(f)}",
        members=[sid],
        family_id=ctx.catalogue.family(sid),
        substance_id=sid,
        window_start=f.obs.event,
        window_end=ctx.as_of,
        details={
            "sample_ids": [f.obs.pk],
            "contexts": [f.obs.context] if f.obs.context else [],
            "jurisdictions": [f.obs.jurisdiction],
            "first_detection": f.obs.event.isoformat(),
        },
    )


def novelty_candidates(ctx: WeekContext) -> list[Candidate]:
    if ctx.burn_in:
        return []
    s, news, out = ctx.settings, ctx.news, []
    if s.new_substance.enabled:
        for f in news.first_uk:
            sid = f.obs.substance_id
            out.append(
                _candidate(
                    ctx, f, type_="new_substance", subtype=None, key=f"new_substance:S{sid}", what="First UK detection"
                )
            )
    if s.border_first.enabled:
        for f in news.first_border:
            sid = f.obs.substance_id
            out.append(
                _candidate(
                    ctx,
                    f,
                    type_="border_first",
                    subtype=f.obs.context,
                    key=f"border_first:S{sid}",
                    what="First border detection",
                )
            )
    if s.prison_first.enabled:
        for f in news.first_prison:
            sid = f.obs.substance_id
            out.append(
                _candidate(
                    ctx,
                    f,
                    type_="new_substance",
                    subtype="prison_first",
                    key=f"prison_first:S{sid}",
                    what="First detection in a prison",
                )
            )
    if s.jurisdiction_first.enabled:
        for f in news.first_jurisdiction:
            sid, jur = f.obs.substance_id, f.obs.jurisdiction
            out.append(
                _candidate(
                    ctx,
                    f,
                    type_="new_substance",
                    subtype="jurisdiction_first",
                    key=f"jurisdiction_first:{jur}:S{sid}",
                    what=f"First detection in {jur.title()}",
                )
            )
    return out
