"""RIDR-style report intake: several suspected substances, NPS and other drugs alike."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import select

from fews.models import HarmReport, HarmReportSubstance, Sample
from intake.pipeline import Ingestor
from tests.builders import COCAINE, ReportBuilder, SeizureBuilder

EXAMPLES = Path(__file__).resolve().parents[3] / "shared" / "examples"
TODAY = dt.date(2026, 11, 23)


def ingest(rt, path, kind="reports", **kw):  # type: ignore[no-untyped-def]
    return Ingestor(rt.factory, rt.config, kind, today=TODAY, **kw).ingest_file(path)


@pytest.mark.skipif(not EXAMPLES.is_dir(), reason="../shared/examples not beside the checkout")
def test_public_example_reports(runtime):
    s = ingest(runtime, EXAMPLES / "reports.csv")
    assert (s.rows, s.accepted, s.quarantined) == (6, 5, 1)
    assert dict(s.reasons) == {"bad_date": 1}
    with runtime.factory() as db:
        reports = {r.report_id: r for r in db.scalars(select(HarmReport))}
        assert len(reports) == 4
        rx2 = reports["RX-0002"]
        assert [x.name_reported for x in rx2.substances] == ["heroin", "isotonitazene"]
        assert all(x.substance_id for x in rx2.substances)  # heroin (not an NPS) is accepted and mapped
        assert rx2.severity == "fatal" and rx2.jurisdiction == "england"
        assert reports["RX-0003"].jurisdiction == "wales"
        spice = reports["RX-0001"].substances[0]
        assert spice.substance_id is None and spice.resolution == "class"  # a product, never one structure


def test_report_fields_effects_and_free_text(runtime, tmp_path):
    path = (
        ReportBuilder()
        .report(
            "R1",
            effects="agitation|seizure|glitter",
            toxicology_status="confirmed",
            free_text="synthetic note: patient agitated",
            reporter_role="nurse",
            vulnerable_group="homeless_or_hostel",
            reported_date="2021-03-10",
        )
        .substance("pregabalin")
        .substance("cocaine")
        .write(tmp_path / "r.csv")
    )
    s = ingest(runtime, path)
    assert (s.accepted, s.quarantined) == (2, 0) and s.warnings == 1  # 'glitter' is not an effect code
    with runtime.factory() as db:
        r = db.scalars(select(HarmReport)).one()
        assert r.effects == ["agitation", "seizure", "raw:glitter"]
        assert r.toxicology_status == "confirmed" and r.free_text.startswith("synthetic")
        assert r.reported_date == dt.date(2021, 3, 10)
        assert db.query(HarmReportSubstance).count() == 2


def test_report_links_to_a_seized_sample(runtime, tmp_path):
    Ingestor(runtime.factory, runtime.config, "seizures", today=TODAY).ingest_file(
        SeizureBuilder().sample("LAB-1").component("cocaine", COCAINE).write(tmp_path / "s.csv")
    )
    s = ingest(runtime, ReportBuilder().report("R9", sample_id="LAB-1").substance("cocaine").write(tmp_path / "r.csv"))
    assert s.accepted == 1
    with runtime.factory() as db:
        r = db.scalars(select(HarmReport)).one()
        assert r.linked_sample_pk == db.scalars(select(Sample.id)).one()


@pytest.mark.parametrize(
    ("fields", "reason"),
    [
        ({"region": "Narnia"}, "unknown_jurisdiction"),
        ({"event_date": "2027-01-01"}, "future_date"),
        ({"reported_date": "2021-03-01"}, "bad_date"),
        ({"severity": ""}, "missing_required_field"),
    ],
    ids=["unknown-region", "future", "reported-before-event", "no-severity"],
)
def test_report_quarantine_reasons(runtime, tmp_path, fields, reason):
    s = ingest(
        runtime, ReportBuilder().report("RQ", **fields).substance("heroin").substance("crack").write(tmp_path / "r.csv")
    )
    assert s.quarantined == 2 and reason in s.reasons


def test_reporter_user_is_recorded(runtime, tmp_path):
    from fews.accounts import create_user
    from fews.db import session_scope

    with session_scope(runtime.factory) as db:
        uid = create_user(db, "nurse1", role="clinical_reporter", password="a-long-password-1").id
    ingest(runtime, ReportBuilder().report("R5").substance("ketamine").write(tmp_path / "r.csv"), user_id=uid)
    with runtime.factory() as db:
        assert db.scalars(select(HarmReport)).one().reporter_user_id == uid
