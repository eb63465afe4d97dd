"""Policy test world: a small cathinone market ingested through the real intake pipeline (seizures,
RIDR reports, intelligence, psychoactivity), before and after the PSA commencement, families placed by
the detection code, and sentinel strings in every case-level field so leak tests can search every
output (HTML, PDF text, DOCX text, JSON) for them."""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import select

from fews.accounts import create_user
from fews.db import session_scope
from fews.detection.family_store import update_families
from fews.legal_status import reevaluate
from fews.models import Substance
from fews.runtime import Runtime
from intake.pipeline import Ingestor
from tests.builders import ReportBuilder, SeizureBuilder

TODAY = dt.date(2026, 11, 23)
CASE_SENTINEL = "CASEREF-SENTINEL-5512"
SAMPLE_SENTINEL = "LABID-SENTINEL"
REPORT_SENTINEL = "RIDR-SENTINEL"
FREE_TEXT_SENTINEL = "FREETEXT-SENTINEL patient collapsed at a party"
SENTINELS = (CASE_SENTINEL, SAMPLE_SENTINEL, REPORT_SENTINEL, "FREETEXT-SENTINEL")
PASSWORD = "a-long-test-password"

# synthetic cathinones of the 2010 generic 1(aa) (structures as in fews/demo/catalogue.py)
CATHINONES = {
    "3-MMC": "CNC(C)C(=O)c1cccc(C)c1",
    "3-CMC": "CNC(C)C(=O)c1cccc(Cl)c1",
    "4-CMC": "CNC(C)C(=O)c1ccc(Cl)cc1",
    "4-CEC": "CCNC(C)C(=O)c1ccc(Cl)cc1",
}
MDAI = "NC1Cc2cc3c(cc2C1)OCO3"  # 5,6-methylenedioxy-2-aminoindane: outside every generic (uk-law.md §7)


@dataclass
class World:
    runtime: Runtime
    substances: dict[str, int]
    cathinone_family: str


def _seizures(tmp_path: Path) -> Path:
    b = SeizureBuilder()
    rows = [
        # (name, date, context, nation, area)
        ("3-MMC", "2015-09-01", "inland", "England", "Leeds"),
        ("3-MMC", "2016-01-12", "inland", "England", "Leeds"),
        ("3-MMC", "2016-07-05", "border_postal", "England", "Coventry"),
        ("3-CMC", "2016-09-20", "border_postal", "England", "Coventry"),
        ("3-CMC", "2017-02-14", "online", "Wales", "Cardiff"),
        ("4-CMC", "2025-03-03", "inland", "England", "Manchester"),
        ("4-CMC", "2025-06-09", "prison", "England", "Wakefield"),
        ("4-CEC", "2025-10-06", "inland", "Scotland", "Glasgow City"),
        ("4-CEC", "2026-10-20", "border_postal", "England", "Coventry"),
        ("MDAI", "2016-03-01", "inland", "England", "Leeds"),
        ("MDAI", "2016-08-01", "online", "England", "Leeds"),
    ]
    for i, (name, day, ctx, nation, area) in enumerate(rows):
        smiles = MDAI if name == "MDAI" else CATHINONES[name]
        b.sample(
            f"{SAMPLE_SENTINEL}-{i}",
            seizure_date=day,
            seizure_context=ctx,
            jurisdiction=nation,
            local_area=area,
            product_as_sold="MDMA",
            case_reference=f"{CASE_SENTINEL}-{i}",
        ).component(name, smiles, identification_level="confirmed_two_techniques", method="GC-MS")
    return b.write(tmp_path / "seizures.csv")


def _reports(tmp_path: Path) -> Path:
    b = ReportBuilder()
    severities = ["severe", "moderate", "moderate", "fatal", "moderate", "moderate", "mild"]
    for i, sev in enumerate(severities):
        b.report(
            f"{REPORT_SENTINEL}-{i}",
            event_date=f"2025-0{3 + i % 6}-1{i}",
            reported_date=f"2025-0{3 + i % 6}-2{i}",
            severity=sev,
            region="North West",
            toxicology_status="confirmed" if i < 2 else "probable",
            free_text=FREE_TEXT_SENTINEL,
            reporter_role="nurse",
        ).substance("4-CMC")
    for i in range(3):  # before and after the PSA
        b.report(f"{REPORT_SENTINEL}-P{i}", event_date=["2015-11-02", "2016-08-08", "2016-10-10"][i]).substance("3-MMC")
    return b.write(tmp_path / "reports.csv")


def _intel(tmp_path: Path) -> Path:
    rows = [
        ("OM-1", "online_market", "2016-02-01", "3-MMC"),
        ("OM-2", "online_market", "2016-09-01", "3-MMC"),
        ("OM-3", "online_market", "2016-10-01", "3-CMC"),
        ("DC-1", "drug_checking", "2016-03-03", "3-MMC"),
        ("OM-4", "online_market", "2025-04-01", "4-CMC"),
        ("DC-2", "drug_checking", "2025-05-05", "4-CMC"),
    ]
    path = tmp_path / "intel.csv"
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["record_id", "stream", "observed_date", "source", "jurisdiction", "found_name", "found_smiles"])
        for rid, stream, day, name in rows:
            w.writerow([rid, stream, day, "test source", "England", name, CATHINONES[name]])
    return path


def _psychoactivity(tmp_path: Path) -> Path:
    path = tmp_path / "psy.csv"
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(
            [
                "result_id",
                "substance_name",
                "substance_smiles",
                "assay",
                "result",
                "test_date",
                "laboratory",
                "potency_value",
                "potency_unit",
                "sample_id",
            ]
        )
        w.writerow(
            [
                "PA-1",
                "4-CMC",
                CATHINONES["4-CMC"],
                "DAT uptake inhibition",
                "active",
                "2025-04-10",
                "Test Lab",
                "1.2",
                "uM",
                f"{SAMPLE_SENTINEL}-5",
            ]
        )
    return path


def build_world(runtime: Runtime, tmp_path: Path) -> World:
    for kind, path in (
        ("seizures", _seizures(tmp_path)),
        ("reports", _reports(tmp_path)),
        ("intel", _intel(tmp_path)),
        ("psychoactivity", _psychoactivity(tmp_path)),
    ):
        summary = Ingestor(runtime.factory, runtime.config, kind, today=TODAY).ingest_file(path)
        assert summary.quarantined == 0, summary.as_dict()
    reevaluate(runtime.factory, as_of=TODAY, actor="test")
    with session_scope(runtime.factory) as s:
        update_families(s)
        for role in ("home_office_policy", "acmd_advisor", "forensic_chemist", "public_health_analyst"):
            create_user(s, role, role=role, password=PASSWORD, actor="test")
    with session_scope(runtime.factory) as s:
        subs = {sub.preferred_name or sub.inchikey: sub for sub in s.scalars(select(Substance))}
        families = {subs[n].family_id for n in CATHINONES}
        assert len(families) == 1, f"the cathinones should form one family, got {families}"
        return World(runtime, {k: v.id for k, v in subs.items()}, f"F{families.pop()}")


@pytest.fixture
def world(runtime: Runtime, tmp_path: Path) -> World:
    return build_world(runtime, tmp_path)
