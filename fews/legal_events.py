"""Legal-status events in the database: record one (home_office_policy; admin for corrections, audited)
and read them all as the engine's overlay (DESIGN.md §4.5). Events are append-only: a change is a new
event from its date, never an edit of the past."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from chem.legal.overlay import EVENT_KINDS, OverlayEvent
from fews import audit
from fews.access import Principal, require
from fews.models import LegalStatusEvent

__all__ = ["record_event", "load_overlay"]


def record_event(
    session: Session,
    principal: Principal,
    *,
    kind: str,
    effective_date: dt.date,
    instrument: str,
    citation: str,
    inchikey: str | None = None,
    stereo_specific: bool = False,
    rule_id: str | None = None,
    drug_class: str | None = None,
    end_date: dt.date | None = None,
    acmd_reference: str | None = None,
    note: str | None = None,
    user_id: int | None = None,
) -> LegalStatusEvent:
    """Append an event after checking the permission and the content; raises ValueError on bad input."""
    require(principal.role, "record_legal_event")
    if kind not in EVENT_KINDS:
        raise ValueError(f"kind must be one of {EVENT_KINDS}, got {kind!r}")
    if not instrument.strip() or not citation.strip():
        raise ValueError("an event needs its instrument and citation")
    if end_date is not None and end_date < effective_date:
        raise ValueError(f"end date {end_date} is before the effective date {effective_date}")
    # validate through the engine's own value type before anything is written
    OverlayEvent(
        id=0,
        kind=kind,
        effective_date=effective_date,
        instrument=instrument,
        citation=citation,
        inchikey=inchikey,
        stereo_specific=stereo_specific,
        rule_id=rule_id,
        drug_class=drug_class,
        end_date=end_date,
    )
    event = LegalStatusEvent(
        kind=kind,
        inchikey=inchikey,
        stereo_specific=stereo_specific,
        rule_id=rule_id,
        drug_class=drug_class,
        effective_date=effective_date,
        end_date=end_date,
        instrument=instrument,
        citation=citation,
        acmd_reference=acmd_reference,
        note=note,
        recorded_by_id=user_id,
    )
    session.add(event)
    session.flush()
    audit.record(
        session,
        actor=principal.username,
        via=principal.via,
        action="legal.event.record",
        object_type="legal_status_event",
        object_id=event.id,
        content={
            "kind": kind,
            "inchikey": inchikey,
            "rule_id": rule_id,
            "class": drug_class,
            "effective": effective_date,
            "end": end_date,
            "instrument": instrument,
        },
    )
    return event


def load_overlay(session: Session, *, recorded_by: dt.date | None = None) -> list[OverlayEvent]:
    """The legal-status events as the engine's overlay; with ``recorded_by``, only those recorded on or
    before that day (an evidence pack reproduced as at a date)."""
    stmt = select(LegalStatusEvent).order_by(LegalStatusEvent.id)
    if recorded_by is not None:
        cutoff = dt.datetime.combine(recorded_by + dt.timedelta(days=1), dt.time.min, tzinfo=dt.UTC)
        stmt = stmt.where(LegalStatusEvent.recorded_at < cutoff)
    rows = session.scalars(stmt).all()
    return [
        OverlayEvent(
            id=r.id,
            kind=r.kind,
            effective_date=r.effective_date,
            instrument=r.instrument,
            citation=r.citation,
            inchikey=r.inchikey,
            stereo_specific=r.stereo_specific,
            rule_id=r.rule_id,
            drug_class=r.drug_class,
            end_date=r.end_date,
            name=r.note,
        )
        for r in rows
    ]
