"""Fixtures and builders for the API tests: a seeded database ("world") with one user and one token
per role, samples in two nations, harm reports with clinical free text, a family, a signal and
alerts for every audience in draft and issued states."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from alerts.tables import audience_rules
from fews.access import ROLES
from fews.accounts import create_token, create_user, get_user
from fews.db import session_scope
from fews.models import Alert, AlertVersion, Family, HarmReport, Sample, Signal, Substance
from intake.pipeline import Ingestor
from tests.builders import EUTYLONE, MEPHEDRONE, ReportBuilder, SeizureBuilder
from web import create_app

PASSWORD = "a-long-test-password"
TODAY = dt.date(2026, 11, 23)
FREE_TEXT = "Patient described a racing heart after a vape from a friend (clinical note 7731)"
CASE_ENGLAND = "OP-ENG-0001"
CASE_WALES = "OP-WAL-0002"
LIBRARY = Path(__file__).resolve().parents[2] / "reference_spectra" / "data" / "library.msp"
ORGANISATIONS = {"forensic_chemist": "Lab A"}
JURISDICTIONS = {"enforcement_subscriber": "wales"}
CLINICAL_RESPONSE = "Treat agitation with benzodiazepines; seek TOXBASE advice."


@dataclass
class World:
    """Ids of the seeded rows and a token per role (all scopes the API uses)."""

    tokens: dict[str, str] = field(default_factory=dict)
    user_ids: dict[str, int] = field(default_factory=dict)
    substance: str = ""
    substance_inchikey: str = ""
    family: str = ""
    sample_england: int = 0
    sample_wales: int = 0
    report_own: int = 0  # reported by the clinical_reporter user
    report_other: int = 0
    signal: int = 0
    alerts: dict[int, dict[str, Any]] = field(default_factory=dict)  # id -> the Alert fields that decide access

    def headers(self, role: str | None) -> dict[str, str]:
        return {} if role is None else {"Authorization": f"Bearer {self.tokens[role]}"}


def make_app(runtime: Any) -> Any:
    return create_app(runtime.config.with_(use_opsin=False))


def add_user(runtime: Any, username: str, role: str, *, scopes: list[str] | None = None, **kw: Any) -> tuple[int, str]:
    with session_scope(runtime.factory) as s:
        user = create_user(s, username, role=role, password=PASSWORD, **kw)
        token = create_token(s, user, scopes=scopes or ["read", "submit"])
        return user.id, token


def ingest(runtime: Any, kind: str, path: Path, *, user: str = "seed", user_id: int | None = None) -> dict[str, Any]:
    config = runtime.config.with_(use_opsin=False)
    ing = Ingestor(runtime.factory, config, kind, actor=user, via="cli", user_id=user_id, today=TODAY)
    return ing.ingest_file(path).as_dict()


def seed_world(runtime: Any, tmp_path: Path) -> World:
    w = World()
    for role in ROLES:
        uid, token = add_user(
            runtime, role, role, organisation=ORGANISATIONS.get(role), jurisdiction=JURISDICTIONS.get(role)
        )
        w.user_ids[role], w.tokens[role] = uid, token
    seizures = (
        SeizureBuilder()
        .sample("ENG-1", provider="Lab A", case_reference=CASE_ENGLAND)
        .component("mephedrone", MEPHEDRONE)
        .sample("WAL-1", provider="Lab B", jurisdiction="Wales", local_area="Cardiff", case_reference=CASE_WALES)
        .component("eutylone", EUTYLONE)
    )
    assert ingest(runtime, "seizures", seizures.write(tmp_path / "seed-seizures.csv"))["accepted"] == 2
    own = ReportBuilder().report("R-OWN", free_text=FREE_TEXT).substance("mephedrone")
    assert ingest(runtime, "reports", own.write(tmp_path / "own.csv"), user_id=w.user_ids["clinical_reporter"])[
        "accepted"
    ]
    other = ReportBuilder().report("R-OTHER", free_text=FREE_TEXT).substance("eutylone")
    assert ingest(runtime, "reports", other.write(tmp_path / "other.csv"))["accepted"]
    with session_scope(runtime.factory) as s:
        sub = s.scalar(select(Substance).where(Substance.smiles == MEPHEDRONE))
        assert sub is not None
        fam = Family(name="cathinones", method="legal_generic", key="test:cathinones", first_seen=dt.date(2021, 3, 2))
        s.add(fam)
        s.flush()
        sub.family_id = fam.id
        w.substance, w.substance_inchikey, w.family = sub.public_id, sub.inchikey, fam.public_id
        w.sample_england = s.scalar(select(Sample.id).where(Sample.sample_id == "ENG-1"))
        w.sample_wales = s.scalar(select(Sample.id).where(Sample.sample_id == "WAL-1"))
        w.report_own = s.scalar(select(HarmReport.id).where(HarmReport.report_id == "R-OWN"))
        w.report_other = s.scalar(select(HarmReport.id).where(HarmReport.report_id == "R-OTHER"))
        sig = Signal(
            type="emerging_family",
            family_id=fam.id,
            key="emerging_family:test",
            as_of=dt.date(2021, 3, 7),
            score=4.2,
            reason="seizures above baseline for 3 weeks",
        )
        s.add(sig)
        s.flush()
        w.signal = sig.id
        for alert_type in ("harm_cluster", "new_substance"):  # led by the clinical network / by enforcement
            rule = audience_rules().rule(alert_type)
            for status in ("draft", "issued"):
                fields = {
                    "type": alert_type,
                    "audience": rule.lead,
                    "audiences": list(rule.audiences),
                    "status": status,
                    "issued_version": None if status == "draft" else 1,
                }
                alert = Alert(
                    **fields,
                    level="warning",
                    substance_id=sub.id,
                    signal_id=sig.id,
                    security_marking="OFFICIAL-SENSITIVE",
                    issued_at=None if status == "draft" else dt.datetime(2021, 3, 8, tzinfo=dt.UTC),
                )
                s.add(alert)
                s.flush()
                s.add(
                    AlertVersion(
                        alert_id=alert.id,
                        version=1,
                        title=f"{rule.label}: mephedrone ({status})",
                        summary="Mephedrone seen in new contexts.",
                        clinical_response=CLINICAL_RESPONSE if rule.lead == "clinical" else None,
                        created_by="seed",
                    )
                )
                w.alerts[alert.id] = fields
    return w


@pytest.fixture
def api_app(runtime):  # type: ignore[no-untyped-def]
    app = make_app(runtime)
    yield app
    app.extensions["fews_engine"].dispose()


@pytest.fixture
def api_client(api_app):  # type: ignore[no-untyped-def]
    return api_app.test_client()


@pytest.fixture
def world(runtime, tmp_path) -> World:  # type: ignore[no-untyped-def]
    return seed_world(runtime, tmp_path)


def first_library_spectrum() -> str:
    """The first record of the shipped library, as an MSP query (a real MassBank spectrum)."""
    text = LIBRARY.read_text(encoding="utf-8")
    return text.split("\n\n", 1)[0] + "\n"


def seizure_json(sample_id: str, *, smiles: str = MEPHEDRONE, name: str = "mephedrone") -> bytes:
    """A §5.3 JSON body with one sample of one component."""
    return json.dumps(
        [
            {
                "sample_id": sample_id,
                "seizure_date": "2021-03-02",
                "submitting_agency": "Metropolitan Police Service",
                "seizure_context": "inland",
                "jurisdiction": "England",
                "local_area": "Westminster",
                "components": [{"component_name": name, "component_smiles": smiles, "role": "active"}],
            }
        ]
    ).encode()


def get_user_id(runtime: Any, username: str) -> int:
    with session_scope(runtime.factory) as s:
        user = get_user(s, username)
        assert user is not None
        return user.id
