"""Append-only overlay of legal-status events (DESIGN.md §4.5)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from fews.models.base import Base, utcnow

__all__ = ["LegalStatusEvent"]


class LegalStatusEvent(Base):
    __tablename__ = "legal_status_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))  # add_named | end_named | start_rule | end_rule
    inchikey: Mapped[str | None] = mapped_column(String(27), index=True)
    stereo_specific: Mapped[bool] = mapped_column(default=False)
    rule_id: Mapped[str | None] = mapped_column(String(80), index=True)
    drug_class: Mapped[str | None] = mapped_column(String(10))  # A | B | C | TCDO
    effective_date: Mapped[dt.date]
    end_date: Mapped[dt.date | None]
    instrument: Mapped[str] = mapped_column(String(300))
    citation: Mapped[str] = mapped_column(Text)
    acmd_reference: Mapped[str | None] = mapped_column(String(300))
    note: Mapped[str | None] = mapped_column(Text)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    recorded_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
