"""Crash safety of scheduled jobs: the detection job (``fews.scheduler.run_job``) is killed with
SIGKILL part-way through the weeks it evaluates; the next run marks the dead run ``abandoned``,
resumes from the last committed week, and ends with the same signals and alerts as a run that
was never interrupted."""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import pytest
from sqlalchemy import func, select

from fews.db import make_engine, make_session_factory
from fews.models import Alert, DetectionWeek, JobRun, Signal
from tests.reliability.conftest import kill_when, run_fews, start

pytestmark = pytest.mark.slow

RUN_DETECT = (
    "import json; from fews.runtime import open_runtime; from fews.scheduler import run_job; "
    "print(json.dumps(run_job(open_runtime(), 'detect')))"
)


def _signals(url: str) -> tuple[list[tuple], int, int]:
    engine = make_engine(url)
    try:
        with make_session_factory(engine)() as s:
            rows = s.execute(
                select(
                    Signal.type,
                    Signal.subtype,
                    Signal.key,
                    Signal.first_as_of,
                    Signal.as_of,
                    Signal.status,
                    Signal.score,
                ).order_by(Signal.key, Signal.first_as_of)
            ).all()
            weeks = s.scalar(select(func.count()).select_from(DetectionWeek)) or 0
            alerts = s.scalar(select(func.count()).select_from(Alert)) or 0
        return [tuple(r[:-1]) + (round(r[-1], 6),) for r in rows], weeks, alerts
    finally:
        engine.dispose()


def _run_detect(env: dict[str, str]) -> dict:
    import subprocess

    done = subprocess.run([sys.executable, "-c", RUN_DETECT], env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_killed_detection_job_reruns_cleanly(database_url, fews_env, tmp_path, children):
    demo = run_fews(fews_env, "demo", "--scale", "0.1", "--end", "2026-11-22", "--no-progress")
    assert demo.returncode == 0, demo.stderr
    reference_url = None
    if database_url.startswith("sqlite"):  # an uninterrupted run on a copy, to compare with
        source = Path(database_url.removeprefix("sqlite:///"))
        engine = make_engine(database_url)
        with engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        engine.dispose()
        copy = tmp_path / "reference.db"
        shutil.copyfile(source, copy)
        reference_url = f"sqlite:///{copy}"
        assert _run_detect(dict(fews_env, FEWS_DATABASE_URL=reference_url))["status"] == "ok"

    engine = make_engine(database_url)
    factory = make_session_factory(engine)

    def weeks_done() -> int:
        with factory() as s:
            return s.scalar(select(func.count()).select_from(DetectionWeek)) or 0

    try:
        proc = start([sys.executable, "-c", RUN_DETECT], fews_env)
        children.append(proc)
        kill_when(proc, lambda: weeks_done() >= 40, timeout=300)
        killed_at = weeks_done()
        with factory() as s:
            runs = s.execute(select(JobRun.id, JobRun.status).where(JobRun.job == "detect")).all()
            assert [st for _, st in runs] == ["running"]  # the killed run never finished
            dead_run = runs[0][0]

        result = _run_detect(fews_env)
        assert result["status"] == "ok", result
        with factory() as s:
            dead = s.get(JobRun, dead_run)
            assert dead is not None and dead.status == "abandoned" and dead.finished_at is not None
            assert s.scalar(select(func.count()).select_from(JobRun).where(JobRun.status == "running")) == 0
        signals, weeks, alerts = _signals(database_url)
        assert weeks > killed_at >= 40
        keys = [(r[2], r[3]) for r in signals]
        assert len(keys) == len(set(keys))  # no signal raised twice for the same key and start
        assert alerts > 0
        if reference_url is not None:
            ref_signals, ref_weeks, ref_alerts = _signals(reference_url)
            assert (weeks, alerts) == (ref_weeks, ref_alerts)
            assert signals == ref_signals
        # and a further run has nothing left to do
        again = _run_detect(fews_env)
        assert again["status"] == "ok" and again["detail"].startswith(("0 weeks", "1 weeks"))
    finally:
        engine.dispose()


def test_only_runs_of_dead_processes_are_abandoned(runtime):
    """A run whose process is alive, or on another machine, is left alone (SQLite has no job lock);
    on PostgreSQL holding the job's advisory lock proves every other run of that job is dead."""
    import os
    import socket
    import subprocess

    from fews.db import session_scope
    from fews.scheduler import run_job

    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    here = socket.gethostname()
    hosts = {"dead": f"{here}:{gone.stdout.strip()}", "alive": f"{here}:{os.getpid()}", "remote": "elsewhere:1"}
    with session_scope(runtime.factory) as s:
        ids = {}
        for name, host in hosts.items():
            run = JobRun(job="heartbeat", host=host, status="running")
            s.add(run)
            s.flush()
            ids[name] = run.id
    assert run_job(runtime, "heartbeat")["status"] == "ok"
    with runtime.factory() as s:
        status = {name: s.get(JobRun, pk).status for name, pk in ids.items()}  # type: ignore[union-attr]
    if runtime.config.is_sqlite:
        assert status == {"dead": "abandoned", "alive": "running", "remote": "running"}
    else:
        assert status == {"dead": "abandoned", "alive": "abandoned", "remote": "abandoned"}
