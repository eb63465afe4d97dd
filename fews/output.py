"""Print records as JSON Lines (default, for machines) or a text table (for people)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Mapping
from typing import Any, TextIO

__all__ = ["emit", "to_json"]


def _default(value: Any) -> Any:
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, (set, frozenset, tuple)):
        return list(value)
    return str(value)


def to_json(record: Mapping[str, Any]) -> str:
    return json.dumps(record, default=_default, ensure_ascii=False)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, (list, dict)):
        text = json.dumps(value, default=_default, ensure_ascii=False)
    else:
        text = _default(value) if not isinstance(value, str) else value
    text = str(text).replace("\n", " ")
    return text if len(text) <= 60 else text[:57] + "..."


def emit(records: Iterable[Mapping[str, Any]], fmt: str, out: TextIO) -> int:
    """Write records; returns how many were written."""
    if fmt == "jsonl":
        n = 0
        for r in records:
            out.write(to_json(r) + "\n")
            n += 1
        return n
    rows = list(records)
    if not rows:
        out.write("(none)\n")
        return 0
    cols: list[str] = []
    for r in rows:
        cols.extend(k for k in r if k not in cols)
    cells = [[_cell(r.get(c)) for c in cols] for r in rows]
    widths = [max(len(c), *(len(row[i]) for row in cells)) for i, c in enumerate(cols)]
    out.write("  ".join(c.ljust(w) for c, w in zip(cols, widths, strict=True)).rstrip() + "\n")
    out.write("  ".join("-" * w for w in widths) + "\n")
    for row in cells:
        out.write("  ".join(v.ljust(w) for v, w in zip(row, widths, strict=True)).rstrip() + "\n")
    return len(rows)
