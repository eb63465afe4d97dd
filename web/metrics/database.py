"""Prometheus metrics read from the database at scrape time: the same in every process."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from prometheus_client.registry import Collector
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from fews.models import Delivery, DetectionWeek, IntakeBatch, JobRun, QuarantineItem, Signal

__all__ = ["DatabaseCollector"]


class DatabaseCollector(Collector):
    """Counts from ``intake_batch``, ``quarantine_item``, ``signal``, ``detection_week``, ``delivery``
    and ``job_run`` (a handful of grouped queries per scrape, all on indexed columns)."""

    def __init__(self, factory: sessionmaker[Session]):
        self.factory = factory

    def collect(self) -> Iterator[Any]:
        session = self.factory()
        try:
            yield from self._intake(session)
            yield from self._detection(session)
            yield from self._delivery(session)
            yield from self._jobs(session)
        finally:
            session.close()

    def _intake(self, s: Session) -> Iterator[Any]:
        batches = CounterMetricFamily(
            "fews_intake_batches", "Intake batches by kind and status.", labels=["kind", "status"]
        )
        rows = CounterMetricFamily(
            "fews_intake_rows",
            "Intake rows by kind and outcome (accepted + quarantined + duplicates = rows).",
            labels=["kind", "outcome"],
        )
        by_kind: dict[str, list[int]] = {}
        for kind, status, n, accepted, quarantined, duplicates, amended in s.execute(
            select(
                IntakeBatch.kind,
                IntakeBatch.status,
                func.count(IntakeBatch.id),
                func.coalesce(func.sum(IntakeBatch.accepted), 0),
                func.coalesce(func.sum(IntakeBatch.quarantined), 0),
                func.coalesce(func.sum(IntakeBatch.duplicates), 0),
                func.coalesce(func.sum(IntakeBatch.amended), 0),
            ).group_by(IntakeBatch.kind, IntakeBatch.status)
        ):
            batches.add_metric([kind, status], n)
            totals = by_kind.setdefault(kind, [0, 0, 0, 0])
            for i, v in enumerate((accepted, quarantined, duplicates, amended)):
                totals[i] += int(v)
        for kind, totals in sorted(by_kind.items()):
            for outcome, v in zip(("accepted", "quarantined", "duplicates", "amended"), totals, strict=True):
                rows.add_metric([kind, outcome], v)
        yield batches
        yield rows
        open_items = GaugeMetricFamily("fews_quarantine_open_items", "Open quarantine items by kind.", labels=["kind"])
        for kind, n in s.execute(
            select(QuarantineItem.kind, func.count(QuarantineItem.id))
            .where(QuarantineItem.status == "open")
            .group_by(QuarantineItem.kind)
        ):
            open_items.add_metric([kind], n)
        yield open_items

    def _detection(self, s: Session) -> Iterator[Any]:
        signals = GaugeMetricFamily("fews_signals", "Detection signals by type and status.", labels=["type", "status"])
        for kind, status, n in s.execute(
            select(Signal.type, Signal.status, func.count(Signal.id)).group_by(Signal.type, Signal.status)
        ):
            signals.add_metric([kind, status], n)
        yield signals
        weeks = CounterMetricFamily("fews_detection_weeks_evaluated", "ISO weeks evaluated by detection.")
        weeks.add_metric([], s.scalar(select(func.count()).select_from(DetectionWeek)) or 0)
        yield weeks

    def _delivery(self, s: Session) -> Iterator[Any]:
        deliveries = GaugeMetricFamily(
            "fews_deliveries", "Alert deliveries (outbox) by channel and status.", labels=["channel", "status"]
        )
        for channel, status, n in s.execute(
            select(Delivery.channel, Delivery.status, func.count(Delivery.id)).group_by(
                Delivery.channel, Delivery.status
            )
        ):
            deliveries.add_metric([channel, status], n)
        yield deliveries

    def _jobs(self, s: Session) -> Iterator[Any]:
        runs = GaugeMetricFamily(
            "fews_job_runs_recent", "Scheduled job runs kept (14 days) by job and status.", labels=["job", "status"]
        )
        last_ok = GaugeMetricFamily(
            "fews_job_last_success_timestamp_seconds", "When each job last finished without error.", labels=["job"]
        )
        for job, status, n in s.execute(
            select(JobRun.job, JobRun.status, func.count(JobRun.id)).group_by(JobRun.job, JobRun.status)
        ):
            runs.add_metric([job, status], n)
        for job, finished in s.execute(
            select(JobRun.job, func.max(JobRun.finished_at)).where(JobRun.status == "ok").group_by(JobRun.job)
        ):
            if finished is not None:
                last_ok.add_metric([job], finished.timestamp())
        yield runs
        yield last_ok
