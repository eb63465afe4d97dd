"""Crash safety of intake: ``fews ingest seizures`` on a large file is killed with SIGKILL part-way
(twice, at different points), then run again to the end. Every row of the file ends up stored or
quarantined exactly once, and the counts add up (DESIGN.md §5.5)."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from sqlalchemy import func, select

from fews.db import make_engine, make_session_factory
from fews.models import Component, IntakeBatch, QuarantineItem, Sample
from intake.batches import abandon_stale
from tests.reliability.conftest import STRUCTURES, fews_command, kill_when, run_fews, start

N_SAMPLES = 3000
COMPONENTS = 2
BAD_EVERY = 37  # every 37th sample has an impossible date: all its rows are quarantined
CHUNK_ROWS = 300

pytestmark = pytest.mark.slow


def _write_file(path: Path) -> tuple[int, int, set[str], set[str]]:
    """A seizure CSV; returns (good rows, bad rows, good sample ids, bad sample ids)."""
    good_rows = bad_rows = 0
    good, bad = set(), set()
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(
            [
                "sample_id",
                "seizure_date",
                "submitting_agency",
                "seizure_context",
                "jurisdiction",
                "local_area",
                "product_as_sold",
                "component_name",
                "component_smiles",
                "role",
            ]
        )
        for i in range(N_SAMPLES):
            sid = f"CR{i:05d}"
            is_bad = i % BAD_EVERY == 5
            day = "2021-02-30" if is_bad else f"2021-{1 + i % 12:02d}-{1 + i % 28:02d}"
            for j in range(COMPONENTS):
                name, smiles = STRUCTURES[(i + j * 3) % len(STRUCTURES)]
                role = "active" if j == 0 else "adulterant"
                w.writerow(
                    [
                        sid,
                        day,
                        "Metropolitan Police Service",
                        "inland",
                        "England",
                        "Camden",
                        "pills",
                        name,
                        smiles,
                        role,
                    ]
                )
            if is_bad:
                bad_rows += COMPONENTS
                bad.add(sid)
            else:
                good_rows += COMPONENTS
                good.add(sid)
    return good_rows, bad_rows, good, bad


def test_killed_ingest_resumes_and_stores_every_row_exactly_once(database_url, fews_env, tmp_path, children):
    path = tmp_path / "large.csv"
    good_rows, bad_rows, good_ids, bad_ids = _write_file(path)
    total = good_rows + bad_rows
    env = dict(fews_env, FEWS_INTAKE_CHUNK_ROWS=str(CHUNK_ROWS))
    engine = make_engine(database_url)
    factory = make_session_factory(engine)

    def newest_batch() -> tuple[int, int]:
        with factory() as s:
            newest = s.scalar(select(IntakeBatch).order_by(IntakeBatch.id.desc()).limit(1))
            return (newest.id, newest.rows) if newest is not None else (0, 0)

    def run_past(previous: int, rows: int) -> bool:  # a batch newer than ``previous`` committed ``rows``
        newest_id, committed = newest_batch()
        return newest_id > previous and committed >= rows

    try:
        # two crashes: one early in a first run, one in the middle of the resumed run; each run is
        # killed on its own batch's progress (the previous run's batch may already be past the threshold)
        for threshold in (3 * CHUNK_ROWS, 4 * CHUNK_ROWS):
            before = newest_batch()[0]
            proc = start(fews_command("ingest", "seizures", str(path), "--no-progress"), env)
            children.append(proc)
            kill_when(proc, lambda t=threshold, b=before: run_past(b, t))
        with factory() as s:
            batches = s.scalars(select(IntakeBatch).order_by(IntakeBatch.id)).all()
            assert [b.status for b in batches] == ["running", "running"]  # killed: never closed
            committed = sum(b.accepted + b.quarantined for b in batches)
            assert 0 < committed < total
            # samples are atomic: every stored sample has all its components, never half of them
            per_sample = s.execute(select(Component.sample_pk, func.count()).group_by(Component.sample_pk)).all()
            assert {n for _, n in per_sample} == {COMPONENTS}
        # their processes are gone: the stale-batch job marks both abandoned (proven dead, not guessed)
        assert abandon_stale(factory) == [b.id for b in batches]
        with factory() as s:
            assert set(s.scalars(select(IntakeBatch.status))) == {"abandoned"}

        done = run_fews(env, "ingest", "seizures", str(path), "--no-progress")
        assert done.returncode == 1, done.stderr  # 1: finished, some rows quarantined
        summary = json.loads(done.stdout)
        assert summary["rows"] == total
        assert summary["accepted"] + summary["quarantined"] + summary["duplicates"] == total
        assert summary["duplicates"] == committed  # the rows the killed runs committed, counted once
        assert summary["amended"] == 0

        with factory() as s:
            samples = s.execute(select(Sample.sample_id, Sample.version)).all()
            assert {sid for sid, _ in samples} == good_ids and len(samples) == len(good_ids)
            assert {v for _, v in samples} == {1}
            assert s.scalar(select(func.count()).select_from(Component)) == good_rows
            items = s.execute(select(QuarantineItem.record_key, QuarantineItem.row_count)).all()
            assert sorted(k for k, _ in items) == sorted(bad_ids)  # each rejected sample once
            assert sum(n for _, n in items) == bad_rows
            assert {r for (r,) in s.execute(select(QuarantineItem.reason_codes))} == {"bad_date"}
            final = s.scalars(select(IntakeBatch).order_by(IntakeBatch.id.desc()).limit(1)).one()
            assert final.status == "complete" and final.rows == total

        again = run_fews(env, "ingest", "seizures", str(path), "--no-progress")
        assert again.returncode == 0, again.stderr
        assert json.loads(again.stdout)["duplicates"] == total
    finally:
        engine.dispose()
