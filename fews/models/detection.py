"""Substance families and detection signals."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Float, ForeignKey, Index, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from fews.models.base import Base, utcnow

__all__ = ["Family", "Signal", "SubstanceFingerprint", "DetectionWeek", "BaselineFit"]


class Family(Base):
    __tablename__ = "family"

    id: Mapped[int] = mapped_column(primary_key=True)
    # stable identity of the grouping (e.g. "generic:MDA-S2-P1-1(aa)/scaffold:..."); ids never change meaning
    key: Mapped[str | None] = mapped_column(String(400), unique=True)
    name: Mapped[str] = mapped_column(String(300))
    first_seen: Mapped[dt.date | None]
    core_smarts: Mapped[str | None] = mapped_column(Text)
    method: Mapped[str] = mapped_column(String(40))  # legal_generic | scaffold | cluster | manual
    basis: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    @property
    def public_id(self) -> str:
        return f"F{self.id}"


class Signal(Base):
    """One open signal per (type, subtype, family or substance): ``key`` de-duplicates it."""

    __tablename__ = "signal"
    __table_args__ = (Index("ix_signal_key_status", "key", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    type: Mapped[str] = mapped_column(String(30), index=True)
    subtype: Mapped[str | None] = mapped_column(String(40))
    family_id: Mapped[int | None] = mapped_column(ForeignKey("family.id"), index=True)
    substance_id: Mapped[int | None] = mapped_column(ForeignKey("substance.id"), index=True)
    key: Mapped[str] = mapped_column(String(200), default="")
    as_of: Mapped[dt.date] = mapped_column(index=True)
    first_as_of: Mapped[dt.date | None]
    window_start: Mapped[dt.date | None]
    window_end: Mapped[dt.date | None]
    escalations: Mapped[int] = mapped_column(default=0)
    score: Mapped[float] = mapped_column(Float)
    reason: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default="open")  # open | escalated | closed
    evidence_level: Mapped[str | None] = mapped_column(String(40))
    details: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class SubstanceFingerprint(Base):
    """Morgan fingerprint and generic scaffold per substance (recomputed when ``version`` changes)."""

    __tablename__ = "substance_fingerprint"

    substance_id: Mapped[int] = mapped_column(ForeignKey("substance.id", ondelete="CASCADE"), primary_key=True)
    version: Mapped[str] = mapped_column(String(40))
    bits: Mapped[bytes] = mapped_column(LargeBinary)
    scaffold: Mapped[str | None] = mapped_column(Text)
    computed_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class DetectionWeek(Base):
    """A week (closing Sunday) that detection has evaluated; the next run resumes after the newest."""

    __tablename__ = "detection_week"

    as_of: Mapped[dt.date] = mapped_column(primary_key=True)
    evaluated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    raised: Mapped[int] = mapped_column(default=0)
    updated: Mapped[int] = mapped_column(default=0)
    details: Mapped[dict[str, Any]] = mapped_column(default=dict)


class BaselineFit(Base):
    """Cached baseline fit of one weekly series (refitted at most every few weeks, DESIGN.md §9)."""

    __tablename__ = "baseline_fit"

    series_key: Mapped[str] = mapped_column(String(200), primary_key=True)
    method: Mapped[str] = mapped_column(String(40))
    fitted_as_of: Mapped[dt.date]
    params: Mapped[dict[str, Any]] = mapped_column(default=dict)
