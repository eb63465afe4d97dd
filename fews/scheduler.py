"""Scheduled jobs (APScheduler). Each run takes a database lock so that only one process runs it,
and is recorded in ``job_run``; the newest run is the heartbeat that ``/readyz`` checks.

Jobs are data: ``JOBS`` maps a name to (function, trigger arguments). Later parts of FEWS
(detection, delivery) add their jobs here.
"""

from __future__ import annotations

import datetime as dt
import logging
import zlib
from collections.abc import Callable, Iterator
from typing import Any

from sqlalchemy import delete, func, select, text, update
from sqlalchemy.orm import Session

from fews import audit
from fews.db import dialect_name, session_scope
from fews.models import JobRun, utcnow
from fews.processes import process_gone, process_label
from fews.runtime import Runtime

__all__ = ["JOBS", "build_scheduler", "run_job", "run_named_job", "run_all_once", "run_scheduler", "last_heartbeat"]

logger = logging.getLogger(__name__)


JOB_RUN_RETENTION = dt.timedelta(days=14)


def job_heartbeat(rt: Runtime, session: Session) -> str:
    """Prove the scheduler is alive; prune job-run records older than ``JOB_RUN_RETENTION``."""
    cutoff = utcnow() - JOB_RUN_RETENTION
    result = session.execute(delete(JobRun).where(JobRun.started_at < cutoff))
    pruned = getattr(result, "rowcount", 0)
    return f"alive; pruned {pruned} job runs older than {JOB_RUN_RETENTION.days} days"


def job_verify_audit(rt: Runtime, session: Session) -> str:
    result = audit.verify(session)
    if not result.ok:
        logger.error("audit chain broken at entry %s: %s", result.broken_seq, result.detail)
        raise RuntimeError(f"audit chain broken at entry {result.broken_seq}: {result.detail}")
    return f"audit chain intact ({result.entries} entries)"


def job_legal_reevaluate(rt: Runtime, session: Session) -> str:
    """Re-decide every substance as at today (new rule files, new events, substances first seen)."""
    from fews.legal_status import reevaluate
    from intake.pipeline import london_today

    summary = reevaluate(rt.factory, as_of=london_today(), actor="scheduler", via="scheduler")
    return f"{summary.evaluated} substances, {summary.first_decisions} first decisions, {summary.changed} changes"


def job_deliver(rt: Runtime, session: Session) -> str:
    """Run the alert outbox: send due e-mail and webhook deliveries, retry failures with backoff."""
    from alerts.outbox import deliver_due
    from alerts.settings import DeliverySettings

    report = deliver_due(rt.factory, DeliverySettings.from_config(rt.config))
    return f"{report.sent} sent, {report.retrying} to retry, {report.dead} dead"


def job_detect(rt: Runtime, session: Session) -> str:
    """Evaluate the weeks since the last detection run (signals, draft alerts); nightly."""
    from fews.detection.run import Detector
    from intake.pipeline import london_today

    summary = Detector(rt.factory).run(london_today(), actor="scheduler", via="scheduler")
    raised = sum(e.event == "raised" for e in summary.events)
    escalated = sum(e.event == "escalated" for e in summary.events)
    return (
        f"{len(summary.weeks)} weeks evaluated; {raised} signals raised, {escalated} escalated; "
        f"{summary.alerts_drafted} alerts drafted"
    )


def job_detect_after_intake(rt: Runtime, session: Session) -> str:
    """Run detection soon after new data arrives: when an intake batch finished since the last run."""
    from fews.models import IntakeBatch

    detection_jobs = ("detect", "detect_after_intake")
    last = session.scalar(
        select(func.max(JobRun.started_at)).where(JobRun.job.in_(detection_jobs), JobRun.status == "ok")
    )
    newest = session.scalar(select(func.max(IntakeBatch.completed_at)))
    if newest is None or (last is not None and newest <= last):
        return "no intake since the last detection run"
    return job_detect(rt, session)


def job_purge_retention(rt: Runtime, session: Session) -> str:
    """Purge case-level fields past their retention age (``fews.retention``, ``FEWS_RETENTION_*``); audited."""
    from fews import web_sessions
    from fews.retention import RetentionSettings, purge

    report = purge(rt.factory, RetentionSettings.from_env())
    with session_scope(rt.factory) as s:
        sessions = web_sessions.prune(s)
    parts = [f"{name}: {n} purged" for name, n in report.purged.items()]
    return "; ".join([*parts, f"web sessions: {sessions} deleted"])


def job_abandon_stale_batches(rt: Runtime, session: Session) -> str:
    """Mark intake batches whose process died ``abandoned`` (``intake.batches``)."""
    from intake.batches import abandon_stale

    dead = abandon_stale(rt.factory)
    return f"{len(dead)} batch(es) abandoned" + (f": {', '.join(map(str, dead))}" if dead else "")


JOBS: dict[str, tuple[Callable[[Runtime, Session], str], dict[str, Any]]] = {
    "heartbeat": (job_heartbeat, {"trigger": "interval", "minutes": 1}),
    "verify_audit": (job_verify_audit, {"trigger": "cron", "hour": 2, "minute": 30}),
    "legal_reevaluate": (job_legal_reevaluate, {"trigger": "cron", "hour": 0, "minute": 15}),
    "deliver": (job_deliver, {"trigger": "interval", "minutes": 1}),
    "detect": (job_detect, {"trigger": "cron", "hour": 1, "minute": 0}),
    "detect_after_intake": (job_detect_after_intake, {"trigger": "interval", "minutes": 10}),
    "purge_retention": (job_purge_retention, {"trigger": "cron", "hour": 3, "minute": 0}),
    "abandon_stale_batches": (job_abandon_stale_batches, {"trigger": "interval", "minutes": 10}),
}


def _try_lock(session: Session, name: str) -> bool:
    if dialect_name(session) != "postgresql":
        return True  # SQLite: one machine, BEGIN IMMEDIATE serialises writers
    key = zlib.crc32(f"fews-job:{name}".encode())
    return bool(session.execute(text("SELECT pg_try_advisory_xact_lock(:k)"), {"k": key}).scalar())


def _abandon_dead_runs(rt: Runtime, name: str, run_id: int, *, lock_held: bool) -> None:
    """Runs of ``name`` left ``running`` by a process that died (killed, machine lost) become ``abandoned``.

    On PostgreSQL holding the job's advisory lock proves no other process is running it; otherwise
    a run is abandoned when its process (same host) no longer exists.
    """
    with session_scope(rt.factory) as s:
        rows = s.execute(
            select(JobRun.id, JobRun.host).where(JobRun.job == name, JobRun.status == "running", JobRun.id != run_id)
        ).all()
        dead = [pk for pk, host in rows if lock_held or process_gone(host)]
        if dead:
            s.execute(
                update(JobRun)
                .where(JobRun.id.in_(dead))
                .values(status="abandoned", finished_at=utcnow(), detail="its process stopped before the job finished")
            )
            logger.warning("job %s: %d earlier run(s) were abandoned by a process that stopped", name, len(dead))


def run_job(rt: Runtime, name: str) -> dict[str, Any]:
    fn, _ = JOBS[name]
    host = process_label()
    with session_scope(rt.factory) as s:
        run = JobRun(job=name, host=host, status="running")
        s.add(run)
        s.flush()
        run_id = run.id
    status, detail = "ok", ""
    # A plain (deferred) session: on PostgreSQL it holds the job's advisory lock until it commits; on
    # SQLite it takes no lock up front, so a job may open its own write transactions.
    s = rt.factory()
    try:
        if not _try_lock(s, name):
            status, detail = "skipped", "another process holds the job lock"
        else:
            _abandon_dead_runs(rt, name, run_id, lock_held=dialect_name(s) == "postgresql")
            detail = fn(rt, s)
        s.commit()
    except Exception as exc:  # recorded and logged; the scheduler keeps running
        s.rollback()
        logger.exception("job %s failed", name)
        status, detail = "failed", f"{type(exc).__name__}: {exc}"
    finally:
        s.close()
    with session_scope(rt.factory) as s:
        finished = s.get(JobRun, run_id)
        assert finished is not None
        finished.status, finished.detail, finished.finished_at = status, detail[:2000], utcnow()
    return {"job": name, "status": status, "detail": detail}


def run_all_once(rt: Runtime) -> Iterator[dict[str, Any]]:
    for name in JOBS:
        yield run_job(rt, name)


def last_heartbeat(session: Session) -> JobRun | None:
    return session.scalar(
        select(JobRun).where(JobRun.job == "heartbeat", JobRun.status == "ok").order_by(JobRun.id.desc()).limit(1)
    )


_RUNTIME: Runtime | None = None


def run_named_job(name: str) -> dict[str, Any]:
    """The job store's entry point: jobs are stored by name (the runtime is not picklable)."""
    if _RUNTIME is None:
        raise RuntimeError("the scheduler runtime is not set (start jobs through run_scheduler)")
    return run_job(_RUNTIME, name)


def build_scheduler(rt: Runtime, scheduler_class: type | None = None) -> Any:
    """An APScheduler scheduler with a database job store (table ``scheduler_job``) holding ``JOBS``.

    Jobs that are no longer in ``JOBS`` are removed from the store; the others are replaced, so a
    changed trigger takes effect at the next start.
    """
    global _RUNTIME
    from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
    from apscheduler.schedulers.blocking import BlockingScheduler

    from fews.models import SchedulerJob

    _RUNTIME = rt
    with session_scope(rt.factory) as s:
        s.execute(delete(SchedulerJob).where(SchedulerJob.id.not_in(list(JOBS))))
    store = SQLAlchemyJobStore(engine=rt.engine, tablename=SchedulerJob.__tablename__)
    cls = scheduler_class or BlockingScheduler
    sched = cls(timezone=rt.config.timezone, jobstores={"default": store})
    for name, (_fn, trigger) in JOBS.items():
        args = dict(trigger)
        kind = args.pop("trigger")
        sched.add_job(
            run_named_job,
            kind,
            args=[name],
            id=name,
            name=name,
            coalesce=True,
            max_instances=1,
            misfire_grace_time=300,
            replace_existing=True,
            **args,
        )
    return sched


def run_scheduler(rt: Runtime) -> None:
    sched = build_scheduler(rt)
    run_job(rt, "heartbeat")
    logger.warning("scheduler started with jobs: %s", ", ".join(JOBS))
    try:
        sched.start()
    except (KeyboardInterrupt, SystemExit):
        pass
