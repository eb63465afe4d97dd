"""Group flattened rows into records (a sample, a report, an intel item) without holding the file.

Rows that belong together are consecutive in every format we accept (JSON objects and SDF records
are grouped by the parser; CSV rows by an unchanged (provider, key)). A key that comes back later
in the same file is a second record with the same key; storage merges it into the sample stored
earlier in the same batch (see ``intake.store``), so no component is lost or duplicated.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from intake.kinds import KindSpec
from intake.parsers.raw import RawRow

__all__ = ["Record", "group_records", "UNSPECIFIED_PROVIDER"]

UNSPECIFIED_PROVIDER = "unspecified"


@dataclass(slots=True)
class Record:
    provider: str
    key: str | None
    rows: list[RawRow] = field(default_factory=list)

    @property
    def record_key(self) -> str:
        return self.key if self.key is not None else f"line:{self.rows[0].line}"


def group_records(rows: Iterable[RawRow], spec: KindSpec, *, default_provider: str | None) -> Iterator[Record]:
    default = default_provider or UNSPECIFIED_PROVIDER
    current: Record | None = None
    current_gid: tuple[object, ...] | None = None
    key_field = spec.key_field
    for row in rows:
        data = row.data
        provider = data.get("provider") or default
        key = data.get(key_field)
        gid: tuple[object, ...] | None
        if row.group is not None:
            gid = ("group", row.group)
        elif key is not None:
            gid = ("key", provider, key)
        else:
            gid = None  # a row without a key is a record of its own
        if current is not None and gid is not None and gid == current_gid:
            current.rows.append(row)
            continue
        if current is not None:
            yield current
        current = Record(provider=provider, key=key, rows=[row])
        current_gid = gid
    if current is not None:
        yield current
