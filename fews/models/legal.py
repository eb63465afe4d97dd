"""Append-only overlay of legal-status events (DESIGN.md §4.5)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from fews.models.base import Base, utcnow

__all__ = ["LegalStatusEvent", "SubstanceLegalStatus", "LegalStatusChange"]


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


class SubstanceLegalStatus(Base):
    """The current decision for each stored substance (as at ``as_of``), for lists, feeds and exports."""

    __tablename__ = "substance_legal_status"

    id: Mapped[int] = mapped_column(primary_key=True)
    substance_id: Mapped[int] = mapped_column(ForeignKey("substance.id", ondelete="CASCADE"), unique=True)
    as_of: Mapped[dt.date]
    status: Mapped[str] = mapped_column(String(20), index=True)
    basis: Mapped[str] = mapped_column(String(20))
    rule_id: Mapped[str | None] = mapped_column(String(80))
    instrument: Mapped[str | None] = mapped_column(String(300))
    rule_set_version: Mapped[str] = mapped_column(String(40))
    event_ids: Mapped[list[Any]] = mapped_column(default=list)
    decided_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class LegalStatusChange(Base):
    """A change found when stored substances are re-evaluated (new rule files or new events)."""

    __tablename__ = "legal_status_change"

    id: Mapped[int] = mapped_column(primary_key=True)
    substance_id: Mapped[int] = mapped_column(ForeignKey("substance.id", ondelete="CASCADE"), index=True)
    as_of: Mapped[dt.date]
    from_status: Mapped[str | None] = mapped_column(String(20))
    to_status: Mapped[str] = mapped_column(String(20))
    from_rule: Mapped[str | None] = mapped_column(String(80))
    to_rule: Mapped[str | None] = mapped_column(String(80))
    rule_set_version: Mapped[str] = mapped_column(String(40))
    event_ids: Mapped[list[Any]] = mapped_column(default=list)
    detected_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
