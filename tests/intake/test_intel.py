"""Other intelligence streams: drug checking, surveys and online markets (graded), psychoactivity results."""

from __future__ import annotations

import csv
import datetime as dt

from sqlalchemy import select

from fews.models import IntelReport, PsychoactivityResult
from intake.pipeline import Ingestor
from tests.builders import EUTYLONE, ISOTONITAZENE

TODAY = dt.date(2026, 11, 23)


def write(path, rows):  # type: ignore[no-untyped-def]
    cols: list[str] = []
    for r in rows:
        cols.extend(k for k in r if k not in cols)
    with open(path, "w", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=cols)
        w.writeheader()
        w.writerows(rows)
    return path


def test_drug_checking_and_online_market(runtime, tmp_path):
    rows = [
        {
            "record_id": "DC-1",
            "stream": "drug_checking",
            "observed_date": "2024-06-01",
            "source": "WEDINOS",
            "jurisdiction": "Wales",
            "local_area": "Cardiff",
            "sold_as": "MDMA",
            "found_name": "eutylone",
            "found_smiles": EUTYLONE,
            "sample_code": "W-000123",
        },
        {
            "record_id": "OM-1",
            "stream": "online_market",
            "observed_date": "2024-06-03",
            "source": "darknet monitor",
            "jurisdiction": "UK",
            "sold_as": "",
            "found_name": "isotonitazene",
            "found_smiles": "",
            "source_evaluation": "2",
            "intelligence_assessment": "C",
            "handling_code": "P",
        },
        {
            "record_id": "BAD-1",
            "stream": "rumour",
            "observed_date": "2024-06-03",
            "source": "x",
            "jurisdiction": "England",
            "found_name": "cocaine",
        },
    ]
    s = Ingestor(runtime.factory, runtime.config, "intel", today=TODAY).ingest_file(write(tmp_path / "i.csv", rows))
    assert (s.rows, s.accepted, s.quarantined) == (3, 2, 1) and dict(s.reasons) == {"invalid_value": 1}
    with runtime.factory() as db:
        by = {r.record_id: r for r in db.scalars(select(IntelReport))}
        assert by["DC-1"].sold_as_mismatch is True and by["DC-1"].evidence_grade
        assert by["DC-1"].extra["sample_code"] == "W-000123"
        assert by["OM-1"].findings[0].substance_id is not None  # resolved by name
        assert (by["OM-1"].source_evaluation, by["OM-1"].intelligence_assessment, by["OM-1"].handling_code) == (
            "2",
            "C",
            "P",
        )


def test_drug_checking_with_several_findings_and_survey_without(runtime, tmp_path):
    base = {
        "record_id": "DC-2",
        "stream": "drug_checking",
        "observed_date": "2024-10-21",
        "source": "The Loop",
        "jurisdiction": "England",
        "local_area": "Newcastle upon Tyne",
        "sold_as": "heroin",
    }
    rows = [
        base | {"found_name": "diamorphine", "found_smiles": ""},
        base | {"found_name": "metonitazene", "found_smiles": ""},
        {
            "record_id": "SS-1",
            "stream": "street_survey",
            "observed_date": "2024-10-22",
            "source": "street survey",
            "jurisdiction": "England",
            "local_area": "Tower Hamlets",
            "sold_as": "spice",
            "found_name": "",
            "found_smiles": "",
        },
    ]
    path = write(tmp_path / "i.csv", rows)
    s = Ingestor(runtime.factory, runtime.config, "intel", today=TODAY).ingest_file(path)
    assert (s.rows, s.accepted, s.quarantined) == (3, 3, 0)
    with runtime.factory() as db:
        by = {r.record_id: r for r in db.scalars(select(IntelReport))}
        assert [f.found_name for f in by["DC-2"].findings] == ["diamorphine", "metonitazene"]
        assert by["DC-2"].sold_as_mismatch is False  # heroin was found (with a nitazene)
        assert by["SS-1"].findings == [] and by["SS-1"].sold_as == "spice"
    again = Ingestor(runtime.factory, runtime.config, "intel", today=TODAY).ingest_file(path)
    assert again.duplicates == 3


def test_psychoactivity_results(runtime, tmp_path):
    rows = [
        {
            "result_id": "PA-1",
            "substance_name": "isotonitazene",
            "substance_smiles": ISOTONITAZENE,
            "assay": "MOR beta-arrestin2 recruitment",
            "result": "active",
            "potency_value": "11.1",
            "potency_unit": "nM",
            "efficacy_percent": "180",
            "reference_compound": "hydromorphone",
            "test_date": "2022-02-01",
            "laboratory": "demo pharmacology lab",
        }
    ]
    s = Ingestor(runtime.factory, runtime.config, "psychoactivity", today=TODAY).ingest_file(
        write(tmp_path / "p.csv", rows)
    )
    assert s.accepted == 1
    with runtime.factory() as db:
        r = db.scalars(select(PsychoactivityResult)).one()
        assert r.result == "active" and r.potency_value == 11.1 and r.substance_id is not None
