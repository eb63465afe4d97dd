"""Preparing chunks in a worker process (``intake.prepare_worker``) stores exactly what in-process
preparation stores, carries worker failures across, and leaves no worker behind when the ingesting
process is killed."""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from fews import migrate
from fews.bench.ingest import make_seizure_csv
from fews.db import make_engine, make_session_factory
from fews.models import AuditEvent, Component, IntakeBatch, QuarantineItem, Sample, Substance
from intake import prepare_worker
from intake.pipeline import Ingestor
from intake.prepare_worker import IntakeWorkerError, PreparingWorker, WorkerJob, worker_database_url

TODAY = dt.date(2026, 11, 23)

# rows that each fail one validation step, appended to realistic demo rows
BAD_ROWS = [
    {"sample_id": "BAD-DATE", "seizure_date": "2023-02-30", "component_name": "MDMA"},
    {"sample_id": "BAD-FUTURE", "seizure_date": "2031-01-01", "component_name": "MDMA"},
    {"sample_id": "BAD-PLACE", "jurisdiction": "Atlantis", "component_name": "MDMA"},
    {"sample_id": "BAD-SMILES", "component_name": "mystery", "component_smiles": "C1CC(("},
    {"sample_id": "BAD-EMPTY", "submitting_agency": "", "component_name": "MDMA"},
]


def _write_file(path: Path, rows: int) -> int:
    """Demo seizure rows plus one record per rejection reason, and a duplicate sample at the end."""
    written = make_seizure_csv(path, rows)
    with open(path, newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        columns = list(reader.fieldnames or [])
        first = next(reader)
    with open(path, "a", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=columns)
        for bad in BAD_ROWS:
            writer.writerow(first | {"component_smiles": ""} | bad)
        writer.writerow(first)  # the first sample again, later in the same file: merged, not doubled
    return written + len(BAD_ROWS) + 1


def _plain(value: Any) -> str:
    """A backend-independent text form (JSONB reorders keys; SQLite keeps them)."""
    return json.dumps(value, sort_keys=True, default=str) if isinstance(value, (dict, list)) else str(value)


def _stored(url: str) -> dict[str, Any]:
    engine = make_engine(url)
    try:
        with make_session_factory(engine)() as s:
            samples = sorted(
                tuple(_plain(v) for v in r)
                for r in s.execute(
                    select(
                        Sample.provider,
                        Sample.sample_id,
                        Sample.version,
                        Sample.header_sha256,
                        Sample.seizure_date,
                        Sample.jurisdiction,
                        Sample.local_area_code,
                        Sample.sold_as_mismatch,
                        Sample.sold_as_detail,
                        Sample.warnings,
                    )
                )
            )
            components = sorted(
                tuple(_plain(v) for v in r)
                for r in s.execute(
                    select(
                        Sample.sample_id,
                        Component.position,
                        Component.row_sha256,
                        Component.resolution,
                        Component.role,
                        Component.purity,
                        Substance.inchikey,
                    )
                    .join(Sample, Sample.id == Component.sample_pk)
                    .outerjoin(Substance, Substance.id == Component.substance_id)
                )
            )
            quarantine = sorted((q.record_key, q.reason_codes, q.row_count) for q in s.scalars(select(QuarantineItem)))
            chunks = s.scalar(
                select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "intake.seizures.chunk")
            )
            batches = [(b.status, b.rows, b.accepted, b.quarantined) for b in s.scalars(select(IntakeBatch))]
            first_detections = sorted(
                (k, str(d)) for k, d in s.execute(select(Substance.inchikey, Substance.first_uk_detection_date))
            )
        return {
            "samples": samples,
            "components": components,
            "quarantine": quarantine,
            "chunks": chunks,
            "batches": batches,
            "first_detections": first_detections,
        }
    finally:
        engine.dispose()


def _fresh_sqlite(path: Path) -> str:
    url = f"sqlite:///{path}"
    engine = make_engine(url)
    migrate.upgrade(engine)
    engine.dispose()
    return url


def _ingest(url: str, config: Any, path: Path, *, worker: bool) -> tuple[dict[str, Any], Ingestor]:
    engine = make_engine(url)
    try:
        ing = Ingestor(
            make_session_factory(engine),
            config.with_(intake_worker="on" if worker else "off", use_opsin=False),
            "seizures",
            today=TODAY,
        )
        summary = ing.ingest_file(path, provider="lab-w")
    finally:
        engine.dispose()
    return summary.as_dict(), ing


def test_worker_stores_exactly_what_in_process_preparation_stores(runtime, tmp_path, monkeypatch):
    path = tmp_path / "seizures.csv"
    rows = _write_file(path, 3000)
    monkeypatch.setattr(prepare_worker, "MIN_FILE_BYTES", 0)
    config = runtime.config.with_(intake_chunk_rows=400)
    in_process_url = _fresh_sqlite(tmp_path / "in_process.db")

    with_worker, ing = _ingest(runtime.config.database_url, config, path, worker=True)
    in_process, plain = _ingest(in_process_url, config, path, worker=False)

    assert ing.worker_stats and ing.worker_stats["structures"]["misses"] > 0  # the worker did the preparing
    assert plain.worker_stats is None
    with_worker.pop("batch_id"), in_process.pop("batch_id")
    assert with_worker == in_process
    assert with_worker["rows"] == rows and with_worker["quarantined"] == len(BAD_ROWS)
    assert set(with_worker["reasons"]) == {
        "bad_date",
        "future_date",
        "unknown_jurisdiction",
        "unparsable_structure",
        "missing_required_field",
    }
    assert _stored(runtime.config.database_url) == _stored(in_process_url)

    again, _ = _ingest(runtime.config.database_url, config, path, worker=True)  # idempotent by hashes
    assert again["duplicates"] == rows and again["accepted"] == 0


def test_worker_failure_is_raised_and_the_batch_marked_failed(runtime, tmp_path, monkeypatch):
    path = tmp_path / "seizures.csv"
    _write_file(path, 600)
    monkeypatch.setattr(prepare_worker, "MIN_FILE_BYTES", 0)
    job = WorkerJob(
        database_url=runtime.config.database_url,
        kind="seizures",
        path=str(tmp_path / "gone.csv"),
        fmt="csv",
        provider=None,
        today=TODAY,
        use_opsin=False,
        security_marking="OFFICIAL",
        chunk_rows=100,
    )
    worker = PreparingWorker(job)
    try:
        with pytest.raises(FileNotFoundError, match="gone.csv"):  # the worker's own exception, carried across
            list(worker.chunks())
    finally:
        worker.close()

    ing = Ingestor(runtime.factory, runtime.config.with_(use_opsin=False, intake_worker="on"), "seizures", today=TODAY)

    class Dying(PreparingWorker):
        def __init__(self, job: WorkerJob):
            super().__init__(job)
            os.kill(self._proc.pid, signal.SIGKILL)

    monkeypatch.setattr("intake.pipeline.PreparingWorker", Dying)
    with pytest.raises(IntakeWorkerError, match="stopped unexpectedly"):
        ing.ingest_file(path)
    with runtime.factory() as s:
        batch = s.scalars(select(IntakeBatch)).one()
        assert batch.status == "failed" and "IntakeWorkerError" in (batch.error or "")


def test_no_worker_for_in_memory_sqlite_or_small_files(tmp_path):
    assert worker_database_url("sqlite://") is None
    assert worker_database_url("sqlite:///:memory:") is None
    assert worker_database_url(f"sqlite:///{tmp_path / 'f.db'}") == f"sqlite:///{tmp_path / 'f.db'}"
    assert worker_database_url("postgresql+psycopg://u:secret@h/db") == "postgresql+psycopg://u:secret@h/db"
    small = tmp_path / "small.csv"
    small.write_text("sample_id\nS1\n")
    assert not prepare_worker.worker_wanted("on", small, "sqlite:///x.db")
    big = tmp_path / "big.csv"
    big.write_bytes(b"x" * prepare_worker.MIN_FILE_BYTES)
    assert prepare_worker.worker_wanted("on", big, "sqlite:///x.db")
    assert not prepare_worker.worker_wanted("off", big, "sqlite:///x.db")
    assert not prepare_worker.worker_wanted("on", big, None)
    assert not prepare_worker.worker_wanted("auto", big, "sqlite:///x.db")  # too small to pay off
    huge = tmp_path / "huge.csv"
    huge.write_bytes(b"x" * prepare_worker.AUTO_MIN_FILE_BYTES)
    assert prepare_worker.worker_wanted("auto", huge, "sqlite:///x.db") == prepare_worker.spare_cpu()
    with pytest.raises(ValueError, match="auto, on or off"):
        prepare_worker.worker_wanted("sometimes", big, "sqlite:///x.db")


def test_auto_mode_starts_a_worker_only_when_a_cpu_is_free(monkeypatch):
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    monkeypatch.setattr(os, "getloadavg", lambda: (0.9, 1.0, 1.0))  # this process, nothing else
    assert prepare_worker.spare_cpu()
    monkeypatch.setattr(os, "getloadavg", lambda: (3.8, 3.0, 2.0))  # two CPUs already busy
    assert not prepare_worker.spare_cpu()
    monkeypatch.setattr(os, "cpu_count", lambda: 1)
    monkeypatch.setattr(os, "getloadavg", lambda: (0.0, 0.0, 0.0))
    assert not prepare_worker.spare_cpu()


def _children_of(pid: int) -> set[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return set()
    return {int(p) for p in text.split()}


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split(") ", 1)[1][0]
    except (OSError, IndexError):
        return False
    return state != "Z"


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="needs Linux /proc")
def test_killed_ingest_leaves_no_worker_and_a_rerun_stores_every_row_once(database_url, tmp_path):
    path = tmp_path / "large.csv"
    rows = _write_file(path, 6000)
    assert path.stat().st_size >= prepare_worker.MIN_FILE_BYTES  # the worker is used
    env = {k: v for k, v in os.environ.items() if not k.startswith("FEWS_")}
    env.update(
        FEWS_DATABASE_URL=database_url,
        FEWS_INSTANCE_PATH=str(tmp_path / "instance"),
        FEWS_USE_OPSIN="0",
        FEWS_INTAKE_CHUNK_ROWS="300",
        FEWS_INTAKE_WORKER="on",  # also when the machine is busy
        FEWS_SECRET_KEY="test-secret-key-not-for-production",
    )
    command = [sys.executable, "-c", "import sys; from fews.cli import cli; cli(sys.argv[1:], prog_name='fews')"]
    argv = [*command, "ingest", "seizures", str(path), "--no-progress"]
    engine = make_engine(database_url)
    factory = make_session_factory(engine)
    proc = subprocess.Popen(argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        workers: set[int] = set()
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and proc.poll() is None:
            workers |= _children_of(proc.pid)
            with factory() as s:
                if workers and (s.scalar(select(func.max(IntakeBatch.rows))) or 0) >= 900:
                    break
            time.sleep(0.02)
        assert proc.poll() is None, proc.communicate()[1][-2000:]
        assert workers, "the ingest did not start a worker process"
        os.kill(proc.pid, signal.SIGKILL)
        proc.communicate(timeout=30)
        deadline = time.monotonic() + 30
        while any(_alive(w) for w in workers) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not any(_alive(w) for w in workers), "a worker outlived the killed ingest"

        done = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=300)
        assert done.returncode == 1, done.stderr[-2000:]  # finished, some rows quarantined
        summary = json.loads(done.stdout)
        assert summary["rows"] == rows
        assert summary["accepted"] + summary["quarantined"] + summary["duplicates"] == rows
        assert summary["duplicates"] > 0  # what the killed run committed, counted once
        with factory() as s:
            per_key = s.execute(
                select(Sample.sample_id, func.count()).where(Sample.is_current.is_(True)).group_by(Sample.sample_id)
            ).all()
            assert {n for _, n in per_key} == {1}  # each sample once
            stored = s.scalar(select(func.count()).select_from(Component))
            assert stored == rows - len(BAD_ROWS) - 1  # less the rejected rows and the repeated first row
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
        engine.dispose()
