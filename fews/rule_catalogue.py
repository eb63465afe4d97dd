"""The legal rule set as a catalogue for people: the shipped rule files as amended by the database's
legal-status events (DESIGN.md §4.5), filtered, and the events themselves with who recorded them.

:func:`rule_catalogue` applies the overlay (``chem.legal.overlay.apply_overlay``) and keeps, per rule,
its shipped dates beside the amended ones and the ids of the events that touched it; rules that
events added by name (``event:<id>``) are listed too. :func:`legal_events` lists the events, newest
first. Both read only; events are appended with :func:`fews.legal_events.record_event`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from chem.legal.overlay import OverlayEvent, apply_overlay
from chem.legal.rules import CONFIDENCE, KINDS, Rule, RuleSet
from fews.models import LegalStatusEvent, User

__all__ = [
    "RULE_KINDS",
    "CONFIDENCE_TAGS",
    "CONFIDENCE_MEANINGS",
    "RuleRow",
    "RuleFilter",
    "rule_catalogue",
    "EventRow",
    "legal_events",
]

RULE_KINDS = tuple(sorted(KINDS))
CONFIDENCE_TAGS = CONFIDENCE
#: What each confidence tag of the rule files means (../shared/legal/uk-law.md §0, "How to read this note").
CONFIDENCE_MEANINGS: dict[str, str] = {
    "V": "verified: the wording seen verbatim in a stored copy of the cited source",
    "P": "partly verified: part of the clause seen, the rest completed or inferred",
    "M": "from secondary knowledge only, not confirmed in a primary source",
    "I": "an interpretation of how the clause applies to a structure (no ruling found)",
    "U": "unresolved: looked for but not found; treat as unknown",
}


@dataclass(frozen=True)
class RuleRow:
    """One rule as in force after the overlay, with what the shipped file said and the events behind a change."""

    rule: Rule
    shipped_in_force: dt.date | None
    shipped_end: dt.date | None
    event_ids: tuple[int, ...]

    @property
    def from_event(self) -> bool:
        """Added by a legal-status event (not in a shipped file)."""
        return self.rule.id.startswith("event:")

    @property
    def amended(self) -> bool:
        """Its dates differ from the shipped file's, or an event ended one of its entries."""
        return bool(self.event_ids) and not self.from_event

    def in_force_on(self, day: dt.date) -> bool:
        r = self.rule
        return (r.in_force is None or r.in_force <= day) and (r.end is None or day < r.end)


@dataclass(frozen=True)
class RuleFilter:
    """Which rules to list; every field is optional (None: no filter)."""

    kind: str | None = None
    drug_class: str | None = None
    confidence: str | None = None
    in_force_on: dt.date | None = None
    text: str | None = None
    partial_only: bool = False

    def keeps(self, row: RuleRow) -> bool:
        r = row.rule
        if self.kind and r.kind != self.kind:
            return False
        if self.drug_class and (r.drug_class or "") != self.drug_class:
            return False
        if self.confidence and r.confidence != self.confidence:
            return False
        if self.partial_only and not r.partial:
            return False
        if self.in_force_on is not None and not row.in_force_on(self.in_force_on):
            return False
        if self.text:
            needle = self.text.casefold()
            names = " ".join(e.name for e in r.entries) + " " + " ".join(s for e in r.entries for s in e.synonyms)
            haystack = " ".join((r.id, r.name, r.instrument, r.citation, r.text or "", names)).casefold()
            if needle not in haystack:
                return False
        return True


def rule_catalogue(shipped: RuleSet, events: list[OverlayEvent], *, where: RuleFilter | None = None) -> list[RuleRow]:
    """The shipped rules amended by ``events`` (in file order, then the rules events added), filtered.

    Raises
    ------
    ValueError
        If an event names a rule id that no shipped file has (the engine refuses the same overlay).
    """
    amended, touched = apply_overlay(shipped, events)
    original = {r.id: r for r in shipped.rules}
    rows = []
    for rule in amended.rules:
        base = original.get(rule.id)
        rows.append(
            RuleRow(
                rule=rule,
                shipped_in_force=base.in_force if base else None,
                shipped_end=base.end if base else None,
                event_ids=touched.get(rule.id, ()),
            )
        )
    where = where or RuleFilter()
    return [r for r in rows if where.keeps(r)]


@dataclass(frozen=True)
class EventRow:
    """A stored legal-status event and the username of whoever recorded it."""

    event: LegalStatusEvent
    recorded_by: str | None


def legal_events(session: Session, *, limit: int = 500) -> list[EventRow]:
    """The newest ``limit`` legal-status events, newest first."""
    rows = session.execute(
        select(LegalStatusEvent, User.username)
        .outerjoin(User, User.id == LegalStatusEvent.recorded_by_id)
        .order_by(LegalStatusEvent.id.desc())
        .limit(limit)
    ).all()
    return [EventRow(ev, name) for ev, name in rows]
