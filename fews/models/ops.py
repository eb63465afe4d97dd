"""Operational state: scheduled job runs (the scheduler's heartbeat) and the scheduler's job store."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Float, Index, LargeBinary, String, Text, Unicode
from sqlalchemy.orm import Mapped, mapped_column

from fews.models.base import Base, utcnow

__all__ = ["JobRun", "SchedulerJob"]


class JobRun(Base):
    __tablename__ = "job_run"
    # the newest run of a job with a status (/readyz heartbeat, detection after intake, /metrics)
    __table_args__ = (Index("ix_job_run_job_status_id", "job", "status", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    job: Mapped[str] = mapped_column(String(80))
    host: Mapped[str] = mapped_column(String(200))
    started_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[dt.datetime | None]
    status: Mapped[str] = mapped_column(String(20), default="running")  # running | ok | failed | skipped
    detail: Mapped[str | None] = mapped_column(Text)


class SchedulerJob(Base):
    """APScheduler's job store (``SQLAlchemyJobStore``, same columns): next run times survive restarts,
    so a job missed while the scheduler was down runs once when it comes back (misfire grace)."""

    __tablename__ = "scheduler_job"

    id: Mapped[str] = mapped_column(Unicode(191), primary_key=True)
    next_run_time: Mapped[float | None] = mapped_column(Float(25), index=True)
    job_state: Mapped[bytes] = mapped_column(LargeBinary)
