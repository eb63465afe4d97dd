"""Keyset pagination: ``{"items": [...], "next": cursor|null}``.

A cursor is the opaque (base64url JSON) key of the last row served. The next page is "rows after that
key" in a fixed order, so rows inserted meanwhile never shift a page or repeat a row, unlike
``OFFSET``.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import Select
from sqlalchemy.orm import InstrumentedAttribute, Session

from web.api.problems import ApiProblem

__all__ = ["encode_cursor", "decode_cursor", "keyset_page", "keyset_filtered_page", "MAX_KEY"]

MAX_KEY = 2**31 - 1  # integer primary keys on PostgreSQL; larger values cannot exist
_VERSION = 1


def encode_cursor(key: int, *, descending: bool = False) -> str:
    raw = json.dumps({"v": _VERSION, "k": key, "d": int(descending)}, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str | None, *, descending: bool = False) -> int | None:
    """The key after which the page starts; 400 problem for a cursor this API did not make."""
    if not cursor:
        return None
    try:
        data = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (binascii.Error, ValueError, UnicodeDecodeError):
        raise ApiProblem(400, "The cursor is not one this API returned; pass back `next` unchanged.") from None
    if (
        not isinstance(data, dict)
        or data.get("v") != _VERSION
        or data.get("d") != int(descending)
        or type(data.get("k")) is not int
        or not 0 <= data["k"] <= MAX_KEY
    ):
        raise ApiProblem(400, "The cursor is not one this API returned; pass back `next` unchanged.")
    return int(data["k"])


def keyset_page(
    session: Session,
    stmt: Select[Any],
    key: InstrumentedAttribute[int],
    *,
    limit: int,
    cursor: str | None,
    descending: bool = False,
) -> tuple[Sequence[Any], str | None]:
    """One page of ``stmt`` ordered by the integer ``key``; returns (rows, next cursor or None)."""
    after = decode_cursor(cursor, descending=descending)
    if after is not None:
        stmt = stmt.where(key < after if descending else key > after)
    stmt = stmt.order_by(key.desc() if descending else key.asc()).limit(limit + 1)
    rows = session.scalars(stmt).all()  # load collections with selectinload, never a joined eager load
    if len(rows) <= limit:
        return rows, None
    rows = rows[:limit]
    return rows, encode_cursor(int(getattr(rows[-1], key.key)), descending=descending)


def keyset_filtered_page(
    session: Session,
    stmt: Select[Any],
    key: InstrumentedAttribute[int],
    *,
    limit: int,
    cursor: str | None,
    keep: Callable[[Any], bool],
    descending: bool = False,
) -> tuple[list[Any], str | None]:
    """Like :func:`keyset_page` for rules SQL cannot express: rows failing ``keep`` are skipped, and
    batches are read until the page is full, so pages stay full and the cursor stays a plain key."""
    out: list[Any] = []
    while True:
        rows, nxt = keyset_page(session, stmt, key, limit=limit, cursor=cursor, descending=descending)
        for i, row in enumerate(rows):
            if not keep(row):
                continue
            out.append(row)
            if len(out) == limit:
                more = i < len(rows) - 1 or nxt is not None
                return out, encode_cursor(int(getattr(row, key.key)), descending=descending) if more else None
        if nxt is None:
            return out, None
        cursor = nxt
