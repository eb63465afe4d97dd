"""SDF intake, and resuming after a crash part-way through a file."""

from __future__ import annotations

import datetime as dt

import pytest
from rdkit import Chem
from sqlalchemy import select

from fews.models import Component, IntakeBatch, Sample
from intake import store as store_module
from intake.pipeline import Ingestor
from tests.builders import CAFFEINE, COCAINE, MEPHEDRONE, SeizureBuilder

TODAY = dt.date(2026, 11, 23)


def sdf_record(smiles: str | None, props: dict[str, str], block: str | None = None) -> str:
    if block is None:
        mol = Chem.MolFromSmiles(smiles)
        block = Chem.MolToMolBlock(mol)
    items = "".join(f">  <{k}>\n{v}\n\n" for k, v in props.items())
    return block + items + "$$$$\n"


def test_sdf_seizure_records(runtime, tmp_path):
    common = {
        "sample_id": "SD1",
        "seizure_date": "2022-05-01",
        "submitting_agency": "Border Force",
        "seizure_context": "border_postal",
        "jurisdiction": "England",
        "local_area": "Heathrow",
        "product_as_sold": "research chemical",
    }
    bad_block = "broken\n  RDKit\n\n  1  0  0  0  0  0  0  0  0  0999 V2000\n    0.0 0.0 0.0 Xx  0  0\nM  END\n"
    text = (
        sdf_record(MEPHEDRONE, common | {"component_name": "4-MMC", "role": "active"})
        + sdf_record(CAFFEINE, common | {"component_name": "caffeine", "role": "adulterant"})
        + sdf_record(None, common | {"sample_id": "SD2", "component_name": "mystery"}, block=bad_block)
    )
    path = tmp_path / "s.sdf"
    path.write_text(text)
    s = Ingestor(runtime.factory, runtime.config, "seizures", today=TODAY).ingest_file(path)
    assert (s.rows, s.accepted, s.quarantined) == (3, 2, 1)
    assert "unparsable_structure" in s.reasons or "malformed_row" in s.reasons
    with runtime.factory() as db:
        sample = db.scalars(select(Sample)).one()
        assert [c.name_reported for c in sample.components] == ["4-MMC", "caffeine"]
        assert sample.seizure_context == "border_postal"


def test_crash_mid_file_then_rerun_stores_every_row_once(runtime, tmp_path, monkeypatch):
    b = SeizureBuilder()
    for i in range(30):
        b.sample(f"K{i:03d}").component("cocaine", COCAINE).component("caffeine", CAFFEINE, role="adulterant")
    path = b.write(tmp_path / "k.csv")
    config = runtime.config.with_(intake_chunk_rows=10)
    real = store_module.store_prepared
    calls = {"n": 0}

    def crashing(*args, **kwargs):  # type: ignore[no-untyped-def]
        calls["n"] += 1
        if calls["n"] == 3:
            raise RuntimeError("simulated crash")
        return real(*args, **kwargs)

    monkeypatch.setattr("intake.pipeline.store_prepared", crashing)
    with pytest.raises(RuntimeError, match="simulated crash"):
        Ingestor(runtime.factory, config, "seizures", today=TODAY).ingest_file(path)
    with runtime.factory() as db:
        assert db.query(Sample).count() == 10  # two whole chunks of 5 samples; never half a sample
        assert db.query(Component).count() == 20
        assert db.scalars(select(IntakeBatch.status)).one() == "failed"
    monkeypatch.setattr("intake.pipeline.store_prepared", real)
    s = Ingestor(runtime.factory, config, "seizures", today=TODAY).ingest_file(path)
    assert (s.rows, s.duplicates, s.accepted) == (60, 20, 40)
    with runtime.factory() as db:
        assert db.query(Sample).count() == 30 and db.query(Component).count() == 60
