"""Decide UK legal status of a structure as at a date, and say why (DESIGN.md §6 ``classify``).

Precedence (uk-law.md §1.1, §4.2): named entries and generics of every Part in force on the date,
highest class wins, named before generic; then temporary class drug orders; then the Psychoactive
Substances Act 2016 from 26 May 2016 (exempt and non-psychoactive lists first); before that,
not controlled.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from rdkit import Chem
from rdkit.Chem.rdMolDescriptors import CalcMolFormula

from chem.errors import InvalidStructure
from chem.legal.cannabinol import evaluate_cannabinol_derivative
from chem.legal.derived import STRIPPERS
from chem.legal.generic import GenericHit, GenericMiss, evaluate_generic
from chem.legal.overlay import OverlayEvent, apply_overlay
from chem.legal.rules import CLASS_RANK, CONFIDENCE, NamedEntry, Rule, RuleSet, load_rules
from chem.legal.scra import evaluate_scra
from chem.legal.substituents import Switches
from chem.standardise import StandardiseCache, StandardStructure

__all__ = ["LegalEngine", "PSA_IN_FORCE", "PSA_SCOPE"]

PSA_IN_FORCE = dt.date(2016, 5, 26)  # Psychoactive Substances Act 2016, s.2-3; uk-law.md §1.3 [V]
PSA_SCOPE = ["supply", "production", "import", "export", "possession_in_custodial_institution"]
PSA_INSTRUMENT = "Psychoactive Substances Act 2016 (c. 2)"
UNDATED_KINDS = frozenset({"psa_exempt", "not_psychoactive", "pending"})  # lists consulted on any date


@dataclass(frozen=True)
class _Candidate:
    rule: Rule
    basis: str
    entry: NamedEntry | None
    atoms: tuple[int, ...]
    detail: str

    @property
    def rank(self) -> tuple[int, int, dt.date]:
        cls = CLASS_RANK.get(self.rule.drug_class or "", 0)
        return (cls, 1 if self.basis == "named" else 0, self.rule.in_force or dt.date.min)


def _weakest(*tags: str) -> str:
    return max(tags, key=CONFIDENCE.index)


class LegalEngine:
    """A registry of rules (loaded once) evaluated as at a date; ``classify`` returns the §6 record."""

    def __init__(
        self,
        rules: RuleSet | None = None,
        *,
        switches: Switches | None = None,
        structures: StandardiseCache | None = None,
        overlay: Sequence[OverlayEvent] = (),
    ):
        self.rules, self._events_of = apply_overlay(rules or load_rules(), overlay)
        self.switches = switches or Switches()
        self.structures = structures or StandardiseCache()
        self._class_of = {r.id: r.drug_class or "" for r in self.rules.rules}
        self._named: dict[str, list[tuple[Rule, NamedEntry]]] = {}
        for rule in self.rules.rules:
            for e in rule.entries:
                self._named.setdefault(e.key, []).append((rule, e))
        # formulas of every named entry: a parent of a derived clause that has none of them and meets no parent
        # rule's core cannot be captured, so it is not standardised (None: an overlay entry without a structure)
        entries = [
            e for r in self.rules.rules for e in (*(r.entries if r.kind in ("named", "tcdo") else ()), *r.parents)
        ]
        self._named_formulas: frozenset[str] | None = (
            None
            if any(not e.smiles for e in entries)
            else frozenset(CalcMolFormula(Chem.MolFromSmiles(e.smiles)) for e in entries)
        )

    # -- helpers -------------------------------------------------------------------------------------------
    def _named_hits(self, s: StandardStructure, day: dt.date, kinds: tuple[str, ...]) -> list[tuple[Rule, NamedEntry]]:
        out = []
        pairs = list(self._named.get(s.inchikey_nostereo, ()))
        if s.inchikey != s.inchikey_nostereo:
            pairs += self._named.get(s.inchikey, [])  # overlay events keyed by the full (stereo) InChIKey
        for rule, e in pairs:
            if rule.kind not in kinds:
                continue
            if rule.kind not in UNDATED_KINDS and (not rule.in_force_on(day) or (e.end is not None and day >= e.end)):
                continue
            if e.stereo_specific and s.has_stereo and e.full_key != s.inchikey:
                continue
            out.append((rule, e))
        return out

    def _excluded(self, rule: Rule, s: StandardStructure, day: dt.date) -> str | None:
        for e in rule.exclusions:
            if e.key == s.inchikey_nostereo:
                return f"expressly excluded from {rule.id} ({e.name})"
        for r, e in self._named_hits(s, day, ("named",)):
            if r.drug_class in rule.exclude_named_in:
                return f"excluded from {rule.id}: named in Class {r.drug_class} ({e.name}, {r.instrument})"
        return None

    # -- the decision --------------------------------------------------------------------------------------
    def classify(self, smiles: str, on_date: dt.date, *, ident: str | None = None) -> dict[str, Any]:
        base: dict[str, Any] = {"id": ident if ident is not None else smiles, "rule_set_version": self.rules.version}
        try:
            s = self.structures.get(smiles)
        except InvalidStructure as exc:
            return base | {
                "smiles": smiles,
                "inchikey": None,
                "status": "invalid",
                "basis": "none",
                "rule": None,
                "instrument": None,
                "in_force": None,
                "offence_scope": [],
                "matched_atoms": [],
                "explanation": f"Not a valid structure: {exc.reason}",
                "near_misses": [],
                "confidence": None,
                "caveats": [],
                "event_ids": [],
            }
        mol = Chem.MolFromSmiles(s.smiles)
        base |= {"smiles": s.smiles, "inchikey": s.inchikey, "event_ids": []}
        candidates: list[_Candidate] = []
        near: list[dict[str, Any]] = []
        caveats_partial: list[str] = []
        all_atoms = tuple(range(mol.GetNumAtoms()))
        for rule, e in self._named_hits(s, on_date, ("named",)):
            candidates.append(_Candidate(rule, "named", e, all_atoms, f"named as {e.name}"))
        for rule in self.rules.of_kind("generic"):
            if not rule.in_force_on(on_date):
                continue
            if rule.generic is not None:
                result = evaluate_generic(rule.generic, mol, self.switches)
            elif rule.scra is not None:
                result = evaluate_scra(rule.scra, mol, self.switches)
            elif rule.cannabinol:
                result = evaluate_cannabinol_derivative(mol, self.switches)
            else:
                continue
            if isinstance(result, GenericHit):
                excluded = self._excluded(rule, s, on_date)
                if excluded:
                    near.append(
                        {
                            "rule": rule.id,
                            "instrument": rule.instrument,
                            "blocking_modification": excluded,
                            "explanation": f"Matches the {rule.name} core but is {excluded}.",
                        }
                    )
                    continue
                mods = "; ".join(result.modifications) or "no modification"
                candidates.append(_Candidate(rule, "generic", None, result.matched_atoms, mods))
            elif isinstance(result, GenericMiss):
                if rule.partial:
                    caveats_partial.append(rule.id)
                near.append(
                    {
                        "rule": rule.id,
                        "instrument": rule.instrument,
                        "blocking_modification": result.blocking,
                        "explanation": f"Has the {rule.name} core, but {result.blocking}: outside {rule.id}.",
                    }
                )
        candidates = self._carve_out(candidates, near)
        for rule in self.rules.of_kind("derived"):
            hit = self._derived(rule, mol, s, on_date)
            if hit is not None:
                candidates.append(hit)
        caveats: list[str] = ["partial_rule"] if caveats_partial else []
        if any(e.stereo_specific and not s.has_stereo for _, e in self._named.get(s.inchikey_nostereo, ())):
            caveats.append("stereo_dependent")
        if candidates:
            best = max(candidates, key=lambda c: c.rank)
            return base | self._controlled(best, near, caveats)
        tcdo = self._named_hits(s, on_date, ("tcdo",))
        if tcdo:
            rule, e = tcdo[0]
            return base | self._controlled(_Candidate(rule, "tcdo", e, all_atoms, f"named as {e.name}"), near, caveats)
        if self._named_hits(s, on_date, ("pending",)):
            caveats.append("pending_control")
        return base | self._uncaptured(s, on_date, near, caveats)

    @staticmethod
    def _carve_out(candidates: list[_Candidate], near: list[dict[str, Any]]) -> list[_Candidate]:
        """Drop generic captures whose clause excludes compounds another clause captures ("not being a compound
        for the time being specified in sub-paragraph (c) above"); each is reported as a near miss."""
        captured = {c.rule.id: c.rule for c in candidates if c.basis == "generic"}
        kept = []
        for c in candidates:
            by = [captured[i] for i in c.rule.exclude_captured_by if i in captured]
            if c.basis == "generic" and by:
                why = f"excluded from {c.rule.id}: a compound specified in {by[0].id} ({by[0].instrument})"
                near.append(
                    {
                        "rule": c.rule.id,
                        "instrument": c.rule.instrument,
                        "blocking_modification": why,
                        "explanation": f"Matches the {c.rule.name} clause but is {why}.",
                    }
                )
                continue
            kept.append(c)
        return kept

    def boundaries(self) -> list[dt.date]:
        """Every date on which some rule, entry or the PSA starts or stops applying."""
        days = {PSA_IN_FORCE}
        for r in self.rules.rules:
            days.update(d for d in (r.in_force, r.end) if d is not None)
            days.update(e.end for e in r.entries if e.end is not None)
        return sorted(days)

    def timeline(
        self, smiles: str, *, start: dt.date = dt.date(1971, 1, 1), end: dt.date | None = None
    ) -> list[dict[str, Any]]:
        """The structure's status history: one record per change, from ``start`` to ``end`` (default today).

        Each item is ``{"from", "status", "basis", "rule", "instrument"}``; the first item gives the status
        on ``start``.
        """
        end = end or dt.date.today()
        days = [start] + [d for d in self.boundaries() if start < d <= end]
        out: list[dict[str, Any]] = []
        for day in days:
            r = self.classify(smiles, day)
            item = {
                "from": day.isoformat(),
                "status": r["status"],
                "basis": r["basis"],
                "rule": r["rule"],
                "instrument": r["instrument"],
            }
            if not out or (out[-1]["status"], out[-1]["rule"]) != (item["status"], item["rule"]):
                out.append(item)
        return out

    def _derived(self, rule: Rule, mol: Chem.Mol, s: StandardStructure, day: dt.date) -> _Candidate | None:
        """Strip the clause's change and re-test the parent against its named parents and parent rules."""
        spec = rule.derived
        if not rule.in_force_on(day) or spec is None or self._excluded(rule, s, day):
            return None
        parent_keys = {p.key: p.name for p in rule.parents}
        parent_rules = [
            r
            for r in self.rules.of_kind("generic")
            if (r.id in spec.parent_rules or r.drug_class in spec.parent_classes) and r.in_force_on(day)
        ]
        for parent_smiles, _removed in STRIPPERS[spec.strip](mol):
            pmol = Chem.MolFromSmiles(parent_smiles)
            if pmol is None:
                continue
            # screen with the cores first: only a parent with a named entry's formula needs its identity now
            by_name = self._named_formulas is None or CalcMolFormula(pmol) in self._named_formulas
            by_core = [r for r in parent_rules if r.generic is not None and pmol.HasSubstructMatch(r.generic.core)]
            if not by_name:  # no named parent possible: identify the parent only if a parent rule captures it
                by_core = [
                    r
                    for r in by_core
                    if r.generic is not None
                    and isinstance(evaluate_generic(r.generic, pmol, self.switches), GenericHit)
                ]
                if not by_core:
                    continue
            try:
                parent = self.structures.get(parent_smiles)
            except InvalidStructure:
                continue
            if parent.inchikey_nostereo == s.inchikey_nostereo:
                continue
            why = parent_keys.get(parent.inchikey_nostereo) if by_name else None
            if why is None and by_name:  # a named list the clause cites (1(ba) for 1(f)) or a named entry of a class
                named = [
                    (r, e)
                    for r, e in self._named_hits(parent, day, ("named",))
                    if r.drug_class in spec.parent_classes or r.id in spec.parent_rules
                ]
                if named:
                    why = f"{named[0][1].name} (Class {named[0][0].drug_class}, {named[0][0].instrument})"
            if why is None:
                for pr in by_core:
                    assert pr.generic is not None
                    hit = evaluate_generic(pr.generic, pmol, self.switches)
                    if isinstance(hit, GenericHit) and not self._excluded(pr, parent, day):
                        why = f"a compound captured by {pr.id}"
                        break
            if why is not None:
                change = {"n_benzyl": "N-benzyl derivative", "ester_ether": "ester or ether"}[spec.strip]
                return _Candidate(
                    rule,
                    spec.basis,
                    None,
                    tuple(range(mol.GetNumAtoms())),
                    f"{change} of {parent.smiles}, which is {why}",
                )
        return None

    def _controlled(self, c: _Candidate, near: list[dict[str, Any]], caveats: list[str]) -> dict[str, Any]:
        r = c.rule
        if r.partial and "partial_rule" not in caveats:
            caveats = [*caveats, "partial_rule"]
        # once captured, only a near miss of a higher class still tells the reader something
        rank = CLASS_RANK.get(r.drug_class or "", 0)
        near = [n for n in near if CLASS_RANK.get(self._class_of.get(n["rule"], ""), 0) > rank]
        status = "TCDO" if r.kind == "tcdo" else r.drug_class
        tags = [r.confidence] + ([c.entry.confidence] if c.entry else [])
        if c.basis == "generic":
            text = f"Captured by the {r.name} generic ({r.id}; {r.instrument}, in force {r.in_force}): {c.detail}."
        elif c.basis == "ester_ether":
            text = (
                f"Class {status} as an ester or ether of a Class A substance ({r.citation}; in force "
                f"{r.in_force}): {c.detail}."
            )
        elif c.basis == "tcdo":
            text = (
                f"Controlled temporarily by {r.instrument} (in force {r.in_force}"
                f"{', until ' + str(r.end) if r.end else ''}): {c.detail}. Possession is not an offence."
            )
        else:
            text = f"Class {status} by name ({c.detail}) under {r.instrument}, in force {r.in_force}."
        out = {
            "status": status,
            "basis": c.basis,
            "rule": r.id,
            "instrument": r.instrument,
            "in_force": r.in_force.isoformat() if r.in_force else None,
            "offence_scope": list(r.offence_scope),
            "matched_atoms": list(c.atoms),
            "explanation": text,
            "near_misses": near,
            "confidence": _weakest(*tags),
            "caveats": caveats,
            "event_ids": list(self._events_of.get(r.id, ())),
        }
        end = c.entry.end if c.entry and c.entry.end else r.end
        if end:
            out["in_force_to"] = end.isoformat()
        return out

    def _uncaptured(
        self, s: StandardStructure, day: dt.date, near: list[dict[str, Any]], caveats: list[str]
    ) -> dict[str, Any]:
        common = {"rule": None, "matched_atoms": [], "near_misses": near, "caveats": caveats}
        if day < PSA_IN_FORCE:
            return common | {
                "status": "not_controlled",
                "basis": "none",
                "instrument": None,
                "in_force": None,
                "offence_scope": [],
                "confidence": "V",
                "explanation": f"Not captured by the Misuse of Drugs Act 1971 rules in force on {day}, "
                f"and the Psychoactive Substances Act 2016 applies only from {PSA_IN_FORCE}.",
            }
        for kind in ("psa_exempt", "not_psychoactive"):
            listed = self._named_hits(s, day, (kind,))
            if not listed:
                continue
            rule, e = listed[0]
            if kind == "psa_exempt":
                status, basis, in_force = "exempt", "exempt", PSA_IN_FORCE.isoformat()
                category = e.category or "exempt category"
                text = f"{e.name} is an exempted substance under {PSA_INSTRUMENT}, Schedule 1 ({category})."
            else:
                status, basis, in_force = "not_controlled", "none", None
                text = f"{e.name} is listed as not psychoactive ({rule.citation}); not captured by the 1971 Act."
            return common | {
                "status": status,
                "basis": basis,
                "rule": rule.id,
                "instrument": rule.instrument,
                "in_force": in_force,
                "offence_scope": [],
                "confidence": _weakest(rule.confidence, e.confidence),
                "explanation": text,
            }
        return common | {
            "status": "PSA",
            "basis": "psa",
            "instrument": PSA_INSTRUMENT,
            "in_force": PSA_IN_FORCE.isoformat(),
            "offence_scope": list(PSA_SCOPE),
            "confidence": "I",
            "explanation": "Not captured by the Misuse of Drugs Act 1971 rules in force on "
            f"{day}; the Psychoactive Substances Act 2016 applies only if it is capable "
            "of producing a psychoactive effect and is not an exempted substance.",
        }
