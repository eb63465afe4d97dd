from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select

from fews import audit
from fews.db import session_scope
from fews.models import JobRun, utcnow
from fews.scheduler import last_heartbeat, run_all_once, run_job


def test_jobs_run_once_record_heartbeat_and_prune(runtime):
    with session_scope(runtime.factory) as s:
        s.add(JobRun(job="heartbeat", host="old", status="ok", started_at=utcnow() - dt.timedelta(days=30)))
        audit.record(s, actor="t", via="cli", action="x", object_type="t", object_id=1)
    results = {r["job"]: r for r in run_all_once(runtime)}
    assert results["heartbeat"]["status"] == "ok" and "pruned 1" in results["heartbeat"]["detail"]
    assert results["verify_audit"]["status"] == "ok" and "1 entries" in results["verify_audit"]["detail"]
    with session_scope(runtime.factory) as s:
        assert last_heartbeat(s) is not None
        assert s.scalar(select(func.count()).select_from(JobRun).where(JobRun.host == "old")) == 0


def test_failed_job_is_recorded_not_raised(runtime):
    from fews.models import AuditEvent

    with session_scope(runtime.factory) as s:
        audit.record(s, actor="t", via="cli", action="x", object_type="t", object_id=1)
    with session_scope(runtime.factory) as s:
        s.query(AuditEvent).update({"actor": "mallory"})
    result = run_job(runtime, "verify_audit")
    assert result["status"] == "failed" and "broken" in result["detail"]


def test_jobs_live_in_a_database_job_store(runtime):
    from apscheduler.schedulers.background import BackgroundScheduler

    from fews.models import SchedulerJob
    from fews.scheduler import JOBS, build_scheduler

    with session_scope(runtime.factory) as s:
        s.add(SchedulerJob(id="retired_job", next_run_time=0.0, job_state=b"x"))
    sched = build_scheduler(runtime, BackgroundScheduler)
    sched.start(paused=True)
    try:
        with session_scope(runtime.factory) as s:
            stored = dict(s.execute(select(SchedulerJob.id, SchedulerJob.next_run_time)).all())
        assert set(stored) == set(JOBS)  # the retired job is gone, every current job is stored
        assert all(t is not None and t > 0 for t in stored.values())
        assert {"detect", "detect_after_intake", "deliver"} <= set(stored)
    finally:
        sched.shutdown(wait=False)
    # a second start replaces the stored jobs instead of failing on their ids
    again = build_scheduler(runtime, BackgroundScheduler)
    again.start(paused=True)
    again.shutdown(wait=False)
