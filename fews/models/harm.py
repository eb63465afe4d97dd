"""RIDR-style adverse-reaction reports (clinical data: access rules in fews.access)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fews.models.base import Base, utcnow

__all__ = ["HarmReport", "HarmReportSubstance"]


class HarmReport(Base):
    __tablename__ = "harm_report"
    __table_args__ = (
        UniqueConstraint("provider", "report_id", "version"),
        Index("ix_harm_report_current_key", "report_id", "is_current"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    provider: Mapped[str] = mapped_column(String(200))
    report_id: Mapped[str] = mapped_column(String(200))
    version: Mapped[int] = mapped_column(default=1)
    is_current: Mapped[bool] = mapped_column(default=True)
    header_sha256: Mapped[str] = mapped_column(String(64))
    batch_id: Mapped[int | None] = mapped_column(ForeignKey("intake_batch.id"), index=True)
    reporter_user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    submitted_by: Mapped[str | None] = mapped_column(String(120))
    reporter_role: Mapped[str | None] = mapped_column(String(60))
    care_setting: Mapped[str | None] = mapped_column(String(40))
    care_setting_raw: Mapped[str | None] = mapped_column(String(200))
    event_date: Mapped[dt.date] = mapped_column(index=True)
    reported_date: Mapped[dt.date | None]
    region: Mapped[str | None] = mapped_column(String(100))
    region_code: Mapped[str | None] = mapped_column(String(20))
    jurisdiction: Mapped[str] = mapped_column(String(30), index=True)
    severity: Mapped[str | None] = mapped_column(String(20))
    severity_raw: Mapped[str | None] = mapped_column(String(100))
    effects: Mapped[list[Any]] = mapped_column(default=list)
    vulnerable_group: Mapped[str | None] = mapped_column(String(60))
    toxicology_status: Mapped[str | None] = mapped_column(String(20))
    free_text: Mapped[str | None] = mapped_column(Text)  # clinical-only
    sample_ref: Mapped[str | None] = mapped_column(String(200))
    linked_sample_pk: Mapped[int | None] = mapped_column(ForeignKey("sample.id"))
    security_marking: Mapped[str] = mapped_column(String(60))
    warnings: Mapped[list[Any]] = mapped_column(default=list)
    extra: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    substances: Mapped[list[HarmReportSubstance]] = relationship(
        back_populates="report", order_by="HarmReportSubstance.position", cascade="all, delete-orphan"
    )


class HarmReportSubstance(Base):
    __tablename__ = "harm_report_substance"
    # substance -> its reports (substance page harm aggregates, harm clusters)
    __table_args__ = (Index("ix_harm_report_substance_substance_report", "substance_id", "report_pk"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    report_pk: Mapped[int] = mapped_column(ForeignKey("harm_report.id", ondelete="CASCADE"), index=True)
    position: Mapped[int]
    row_sha256: Mapped[str] = mapped_column(String(64))
    name_reported: Mapped[str] = mapped_column(String(300))
    substance_id: Mapped[int | None] = mapped_column(ForeignKey("substance.id"))
    resolution: Mapped[str] = mapped_column(String(20))
    resolution_label: Mapped[str | None] = mapped_column(String(300))
    extra: Mapped[dict[str, Any]] = mapped_column(default=dict)
    note: Mapped[str | None] = mapped_column(Text)

    report: Mapped[HarmReport] = relationship(back_populates="substances")
