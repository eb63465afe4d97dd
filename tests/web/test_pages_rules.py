"""Legal rules pages: the shipped rule set with filters and statutory text for every role, the legal-status
events, and the event form for record_legal_event holders (the code behind `fews legal add-event`, audited)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re

import pytest
from sqlalchemy import select

from chem.legal import LegalEngine, load_rules
from fews.legal_events import load_overlay
from fews.models import AuditEvent, LegalStatusEvent
from tests.alerts.conftest import N_ETHYLHEXEDRONE
from tests.web.conftest import csrf_token, signed_in
from tests.web.pages_world import build_pages_world
from web import create_app

CATHINONES = "MDA-S2-P2-1(aa)"


@pytest.fixture
def rules_app(runtime, tmp_path):  # type: ignore[no-untyped-def]
    world = build_pages_world(runtime, tmp_path)
    app = create_app(runtime.config)
    yield world, app
    app.extensions["fews_engine"].dispose()



def _listed(html: str) -> set[str]:
    return {m.replace("%28", "(").replace("%29", ")") for m in re.findall(r'href="/rules/([^"/]+)"', html)} - {"events"}


def test_every_shipped_rule_is_listed(rules_app):  # type: ignore[no-untyped-def]
    _, app = rules_app
    html = signed_in(app, "enforcement_subscriber").get("/rules").get_data(as_text=True)
    shipped = load_rules()
    assert _listed(html) == {r.id for r in shipped.rules}
    assert shipped.version in html


@pytest.mark.parametrize(
    "query,expect_in,expect_out",
    [
        ({"kind": "tcdo"}, "TCDO-SI2015-1027", CATHINONES),
        ({"text": "2-amino-1-phenyl-1-propanone"}, CATHINONES, "TCDO-SI2015-1027"),
        ({"drug_class": "B", "kind": "generic"}, CATHINONES, "MDA-S2-P1-1(ea)"),
        ({"in_force_on": "2009-01-01", "kind": "generic"}, "MDA-S2-P1-1(c)", CATHINONES),  # 1(aa) from 16 Apr 2010
    ],
    ids=["kind", "statutory-text", "class", "in-force-on"],
)
def test_filters(rules_app, query, expect_in, expect_out):  # type: ignore[no-untyped-def]
    _, app = rules_app
    resp = signed_in(app, "forensic_chemist").get("/rules", query_string=query)
    assert resp.status_code == 200
    listed = _listed(resp.get_data(as_text=True))
    assert expect_in in listed and expect_out not in listed


def test_partial_filter_and_bad_date(rules_app):  # type: ignore[no-untyped-def]
    _, app = rules_app
    client = signed_in(app, "acmd_advisor")
    partial = _listed(client.get("/rules?partial=y").get_data(as_text=True))
    assert partial == {r.id for r in load_rules().rules if r.partial}
    assert client.get("/rules?in_force_on=1.1.2020").status_code == 400


def test_rule_page_shows_statutory_text_and_citation(rules_app):  # type: ignore[no-untyped-def]
    _, app = rules_app
    client = signed_in(app, "clinical_reporter")
    html = client.get(f"/rules/{CATHINONES}").get_data(as_text=True)
    assert "structurally derived from 2-amino-1-phenyl-1-propanone" in html
    assert "https://www.legislation.gov.uk/uksi/2010/1207/made" in html
    assert "bupropion" in html  # an exclusion
    assert client.get("/rules/NO-SUCH-RULE").status_code == 404


def test_rules_csv(rules_app):  # type: ignore[no-untyped-def]
    _, app = rules_app
    resp = signed_in(app, "auditor").get("/rules?kind=generic&format=csv")
    rows = list(csv.DictReader(io.StringIO(resp.get_data(as_text=True))))
    assert {r["kind"] for r in rows} == {"generic"}
    assert next(r for r in rows if r["id"] == CATHINONES)["in_force"] == "2010-04-16"


def _post_event(client, **data):  # type: ignore[no-untyped-def]
    token = csrf_token(client.get("/rules/events").get_data(as_text=True))
    return client.post("/rules/events/add", data={"csrf_token": token, **data})


def test_policy_adds_a_named_substance_and_decisions_follow(rules_app):  # type: ignore[no-untyped-def]
    world, app = rules_app
    client = signed_in(app, "home_office_policy")
    resp = _post_event(
        client,
        kind="add_named",
        effective_date="2026-12-01",
        smiles=N_ETHYLHEXEDRONE,
        name="N-ethylhexedrone",
        drug_class="B",
        instrument="The Misuse of Drugs Act 1971 (Amendment) Order 2026 (SI 2026/999)",
        citation="Article 2(2)(a)",
    )
    assert resp.status_code == 302
    page = client.get(resp.headers["Location"]).get_data(as_text=True)
    assert "Legal-status event" in page and "SI 2026/999" in page and "by home_office_policy" in page
    with world.runtime.factory() as s:
        event = s.scalars(select(LegalStatusEvent)).one()
        assert (event.kind, event.drug_class, event.effective_date) == ("add_named", "B", dt.date(2026, 12, 1))
        audit = s.scalars(select(AuditEvent).where(AuditEvent.action == "legal.event.record")).one()
        assert audit.actor == "home_office_policy" and audit.object_id == str(event.id)
        engine = LegalEngine(overlay=load_overlay(s))
    assert engine.classify(N_ETHYLHEXEDRONE, dt.date(2026, 12, 2))["status"] == "B"
    assert _listed(client.get("/rules?kind=named").get_data(as_text=True)) >= {f"event:{event.id}"}


def test_admin_ends_a_shipped_rule_and_the_list_shows_the_amendment(rules_app):  # type: ignore[no-untyped-def]
    _, app = rules_app
    client = signed_in(app, "admin")
    resp = _post_event(
        client,
        kind="end_rule",
        effective_date="2027-01-01",
        rule_id="TCDO-SI2015-1027",
        instrument="correction",
        citation="TCDO expiry",
    )
    assert resp.status_code == 302
    html = client.get("/rules/TCDO-SI2015-1027").get_data(as_text=True)
    assert "2027-01-01" in html and "rule file:" in html
    assert "amended by event" in client.get("/rules?kind=tcdo").get_data(as_text=True)


@pytest.mark.parametrize(
    "data,message",
    [
        ({"kind": "add_named", "smiles": N_ETHYLHEXEDRONE}, "Choose the class"),
        ({"kind": "add_named", "smiles": "C1CC(", "drug_class": "B"}, "not a readable SMILES"),
        ({"kind": "end_named", "inchikey": "NOTAKEY"}, "An InChIKey has 27 characters"),
        ({"kind": "start_rule"}, "Choose the shipped rule"),
        ({"kind": "start_rule", "rule_id": "NO-SUCH-RULE"}, "Not a valid choice"),
        ({"kind": "end_rule", "rule_id": CATHINONES, "end_date": "2026-01-01"}, "must not be before"),
    ],
    ids=["no-class", "bad-smiles", "bad-inchikey", "no-rule", "unknown-rule", "end-before-start"],
)
def test_bad_events_are_refused_with_a_reason(rules_app, data, message):  # type: ignore[no-untyped-def]
    world, app = rules_app
    client = signed_in(app, "home_office_policy")
    base = {"effective_date": "2026-12-01", "instrument": "SI 2026/1", "citation": "art. 2"}
    resp = _post_event(client, **(base | data))
    assert resp.status_code == 400
    assert message in resp.get_data(as_text=True)
    with world.runtime.factory() as s:
        assert s.scalars(select(LegalStatusEvent)).first() is None


def test_only_record_legal_event_holders_get_the_form(rules_app):  # type: ignore[no-untyped-def]
    _, app = rules_app
    officer = signed_in(app, "enforcement_subscriber")
    assert 'action="/rules/events/add"' not in officer.get("/rules/events").get_data(as_text=True)
    token = csrf_token(officer.get("/rules").get_data(as_text=True))
    resp = officer.post(
        "/rules/events/add",
        data={"csrf_token": token, "kind": "end_rule", "rule_id": CATHINONES, "effective_date": "2027-01-01"},
    )
    assert resp.status_code == 403
