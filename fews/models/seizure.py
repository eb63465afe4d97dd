"""Seized samples (versioned) and their identified components."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Float, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fews.models.base import Base, utcnow

__all__ = ["Sample", "Component"]


class Sample(Base):
    __tablename__ = "sample"
    __table_args__ = (
        UniqueConstraint("provider", "sample_id", "version"),
        Index("ix_sample_current_key", "sample_id", "is_current"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    provider: Mapped[str] = mapped_column(String(200))
    sample_id: Mapped[str] = mapped_column(String(200))
    version: Mapped[int] = mapped_column(default=1)
    is_current: Mapped[bool] = mapped_column(default=True)
    header_sha256: Mapped[str] = mapped_column(String(64))
    batch_id: Mapped[int | None] = mapped_column(ForeignKey("intake_batch.id"), index=True)
    submitted_by: Mapped[str | None] = mapped_column(String(120))
    submitting_agency: Mapped[str] = mapped_column(String(200))
    agency_code: Mapped[str | None] = mapped_column(String(80))
    seizure_date: Mapped[dt.date] = mapped_column(index=True)
    received_date: Mapped[dt.date | None]
    seizure_context: Mapped[str | None] = mapped_column(String(40), index=True)
    seizure_context_raw: Mapped[str | None] = mapped_column(String(200))
    jurisdiction: Mapped[str] = mapped_column(String(30), index=True)
    local_area: Mapped[str | None] = mapped_column(String(200))
    local_area_code: Mapped[str | None] = mapped_column(String(20))
    origin_country: Mapped[str | None] = mapped_column(String(100))
    product_form: Mapped[str | None] = mapped_column(String(40))
    product_form_raw: Mapped[str | None] = mapped_column(String(200))
    product_as_sold: Mapped[str | None] = mapped_column(String(300))
    sold_as_mismatch: Mapped[bool | None]
    sold_as_detail: Mapped[str | None] = mapped_column(Text)
    case_reference: Mapped[str | None] = mapped_column(String(200))  # enforcement-only
    security_marking: Mapped[str] = mapped_column(String(60))
    warnings: Mapped[list[Any]] = mapped_column(default=list)
    extra: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    components: Mapped[list[Component]] = relationship(
        back_populates="sample", order_by="Component.position", cascade="all, delete-orphan"
    )

    @property
    def visible_date(self) -> dt.date:
        return self.received_date or self.seizure_date


class Component(Base):
    __tablename__ = "component"
    # substance -> its samples (substance page, first detections, detection series): index-only on component
    __table_args__ = (Index("ix_component_substance_sample", "substance_id", "sample_pk"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    sample_pk: Mapped[int] = mapped_column(ForeignKey("sample.id", ondelete="CASCADE"), index=True)
    position: Mapped[int]
    row_sha256: Mapped[str] = mapped_column(String(64))
    substance_id: Mapped[int | None] = mapped_column(ForeignKey("substance.id"))
    name_reported: Mapped[str | None] = mapped_column(String(300))
    smiles_reported: Mapped[str | None] = mapped_column(Text)
    resolution: Mapped[str] = mapped_column(String(20))  # structure | synonym | opsin | class | family | unidentified
    resolution_label: Mapped[str | None] = mapped_column(String(300))
    role: Mapped[str | None] = mapped_column(String(20))
    role_raw: Mapped[str | None] = mapped_column(String(100))
    identification_level: Mapped[str | None] = mapped_column(String(40))
    purity: Mapped[float | None] = mapped_column(Float)
    quantity: Mapped[str | None] = mapped_column(String(100))
    method: Mapped[str | None] = mapped_column(String(200))
    spectrum_file: Mapped[str | None] = mapped_column(String(500))
    extra: Mapped[dict[str, Any]] = mapped_column(default=dict)

    sample: Mapped[Sample] = relationship(back_populates="components")
