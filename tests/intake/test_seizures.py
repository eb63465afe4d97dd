"""Seizure intake end to end: validation reasons, atomic samples, duplicates, amendments, sold-as."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import select

from fews.models import Component, QuarantineItem, Sample, Substance
from intake.pipeline import Ingestor, retry_quarantined
from tests.builders import CAFFEINE, COCAINE, EUTYLONE, ISOTONITAZENE, MEPHEDRONE, SeizureBuilder

EXAMPLES = Path(__file__).resolve().parents[3] / "shared" / "examples"
TODAY = dt.date(2026, 11, 23)


def ingest(rt, path, kind="seizures", **kw):  # type: ignore[no-untyped-def]
    return Ingestor(rt.factory, rt.config, kind, today=TODAY).ingest_file(path, **kw)


def adds_up(summary) -> bool:  # type: ignore[no-untyped-def]
    return summary.accepted + summary.quarantined + summary.duplicates == summary.rows


@pytest.mark.skipif(not EXAMPLES.is_dir(), reason="../shared/examples not beside the checkout")
def test_public_example_file_adds_up_and_reingest_is_noop(runtime):
    s = ingest(runtime, EXAMPLES / "seizures.csv")
    assert s.rows == 13 and adds_up(s)
    assert s.reasons == {"unknown_jurisdiction": 1, "bad_date": 1}
    assert s.quarantined == 2 and s.accepted == 11
    again = ingest(runtime, EXAMPLES / "seizures.csv")
    assert again.duplicates == again.rows == 13 and again.accepted == 0 and again.quarantined == 0
    with runtime.factory() as db:
        assert db.query(QuarantineItem).count() == 2  # not stored twice


@pytest.mark.parametrize(
    ("fields", "smiles", "reason"),
    [
        ({"seizure_date": "02/03/2021"}, COCAINE, "bad_date"),
        ({"seizure_date": "2021-02-30"}, COCAINE, "bad_date"),
        ({"seizure_date": "2031-01-01"}, COCAINE, "future_date"),
        ({"received_date": "2021-03-01"}, COCAINE, "bad_date"),  # received before seized
        ({"jurisdiction": "Atlantis"}, COCAINE, "unknown_jurisdiction"),
        ({}, "C1CC(", "unparsable_structure"),
        ({}, "C(C)(C)(C)(C)C", "unparsable_structure"),
        ({"submitting_agency": ""}, COCAINE, "missing_required_field"),
        ({"seizure_context": ""}, COCAINE, "missing_required_field"),
    ],
    ids=[
        "dmy-date",
        "30-february",
        "future",
        "received-before-seized",
        "atlantis",
        "unclosed-ring",
        "pentavalent-carbon",
        "no-agency",
        "no-context",
    ],
)
def test_each_quarantine_reason(runtime, tmp_path, fields, smiles, reason):
    path = SeizureBuilder().sample("Q1", **fields).component("cocaine", smiles).write(tmp_path / "q.csv")
    s = ingest(runtime, path)
    assert (s.rows, s.quarantined, s.accepted) == (1, 1, 0)
    assert dict(s.reasons) == {reason: 1}
    with runtime.factory() as db:
        item = db.scalars(select(QuarantineItem)).one()
        assert item.reason_codes == reason
        assert item.payload[0]["data"]["sample_id"] == "Q1"  # the submitted row is kept
        assert item.reasons[0]["detail"]


def test_missing_component_name_and_structure(runtime, tmp_path):
    path = SeizureBuilder().sample("Q2").component("", "").write(tmp_path / "q.csv")
    s = ingest(runtime, path)
    assert dict(s.reasons) == {"missing_required_field": 1}


def test_encoding_error_row_is_quarantined_and_the_rest_ingested(runtime, tmp_path):
    path = (
        SeizureBuilder()
        .sample("E1")
        .component("cocaine", COCAINE)
        .sample("E2")
        .component("caffeine", CAFFEINE)
        .write(tmp_path / "e.csv")
    )
    data = path.read_bytes().replace(b"E2,2021-03-02,Metropolitan", b"E2,2021-03-02,M\xe9tropolitan")
    path.write_bytes(data)
    s = ingest(runtime, path)
    assert (s.rows, s.accepted, s.quarantined) == (2, 1, 1)
    assert dict(s.reasons) == {"encoding_error": 1}
    with runtime.factory() as db:
        item = db.scalars(select(QuarantineItem)).one()
        assert "\\xe9" in item.payload[0]["data"]["submitting_agency"]


def test_malformed_row_wrong_field_count(runtime, tmp_path):
    path = SeizureBuilder().sample("M1").component("cocaine", COCAINE).write(tmp_path / "m.csv")
    with open(path, "a") as fh:
        fh.write("M2,2021-03-02,too,few\n")
    s = ingest(runtime, path)
    assert (s.rows, s.accepted, s.quarantined) == (2, 1, 1)
    assert dict(s.reasons) == {"malformed_row": 1}


def test_sample_is_atomic_one_bad_component_quarantines_all(runtime, tmp_path):
    path = (
        SeizureBuilder()
        .sample("A1")
        .component("cocaine", COCAINE)
        .component("junk", "not-a-smiles")
        .component("caffeine", CAFFEINE, role="adulterant")
        .write(tmp_path / "a.csv")
    )
    s = ingest(runtime, path)
    assert (s.rows, s.quarantined, s.accepted) == (3, 3, 0)
    assert dict(s.reasons) == {"unparsable_structure": 1, "sibling_rejected": 2}
    with runtime.factory() as db:
        assert db.query(Sample).count() == 0
        item = db.scalars(select(QuarantineItem)).one()
        assert item.row_count == 3 and item.reason_codes == "unparsable_structure"


def test_inconsistent_record_fields_are_rejected(runtime, tmp_path):
    b = SeizureBuilder().sample("I1").component("cocaine", COCAINE)
    b.sample("I1", seizure_date="2021-03-05").component("caffeine", CAFFEINE)
    s = ingest(runtime, b.write(tmp_path / "i.csv"))
    assert s.quarantined == 2 and "inconsistent_record" in s.reasons


def test_multi_component_sample(runtime, tmp_path):
    path = (
        SeizureBuilder()
        .sample("MC1", product_as_sold="heroin")
        .component("diamorphine", "CC(=O)Oc1ccc2CC3N(C)CCC45C(Oc1c24)C(OC(C)=O)C=CC35")
        .component("isotonitazene", ISOTONITAZENE)
        .component("caffeine", CAFFEINE, role="adulterant")
        .write(tmp_path / "mc.csv")
    )
    s = ingest(runtime, path)
    assert (s.rows, s.accepted) == (3, 3)
    with runtime.factory() as db:
        sample = db.scalars(select(Sample)).one()
        assert [c.name_reported for c in sample.components] == ["diamorphine", "isotonitazene", "caffeine"]
        assert [c.role for c in sample.components] == ["active", "active", "adulterant"]
        assert all(c.substance_id for c in sample.components)
        assert db.query(Substance).count() == 3


def test_sold_as_mismatch_flagged(runtime, tmp_path):
    path = (
        SeizureBuilder()
        .sample("SA1", product_as_sold="MDMA")
        .component("eutylone", EUTYLONE)
        .sample("SA2", product_as_sold="cocaine")
        .component("cocaine", COCAINE)
        .sample("SA3", product_as_sold="plant food")
        .component("mephedrone", MEPHEDRONE)
        .write(tmp_path / "sa.csv")
    )
    ingest(runtime, path)
    with runtime.factory() as db:
        by_id = {s.sample_id: s for s in db.scalars(select(Sample))}
    assert by_id["SA1"].sold_as_mismatch is True
    assert "MDMA" in by_id["SA1"].sold_as_detail and "eutylone" in by_id["SA1"].sold_as_detail
    assert by_id["SA2"].sold_as_mismatch is False
    assert by_id["SA3"].sold_as_mismatch is None  # a product label, not a substance: not assessed


def test_reingest_same_sample_from_another_file_is_duplicate(runtime, tmp_path):
    b = SeizureBuilder().sample("D1").component("cocaine", COCAINE).component("caffeine", CAFFEINE, role="adulterant")
    ingest(runtime, b.write(tmp_path / "one.csv"))
    b2 = SeizureBuilder().sample("D1").component("cocaine", COCAINE).component("caffeine", CAFFEINE, role="adulterant")
    b2.sample("D2").component("mephedrone", MEPHEDRONE)
    s = ingest(runtime, b2.write(tmp_path / "two.csv"))
    assert (s.rows, s.duplicates, s.accepted, s.amended) == (3, 2, 1, 0)
    with runtime.factory() as db:
        assert db.query(Sample).count() == 2 and db.query(Component).count() == 3


def test_amendment_creates_new_version_and_keeps_old(runtime, tmp_path):
    ingest(runtime, SeizureBuilder().sample("V1").component("cocaine", COCAINE).write(tmp_path / "v1.csv"))
    s = ingest(
        runtime, SeizureBuilder().sample("V1").component("cocaine", COCAINE, purity="64").write(tmp_path / "v2.csv")
    )
    assert (s.accepted, s.amended, s.duplicates) == (1, 1, 0)
    with runtime.factory() as db:
        versions = db.scalars(select(Sample).order_by(Sample.version)).all()
        assert [(v.version, v.is_current) for v in versions] == [(1, False), (2, True)]
        assert versions[1].components[0].purity == 64.0


def test_rows_of_one_sample_apart_in_the_file_are_merged(runtime, tmp_path):
    b = SeizureBuilder().sample("N1").component("cocaine", COCAINE)
    b.sample("N2").component("mephedrone", MEPHEDRONE)
    b.sample("N1").component("caffeine", CAFFEINE, role="adulterant")
    path = b.write(tmp_path / "n.csv")
    s = ingest(runtime, path)
    assert (s.rows, s.accepted) == (3, 3)
    with runtime.factory() as db:
        n1 = db.scalars(select(Sample).where(Sample.sample_id == "N1")).all()
        assert len(n1) == 1 and [c.name_reported for c in n1[0].components] == ["cocaine", "caffeine"]
    again = ingest(runtime, path)
    assert again.duplicates == 3


def test_json_and_csv_of_the_same_data_count_the_same(runtime, tmp_path):
    b = (
        SeizureBuilder()
        .sample("J1")
        .component("cocaine", COCAINE)
        .component("caffeine", CAFFEINE, role="adulterant")
        .sample("J2", jurisdiction="Atlantis")
        .component("cocaine", COCAINE)
    )
    js = ingest(runtime, b.write_json(tmp_path / "s.json"))
    assert (js.rows, js.accepted, js.quarantined) == (3, 2, 1)
    cs = ingest(runtime, b.write(tmp_path / "s.csv"))
    assert (cs.rows, cs.duplicates) == (3, 3)


def test_unresolvable_name_is_stored_as_unidentified(runtime, tmp_path):
    path = (
        SeizureBuilder()
        .sample("U1", product_as_sold="")
        .component("unknown white powder", "", role="unknown")
        .write(tmp_path / "u.csv")
    )
    s = ingest(runtime, path)
    assert (s.accepted, s.warnings) == (1, 1)
    with runtime.factory() as db:
        comp = db.scalars(select(Component)).one()
        assert comp.substance_id is None and comp.resolution == "unidentified"
        assert comp.name_reported == "unknown white powder"


def test_name_without_smiles_resolves_through_synonyms(runtime, tmp_path):
    path = (
        SeizureBuilder()
        .sample("N5", product_as_sold="paper")
        .component("MDMB-4en-PINACA", "")
        .write(tmp_path / "n.csv")
    )
    ingest(runtime, path)
    with runtime.factory() as db:
        comp = db.scalars(select(Component)).one()
        assert comp.substance_id is not None and comp.resolution == "synonym"
        assert db.get(Substance, comp.substance_id).formula == "C20H27N3O3"


def test_first_uk_detection_is_the_earliest_seizure(runtime, tmp_path):
    b = SeizureBuilder().sample("F2", seizure_date="2021-06-01").component("mephedrone", MEPHEDRONE)
    ingest(runtime, b.write(tmp_path / "late.csv"))
    b = SeizureBuilder().sample("F1", seizure_date="2020-01-15").component("mephedrone", MEPHEDRONE)
    ingest(runtime, b.write(tmp_path / "early.csv"))
    with runtime.factory() as db:
        sub = db.scalars(select(Substance)).one()
        assert sub.first_uk_detection_date == dt.date(2020, 1, 15)


def test_provider_option_and_column_key_the_sample(runtime, tmp_path):
    path = SeizureBuilder().sample("P1").component("cocaine", COCAINE).write(tmp_path / "p.csv")
    ingest(runtime, path, provider="lab-a")
    s = ingest(runtime, path, provider="lab-b")  # same sample id at another lab: a different sample
    assert s.accepted == 1
    with runtime.factory() as db:
        assert sorted(x.provider for x in db.scalars(select(Sample))) == ["lab-a", "lab-b"]


def test_unknown_vocabulary_values_are_warnings_stored_raw(runtime, tmp_path):
    path = (
        SeizureBuilder()
        .sample("W1", product_form="moon rock")
        .component("cocaine", COCAINE, role="decoration")
        .write(tmp_path / "w.csv")
    )
    s = ingest(runtime, path)
    assert s.accepted == 1 and s.warnings >= 2
    with runtime.factory() as db:
        sample = db.scalars(select(Sample)).one()
        assert sample.product_form is None and sample.product_form_raw == "moon rock"
        assert sample.components[0].role is None and sample.components[0].role_raw == "decoration"


def test_retry_releases_item_once_it_passes(runtime, tmp_path, monkeypatch):
    path = (
        SeizureBuilder().sample("R1", seizure_date="2026-11-30").component("cocaine", COCAINE).write(tmp_path / "r.csv")
    )
    s = ingest(runtime, path)
    assert dict(s.reasons) == {"future_date": 1}
    with runtime.factory() as db:
        item_id = db.scalars(select(QuarantineItem.id)).one()
    summary, status = retry_quarantined(runtime.factory, runtime.config, item_id, actor="admin", today=TODAY)
    assert status == "open" and summary.quarantined == 0 and summary.already_quarantined == 1
    summary, status = retry_quarantined(
        runtime.factory, runtime.config, item_id, actor="admin", today=dt.date(2026, 12, 1)
    )
    assert status == "released" and summary.accepted == 1


def test_same_key_changed_later_in_one_file_keeps_one_current_version(runtime, tmp_path):
    b = SeizureBuilder().sample("T1").component("cocaine", COCAINE)
    b.sample("T2").component("mephedrone", MEPHEDRONE)
    b.sample("T1", local_area="Camden").component("cocaine", COCAINE)
    s = ingest(runtime, b.write(tmp_path / "t.csv"))
    assert (s.rows, s.accepted, s.amended) == (3, 3, 1)
    with runtime.factory() as db:
        t1 = db.scalars(select(Sample).where(Sample.sample_id == "T1").order_by(Sample.version)).all()
        assert [(x.version, x.is_current, x.local_area) for x in t1] == [(1, False, "Westminster"), (2, True, "Camden")]
