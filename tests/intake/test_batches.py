"""Stale intake batches (intake.batches): a batch is ``abandoned`` only when its process is proven gone."""

from __future__ import annotations

import subprocess
import sys

from sqlalchemy import select

from fews.db import session_scope
from fews.models import AuditEvent, IntakeBatch
from fews.processes import process_label
from fews.scheduler import run_job
from intake.batches import abandon_stale
from intake.pipeline import Ingestor


def _dead_pid_label() -> str:
    import socket

    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return f"{socket.gethostname()}:{proc.pid}"


def _running_batch(kind: str, source: str) -> IntakeBatch:
    """A batch left ``running`` by a process that no longer exists."""
    return IntakeBatch(
        kind=kind,
        source_name=source,
        file_format="csv",
        submitted_by="tester",
        status="running",
        host=_dead_pid_label(),
        pipeline_version="test",
        reasons={},
    )


def test_a_running_batch_of_a_live_process_is_left_alone_and_a_dead_ones_is_abandoned(runtime):
    ingestor = Ingestor(runtime.factory, runtime.config, "seizures", actor="tester")
    live = ingestor._open_batch("live.csv", "csv", None, "lab")  # this process, still inside the batch
    with session_scope(runtime.factory) as s:
        row = s.get(IntakeBatch, live)
        assert row is not None and row.status == "running" and row.host == process_label()
        dead = _running_batch("seizures", "killed.csv")
        s.add(dead)
        s.flush()
        dead_id = dead.id
    # SQLite: the dead pid proves it; PostgreSQL: nobody holds the batch's advisory lock, while the
    # live batch's lock is held on the ingestor's own connection
    assert abandon_stale(runtime.factory) == [dead_id]
    with session_scope(runtime.factory) as s:
        assert s.get(IntakeBatch, live).status == "running"  # type: ignore[union-attr]
        gone = s.get(IntakeBatch, dead_id)
        assert gone is not None and gone.status == "abandoned" and gone.completed_at is not None
        assert "submit the same file again" in (gone.error or "")
        actions = s.scalars(select(AuditEvent.action).where(AuditEvent.object_id == str(dead_id))).all()
        assert "intake.batch.abandoned" in actions
    assert abandon_stale(runtime.factory) == []  # idempotent
    ingestor._liveness.release()  # type: ignore[union-attr]


def test_a_finished_batch_releases_its_proof_of_life(runtime, tmp_path):
    from tests.builders import MEPHEDRONE, SeizureBuilder

    path = SeizureBuilder().sample("B1").component("mephedrone", MEPHEDRONE).write(tmp_path / "b.csv")
    ingestor = Ingestor(runtime.factory, runtime.config, "seizures", actor="tester")
    summary = ingestor.ingest_file(path)
    assert ingestor._liveness is None
    with session_scope(runtime.factory) as s:
        assert s.get(IntakeBatch, summary.batch_id).status == "complete"  # type: ignore[union-attr]
    assert abandon_stale(runtime.factory) == []


def test_the_scheduler_job_abandons_stale_batches(runtime):
    with session_scope(runtime.factory) as s:
        s.add(_running_batch("reports", "r.csv"))
    result = run_job(runtime, "abandon_stale_batches")
    assert result["status"] == "ok" and result["detail"].startswith("1 batch(es) abandoned")
