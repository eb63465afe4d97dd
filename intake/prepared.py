"""A validated record ready to store: model column values plus content hashes."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from chem.standardise import StandardStructure

__all__ = ["Prepared", "PreparedChild", "hash_fields", "hash_row"]


def hash_fields(values: dict[str, Any]) -> str:
    """SHA-256 of a record's fields, independent of key order (text fields fast, others as JSON)."""
    parts = []
    for key in sorted(values):
        value = values[key]
        if value is None:
            parts.append(key + "\x1f\x00")
        elif isinstance(value, str):
            parts.append(key + "\x1f" + value)
        elif not value and isinstance(value, (dict, list)):
            parts.append(key + "\x1f" + ("{}" if isinstance(value, dict) else "[]"))
        else:
            parts.append(
                key + "\x1f" + json.dumps(value, sort_keys=True, separators=(",", ":"), default=str, ensure_ascii=False)
            )
    return hashlib.sha256("\x1e".join(parts).encode("utf-8", errors="surrogatepass")).hexdigest()


def hash_row(
    fields: tuple[str, ...],
    data: dict[str, str | None],
    extra: dict[str, Any] | None = None,
    provider: str | None = None,
) -> str:
    """SHA-256 of the text of ``fields`` in ``data`` (a fixed order), plus unknown columns and provider.

    The fast path for intake rows, whose values are all text or empty.
    """
    parts = [value or "\x00" for value in map(data.get, fields)]
    if provider is not None:
        parts.append(provider)
    if extra:
        parts.append(json.dumps(extra, sort_keys=True, ensure_ascii=False))
    return hashlib.sha256("\x1f".join(parts).encode("utf-8", errors="surrogatepass")).hexdigest()


@dataclass(slots=True)
class PreparedChild:
    values: dict[str, Any]
    row_sha256: str
    structure: StandardStructure | None
    name: str | None
    line: int | str


@dataclass(slots=True)
class Prepared:
    provider: str
    key: str
    header: dict[str, Any]
    header_sha256: str
    children: list[PreparedChild]
    structure: StandardStructure | None = None  # for kinds without children (intel, psychoactivity)
    name: str | None = None
    lines: list[int | str] = field(default_factory=list)
    warnings: int = 0

    @property
    def nrows(self) -> int:
        return max(1, len(self.children))

    @property
    def row_hashes(self) -> list[str]:
        return [c.row_sha256 for c in self.children] or [self.header_sha256]
