"""Substance families and detection signals."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Float, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from fews.models.base import Base, utcnow

__all__ = ["Family", "Signal"]


class Family(Base):
    __tablename__ = "family"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(300))
    core_smarts: Mapped[str | None] = mapped_column(Text)
    method: Mapped[str] = mapped_column(String(40))  # legal_generic | scaffold | cluster | manual
    basis: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    @property
    def public_id(self) -> str:
        return f"F{self.id}"


class Signal(Base):
    __tablename__ = "signal"

    id: Mapped[int] = mapped_column(primary_key=True)
    type: Mapped[str] = mapped_column(String(30), index=True)
    subtype: Mapped[str | None] = mapped_column(String(40))
    family_id: Mapped[int | None] = mapped_column(ForeignKey("family.id"), index=True)
    substance_id: Mapped[int | None] = mapped_column(ForeignKey("substance.id"), index=True)
    as_of: Mapped[dt.date] = mapped_column(index=True)
    score: Mapped[float] = mapped_column(Float)
    reason: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default="open")  # open | escalated | closed
    evidence_level: Mapped[str | None] = mapped_column(String(40))
    details: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
