"""Quarantine: rejected records kept whole, with machine-readable reasons, never silently dropped.

An identical rejected record submitted again (same kind, provider, key and raw content) is
counted as a duplicate, not stored twice. ``retry`` re-runs the current pipeline on a kept
record (after a vocabulary or synonym update, say); ``release`` is not offered: a record leaves
quarantine only by passing validation, or by a corrected resubmission (status ``superseded``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from fews.models import QuarantineItem
from intake.parsers.raw import RawRow
from intake.prepared import hash_fields
from intake.validation.issues import Issue

__all__ = ["payload_of", "rows_from_payload", "store_rejected", "Rejected"]


class Rejected:
    """A record that failed, with its rows and each row's issues."""

    __slots__ = ("provider", "record_key", "rows", "issues")

    def __init__(self, provider: str, record_key: str, rows: Sequence[RawRow], issues: list[list[Issue]]):
        self.provider = provider
        self.record_key = record_key
        self.rows = list(rows)
        self.issues = issues

    def reasons(self) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        for row, issues in zip(self.rows, self.issues, strict=True):
            rejecting = [i for i in issues if i.reject]
            if rejecting:
                out.extend(i.as_dict(row.line) for i in rejecting)
            else:
                out.append(
                    {
                        "code": "sibling_rejected",
                        "step": "record",
                        "field": None,
                        "line": row.line,
                        "detail": "another row of this record was rejected; records are atomic",
                    }
                )
        return out

    def row_codes(self) -> list[str]:
        """The first rejecting reason of each row (``sibling_rejected`` for innocent rows)."""
        codes = []
        for issues in self.issues:
            rejecting = [i for i in issues if i.reject]
            codes.append(rejecting[0].code if rejecting else "sibling_rejected")
        return codes


def payload_of(rows: Sequence[RawRow]) -> list[dict[str, Any]]:
    return [
        {"line": r.line, "data": r.data, "raw": r.raw, "group": r.group, "error": list(r.error) if r.error else None}
        for r in rows
    ]


def rows_from_payload(payload: list[dict[str, Any]]) -> list[RawRow]:
    return [
        RawRow(
            line=p["line"],
            data=p["data"],
            raw=p.get("raw"),
            group=p.get("group"),
            error=tuple(p["error"]) if p.get("error") else None,
        )
        for p in payload
    ]  # type: ignore[arg-type]


def store_rejected(session: Session, kind: str, rejected: list[Rejected], *, batch_id: int | None) -> tuple[int, int]:
    """Store rejected records; returns (rows quarantined, rows that were already in quarantine)."""
    quarantined = duplicates = 0
    for rej in rejected:
        payload = payload_of(rej.rows)
        digest = hash_fields({"payload": [{"data": p["data"], "raw": p["raw"], "error": p["error"]} for p in payload]})
        exists = session.scalar(
            select(QuarantineItem.id).where(
                QuarantineItem.kind == kind,
                QuarantineItem.provider == rej.provider[:200],
                QuarantineItem.record_key == rej.record_key[:300],
                QuarantineItem.payload_sha256 == digest,
            )
        )
        if exists is not None:
            duplicates += len(rej.rows)
            continue
        reasons = rej.reasons()
        codes = sorted({r["code"] for r in reasons if r["code"] != "sibling_rejected"})
        session.add(
            QuarantineItem(
                batch_id=batch_id,
                kind=kind,
                provider=rej.provider[:200],
                record_key=rej.record_key[:300],
                row_count=len(rej.rows),
                lines=[r.line for r in rej.rows],
                reasons=reasons,
                reason_codes=",".join(codes)[:300],
                payload=payload,
                payload_sha256=digest,
                status="open",
            )
        )
        quarantined += len(rej.rows)
    session.flush()
    return quarantined, duplicates
