"""Two processes ingest at the same time on PostgreSQL: nothing is stored twice, nothing is lost,
and neither process fails (DESIGN.md §10; unique constraints + ON CONFLICT in intake/store.py)."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from chem.standardise import standardise_smiles
from fews import audit
from fews.bench.classify import distinct_structures
from fews.bench.ingest import make_seizure_csv
from fews.db import make_engine, make_session_factory, session_scope
from fews.models import Component, IntakeBatch, QuarantineItem, Sample, Substance, SubstanceName
from tests.builders import SeizureBuilder
from tests.scale.conftest import start_fews

pytestmark = pytest.mark.postgres


def _run_together(env: dict[str, str], *commands: list[str]) -> list[dict]:
    procs = [start_fews(env, *cmd) for cmd in commands]
    summaries = []
    for p in procs:
        out, err = p.communicate(timeout=600)
        assert p.returncode in (0, 1) and out.strip(), f"fews exited {p.returncode}: {err[-3000:]}"
        summaries.append(json.loads(out.strip().splitlines()[-1]))
    return summaries


def test_same_file_from_two_processes_stores_every_row_once(fews_env, pg_url, tmp_path):
    path = tmp_path / "seizures.csv"
    rows = make_seizure_csv(path, 3000)  # realistic demo rows, some of them quarantined
    a, b = _run_together(fews_env, ["ingest", "seizures", str(path)], ["ingest", "seizures", str(path)])

    for s in (a, b):
        assert s["rows"] == rows
        assert s["accepted"] + s["quarantined"] + s["duplicates"] == rows
    # every row is accepted (or quarantined) by exactly one process and a duplicate in the other
    assert a["accepted"] + b["accepted"] + a["quarantined"] + b["quarantined"] == rows
    assert a["duplicates"] + b["duplicates"] == rows
    assert a["amended"] == b["amended"] == 0

    engine = make_engine(pg_url)
    with session_scope(make_session_factory(engine)) as s:
        samples = s.scalar(select(func.count()).select_from(Sample))
        keys = s.scalar(select(func.count(func.distinct(Sample.sample_id))))
        assert samples == keys  # one version per sample: nothing stored twice
        assert s.scalar(select(func.max(Sample.version))) == 1
        components = s.scalar(select(func.count()).select_from(Component))
        quarantined_rows = s.scalar(select(func.coalesce(func.sum(QuarantineItem.row_count), 0)))
        assert components + quarantined_rows == rows  # nothing lost
        assert components == a["accepted"] + b["accepted"]
        dup_names = s.execute(
            select(SubstanceName.substance_id, SubstanceName.name_norm)
            .group_by(SubstanceName.substance_id, SubstanceName.name_norm)
            .having(func.count() > 1)
        ).all()
        assert dup_names == []
        assert {b.status for b in s.scalars(select(IntakeBatch))} == {"complete"}
        assert audit.verify(s).ok  # the hash chain did not fork under two writers
    engine.dispose()


def test_two_files_sharing_new_substances_in_opposite_order_do_not_deadlock(fews_env, pg_url, tmp_path):
    # Both files create the same new substances, in opposite orders, in one chunk each: without a
    # fixed lock order the two transactions wait for each other (PostgreSQL "deadlock detected").
    structures = distinct_structures(150)
    first, second = SeizureBuilder(), SeizureBuilder()
    for i, smi in enumerate(structures):
        first.sample(f"A-{i}", seizure_date="2024-01-10").component(f"analogue {i}", smi)
    for i, smi in enumerate(reversed(structures)):
        second.sample(f"B-{i}", seizure_date="2024-01-03").component(f"analogue {len(structures) - 1 - i}", smi)
    env = dict(fews_env, FEWS_INTAKE_CHUNK_ROWS="1000")
    a, b = _run_together(
        env,
        ["ingest", "seizures", str(first.write(tmp_path / "a.csv")), "--provider", "Lab A"],
        ["ingest", "seizures", str(second.write(tmp_path / "b.csv")), "--provider", "Lab B"],
    )
    assert a["accepted"] == b["accepted"] == len(structures)

    engine = make_engine(pg_url)
    with session_scope(make_session_factory(engine)) as s:
        assert s.scalar(select(func.count()).select_from(Sample)) == 2 * len(structures)
        expected = {standardise_smiles(smi).inchikey_nostereo for smi in structures}
        assert set(s.scalars(select(Substance.inchikey_nostereo))) == expected  # each substance once
        # the earlier seizure (file B) is every substance's first detection, whichever process ran first
        firsts = set(s.scalars(select(Substance.first_uk_detection_date)))
        assert {d.isoformat() for d in firsts} == {"2024-01-03"}
    engine.dispose()
