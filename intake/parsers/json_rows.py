"""Streaming JSON reader (ijson): a list of record objects, flattened to rows.

A seizure object carries ``components: [...]``, a report ``substances: [...]`` (DESIGN.md §5.3);
each child becomes one row holding the parent's fields, so CSV and JSON of the same data count the
same ``rows``. Syntax errors part-way keep everything read so far and yield one ``malformed_row``
holding the unread remainder.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from decimal import Decimal
from typing import IO, Any

import ijson

from intake.parsers.raw import FileError, RawRow, open_binary

__all__ = ["iter_json_rows", "CHILD_KEYS", "MAX_REMAINDER_CHARS"]

CHILD_KEYS = {"seizures": "components", "reports": "substances"}
MAX_REMAINDER_CHARS = 1_000_000


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float, Decimal)):
        return str(value)
    if isinstance(value, str):
        value = value.strip()
        return value or None
    return json.dumps(value, default=str, sort_keys=True)


def _flat(obj: dict[str, Any], skip: str | None) -> dict[str, str | None]:
    return {str(k).strip().lower(): _text(v) for k, v in obj.items() if k != skip}


def iter_json_rows(source: str | os.PathLike[str] | IO[bytes], kind: str) -> Iterator[RawRow]:
    child_key = CHILD_KEYS.get(kind)
    with open_binary(source) as fh:
        head = fh.read(1 << 12)
        stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n")
        if not stripped:
            raise FileError("the file is empty: expected a JSON list of records")
        if not stripped.startswith(b"["):
            raise FileError("expected a JSON list of records ([{...}, ...])")
        stream = _Rewound(head, fh)
        index = -1
        try:
            for index, item in enumerate(ijson.items(stream, "item", use_float=False)):
                group = f"item[{index}]"
                if not isinstance(item, dict):
                    yield RawRow(
                        line=group,
                        data={},
                        group=group,
                        raw=json.dumps(item, default=str)[:10000],
                        error=("malformed_row", f"record {index} is a {type(item).__name__}, not an object"),
                    )
                    continue
                children = item.get(child_key) if child_key else None
                parent = _flat(item, child_key)
                if child_key and isinstance(children, list) and children:
                    for j, child in enumerate(children):
                        line = f"{group}.{child_key}[{j}]"
                        if not isinstance(child, dict):
                            yield RawRow(
                                line=line,
                                data=parent,
                                group=group,
                                raw=json.dumps(child, default=str),
                                error=("malformed_row", f"{child_key}[{j}] is not an object"),
                            )
                            continue
                        yield RawRow(line=line, data={**parent, **_flat(child, None)}, group=group)
                elif child_key and children is not None and not isinstance(children, list):
                    yield RawRow(
                        line=group, data=parent, group=group, error=("malformed_row", f"{child_key!r} must be a list")
                    )
                else:
                    yield RawRow(line=group, data=parent, group=group)
        except ijson.JSONError as exc:
            rest = stream.remainder(MAX_REMAINDER_CHARS)
            yield RawRow(
                line=f"item[{index + 1}]",
                data={},
                group=f"item[{index + 1}]:unreadable",
                raw=rest,
                error=(
                    "malformed_row",
                    f"invalid JSON after record {index}: {exc}; the rest of the "
                    "file could not be read and is kept in quarantine",
                ),
            )


class _Rewound:
    """A binary reader that replays bytes already read, and can return what is left."""

    def __init__(self, head: bytes, rest: IO[bytes]):
        self._head = head
        self._rest = rest
        self._consumed = 0

    def read(self, n: int = -1) -> bytes:
        if self._head:
            out, self._head = (self._head, b"") if n < 0 or n >= len(self._head) else (self._head[:n], self._head[n:])
            return out
        return self._rest.read(n)

    def remainder(self, limit: int) -> str:
        data = self._head + self._rest.read(limit)
        return data.decode("utf-8", errors="backslashreplace")
