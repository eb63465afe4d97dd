"""Engine-independent backup and restore: every table as gzip JSON Lines, in dependency order.

A backup taken from SQLite restores into PostgreSQL and back. Restore refuses a non-empty
database, and sequences are reset on PostgreSQL so new rows continue after the restored ids.
"""

from __future__ import annotations

import base64
import datetime as dt
import gzip
import json
from typing import Any

from sqlalchemy import Engine, func, insert, select, text

from fews import migrate
from fews.models import Base

__all__ = ["dump", "load", "RestoreError", "FORMAT_VERSION"]

FORMAT_VERSION = 1


class RestoreError(ValueError):
    pass


def _encode(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return {"$dt": value.isoformat()}
    if isinstance(value, dt.date):
        return {"$d": value.isoformat()}
    if isinstance(value, bytes):
        return {"$b": base64.b64encode(value).decode()}
    return value


def _decode(value: Any) -> Any:
    if isinstance(value, dict) and len(value) == 1:
        ((k, v),) = value.items()
        if k == "$dt":
            return dt.datetime.fromisoformat(v)
        if k == "$d":
            return dt.date.fromisoformat(v)
        if k == "$b":
            return base64.b64decode(v)
    return value


def dump(engine: Engine, path: str) -> dict[str, int]:
    counts: dict[str, int] = {}
    with gzip.open(path, "wt", encoding="utf-8") as out, engine.connect() as conn:
        out.write(json.dumps({"fews_backup": FORMAT_VERSION, "revision": migrate.current_revision(engine)}) + "\n")
        for table in Base.metadata.sorted_tables:
            n = 0
            for row in conn.execute(select(table).order_by(*table.primary_key.columns)).mappings():
                out.write(json.dumps({"t": table.name, "r": {k: _encode(v) for k, v in row.items()}}) + "\n")
                n += 1
            counts[table.name] = n
    return counts


def load(engine: Engine, path: str, *, batch: int = 1000) -> dict[str, int]:
    tables = {t.name: t for t in Base.metadata.sorted_tables}
    with engine.connect() as conn:
        for t in tables.values():
            if conn.execute(select(func.count()).select_from(t)).scalar():
                raise RestoreError(f"the database is not empty (table {t.name} has rows); restore needs an empty one")
    counts: dict[str, int] = {}
    revision = migrate.current_revision(engine)
    with gzip.open(path, "rt", encoding="utf-8") as fh, engine.begin() as conn:
        head = json.loads(fh.readline() or "{}")
        if head.get("fews_backup") != FORMAT_VERSION:
            raise RestoreError(f"{path} is not a FEWS backup (format {FORMAT_VERSION})")
        if head.get("revision") != revision:
            raise RestoreError(
                f"backup is at migration {head.get('revision')}, database at {revision}: "
                "migrate both to the same revision"
            )
        pending: list[dict[str, Any]] = []
        current: str | None = None

        def flush() -> None:
            if pending and current:
                conn.execute(insert(tables[current]), pending)
                counts[current] = counts.get(current, 0) + len(pending)
                pending.clear()

        for line in fh:
            rec = json.loads(line)
            if rec["t"] != current:
                flush()
                current = rec["t"]
                if current not in tables:
                    raise RestoreError(f"unknown table {current!r} in backup")
            pending.append({k: _decode(v) for k, v in rec["r"].items()})
            if len(pending) >= batch:
                flush()
        flush()
        if engine.dialect.name == "postgresql":
            for t in tables.values():
                # integer keys have a sequence to move on; a text key (scheduler_job.id) has none
                if "id" in t.c and t.c.id.autoincrement is not False and t.c.id.type.python_type is int:
                    conn.execute(
                        text(
                            f"SELECT setval(pg_get_serial_sequence('\"{t.name}\"', 'id'), "
                            f'COALESCE((SELECT MAX(id) FROM "{t.name}"), 0) + 1, false)'
                        )
                    )
    return counts
