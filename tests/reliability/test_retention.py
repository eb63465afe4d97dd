"""Retention of case-level data (``fews.retention``): clinical free text, case references and
quarantined payloads are purged to tombstones after their configured age, each purge audited
(the chain still verifies), records and duplicate detection unaffected; the scheduler runs it."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select, update

from fews import audit
from fews.config import ConfigError
from fews.db import session_scope
from fews.models import AuditEvent, HarmReport, QuarantineItem, Sample, utcnow
from fews.retention import RetentionSettings, purge
from fews.scheduler import JOBS, run_job
from intake.pipeline import Ingestor
from tests.builders import MEPHEDRONE, ReportBuilder, SeizureBuilder

TODAY = dt.date(2026, 11, 23)
FREE_TEXT = "RETENTION-SENTINEL found collapsed; GCS 8"


def _world(runtime, tmp_path) -> None:  # type: ignore[no-untyped-def]
    config = runtime.config.with_(use_opsin=False)
    b = ReportBuilder()
    for i in range(4):
        b.report(f"R{i}", free_text=FREE_TEXT).substance("mephedrone")
    b.report("RBAD", event_date="2021-02-30", free_text=FREE_TEXT).substance("spice")  # quarantined
    Ingestor(runtime.factory, config, "reports", today=TODAY).ingest_file(b.write(tmp_path / "r.csv"))
    s = SeizureBuilder()
    for i in range(3):
        s.sample(f"S{i}", case_reference=f"OP-KESTREL-{i}").component("mephedrone", MEPHEDRONE)
    Ingestor(runtime.factory, config, "seizures", today=TODAY).ingest_file(s.write(tmp_path / "s.csv"))


def _age(runtime, model, days: int, where=None) -> None:  # type: ignore[no-untyped-def]
    with session_scope(runtime.factory) as s:
        stmt = update(model).values(created_at=utcnow() - dt.timedelta(days=days))
        s.execute(stmt if where is None else stmt.where(where))


def test_settings_from_environment():
    assert RetentionSettings.from_env({}).days == {"free_text": 730, "case_reference": None, "quarantine_payload": 365}
    env = {"FEWS_RETENTION_FREE_TEXT_DAYS": "30", "FEWS_RETENTION_CASE_REFERENCE_DAYS": "3650"}
    assert RetentionSettings.from_env(env).days["case_reference"] == 3650
    assert RetentionSettings.from_env({"FEWS_RETENTION_FREE_TEXT_DAYS": "off"}).days["free_text"] is None
    with pytest.raises(ConfigError, match="FEWS_RETENTION_FREE_TEXT_DAYS"):
        RetentionSettings.from_env({"FEWS_RETENTION_FREE_TEXT_DAYS": "a fortnight"})


def test_purge_clears_old_case_fields_only_audited_and_idempotent(runtime, tmp_path):
    _world(runtime, tmp_path)
    _age(runtime, HarmReport, 40, HarmReport.report_id.in_(["R0", "R1"]))  # two old reports, two recent
    _age(runtime, Sample, 400)
    _age(runtime, QuarantineItem, 40)
    settings = RetentionSettings.from_env(
        {
            "FEWS_RETENTION_FREE_TEXT_DAYS": "30",
            "FEWS_RETENTION_CASE_REFERENCE_DAYS": "365",
            "FEWS_RETENTION_QUARANTINE_PAYLOAD_DAYS": "30",
        }
    )
    report = purge(runtime.factory, settings, actor="admin", via="cli")
    assert report.purged == {"free_text": 2, "case_reference": 3, "quarantine_payload": 1}
    with runtime.factory() as s:
        reports = {r.report_id: r for r in s.scalars(select(HarmReport))}
        assert reports["R0"].free_text is None and reports["R0"].extra == {}
        assert reports["R2"].free_text == FREE_TEXT  # recent: kept
        assert reports["R0"].severity == "severe" and reports["R0"].event_date  # the record itself stays
        assert all(x.case_reference is None for x in s.scalars(select(Sample)))
        item = s.scalars(select(QuarantineItem)).one()
        assert item.payload is None and item.status == "purged" and "retention" in (item.resolution_note or "")
        entries = s.scalars(select(AuditEvent).where(AuditEvent.action == "retention.purge")).all()
        assert {e.object_type for e in entries} == {"harm_report", "sample", "quarantine_item"}
        assert all(e.actor == "admin" for e in entries)
        assert audit.verify(s).ok
    again = purge(runtime.factory, settings)
    assert again.purged == {"free_text": 0, "case_reference": 0, "quarantine_payload": 0}
    # re-submitting the purged records is still recognised: duplicates, nothing stored twice
    summary = Ingestor(runtime.factory, runtime.config.with_(use_opsin=False), "reports", today=TODAY).ingest_file(
        tmp_path / "r.csv"
    )
    assert summary.duplicates == summary.rows


def test_scheduler_runs_the_purge_job(runtime, tmp_path, monkeypatch):
    assert "purge_retention" in JOBS
    _world(runtime, tmp_path)
    _age(runtime, HarmReport, 800)
    monkeypatch.delenv("FEWS_RETENTION_FREE_TEXT_DAYS", raising=False)  # default: two years
    result = run_job(runtime, "purge_retention")
    assert result["status"] == "ok" and "free_text: 4 purged" in result["detail"]
    with runtime.factory() as s:
        assert all(r.free_text is None for r in s.scalars(select(HarmReport)))
