"""Scheduled jobs run once however many scheduler processes fire them: each run takes a PostgreSQL
advisory lock (``fews.scheduler._try_lock``) and a second caller skips while it is held."""

from __future__ import annotations

import json
import threading

import pytest
from sqlalchemy import select

from fews.config import load_config
from fews.db import make_engine, make_session_factory, session_scope
from fews.models import JobRun
from fews.runtime import Runtime
from fews.scheduler import JOBS, run_job
from tests.scale.conftest import start_fews

pytestmark = pytest.mark.postgres


@pytest.fixture
def pg_runtime(pg_url, tmp_path, monkeypatch):
    monkeypatch.setenv("FEWS_DATABASE_URL", pg_url)
    monkeypatch.setenv("FEWS_INSTANCE_PATH", str(tmp_path / "instance"))
    config = load_config().with_(testing=True)
    engine = make_engine(config.database_url)
    rt = Runtime(config, engine, make_session_factory(engine))
    yield rt
    rt.close()


def test_a_job_held_by_one_caller_is_skipped_by_another(pg_runtime, monkeypatch):
    started, release = threading.Event(), threading.Event()
    runs: list[str] = []

    def slow_job(rt, session):
        runs.append(threading.current_thread().name)
        started.set()
        if not release.wait(timeout=30):
            raise TimeoutError("the test never released the job")
        return "did the work"

    monkeypatch.setitem(JOBS, "slow", (slow_job, {"trigger": "interval", "minutes": 1}))
    results: dict[str, dict] = {}
    first = threading.Thread(target=lambda: results.setdefault("first", run_job(pg_runtime, "slow")), name="first")
    first.start()
    assert started.wait(timeout=30)
    results["second"] = run_job(pg_runtime, "slow")  # its own connection, while the first holds the lock
    release.set()
    first.join(timeout=30)

    assert results["first"]["status"] == "ok" and results["first"]["detail"] == "did the work"
    assert results["second"]["status"] == "skipped"
    assert runs == ["first"]  # the work ran once
    # the lock ends with the first run's transaction: the next run does the work again
    assert run_job(pg_runtime, "slow")["status"] == "ok"
    with session_scope(pg_runtime.factory) as s:
        statuses = sorted(r.status for r in s.scalars(select(JobRun).where(JobRun.job == "slow")))
    assert statuses == ["ok", "ok", "skipped"]


def test_two_scheduler_processes_at_once_fail_no_job(fews_env, pg_url):
    procs = [start_fews(fews_env, "scheduler", "--once") for _ in range(2)]
    outcomes: dict[str, list[str]] = {}
    for p in procs:
        out, err = p.communicate(timeout=600)
        assert p.returncode == 0, err[-3000:]
        for line in out.strip().splitlines():
            rec = json.loads(line)
            outcomes.setdefault(rec["job"], []).append(rec["status"])
    assert set(outcomes) == set(JOBS)
    for job, statuses in outcomes.items():
        assert len(statuses) == 2 and "failed" not in statuses, (job, statuses)
        assert statuses.count("ok") >= 1  # every job ran; overlapping runs of one job were skipped
