"""Streaming JSON reader (ijson): a list of record objects, flattened to rows.

A seizure object carries ``components: [...]``, a report ``substances: [...]`` (DESIGN.md §5.3);
each child becomes one row holding the parent's fields, so CSV and JSON of the same data count the
same ``rows``. Syntax errors part-way keep everything read so far and yield one ``malformed_row``
holding the unread remainder.

Hostile input is bounded: a record nested deeper than ``MAX_DEPTH`` levels is yielded as one
``malformed_row`` (ijson's item builder needs memory quadratic in the depth: 40,000 levels took
4 GB), and a number longer than ``MAX_NUMBER_DIGITS`` digits stops the parse like a syntax error
(ijson's C backend crashes the process on integers past Python's 4,300-digit limit).
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from decimal import Decimal
from typing import IO, Any

import ijson

from intake.parsers.raw import FileError, RawRow, open_binary

__all__ = ["iter_json_rows", "CHILD_KEYS", "MAX_REMAINDER_CHARS", "MAX_DEPTH", "MAX_NUMBER_DIGITS"]

CHILD_KEYS = {"seizures": "components", "reports": "substances"}
MAX_REMAINDER_CHARS = 1_000_000
MAX_DEPTH = 32  # levels inside one record (a record with components is 3)
MAX_NUMBER_DIGITS = 1000
_LONG_DIGITS = re.compile(rb"[0-9]{%d}" % (MAX_NUMBER_DIGITS + 1))


class _Refused(ValueError):
    """Input the parser must not be given (it would crash or exhaust the process)."""


class _TooDeep(ValueError):
    def __init__(self, partial: Any):
        super().__init__(f"nested deeper than {MAX_DEPTH} levels")
        self.partial = partial


def _items(stream: Any) -> Iterator[Any]:
    """The elements of the top-level array, built from ijson's flat events with a depth limit.

    A too-deep element is consumed to its end and raised as :class:`_TooDeep` in its place, so the
    elements after it are still read.
    """
    events = ijson.basic_parse(stream, use_float=False)
    for event, _ in events:  # the opening "[" (checked by the caller)
        if event != "start_array":
            raise _Refused("expected a JSON list of records")
        break
    stack: list[Any] = []
    keys: list[str | None] = []
    skip = 0  # levels being consumed past MAX_DEPTH
    root: Any = None
    for event, value in events:
        if skip:
            skip += {"start_map": 1, "start_array": 1, "end_map": -1, "end_array": -1}.get(event, 0)
            if skip == 0 and len(stack) == 0:
                yield _TooDeep(root)
            continue
        if event in ("start_map", "start_array"):
            if len(stack) >= MAX_DEPTH:  # consume the rest of this element, then report it
                skip, stack, keys = len(stack) + 1, [], []
                continue
            container: Any = {} if event == "start_map" else []
            if stack:
                _attach(stack[-1], keys[-1], container)
            else:
                root = container
            stack.append(container)
            keys.append(None)
        elif event == "map_key":
            keys[-1] = value
        elif event in ("end_map", "end_array"):
            if not stack:
                return  # the closing "]"
            stack.pop()
            keys.pop()
            if not stack:
                yield root
        elif stack:
            _attach(stack[-1], keys[-1], value)
        else:
            yield value


def _attach(container: Any, key: str | None, value: Any) -> None:
    if isinstance(container, dict):
        container[key] = value
    else:
        container.append(value)


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
            for index, item in enumerate(_items(stream)):
                group = f"item[{index}]"
                if isinstance(item, _TooDeep):
                    yield RawRow(
                        line=group,
                        data={},
                        group=group,
                        raw=json.dumps(item.partial, default=str)[:10000],
                        error=("malformed_row", f"record {index} is {item}; shown up to that depth"),
                    )
                    continue
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
        except (ijson.JSONError, _Refused, ArithmeticError) as exc:  # ArithmeticError: 1e999999999 (decimal)
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
        self._digits = 0  # length of the run of digits that ended the previous read

    def read(self, n: int = -1) -> bytes:
        if self._head:
            out, self._head = (self._head, b"") if n < 0 or n >= len(self._head) else (self._head[:n], self._head[n:])
        else:
            out = self._rest.read(n)
        self._check_digits(out)
        return out

    def _check_digits(self, data: bytes) -> None:
        """Refuse a run of more than ``MAX_NUMBER_DIGITS`` digits (also across reads) before the parser sees it."""
        lead = len(data) - len(data.lstrip(b"0123456789"))
        if _LONG_DIGITS.search(data) or self._digits + lead > MAX_NUMBER_DIGITS:
            self._head = data + self._head  # keep it for the quarantined remainder
            raise _Refused(f"a run of more than {MAX_NUMBER_DIGITS} digits (a number too long to read safely)")
        tail = len(data) - len(data.rstrip(b"0123456789"))
        self._digits = self._digits + len(data) if tail == len(data) else tail

    def remainder(self, limit: int) -> str:
        data = self._head + self._rest.read(limit)
        return data.decode("utf-8", errors="backslashreplace")
