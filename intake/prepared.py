"""A validated record ready to store: model column values plus content hashes."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from chem.standardise import StandardStructure

__all__ = ["Prepared", "PreparedChild", "hash_fields"]


def hash_fields(values: dict[str, Any]) -> str:
    data = json.dumps(values, sort_keys=True, separators=(",", ":"), default=str, ensure_ascii=False)
    return hashlib.sha256(data.encode("utf-8")).hexdigest()


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
