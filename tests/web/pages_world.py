"""A demo-like world for page tests: the alerts test world (seizures and RIDR reports through the real
intake pipeline, legal status decided, detection-style signals) plus one user per role, a family,
a forensic chemist's own batch, an enforcement subscriber's subscription, and alerts in every state:
a clinically led draft, an issued clinical alert and an issued enforcement alert."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select

from alerts.subscriptions import create_subscription
from alerts.workflow import agree_alert, draft_from_signal, issue_alert
from fews.access import ROLES
from fews.accounts import create_token, create_user, get_user
from fews.db import session_scope
from fews.models import Family, IntakeBatch, QuarantineItem, Signal, Substance
from fews.runtime import Runtime
from intake.pipeline import Ingestor
from tests.alerts.conftest import CLINICAL_RESPONSE, PASSWORD, TODAY, build_world
from tests.builders import MEPHEDRONE, SeizureBuilder

__all__ = ["PagesWorld", "build_pages_world", "PASSWORD", "CLINICAL_RESPONSE"]

ORGANISATIONS = {"forensic_chemist": "Lab A", "clinical_reporter": "demo NHS trust"}


@dataclass
class PagesWorld:
    runtime: Runtime
    ids: dict[str, int] = field(default_factory=dict)


def build_pages_world(runtime: Runtime, tmp_path: Path, *, issue_clinical: bool = True) -> PagesWorld:
    world = build_world(runtime, tmp_path)
    out = PagesWorld(runtime)
    with session_scope(runtime.factory) as s:
        for role in ROLES:
            user = get_user(s, role)
            if user is None:
                user = create_user(s, role, role=role, password=PASSWORD, actor="test")
            user.organisation = ORGANISATIONS.get(role, user.organisation)
        iso = world.substances.get("isotonitazene") or next(iter(world.substances.values()))
        fam = Family(key="test:nitazenes", name="nitazene opioids", method="manual", first_seen=dt.date(2026, 8, 10))
        s.add(fam)
        s.flush()
        sub = s.get(Substance, iso)
        assert sub is not None
        sub.family_id = fam.id
        out.ids |= {"substance": iso, "family": fam.id}
        harm = draft_from_signal(s, s.get(Signal, world.signals["harm"]))
        new = draft_from_signal(s, s.get(Signal, world.signals["new"]))
        prison = draft_from_signal(s, s.get(Signal, world.signals["prison"]))
        assert harm is not None and new is not None and prison is not None
        if issue_clinical:  # else the clinically led alert waits, as a draft, for a reviewer
            agree_alert(
                s,
                harm,
                actor="clinical_network_reviewer",
                role="clinical_network_reviewer",
                clinical_response=CLINICAL_RESPONSE,
            )
            issue_alert(s, harm, actor="clinical_network_reviewer", role="clinical_network_reviewer")
        issue_alert(s, prison, actor="intelligence_analyst", role="intelligence_analyst")
        out.ids |= {
            "clinical_alert": harm.id,
            "draft_alert": new.id,
            "enforcement_alert": prison.id,
            "signal": world.signals["harm"],
        }
        officer = get_user(s, "enforcement_subscriber")
        assert officer is not None
        created = create_subscription(s, officer, name="England and Wales", channel="feed", actor="test")
        out.ids["subscription"] = created.subscription.id
        admin = get_user(s, "admin")
        assert admin is not None
        create_token(s, admin, scopes=["read"], label="test", actor="test")
        out.ids["user"] = admin.id
        from fews.models import ApiToken

        out.ids["token"] = int(s.scalar(select(ApiToken.id).limit(1)) or 0)
    chemist = SeizureBuilder().sample("LAB-A-1", seizure_date="2026-11-02", case_reference="OP-LAB-A-1")
    chemist.component("mephedrone", MEPHEDRONE).sample("LAB-A-BAD", seizure_date="not a date").component("x", "C")
    path = chemist.write(tmp_path / "lab-a.csv")
    summary = Ingestor(
        runtime.factory, runtime.config, "seizures", actor="forensic_chemist", via="web", today=TODAY
    ).ingest_file(path, provider="Lab A")
    out.ids["batch"] = summary.batch_id
    with session_scope(runtime.factory) as s:
        assert s.get(IntakeBatch, summary.batch_id) is not None
        out.ids["quarantine"] = int(s.scalar(select(QuarantineItem.id).limit(1)) or 0)
    return out
