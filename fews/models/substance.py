"""Substances (identity = stereo-free InChIKey), their names, and resolved-name cache."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Float, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fews.models.base import Base, utcnow

__all__ = ["Substance", "SubstanceName", "NameResolutionCache"]


class Substance(Base):
    __tablename__ = "substance"

    id: Mapped[int] = mapped_column(primary_key=True)
    inchikey_nostereo: Mapped[str] = mapped_column(String(27), unique=True)
    inchikey: Mapped[str] = mapped_column(String(27), index=True)
    smiles: Mapped[str] = mapped_column(Text)
    formula: Mapped[str] = mapped_column(String(100))
    exact_mass: Mapped[float] = mapped_column(Float)
    mol_weight: Mapped[float] = mapped_column(Float)
    preferred_name: Mapped[str | None] = mapped_column(String(300))
    family_id: Mapped[int | None] = mapped_column(ForeignKey("family.id"), index=True)
    first_uk_detection_date: Mapped[dt.date | None]
    # derived (recomputable) pointer to the earliest sample; no FK to avoid a substance<->sample cycle
    first_uk_detection_sample_id: Mapped[int | None]
    first_uk_detection_level: Mapped[str | None] = mapped_column(String(40))
    international_status: Mapped[dict[str, Any]] = mapped_column(default=dict)
    standardisation_version: Mapped[str] = mapped_column(String(40))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    names: Mapped[list[SubstanceName]] = relationship(back_populates="substance", cascade="all, delete-orphan")

    @property
    def public_id(self) -> str:
        return f"S{self.id}"


class SubstanceName(Base):
    __tablename__ = "substance_name"
    __table_args__ = (UniqueConstraint("substance_id", "name_norm"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    substance_id: Mapped[int] = mapped_column(ForeignKey("substance.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(300))
    name_norm: Mapped[str] = mapped_column(String(300), index=True)
    kind: Mapped[str] = mapped_column(String(20))  # common, street, code, brand, systematic, reported
    source: Mapped[str | None] = mapped_column(String(300))

    substance: Mapped[Substance] = relationship(back_populates="names")


class NameResolutionCache(Base):
    """Names already resolved (synonym table or OPSIN), so Java starts only for new names."""

    __tablename__ = "name_resolution"

    id: Mapped[int] = mapped_column(primary_key=True)
    name_norm: Mapped[str] = mapped_column(String(300), unique=True)
    status: Mapped[str] = mapped_column(String(20))  # substance | family | class | unidentified
    smiles: Mapped[str | None] = mapped_column(Text)
    label: Mapped[str | None] = mapped_column(String(300))
    preferred_name: Mapped[str | None] = mapped_column(String(300))
    source: Mapped[str | None] = mapped_column(String(20))
    reason: Mapped[str | None] = mapped_column(String(300))
    resolved_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
