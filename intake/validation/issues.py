"""What validation can say about a row: machine-readable reasons (reject) and warnings."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

__all__ = ["Issue", "REJECT_CODES", "WARNING_CODES", "reject", "warn"]

# Reasons that send a record to quarantine (DESIGN.md §5.4-5.5, issue #3).
REJECT_CODES: dict[str, str] = {
    "encoding_error": "the row is not valid UTF-8",
    "malformed_row": "the row could not be read as a record (wrong field count, bad JSON)",
    "invalid_character": "a field holds a NUL character, which no text column can store (shown as U+FFFD)",
    "missing_required_field": "a required field is empty or absent",
    "bad_date": "a date is not ISO 8601 (YYYY-MM-DD), does not exist, or is out of order",
    "future_date": "a date lies after today (Europe/London)",
    "unknown_jurisdiction": "the jurisdiction or region is not a UK nation or region we know",
    "unparsable_structure": "a structure (SMILES or MOL block) is present but cannot be read",
    "invalid_value": "a value outside a closed list that decides how the record is used",
    "inconsistent_record": "rows of one record disagree on a record-level field",
    "value_too_long": "a value is longer than its database column holds (PostgreSQL refuses it)",
    "sibling_rejected": "another row of the same record was rejected (records are atomic)",
}

# Warnings: the record is stored, the raw value kept and its code left null (DESIGN.md §5.4).
WARNING_CODES: dict[str, str] = {
    "unknown_value": "a value is not in its vocabulary; stored raw with a null code",
    "bad_number": "a number could not be read or is out of range; kept raw in extra",
    "unidentified_name": "a substance name could not be resolved to a structure; stored as unidentified",
    "missing_optional_field": "an expected but optional field is empty",
}


@dataclass(frozen=True, slots=True)
class Issue:
    code: str
    step: str
    field: str | None
    detail: str
    reject: bool

    def as_dict(self, line: int | str | None = None) -> dict[str, Any]:
        out: dict[str, Any] = {"code": self.code, "step": self.step, "field": self.field, "detail": self.detail}
        if line is not None:
            out["line"] = line
        return out


def reject(code: str, step: str, field: str | None, detail: str) -> Issue:
    if code not in REJECT_CODES:
        raise ValueError(f"unknown reject code {code!r}")
    return Issue(code, step, field, detail, True)


def warn(code: str, step: str, field: str | None, detail: str) -> Issue:
    if code not in WARNING_CODES:
        raise ValueError(f"unknown warning code {code!r}")
    return Issue(code, step, field, detail, False)
