"""Load and validate the legal rule files (``chem/legal/rules/**.yaml``): one file per instrument or
clause, each with its citation, dates and confidence tag. The loader fails loudly on any bad file."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from chem.errors import InvalidStructure
from chem.legal.derived import DerivedSpec
from chem.legal.generic import GenericSpec
from chem.legal.scra import ScraSpec
from chem.standardise import standardise_smiles

__all__ = ["RULES_DIR", "Rule", "NamedEntry", "RuleSet", "RuleFileError", "load_rules", "CLASS_RANK"]

RULES_DIR = Path(__file__).parent / "rules"
KINDS = {"named", "generic", "derived", "tcdo", "pending", "psa_exempt", "not_psychoactive"}
CLASSES = {"A", "B", "C", "TCDO"}
CONFIDENCE = ("V", "P", "M", "I", "U")  # strongest to weakest
CLASS_RANK = {"A": 3, "B": 2, "C": 1}
MDA_SCOPE = ("possession", "supply", "production", "import", "export")


class RuleFileError(ValueError):
    """A rule file is invalid; the message names the file and the problem."""


@dataclass(frozen=True)
class NamedEntry:
    name: str
    smiles: str
    key: str  # stereo-free InChIKey of the standardised structure
    full_key: str
    stereo_specific: bool
    confidence: str
    end: dt.date | None
    synonyms: tuple[str, ...]
    category: str | None
    note: str | None


@dataclass(frozen=True)
class Rule:
    id: str
    kind: str
    drug_class: str | None
    name: str
    instrument: str
    citation: str
    url: str
    in_force: dt.date | None
    end: dt.date | None
    confidence: str
    offence_scope: tuple[str, ...]
    text: str | None
    path: str
    entries: tuple[NamedEntry, ...] = ()
    generic: GenericSpec | None = None
    exclusions: tuple[NamedEntry, ...] = ()
    exclude_named_in: tuple[str, ...] = ()  # classes whose named entries the clause carves out ("(a) above")
    exclude_captured_by: tuple[str, ...] = ()  # rules whose compounds the clause carves out ("(c) above")
    partial: bool = False  # the statutory text is only partly known: decisions carry the partial_rule caveat
    derived: DerivedSpec | None = None
    scra: ScraSpec | None = None
    cannabinol: bool = False  # the Part IV "cannabinol derivatives" definition (chem/legal/cannabinol.py)
    parents: tuple[NamedEntry, ...] = ()  # parent compounds a derived clause names

    def in_force_on(self, day: dt.date) -> bool:
        return self.in_force is not None and self.in_force <= day and (self.end is None or day < self.end)


@dataclass(frozen=True)
class RuleSet:
    rules: tuple[Rule, ...]
    version: str

    def of_kind(self, *kinds: str) -> list[Rule]:
        return [r for r in self.rules if r.kind in kinds]


def _date(value: Any, where: str) -> dt.date | None:
    if value is None:
        return None
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise RuleFileError(f"{where}: {value!r} is not an ISO date") from None


def _entry(data: dict[str, Any], where: str) -> NamedEntry:
    for k in ("name", "smiles"):
        if not data.get(k):
            raise RuleFileError(f"{where}: substance entry lacks {k!r}: {data}")
    try:
        s = standardise_smiles(str(data["smiles"]))
    except InvalidStructure as exc:
        raise RuleFileError(f"{where}: {data['name']}: SMILES does not parse: {exc.reason}") from None
    conf = str(data.get("confidence", "M"))
    if conf not in CONFIDENCE:
        raise RuleFileError(f"{where}: {data['name']}: confidence {conf!r} not one of {CONFIDENCE}")
    return NamedEntry(
        name=str(data["name"]),
        smiles=s.smiles,
        key=s.inchikey_nostereo,
        full_key=s.inchikey,
        stereo_specific=bool(data.get("stereo_specific", False)),
        confidence=conf,
        end=_date(data.get("end"), f"{where}: {data['name']}"),
        synonyms=tuple(data.get("synonyms") or ()),
        category=data.get("category"),
        note=data.get("note"),
    )


RULE_KEYS = {
    "derived",
    "parents",
    "scra",
    "cannabinol_derivatives",
    "id",
    "kind",
    "class",
    "name",
    "instrument",
    "citation",
    "url",
    "in_force",
    "end",
    "confidence",
    "source",
    "text",
    "offence_scope",
    "substances",
    "generic",
    "exclusions",
    "exclude_named_in",
    "exclude_captured_by",
    "partial",
    "note",
}


def _rule(path: Path, data: dict[str, Any]) -> Rule:
    where = str(path.name)
    if not isinstance(data, dict):
        raise RuleFileError(f"{where}: expected a mapping at the top level")
    unknown = set(data) - RULE_KEYS
    if unknown:
        raise RuleFileError(f"{where}: unknown key(s) {', '.join(sorted(unknown))}")
    kind = data.get("kind")
    if kind not in KINDS:
        raise RuleFileError(f"{where}: kind {kind!r} not one of {sorted(KINDS)}")
    for k in ("id", "instrument", "citation", "confidence"):
        if not data.get(k):
            raise RuleFileError(f"{where}: missing {k!r}")
    drug_class = data.get("class")
    if kind in ("named", "generic", "derived", "tcdo") and drug_class not in CLASSES:
        raise RuleFileError(f"{where}: class {drug_class!r} not one of {sorted(CLASSES)}")
    in_force = _date(data.get("in_force"), where)
    end = _date(data.get("end"), where)
    if kind not in ("pending", "psa_exempt", "not_psychoactive") and in_force is None:
        raise RuleFileError(f"{where}: in_force is required for kind {kind}")
    if in_force and end and end < in_force:
        raise RuleFileError(f"{where}: end {end} is before in_force {in_force}")
    if str(data["confidence"]) not in CONFIDENCE:
        raise RuleFileError(f"{where}: confidence {data['confidence']!r} not one of {CONFIDENCE}")
    default_scope = ("supply", "production", "import", "export") if kind == "tcdo" else MDA_SCOPE
    scope = tuple(
        data.get("offence_scope") or (default_scope if kind in ("named", "generic", "derived", "tcdo") else ())
    )
    entries = tuple(_entry(e, where) for e in data.get("substances") or ())
    generic = None
    if kind == "generic" and "scra" not in data and "cannabinol_derivatives" not in data:
        try:
            generic = GenericSpec.from_dict(data["generic"])
        except (KeyError, TypeError, ValueError) as exc:
            raise RuleFileError(f"{where}: bad generic definition: {exc}") from None
    scra = None
    if kind == "generic" and "scra" in data:
        try:
            scra = ScraSpec.from_dict(data["scra"])
        except (TypeError, ValueError) as exc:
            raise RuleFileError(f"{where}: bad scra definition: {exc}") from None
    derived = None
    if kind == "derived":
        try:
            derived = DerivedSpec.from_dict(data["derived"])
        except (KeyError, TypeError, ValueError) as exc:
            raise RuleFileError(f"{where}: bad derived definition: {exc}") from None
    exclusions = tuple(_entry(e, where) for e in (data.get("exclusions") or ()))
    parents = tuple(_entry(e, where) for e in (data.get("parents") or ()))
    return Rule(
        id=str(data["id"]),
        kind=kind,
        drug_class=drug_class,
        name=str(data.get("name") or data["id"]),
        instrument=str(data["instrument"]),
        citation=str(data["citation"]),
        url=str(data.get("url") or ""),
        in_force=in_force,
        end=end,
        confidence=str(data["confidence"]),
        offence_scope=scope,
        text=data.get("text"),
        path=str(path.relative_to(RULES_DIR) if path.is_relative_to(RULES_DIR) else path),
        entries=entries,
        generic=generic,
        exclusions=exclusions,
        exclude_named_in=tuple(data.get("exclude_named_in") or ()),
        exclude_captured_by=tuple(data.get("exclude_captured_by") or ()),
        partial=bool(data.get("partial", False)),
        derived=derived,
        scra=scra,
        cannabinol=bool(data.get("cannabinol_derivatives", False)),
        parents=parents,
    )


_PARSED: dict[tuple[str, str], RuleSet] = {}


def load_rules(directory: Path = RULES_DIR) -> RuleSet:
    """Read every ``*.yaml`` under ``directory``; ``version`` is a SHA-256 over their bytes.

    Parsed rule sets are kept per (directory, version): reading and hashing the files is cheap,
    parsing them (YAML, SMARTS, standardising every named structure) takes seconds, so callers
    may load the rules freely and still see an edited file at once.
    """
    files = sorted(directory.rglob("*.yaml"))
    if not files:
        raise RuleFileError(f"no rule files under {directory}")
    digest = hashlib.sha256()
    contents = []
    for path in files:
        raw = path.read_bytes()
        digest.update(path.relative_to(directory).as_posix().encode() + b"\0" + raw)
        contents.append((path, raw))
    key = (str(directory.resolve()), digest.hexdigest())
    if key not in _PARSED:
        _PARSED[key] = _parse(contents, digest.hexdigest()[:16])
    return _PARSED[key]


def _parse(contents: list[tuple[Path, bytes]], version: str) -> RuleSet:
    rules = []
    ids: set[str] = set()
    for path, raw in contents:
        try:
            data = yaml.safe_load(raw)
        except yaml.YAMLError as exc:
            raise RuleFileError(f"{path.name}: not valid YAML: {exc}") from None
        rule = _rule(path, data)
        if rule.id in ids:
            raise RuleFileError(f"{path.name}: duplicate rule id {rule.id!r}")
        ids.add(rule.id)
        rules.append(rule)
    for rule in rules:
        unknown = [i for i in rule.exclude_captured_by if i not in ids]
        if unknown:
            raise RuleFileError(f"{rule.path}: exclude_captured_by names unknown rule(s) {', '.join(unknown)}")
    return RuleSet(tuple(rules), version)
