"""Other intelligence streams, kept apart from lab-confirmed seizures: drug checking, street surveys,
online-market observations (each graded), and psychoactivity test results."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Float, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fews.models.base import Base, utcnow

__all__ = ["IntelFinding", "IntelReport", "PsychoactivityResult"]


class IntelReport(Base):
    __tablename__ = "intel_report"
    __table_args__ = (UniqueConstraint("provider", "record_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    provider: Mapped[str] = mapped_column(String(200))
    record_id: Mapped[str] = mapped_column(String(200), index=True)
    version: Mapped[int] = mapped_column(default=1)
    is_current: Mapped[bool] = mapped_column(default=True)
    header_sha256: Mapped[str] = mapped_column(String(64))
    batch_id: Mapped[int | None] = mapped_column(ForeignKey("intake_batch.id"), index=True)
    submitted_by: Mapped[str | None] = mapped_column(String(120))
    stream: Mapped[str] = mapped_column(String(30), index=True)
    evidence_grade: Mapped[str | None] = mapped_column(String(40))
    observed_date: Mapped[dt.date] = mapped_column(index=True)
    source: Mapped[str] = mapped_column(String(200))
    jurisdiction: Mapped[str] = mapped_column(String(30))
    local_area: Mapped[str | None] = mapped_column(String(200))
    local_area_code: Mapped[str | None] = mapped_column(String(20))
    sold_as: Mapped[str | None] = mapped_column(String(300))
    sold_as_mismatch: Mapped[bool | None]
    sold_as_detail: Mapped[str | None] = mapped_column(Text)
    source_evaluation: Mapped[str | None] = mapped_column(String(2))
    intelligence_assessment: Mapped[str | None] = mapped_column(String(2))
    handling_code: Mapped[str | None] = mapped_column(String(2))
    security_marking: Mapped[str] = mapped_column(String(60))
    warnings: Mapped[list[Any]] = mapped_column(default=list)
    extra: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    findings: Mapped[list[IntelFinding]] = relationship(
        back_populates="report", order_by="IntelFinding.position", cascade="all, delete-orphan"
    )


class IntelFinding(Base):
    """One substance found (drug checking) or named (survey, market) in an intelligence record."""

    __tablename__ = "intel_finding"

    id: Mapped[int] = mapped_column(primary_key=True)
    report_pk: Mapped[int] = mapped_column(ForeignKey("intel_report.id", ondelete="CASCADE"), index=True)
    position: Mapped[int]
    row_sha256: Mapped[str] = mapped_column(String(64))
    found_name: Mapped[str | None] = mapped_column(String(300))
    found_smiles: Mapped[str | None] = mapped_column(Text)
    substance_id: Mapped[int | None] = mapped_column(ForeignKey("substance.id"), index=True)
    resolution: Mapped[str] = mapped_column(String(20))
    resolution_label: Mapped[str | None] = mapped_column(String(300))
    extra: Mapped[dict[str, Any]] = mapped_column(default=dict)

    report: Mapped[IntelReport] = relationship(back_populates="findings")


class PsychoactivityResult(Base):
    __tablename__ = "psychoactivity_result"
    __table_args__ = (UniqueConstraint("provider", "result_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    provider: Mapped[str] = mapped_column(String(200))
    result_id: Mapped[str] = mapped_column(String(200), index=True)
    version: Mapped[int] = mapped_column(default=1)
    is_current: Mapped[bool] = mapped_column(default=True)
    header_sha256: Mapped[str] = mapped_column(String(64))
    batch_id: Mapped[int | None] = mapped_column(ForeignKey("intake_batch.id"), index=True)
    submitted_by: Mapped[str | None] = mapped_column(String(120))
    substance_id: Mapped[int | None] = mapped_column(ForeignKey("substance.id"), index=True)
    substance_name: Mapped[str] = mapped_column(String(300))
    substance_smiles: Mapped[str | None] = mapped_column(Text)
    resolution: Mapped[str] = mapped_column(String(20))
    sample_ref: Mapped[str | None] = mapped_column(String(200))
    linked_sample_pk: Mapped[int | None] = mapped_column(ForeignKey("sample.id"))
    assay: Mapped[str] = mapped_column(String(300))
    result: Mapped[str] = mapped_column(String(20))  # active | inactive | inconclusive
    potency_value: Mapped[float | None] = mapped_column(Float)
    potency_unit: Mapped[str | None] = mapped_column(String(20))
    efficacy_percent: Mapped[float | None] = mapped_column(Float)
    reference_compound: Mapped[str | None] = mapped_column(String(200))
    test_date: Mapped[dt.date]
    laboratory: Mapped[str] = mapped_column(String(200))
    warnings: Mapped[list[Any]] = mapped_column(default=list)
    extra: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    note: Mapped[str | None] = mapped_column(Text)
