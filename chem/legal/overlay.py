"""The append-only overlay of legal-status events (DESIGN.md §4.5), as plain values.

The database keeps the events (``fews.models.LegalStatusEvent``); the engine only needs their
content: an event adds or ends a named substance (by InChIKey, stereo kept where it matters) or
starts/ends a shipped rule (by id) from a date, with its instrument and citation.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, replace

from chem.legal.rules import MDA_SCOPE, NamedEntry, Rule, RuleSet

__all__ = ["OverlayEvent", "EVENT_KINDS", "apply_overlay"]

EVENT_KINDS = ("add_named", "end_named", "start_rule", "end_rule")


@dataclass(frozen=True)
class OverlayEvent:
    id: int
    kind: str
    effective_date: dt.date
    instrument: str
    citation: str
    inchikey: str | None = None  # full or stereo-free InChIKey (add_named / end_named)
    stereo_specific: bool = False
    rule_id: str | None = None  # start_rule / end_rule
    drug_class: str | None = None  # A | B | C | TCDO for add_named
    end_date: dt.date | None = None
    name: str | None = None

    def __post_init__(self) -> None:
        if self.kind not in EVENT_KINDS:
            raise ValueError(f"event kind {self.kind!r} not one of {EVENT_KINDS}")
        if self.kind in ("add_named", "end_named") and not self.inchikey:
            raise ValueError(f"{self.kind} needs an InChIKey")
        if self.kind in ("start_rule", "end_rule") and not self.rule_id:
            raise ValueError(f"{self.kind} needs a rule id")
        if self.kind == "add_named" and self.drug_class not in ("A", "B", "C", "TCDO"):
            raise ValueError(f"add_named needs a class A, B, C or TCDO, got {self.drug_class!r}")

    @property
    def key(self) -> str | None:
        """The stereo-free form of the InChIKey (first block + the no-stereo flag)."""
        if not self.inchikey:
            return None
        first = self.inchikey.split("-")[0]
        return f"{first}-UHFFFAOYSA-{self.inchikey.split('-')[-1]}"


def apply_overlay(rules: RuleSet, events: Sequence[OverlayEvent]) -> tuple[RuleSet, dict[str, tuple[int, ...]]]:
    """The shipped rules as amended by the events; also which event ids touched each rule (by rule id)."""
    touched: dict[str, list[int]] = {}
    by_id = {r.id: r for r in rules.rules}
    added: list[Rule] = []
    for ev in sorted(events, key=lambda e: (e.effective_date, e.id)):
        if ev.kind in ("start_rule", "end_rule"):
            rule = by_id.get(ev.rule_id or "")
            if rule is None:
                raise ValueError(f"event {ev.id}: no shipped rule {ev.rule_id!r}")
            if ev.kind == "start_rule":
                rule = replace(rule, in_force=ev.effective_date, end=ev.end_date or rule.end)
            else:
                rule = replace(rule, end=ev.effective_date)
            by_id[rule.id] = rule
            touched.setdefault(rule.id, []).append(ev.id)
        elif ev.kind == "end_named":
            for rid, rule in list(by_id.items()):
                hit = [e for e in rule.entries if ev.key in (e.key, e.full_key) or ev.inchikey == e.full_key]
                if hit:
                    entries = tuple(
                        replace(e, end=min(e.end or ev.effective_date, ev.effective_date)) if e in hit else e
                        for e in rule.entries
                    )
                    by_id[rid] = replace(rule, entries=entries)
                    touched.setdefault(rid, []).append(ev.id)
        else:  # add_named
            rid = f"event:{ev.id}"
            entry = NamedEntry(
                name=ev.name or ev.inchikey or rid,
                smiles="",
                key=ev.key or "",
                full_key=ev.inchikey or "",
                stereo_specific=ev.stereo_specific,
                confidence="V",
                end=ev.end_date,
                synonyms=(),
                category=None,
                note=None,
            )
            kind = "tcdo" if ev.drug_class == "TCDO" else "named"
            scope = ("supply", "production", "import", "export") if kind == "tcdo" else MDA_SCOPE
            added.append(
                Rule(
                    id=rid,
                    kind=kind,
                    drug_class=ev.drug_class,
                    name=ev.name or rid,
                    instrument=ev.instrument,
                    citation=ev.citation,
                    url="",
                    in_force=ev.effective_date,
                    end=ev.end_date,
                    confidence="V",
                    offence_scope=scope,
                    text=None,
                    path=f"legal_status_event {ev.id}",
                    entries=(entry,),
                )
            )
            touched[rid] = [ev.id]
    amended = RuleSet(tuple(by_id[r.id] for r in rules.rules) + tuple(added), rules.version)
    return amended, {k: tuple(v) for k, v in touched.items()}
