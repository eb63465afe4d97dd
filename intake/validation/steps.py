"""Validation steps: pure functions ``step(row, spec, ctx) -> list[Issue]``.

Each step reads the kind's spec (``intake.kinds``), may write normalised values into
``row.values`` / ``row.codes``, and returns the issues it found. ``STEP_ORDER`` is the chain; a row
stops at the first step that rejects it, so reasons are precise and cheap.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from chem.errors import InvalidStructure
from chem.names import SynonymTable
from chem.standardise import StandardiseCache, StandardStructure, standardise_molblock
from fews import vocab
from intake.kinds import KindSpec
from intake.parsers.raw import RawRow
from intake.validation.issues import Issue, reject, warn

__all__ = ["CheckedRow", "ValidationContext", "STEP_ORDER", "STEPS", "check_row"]

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
EARLIEST_DATE = dt.date(1950, 1, 1)


@dataclass
class ValidationContext:
    today: dt.date
    structures: StandardiseCache
    # the synonym table whose substance targets are standardised in its own cache (see structure())
    table: SynonymTable | None = None
    _memo: dict[str, StandardStructure | InvalidStructure] = field(default_factory=dict, repr=False, compare=False)

    def structure(self, smiles: str) -> StandardStructure:
        """The standardised structure of ``smiles``; raises :class:`InvalidStructure`.

        A plain-dict memo sits in front: the same few hundred SMILES come back on every row, and
        the shared cache's lock and LRU bookkeeping cost more than the look-up. A SMILES that is
        a substance target of ``table`` is standardised by the table (``structure_for``, the same
        ``standardise_smiles`` call), which keeps it for the synonym index that naming new
        substances builds, instead of standardising it twice.
        """
        memo = self._memo
        found = memo.get(smiles)
        if found is None:
            try:
                found = self._standardise(smiles)
            except InvalidStructure as exc:
                found = exc.with_traceback(None)  # keep no frames alive in the memo
            if len(memo) >= _STRUCTURE_MEMO_MAX:
                memo.clear()
            memo[smiles] = found
        if isinstance(found, InvalidStructure):
            raise InvalidStructure(found.input, reason=found.reason, code=found.code)
        return found

    get = structure  # so that it can stand in for a StandardiseCache

    def _standardise(self, smiles: str) -> StandardStructure:
        table = self.table
        if table is not None and self.structures.tautomer and smiles in table.substance_targets:
            return table.structure_for(smiles)
        return self.structures.get(smiles)


_STRUCTURE_MEMO_MAX = 10_000


@dataclass(slots=True)
class CheckedRow:
    raw: RawRow
    values: dict[str, Any] = field(default_factory=dict)
    codes: dict[str, str | None] = field(default_factory=dict)
    issues: list[Issue] = field(default_factory=list)
    structure: StandardStructure | None = None
    pending_name: str | None = None  # a name to resolve in the chunk's batched name lookup
    jurisdiction: str | None = None

    @property
    def rejected(self) -> bool:
        return any(i.reject for i in self.issues)

    @property
    def warnings(self) -> list[Issue]:
        return [i for i in self.issues if not i.reject]


def step_parse(row: CheckedRow, spec: KindSpec, ctx: ValidationContext) -> list[Issue]:
    if row.raw.error:
        code, detail = row.raw.error
        return [reject(code, "parse", None, detail)]
    return []


def step_required(row: CheckedRow, spec: KindSpec, ctx: ValidationContext) -> list[Issue]:
    data = row.raw.data
    issues = []
    for names in spec.required_groups:
        for n in names:
            if data.get(n):
                break
        else:
            label = " or ".join(names)
            issues.append(reject("missing_required_field", "required", names[0], f"{label} is required"))
    return issues


def parse_iso_date(text: str) -> dt.date:
    """Strict ISO 8601 calendar date; raises ValueError with a reason."""
    if not _ISO_DATE.match(text):
        raise ValueError(f"{text!r} is not an ISO 8601 date (YYYY-MM-DD)")
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"{text!r} is not a real calendar date") from None


_DATES: dict[str, dt.date | str] = {}  # text -> date, or the reason it is not one
_DATES_MAX = 20_000


def _parsed_date(text: str) -> dt.date | str:
    """:func:`parse_iso_date` of ``text``, or its error message; memoised (dates repeat in a file)."""
    try:
        return _DATES[text]
    except KeyError:
        pass
    try:
        out: dt.date | str = parse_iso_date(text)
    except ValueError as exc:
        out = str(exc)
    if len(_DATES) >= _DATES_MAX:
        _DATES.clear()
    _DATES[text] = out
    return out


def step_dates(row: CheckedRow, spec: KindSpec, ctx: ValidationContext) -> list[Issue]:
    issues: list[Issue] = []
    data = row.raw.data
    for rule in spec.dates:
        text = data.get(rule.field)
        if not text:
            row.values[rule.field] = None
            continue
        value = _parsed_date(text)
        if isinstance(value, str):
            issues.append(reject("bad_date", "dates", rule.field, value))
            continue
        if value < EARLIEST_DATE:
            issues.append(reject("bad_date", "dates", rule.field, f"{text} is before {EARLIEST_DATE}"))
            continue
        if value > ctx.today:
            issues.append(reject("future_date", "dates", rule.field, f"{text} is after today ({ctx.today})"))
            continue
        row.values[rule.field] = value
        if rule.not_before:
            earlier = row.values.get(rule.not_before)
            if earlier is not None and value < earlier:
                issues.append(
                    reject(
                        "bad_date", "dates", rule.field, f"{rule.field} {value} is before {rule.not_before} {earlier}"
                    )
                )
    return issues


def step_jurisdiction(row: CheckedRow, spec: KindSpec, ctx: ValidationContext) -> list[Issue]:
    if not spec.jurisdiction_fields:
        return []
    data = row.raw.data
    for name in spec.jurisdiction_fields:
        text = data.get(name)
        if text:
            nation = vocab.jurisdiction_of(text)
            if nation is None:
                return [
                    reject(
                        "unknown_jurisdiction",
                        "jurisdiction",
                        name,
                        f"{text!r} is not a UK nation, region or local area we know",
                    )
                ]
            row.jurisdiction = nation
            return []
    return [
        reject(
            "missing_required_field",
            "jurisdiction",
            spec.jurisdiction_fields[0],
            f"{' or '.join(spec.jurisdiction_fields)} is required",
        )
    ]


@functools.cache
def _vocabulary(name: str) -> vocab.Vocabulary:
    return vocab.load(name)


def step_vocabularies(row: CheckedRow, spec: KindSpec, ctx: ValidationContext) -> list[Issue]:
    issues: list[Issue] = []
    data = row.raw.data
    for name, vocab_name in spec.vocab.items():
        text = data.get(name)
        if not text:
            row.codes[name] = None
            continue
        term = _vocabulary(vocab_name).lookup(text)
        row.codes[name] = term.code if term else None
        if term is None:
            issues.append(warn("unknown_value", "vocabularies", name, f"{text!r} is not in {vocab_name}"))
    for name, vocab_name in spec.closed.items():
        text = data.get(name)
        if not text:
            row.codes[name] = None
            continue
        term = _vocabulary(vocab_name).lookup(text)
        if term is None:
            allowed = ", ".join(sorted(_vocabulary(vocab_name).codes()))
            issues.append(reject("invalid_value", "vocabularies", name, f"{text!r} is not one of: {allowed}"))
        else:
            row.codes[name] = term.code
    for name, vocab_name in spec.multi_vocab.items():
        text = data.get(name)
        items = [t.strip() for t in re.split(r"[|;]", text)] if text else []
        codes, unknown = [], []
        voc = _vocabulary(vocab_name)
        for item in filter(None, items):
            term = voc.lookup(item)
            (codes.append(term.code) if term else unknown.append(item))
        row.values[name] = codes + [f"raw:{u}" for u in unknown]
        if unknown:
            issues.append(
                warn(
                    "unknown_value", "vocabularies", name, f"not in {vocab_name}: {', '.join(repr(u) for u in unknown)}"
                )
            )
    return issues


def step_numbers(row: CheckedRow, spec: KindSpec, ctx: ValidationContext) -> list[Issue]:
    issues: list[Issue] = []
    for name, (low, high) in spec.numbers.items():
        text = row.raw.data.get(name)
        if not text:
            row.values[name] = None
            continue
        try:
            value = float(text.rstrip("%").replace(",", "").strip())
        except ValueError:
            row.values[name] = None
            issues.append(warn("bad_number", "numbers", name, f"{text!r} is not a number"))
            continue
        if not (low <= value <= high) or value != value:
            row.values[name] = None
            issues.append(warn("bad_number", "numbers", name, f"{text!r} is outside {low:g}-{high:g}"))
            continue
        row.values[name] = value
    return issues


def step_structure(row: CheckedRow, spec: KindSpec, ctx: ValidationContext) -> list[Issue]:
    data = row.raw.data
    block = data.get(spec.molblock_field) if spec.molblock_field else None
    smiles = data.get(spec.smiles_field) if spec.smiles_field else None
    try:
        if smiles:
            row.structure = ctx.structure(smiles)
            return []
        if block:
            row.structure = standardise_molblock(block)
            return []
    except InvalidStructure as exc:
        field_name = spec.smiles_field if smiles else spec.molblock_field
        return [reject("unparsable_structure", "structure", field_name, f"{exc.reason} ({exc.code})")]
    name = data.get(spec.name_field) if spec.name_field else None
    row.pending_name = name
    return []


Step = Callable[[CheckedRow, KindSpec, ValidationContext], list[Issue]]

STEPS: dict[str, Step] = {
    "parse": step_parse,
    "required": step_required,
    "dates": step_dates,
    "jurisdiction": step_jurisdiction,
    "vocabularies": step_vocabularies,
    "numbers": step_numbers,
    "structure": step_structure,
}
STEP_ORDER: tuple[str, ...] = ("parse", "required", "dates", "jurisdiction", "vocabularies", "numbers", "structure")


def check_row(raw: RawRow, spec: KindSpec, ctx: ValidationContext) -> CheckedRow:
    """Run the chain on one row; stop at the first rejecting step."""
    row = CheckedRow(raw=raw)
    for step in _chain(STEP_ORDER):
        found = step(row, spec, ctx)
        if found:
            row.issues.extend(found)
            if any(i.reject for i in found):
                break
    return row


@functools.lru_cache(maxsize=4)
def _chain(order: tuple[str, ...]) -> tuple[Step, ...]:
    return tuple(STEPS[name] for name in order)
