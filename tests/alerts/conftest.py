"""Alert test world: seizures and RIDR reports ingested through the real intake pipeline, legal status
decided, users per role, and detection-style signals built from what was stored.

Sentinel strings are planted in every field that must never leave its source (case references,
report and sample identifiers, clinical free text) so leak tests can search every output for them.
"""

from __future__ import annotations

import datetime as dt
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from fews.accounts import create_user
from fews.db import session_scope
from fews.legal_status import reevaluate
from fews.models import HarmReport, Sample, Signal, Substance
from fews.runtime import Runtime
from intake.pipeline import Ingestor
from tests.builders import ISOTONITAZENE, ReportBuilder, SeizureBuilder

TODAY = dt.date(2026, 11, 23)
N_ETHYLHEXEDRONE = "CCCCC(NCC)C(=O)c1ccccc1"
CASE_SENTINEL = "CASEREF-SENTINEL-7741"
SAMPLE_SENTINEL = "LABID-SENTINEL"
REPORT_SENTINEL = "RIDR-SENTINEL"
FREE_TEXT_SENTINEL = "FREETEXT-SENTINEL patient found unresponsive at home"
SENTINELS = (CASE_SENTINEL, SAMPLE_SENTINEL, REPORT_SENTINEL, FREE_TEXT_SENTINEL.split()[0])
PASSWORD = "a-long-test-password"

ROLES_USED = (
    "clinical_network_reviewer",
    "clinical_reporter",
    "intelligence_analyst",
    "enforcement_subscriber",
    "forensic_chemist",
    "public_health_analyst",
    "home_office_policy",
    "international_liaison",
)


@dataclass
class World:
    runtime: Runtime
    substances: dict[str, int] = field(default_factory=dict)
    signals: dict[str, int] = field(default_factory=dict)

    def signal(self, name: str) -> Signal:
        with self.runtime.factory() as s:
            sig = s.get(Signal, self.signals[name])
            assert sig is not None
            s.expunge(sig)
            return sig


def _seizures(tmp_path: Path) -> Path:
    b = SeizureBuilder()
    # isotonitazene: three inland seizures, one at the border, one in a prison (10 August 2026 on)
    for i, (day, ctx, place) in enumerate(
        [
            ("2026-08-10", "inland", "Manchester"),
            ("2026-08-24", "inland", "Liverpool"),
            ("2026-09-07", "border_postal", "Coventry"),
            ("2026-09-21", "prison", "Wakefield"),
            ("2026-10-05", "inland", "Leeds"),
        ]
    ):
        b.sample(
            f"{SAMPLE_SENTINEL}-{i}",
            seizure_date=day,
            seizure_context=ctx,
            local_area=place,
            product_as_sold="oxycodone",
            case_reference=f"{CASE_SENTINEL}-{i}",
        ).component("isotonitazene", ISOTONITAZENE, identification_level="confirmed_two_techniques")
    # N-ethylhexedrone: two seizures in Wales, a new cathinone
    for i, day in enumerate(["2026-10-12", "2026-10-26"]):
        b.sample(
            f"{SAMPLE_SENTINEL}-NEH-{i}",
            seizure_date=day,
            jurisdiction="Wales",
            local_area="Cardiff",
            product_as_sold="MDMA",
            case_reference=f"{CASE_SENTINEL}-NEH-{i}",
        ).component("N-ethylhexedrone", N_ETHYLHEXEDRONE, identification_level="confirmed_crm")
    return b.write(tmp_path / "seizures.csv")


def _reports(tmp_path: Path) -> Path:
    b = ReportBuilder()
    # seven reports naming isotonitazene: 3 severe, 1 fatal, 3 moderate (England)
    severities = ["severe", "severe", "fatal", "moderate", "severe", "moderate", "moderate"]
    for i, sev in enumerate(severities):
        b.report(
            f"{REPORT_SENTINEL}-{i}",
            event_date=f"2026-09-{10 + i:02d}",
            reported_date=f"2026-09-{12 + i:02d}",
            severity=sev,
            region="North West" if i % 2 else "Yorkshire and The Humber",
            effects="respiratory_depression|reduced_consciousness",
            toxicology_status="confirmed" if i < 3 else "probable",
            free_text=FREE_TEXT_SENTINEL,
            reporter_role="nurse",
            vulnerable_group="homeless_or_hostel",
        ).substance("isotonitazene")
    return b.write(tmp_path / "reports.csv")


def build_world(runtime: Runtime, tmp_path: Path, *, legal: bool = True) -> World:
    for kind, path in (("seizures", _seizures(tmp_path)), ("reports", _reports(tmp_path))):
        summary = Ingestor(runtime.factory, runtime.config, kind, today=TODAY).ingest_file(path)
        assert summary.quarantined == 0, summary.as_dict()
    if legal:
        reevaluate(runtime.factory, as_of=TODAY, actor="test")
    world = World(runtime)
    with session_scope(runtime.factory) as s:
        for role in ROLES_USED:
            jurisdiction = "england,wales" if role == "enforcement_subscriber" else None
            create_user(s, role, role=role, password=PASSWORD, jurisdiction=jurisdiction, actor="test")
        for sub in s.scalars(select(Substance)):
            world.substances[sub.preferred_name or sub.inchikey] = sub.id
        iso = next(v for k, v in world.substances.items() if "isotonitazene" in k.lower())
        neh = next(v for k, v in world.substances.items() if k.lower() != "isotonitazene" and v != iso)
        member = {
            "id": f"S{iso}",
            "name": "isotonitazene",
            "smiles": ISOTONITAZENE,
            "inchikey": s.get(Substance, iso).inchikey,  # type: ignore[union-attr]
        }
        report_pks = list(s.scalars(select(HarmReport.id)))
        sample_pks = list(s.scalars(select(Sample.id)))
        signals: dict[str, Signal] = {
            "harm": Signal(
                type="harm_cluster",
                key=f"harm_cluster:S{iso}",
                substance_id=iso,
                as_of=dt.date(2026, 9, 20),
                first_as_of=dt.date(2026, 9, 20),
                window_start=dt.date(2026, 8, 24),
                window_end=dt.date(2026, 9, 20),
                score=4.0,
                reason="4 severe or fatal harm reports (1 fatal) linked to isotonitazene in North West in 4 weeks "
                "against 0.40 expected (Poisson p=7.8e-04)",
                status="open",
                details={"members": [member], "harm_report_ids": report_pks, "counts": {"severe_or_fatal": 4}},
            ),
            "new": Signal(
                type="new_substance",
                key=f"new_substance:S{neh}",
                substance_id=neh,
                as_of=dt.date(2026, 10, 18),
                first_as_of=dt.date(2026, 10, 18),
                score=1.0,
                reason="first UK identification of N-ethylhexedrone (confirmed against a reference standard)",
                status="open",
                evidence_level="confirmed_crm",
                details={"members": [{"id": f"S{neh}", "name": "N-ethylhexedrone"}], "sample_ids": sample_pks},
            ),
            "prison": Signal(
                type="new_substance",
                subtype="prison_first",
                key=f"new_substance:prison:S{iso}",
                substance_id=iso,
                as_of=dt.date(2026, 9, 27),
                first_as_of=dt.date(2026, 9, 27),
                score=1.0,
                reason="first detection of isotonitazene in a prison",
                status="open",
                details={"members": [member], "sample_ids": sample_pks[3:4]},
            ),
        }
        for name, sig in signals.items():
            s.add(sig)
            s.flush()
            world.signals[name] = sig.id
    return world


@pytest.fixture(scope="session")
def sqlite_world_template(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, World]:
    """The world built once on SQLite; each test gets a copy of the file (ids are the same)."""
    from fews import migrate
    from fews.config import load_config
    from fews.db import make_engine, make_session_factory

    folder = tmp_path_factory.mktemp("alerts-world")
    path = folder / "world.db"
    engine = make_engine(f"sqlite:///{path}")
    migrate.upgrade(engine)
    config = load_config(instance_path=folder / "instance", database_url=f"sqlite:///{path}").with_(testing=True)
    rt = Runtime(config, engine, make_session_factory(engine))
    built = build_world(rt, folder)
    with engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    engine.dispose()
    return path, built


@pytest.fixture
def world(runtime: Runtime, tmp_path: Path, request: pytest.FixtureRequest) -> World:
    if not runtime.config.is_sqlite:
        return build_world(runtime, tmp_path)
    template, built = request.getfixturevalue("sqlite_world_template")
    runtime.engine.dispose()
    target = Path(runtime.engine.url.database or "")
    for suffix in ("-wal", "-shm"):
        Path(str(target) + suffix).unlink(missing_ok=True)
    shutil.copyfile(template, target)
    return World(runtime, dict(built.substances), dict(built.signals))


def user(runtime: Runtime, username: str) -> Any:
    from fews.accounts import get_user

    with runtime.factory() as s:
        u = get_user(s, username)
        s.expunge(u)
        return u


CLINICAL_RESPONSE = (
    "Give naloxone early and in repeated doses: nitazenes may need more than usual. Observe for at least "
    "6 hours after the last dose. Seek advice from TOXBASE."
)


def issue_all(world: World) -> dict[str, int]:
    """Draft every signal's alert; agree the clinical one; issue all three. Returns name -> alert id."""
    from alerts.workflow import agree_alert, draft_from_signal, issue_alert

    ids: dict[str, int] = {}
    with session_scope(world.runtime.factory) as s:
        for name, sid in world.signals.items():
            alert = draft_from_signal(s, s.get(Signal, sid))
            assert alert is not None
            if alert.audience == "clinical":
                agree_alert(
                    s,
                    alert,
                    actor="clinical_network_reviewer",
                    role="clinical_network_reviewer",
                    clinical_response=CLINICAL_RESPONSE,
                )
                issue_alert(s, alert, actor="clinical_network_reviewer", role="clinical_network_reviewer")
            else:
                issue_alert(s, alert, actor="intelligence_analyst", role="intelligence_analyst")
            ids[name] = alert.id
    return ids
