"""Intake batches and quarantined records."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from fews.models.base import Base, utcnow

__all__ = ["IntakeBatch", "QuarantineItem"]


class IntakeBatch(Base):
    __tablename__ = "intake_batch"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))  # seizures | reports | intel | psychoactivity
    source_name: Mapped[str] = mapped_column(String(500))
    file_sha256: Mapped[str | None] = mapped_column(String(64), index=True)
    file_format: Mapped[str] = mapped_column(String(10))
    provider: Mapped[str | None] = mapped_column(String(200))
    submitted_by: Mapped[str] = mapped_column(String(120))
    # running | complete | failed | abandoned (its process stopped before it finished: fews.stale_batches)
    status: Mapped[str] = mapped_column(String(20), default="running")
    host: Mapped[str | None] = mapped_column(String(200))  # hostname:pid of the ingesting process
    started_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    completed_at: Mapped[dt.datetime | None] = mapped_column(index=True)  # newest batch: detection, /metrics
    rows: Mapped[int] = mapped_column(default=0)
    accepted: Mapped[int] = mapped_column(default=0)
    quarantined: Mapped[int] = mapped_column(default=0)
    duplicates: Mapped[int] = mapped_column(default=0)
    amended: Mapped[int] = mapped_column(default=0)
    warnings: Mapped[int] = mapped_column(default=0)
    reasons: Mapped[dict[str, Any]] = mapped_column(default=dict)
    pipeline_version: Mapped[str] = mapped_column(String(80))
    error: Mapped[str | None] = mapped_column(Text)


class QuarantineItem(Base):
    """One rejected record (all its rows), kept with machine-readable reasons."""

    __tablename__ = "quarantine_item"
    __table_args__ = (UniqueConstraint("kind", "provider", "record_key", "payload_sha256"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int | None] = mapped_column(ForeignKey("intake_batch.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20), index=True)
    provider: Mapped[str] = mapped_column(String(200))
    record_key: Mapped[str] = mapped_column(String(300))
    row_count: Mapped[int] = mapped_column(default=1)
    lines: Mapped[list[Any]] = mapped_column(default=list)
    reasons: Mapped[list[Any]] = mapped_column(default=list)  # [{"code", "step", "field", "detail", "line"}]
    reason_codes: Mapped[str] = mapped_column(String(300))  # comma-joined, for filtering
    payload: Mapped[list[Any] | None] = mapped_column()  # the raw rows as submitted (tombstoned on retention)
    payload_sha256: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(20), default="open")  # open | released | superseded | purged
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    resolved_at: Mapped[dt.datetime | None]
    resolved_by: Mapped[str | None] = mapped_column(String(120))
    resolution_note: Mapped[str | None] = mapped_column(Text)
