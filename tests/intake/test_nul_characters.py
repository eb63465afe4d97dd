"""A NUL character cannot be stored in a text column (PostgreSQL refuses it): the row is quarantined
with ``invalid_character``, its other rows stored, nothing crashes (CSV and JSON)."""

from __future__ import annotations

import json

from sqlalchemy import select

from fews.db import session_scope
from fews.models import QuarantineItem, Sample
from intake.pipeline import ingest_file
from tests.builders import COCAINE, SeizureBuilder


def test_csv_nul_byte_is_quarantined_not_a_crash(runtime, tmp_path):
    path = (
        SeizureBuilder()
        .sample("OK1")
        .component("cocaine", COCAINE)
        .sample("BAD1")
        .component("coca\x00ine", COCAINE)
        .write(tmp_path / "nul.csv")
    )
    summary = ingest_file(runtime.factory, runtime.config, "seizures", path)
    assert summary.rows == 2 and summary.accepted == 1 and summary.quarantined == 1
    assert summary.reasons == {"invalid_character": 1}
    with session_scope(runtime.factory) as s:
        item = s.scalars(select(QuarantineItem)).one()
        assert "\x00" not in json.dumps(item.payload) and "\ufffd" in json.dumps(item.payload, ensure_ascii=False)
        assert [x.sample_id for x in s.scalars(select(Sample))] == ["OK1"]


def test_json_escaped_nul_is_quarantined(runtime, tmp_path):
    doc = [
        {
            "sample_id": "J1",
            "seizure_date": "2021-03-02",
            "submitting_agency": "Metropolitan Police Service",
            "seizure_context": "inland",
            "jurisdiction": "England",
            "local_area": "Westminster",
            "product_as_sold": "coke\u0000",
            "components": [{"component_name": "cocaine", "component_smiles": COCAINE, "role": "active"}],
        },
    ]
    path = tmp_path / "nul.json"
    path.write_text(json.dumps(doc))
    summary = ingest_file(runtime.factory, runtime.config, "seizures", path)
    assert summary.quarantined == 1 and summary.reasons == {"invalid_character": 1}
