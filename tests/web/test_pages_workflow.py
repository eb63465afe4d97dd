"""Pages doing the work: submit forms through the real intake, the alert review workflow, products per
audience, harm-count suppression, audited case-level reads and CSV exports."""

from __future__ import annotations

import csv
import io

import pytest
from sqlalchemy import select

from fews.db import session_scope
from fews.models import AuditEvent, Family, HarmReport, Sample
from tests.alerts.conftest import CASE_SENTINEL, FREE_TEXT_SENTINEL
from tests.builders import MEPHEDRONE
from tests.web.conftest import csrf_token, signed_in
from tests.web.pages_world import CLINICAL_RESPONSE, build_pages_world
from web import create_app


@pytest.fixture
def world_app(runtime, tmp_path):  # type: ignore[no-untyped-def]
    world = build_pages_world(runtime, tmp_path)
    app = create_app(runtime.config)
    yield world, app
    app.extensions["fews_engine"].dispose()



def test_chemist_submits_a_two_component_seizure(world_app, runtime):  # type: ignore[no-untyped-def]
    world, app = world_app
    client = signed_in(app, "forensic_chemist")
    page = client.get("/submit/seizure").get_data(as_text=True)
    assert 'list="substance-names"' in page and "data-fews-classify" in page
    resp = client.post(
        "/submit/seizure",
        data={
            "csrf_token": csrf_token(page),
            "sample_id": "WEB-2C-1",
            "seizure_date": "2026-11-10",
            "submitting_agency": "metropolitan",
            "seizure_context": "inland",
            "jurisdiction": "england",
            "local_area": "Westminster",
            "product_as_sold": "MDMA",
            "case_reference": "OP-WEB-1",
            "components-0-component_name": "mephedrone",
            "components-0-component_smiles": MEPHEDRONE,
            "components-0-role": "active",
            "components-0-purity": "61.5",
            "components-1-component_name": "caffeine",
            "components-1-role": "adulterant",
        },
    )
    assert resp.status_code == 302, resp.get_data(as_text=True).split("govuk-error-summary__list")[-1][:1500]
    result = client.get(resp.headers["Location"]).get_data(as_text=True)
    assert "WEB-2C-1" in result and "mephedrone" in result and "caffeine" in result
    with session_scope(runtime.factory) as s:
        sample = s.scalar(select(Sample).where(Sample.sample_id == "WEB-2C-1"))
        assert sample is not None and sample.provider == "Lab A" and sample.submitted_by == "forensic_chemist"
        assert [c.name_reported for c in sample.components] == ["mephedrone", "caffeine"]
        assert sample.components[0].purity == pytest.approx(61.5)
        assert sample.sold_as_mismatch is True
        actions = set(s.scalars(select(AuditEvent.action).where(AuditEvent.actor == "forensic_chemist")))
    assert {"intake.batch.start", "intake.batch.finish"} <= actions


def test_seizure_form_errors_are_shown_not_lost(world_app):  # type: ignore[no-untyped-def]
    world, app = world_app
    client = signed_in(app, "forensic_chemist")
    page = client.get("/submit/seizure").get_data(as_text=True)
    resp = client.post("/submit/seizure", data={"csrf_token": csrf_token(page), "sample_id": "X"})
    html = resp.get_data(as_text=True)
    assert resp.status_code == 400 and "There is a problem" in html and "at least one component" in html


def test_ridr_report_in_one_post(world_app, runtime):  # type: ignore[no-untyped-def]
    world, app = world_app
    client = signed_in(app, "clinical_reporter")
    page = client.get("/submit/report").get_data(as_text=True)
    assert "spice" in page  # street names in the type-ahead list
    resp = client.post(
        "/submit/report",
        data={
            "csrf_token": csrf_token(page),
            "substance_1": "spice",
            "severity": "severe",
            "effects": ["seizure", "agitation"],
            "event_date": "2026-11-20",
            "care_setting": "emergency_department",
            "region": "north_west",
        },
    )
    assert resp.status_code == 302, resp.get_data(as_text=True).split("govuk-error-summary__list")[-1][:1500]
    assert "accepted" in client.get(resp.headers["Location"]).get_data(as_text=True)
    with session_scope(runtime.factory) as s:
        report = s.scalar(select(HarmReport).where(HarmReport.submitted_by == "clinical_reporter"))
        assert report is not None and report.severity == "severe" and set(report.effects) == {"seizure", "agitation"}
        assert report.reporter_user_id is not None


def test_reviewer_updates_sees_the_diff_agrees_and_issues(world_app):  # type: ignore[no-untyped-def]
    world, app = world_app
    alert_id = world.ids["clinical_alert"]
    client = signed_in(app, "clinical_network_reviewer")
    page = client.get(f"/alerts/{alert_id}").get_data(as_text=True)
    resp = client.post(
        f"/alerts/{alert_id}/update",
        data={
            "csrf_token": csrf_token(page),
            "title": "Nitazene harms in the North West",
            "summary": "Severe harms linked to isotonitazene sold as oxycodone.",
            "level": "urgent",
            "note": "wording",
        },
    )
    assert resp.status_code == 302
    page = client.get(f"/alerts/{alert_id}").get_data(as_text=True)
    assert "<ins>" in page and "Nitazene harms in the North West" in page and "draft" in page
    diff = client.get(f"/alerts/{alert_id}/diff?from=1&to=2").get_data(as_text=True)
    assert "<del>" in diff and "<ins>" in diff
    client.post(f"/alerts/{alert_id}/issue", data={"csrf_token": csrf_token(page)})
    assert "must agree" in client.get(f"/alerts/{alert_id}").get_data(as_text=True)  # not agreed: refused
    resp = client.post(
        f"/alerts/{alert_id}/agree", data={"csrf_token": csrf_token(page), "clinical_response": CLINICAL_RESPONSE}
    )
    assert resp.status_code == 302
    resp = client.post(f"/alerts/{alert_id}/issue", data={"csrf_token": csrf_token(page)})
    html = client.get(resp.headers["Location"]).get_data(as_text=True)
    assert "issued" in html and "deliveries are queued" in html
    preview = client.get(f"/alerts/{alert_id}/preview/enforcement").get_data(as_text=True)
    assert "Agreed clinical response" not in preview and "Nitazene harms" in preview


def test_enforcement_sees_the_product_without_clinical_fields(world_app):  # type: ignore[no-untyped-def]
    world, app = world_app
    alert_id = world.ids["clinical_alert"]
    officer = signed_in(app, "enforcement_subscriber")
    html = officer.get(f"/alerts/{alert_id}").get_data(as_text=True)
    assert "enforcement product" in html
    assert "Agreed clinical response" not in html and "naloxone" not in html.lower()
    for sentinel in (CASE_SENTINEL, FREE_TEXT_SENTINEL.split()[0], "RIDR-SENTINEL"):
        assert sentinel not in html
    reviewer = signed_in(app, "clinical_network_reviewer")
    assert "naloxone" in reviewer.get(f"/alerts/{alert_id}").get_data(as_text=True).lower()


def test_harm_counts_suppressed_outside_clinical_roles(world_app):  # type: ignore[no-untyped-def]
    world, app = world_app
    url = f"/substances/S{world.ids['substance']}"
    officer = signed_in(app, "enforcement_subscriber").get(url).get_data(as_text=True)
    clinician = signed_in(app, "clinical_network_reviewer").get(url).get_data(as_text=True)
    # 7 reports: 3 severe, 1 fatal, 3 moderate (tests/alerts/conftest.py)
    assert "&lt;5" in officer and ">3<" not in officer.split('id="harms"')[1].split("Signals")[0]
    assert 'id="harms"' in clinician and ">3<" in clinician.split('id="harms"')[1]
    assert FREE_TEXT_SENTINEL.split()[0] in clinician and FREE_TEXT_SENTINEL.split()[0] not in officer


def test_case_references_only_to_whom_may_and_audited(world_app, runtime):  # type: ignore[no-untyped-def]
    world, app = world_app
    with session_scope(runtime.factory) as s:
        from fews.models import Substance

        meph = s.scalar(select(Substance.id).where(Substance.smiles == MEPHEDRONE))
    url = f"/substances/S{meph}"
    chemist = signed_in(app, "forensic_chemist").get(url).get_data(as_text=True)
    assert "OP-LAB-A-1" in chemist  # own lab
    assert "OP-LAB-A-1" not in signed_in(app, "clinical_reporter").get(url).get_data(as_text=True)
    with session_scope(runtime.factory) as s:
        reads = list(s.scalars(select(AuditEvent).where(AuditEvent.action == "web.read.case_reference")))
    assert [(e.actor, e.via) for e in reads] == [("forensic_chemist", "web")]


def test_csv_export_neutralises_formulas(world_app, runtime):  # type: ignore[no-untyped-def]
    world, app = world_app
    with session_scope(runtime.factory) as s:
        s.add(Family(key="test:evil", name='=HYPERLINK("http://evil.example","x")', method="manual"))
    resp = signed_in(app, "public_health_analyst").get("/families?format=csv")
    assert resp.mimetype == "text/csv" and "attachment" in resp.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(resp.get_data(as_text=True))))
    evil = next(r for r in rows if "HYPERLINK" in r["name"])
    assert evil["name"].startswith("'=")


def test_structure_svg_and_csp(world_app):  # type: ignore[no-untyped-def]
    world, app = world_app
    client = signed_in(app, "acmd_advisor")
    svg = client.get(f"/substances/S{world.ids['substance']}/structure.svg")
    assert svg.mimetype == "image/svg+xml" and svg.data.lstrip().startswith(b"<?xml")
    page = client.get(f"/families/F{world.ids['family']}")
    csp = page.headers["Content-Security-Policy"]
    assert "script-src 'self' 'nonce-" in csp and "unsafe-inline" not in csp
    html = page.get_data(as_text=True)
    assert "<script>" not in html and " style=" not in html  # no inline scripts or styles (charts use attributes)
    assert 'role="img"' in html and "/static/govuk/govuk-frontend.min.css" in html
