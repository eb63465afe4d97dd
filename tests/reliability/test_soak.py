"""Smoke run of the soak test (``benchmarks/soak.py``): half a minute of intake and web traffic against
``fews serve`` and ``fews scheduler`` in their own processes. Its accounting checks must pass and it
must report its figures; no timing thresholds (the 10-minute run and its figures are in
docs/reliability.md)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import PG_URL

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("engine", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def test_soak_smoke_run_accounts_for_every_row(engine: str, tmp_path: Path) -> None:
    if engine == "postgresql" and not PG_URL:
        pytest.skip("FEWS_TEST_DATABASE_URL is not set")
    out = tmp_path / "soak.json"
    argv = [sys.executable, "-m", "benchmarks.soak", "--minutes", "0.45", "--warmup", "8", "--sample-every", "2"]
    argv += ["--rate", "3", "--intake-every", "2", "--records-per-file", "5", "--demo-scale", "0.02"]
    argv += ["--json", str(out)]
    if engine == "postgresql":
        argv += ["--database-url", str(PG_URL)]  # gunicorn, as the deployment in the README
    env = {k: v for k, v in os.environ.items() if not k.startswith("FEWS_")}
    done = subprocess.run(argv, cwd=ROOT, env=env, capture_output=True, text=True, timeout=900)
    assert out.is_file(), done.stderr[-3000:]
    report = json.loads(out.read_text())
    failed = [c for c in report["checks"] if not c["ok"]]
    assert not failed, json.dumps(failed, indent=1)
    assert done.returncode == 0 and report["ok"], done.stderr[-3000:]
    assert report["database"] == engine

    intake = report["intake"]
    # every path a user would take, bad records and re-submissions all happened
    assert set(intake["by_channel"]) == {"web", "api", "cli"}
    assert intake["files_with_bad_records"] > 0 and intake["resubmissions"] > 0
    assert intake["rows_quarantined"] > 0 and intake["rows_duplicate"] > 0 and intake["rows_stored"] > 0
    assert intake["rows_submitted"] == intake["rows_stored"] + intake["rows_quarantined"] + intake["rows_duplicate"]
    for kind in ("seizures", "reports"):
        assert intake["by_kind"][kind]["records_stored"] > 0

    requests = report["requests"]
    assert requests["total"] > 0 and requests["after_warmup"] > 0
    for kind in ("page", "api", "forbidden", "intake_web", "intake_api"):
        figures = requests["by_kind"][kind]
        assert figures["requests"] > 0 and figures["p50_ms"] <= figures["p95_ms"] <= figures["p99_ms"]
    assert report["errors"]["unexpected"] == 0 and report["errors"]["expected_4xx"] > 0
    assert len(report["users"]) >= 6  # distinct signed-in roles and an API token client

    for process in ("server", "scheduler"):
        memory = report["memory"][process]
        assert memory["samples"] >= 2 and memory["start_mb"] > 0 and memory["end_mb"] > 0
        assert "growth_mb_per_min" in memory
    assert report["scheduler_jobs"]["heartbeat"]["ok"] >= 1
    assert report["audit_verify"]["ok"] is True
