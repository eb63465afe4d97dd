"""Append-only, hash-chained audit log (DESIGN.md §4.7).

Each entry stores who did what to which object and when, with a SHA-256 of the content (never
the content itself). ``entry_hash = sha256(prev_hash | seq | at | actor | via | action |
object_type | object_id | content_sha256)``; the sequence number is allocated under a database
lock, so the chain never forks. :func:`verify` walks the chain and names the first broken entry.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from fews.db import advisory_lock
from fews.models import AuditEvent, utcnow

__all__ = ["GENESIS", "content_hash", "record", "verify", "VerifyResult", "AUDIT_LOCK_KEY"]

GENESIS = "0" * 64
AUDIT_LOCK_KEY = 0x4645_5753_0001  # "FEWS" + 1


def content_hash(content: Any) -> str:
    """SHA-256 of bytes, text, or any JSON-serialisable value (canonical JSON)."""
    if content is None:
        data = b""
    elif isinstance(content, bytes):
        data = content
    elif isinstance(content, str):
        data = content.encode("utf-8")
    else:
        data = json.dumps(content, sort_keys=True, separators=(",", ":"), default=str).encode("utf-8")
    return hashlib.sha256(data).hexdigest()


def _entry_hash(
    prev: str,
    seq: int,
    at: dt.datetime,
    actor: str,
    via: str,
    action: str,
    object_type: str,
    object_id: str,
    content_sha256: str,
) -> str:
    stamp = at.astimezone(dt.UTC).isoformat(timespec="microseconds")
    parts = [prev, str(seq), stamp, actor, via, action, object_type, object_id, content_sha256]
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()


def record(
    session: Session,
    *,
    actor: str,
    via: str,
    action: str,
    object_type: str,
    object_id: str | int,
    content: Any = None,
    content_sha256: str | None = None,
) -> AuditEvent:
    """Append one entry in the caller's transaction (it commits or rolls back with the change)."""
    advisory_lock(session, AUDIT_LOCK_KEY)
    last = session.execute(
        select(AuditEvent.seq, AuditEvent.entry_hash).order_by(AuditEvent.seq.desc()).limit(1)
    ).first()
    seq, prev = (last[0] + 1, last[1]) if last else (1, GENESIS)
    at = utcnow()
    digest = content_sha256 or content_hash(content)
    event = AuditEvent(
        seq=seq,
        at=at,
        actor=actor,
        via=via,
        action=action,
        object_type=object_type,
        object_id=str(object_id)[:200],
        content_sha256=digest,
        prev_hash=prev,
        entry_hash=_entry_hash(prev, seq, at, actor, via, action, object_type, str(object_id)[:200], digest),
    )
    session.add(event)
    session.flush()
    return event


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    entries: int
    broken_seq: int | None = None
    detail: str | None = None

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"ok": self.ok, "entries": self.entries}
        if not self.ok:
            out["broken_seq"] = self.broken_seq
            out["detail"] = self.detail
        return out


def verify(session: Session, *, batch: int = 5000) -> VerifyResult:
    """Walk the chain in sequence order; stop at the first entry that does not link or hash."""
    prev, expected_seq, count = GENESIS, 1, 0
    last_seq = 0
    while True:
        rows: Iterable[AuditEvent] = session.scalars(
            select(AuditEvent).where(AuditEvent.seq > last_seq).order_by(AuditEvent.seq).limit(batch)
        ).all()
        rows = list(rows)
        if not rows:
            return VerifyResult(True, count)
        for ev in rows:
            if ev.seq != expected_seq:
                return VerifyResult(False, count, ev.seq, f"sequence gap: expected {expected_seq}, found {ev.seq}")
            if ev.prev_hash != prev:
                return VerifyResult(False, count, ev.seq, "prev_hash does not match the previous entry")
            want = _entry_hash(
                prev, ev.seq, ev.at, ev.actor, ev.via, ev.action, ev.object_type, ev.object_id, ev.content_sha256
            )
            if want != ev.entry_hash:
                return VerifyResult(False, count, ev.seq, "entry_hash does not match the entry's fields")
            prev, expected_seq, count = ev.entry_hash, ev.seq + 1, count + 1
            last_seq = ev.seq
