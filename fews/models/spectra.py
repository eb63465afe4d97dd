"""Spectral identifications of seized components (issue #5 item 5)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Float, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from fews.models.base import Base, utcnow

__all__ = ["SpectrumIdentification"]


class SpectrumIdentification(Base):
    """One query spectrum of a component's ``spectrum_file`` searched against the reference library.

    ``verdict`` is ``match``, ``analogue`` or ``unknown`` (DESIGN.md §6 ``fews identify``); ``hits``
    keeps the top hits as ``fews identify`` reports them; ``peaks`` the cleaned query peaks for the
    mirror plot. A file that cannot be read gives one row with ``error`` set, never a lost record.
    """

    __tablename__ = "spectrum_identification"

    id: Mapped[int] = mapped_column(primary_key=True)
    component_id: Mapped[int] = mapped_column(ForeignKey("component.id", ondelete="CASCADE"), index=True)
    sample_pk: Mapped[int] = mapped_column(ForeignKey("sample.id", ondelete="CASCADE"), index=True)
    file_name: Mapped[str] = mapped_column(String(500))
    file_sha256: Mapped[str | None] = mapped_column(String(64))
    query: Mapped[str | None] = mapped_column(String(300))
    precursor_mz: Mapped[float | None] = mapped_column(Float)
    verdict: Mapped[str] = mapped_column(String(20), index=True)
    hits: Mapped[list[Any]] = mapped_column(default=list)
    peaks: Mapped[list[Any]] = mapped_column(default=list)
    error: Mapped[str | None] = mapped_column(Text)
    library_version: Mapped[str | None] = mapped_column(String(64))
    identified_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
