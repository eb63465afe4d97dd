"""Report pages on the pages world: lead times (issue #7 item 4) checked by hand against the world's dates
and scoped to the alerts each role may see, and the PSA 2016 before/after review with national and local
breakdowns, Welsh clinical records excluded by default, for the evidence-pack roles only."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

import pytest

from alerts.metrics import INTERVALS
from intake.pipeline import Ingestor, london_today
from tests.alerts.conftest import TODAY
from tests.builders import ReportBuilder
from tests.web.conftest import signed_in
from tests.web.pages_world import build_pages_world
from web import create_app

FIRST_IDENTIFICATION = dt.date(2026, 8, 10)  # isotonitazene's first seizure in the world
FIRST_HARM_REPORT = dt.date(2026, 9, 12)  # the earliest reported_date of the seven RIDR reports


@pytest.fixture
def reports_app(runtime, tmp_path):  # type: ignore[no-untyped-def]
    world = build_pages_world(runtime, tmp_path)
    app = create_app(runtime.config)
    yield world, app
    app.extensions["fews_engine"].dispose()



def _lead_json(client):  # type: ignore[no-untyped-def]
    resp = client.get("/reports/lead-times?format=json")
    assert resp.status_code == 200 and resp.mimetype == "application/json"
    assert "attachment" in resp.headers["Content-Disposition"]
    return json.loads(resp.get_data(as_text=True))


def test_lead_times_match_the_hand_checked_dates(reports_app):  # type: ignore[no-untyped-def]
    world, app = reports_app
    client = signed_in(app, "clinical_network_reviewer")
    doc = _lead_json(client)
    clinical = next(a for a in doc["alerts"] if a["alert"] == f"A{world.ids['clinical_alert']}")
    agreed = london_today()  # the world agrees and issues the clinical alert when it is built
    assert clinical["stages"]["first_identification"] == FIRST_IDENTIFICATION.isoformat()
    assert clinical["stages"]["first_harm_report"] == FIRST_HARM_REPORT.isoformat()
    assert clinical["intervals"]["harm_report_to_agreed"] == (agreed - FIRST_HARM_REPORT).days
    assert clinical["intervals"]["identification_to_issued"] == (agreed - FIRST_IDENTIFICATION).days
    # the subject is the alert's family, else its substance: these signals name the substance
    subject = next(s for s in doc["summary"]["subjects"] if s["subject"] == f"S{world.ids['substance']}")
    assert set(subject["alerts"]) == {f"A{world.ids['clinical_alert']}", f"A{world.ids['enforcement_alert']}"}
    assert subject["harm_report_to_agreed"] == (agreed - FIRST_HARM_REPORT).days
    assert subject["identification_to_first_alert"] == (agreed - FIRST_IDENTIFICATION).days
    assert subject["first_alert_to_control"] is None  # isotonitazene was controlled before it was first seen

    html = client.get("/reports/lead-times").get_data(as_text=True)
    assert f'href="/substances/S{world.ids["substance"]}"' in html
    assert f">{(agreed - FIRST_HARM_REPORT).days}<" in html
    assert 'role="img"' in html and "<table" in html  # chart with its table


def test_lead_times_cover_only_the_alerts_a_role_may_see(reports_app):  # type: ignore[no-untyped-def]
    world, app = reports_app
    draft = f"A{world.ids['draft_alert']}"
    analyst = {a["alert"] for a in _lead_json(signed_in(app, "intelligence_analyst"))["alerts"]}
    officer = {a["alert"] for a in _lead_json(signed_in(app, "enforcement_subscriber"))["alerts"]}
    assert draft in analyst  # the analyst issues enforcement alerts, so reviews the draft
    assert draft not in officer  # a draft never reaches subscribers
    assert f"A{world.ids['enforcement_alert']}" in officer


def test_lead_times_csv_has_the_export_columns(reports_app):  # type: ignore[no-untyped-def]
    world, app = reports_app
    resp = signed_in(app, "clinical_network_reviewer").get("/reports/lead-times?format=csv")
    assert resp.mimetype == "text/csv"
    reader = csv.DictReader(io.StringIO(resp.get_data(as_text=True)))
    assert reader.fieldnames is not None
    assert [c for c in reader.fieldnames if c.endswith("_days")] == [f"{k}_days" for k in INTERVALS]
    rows = {r["alert"]: r for r in reader}
    assert rows[f"A{world.ids['clinical_alert']}"]["first_identification_date"] == FIRST_IDENTIFICATION.isoformat()


@pytest.mark.parametrize(
    "interval", ["harm_report_to_agreed", "identification_to_first_alert", "first_alert_to_control"]
)
def test_lead_time_chart_per_interval(reports_app, interval):  # type: ignore[no-untyped-def]
    _, app = reports_app
    resp = signed_in(app, "clinical_network_reviewer").get(f"/reports/lead-times?interval={interval}")
    assert resp.status_code == 200
    html = resp.get_data(as_text=True)
    assert f'<option value="{interval}" selected>' in html
    if interval != "first_alert_to_control":
        quarter = f"{london_today().year}-Q{(london_today().month - 1) // 3 + 1}"
        assert quarter in html  # the quarter the interval ended in, in the chart's table


def _welsh_report(world, tmp_path):  # type: ignore[no-untyped-def]
    path = (
        ReportBuilder()
        .report("RIDR-WALES-1", event_date="2026-09-15", severity="severe", region="Wales")
        .substance("isotonitazene")
        .write(tmp_path / "wales.csv")
    )
    summary = Ingestor(world.runtime.factory, world.runtime.config, "reports", today=TODAY).ingest_file(path)
    assert summary.accepted == 1, summary.as_dict()


def test_psa_review_windows_and_breakdowns(reports_app, tmp_path):  # type: ignore[no-untyped-def]
    world, app = reports_app
    _welsh_report(world, tmp_path)
    client = signed_in(app, "home_office_policy")
    # 13 weeks either side of 7 September 2026: isotonitazene seized 10 and 24 Aug (before) and 7 Sep, 21 Sep,
    # 5 Oct (after); N-ethylhexedrone twice in Cardiff in October and Lab A's mephedrone in November (after)
    query = "/reports/psa-review?date=2026-09-07&weeks=13"
    doc = json.loads(client.get(query + "&format=json").get_data(as_text=True))
    national = {r["key"]: r for r in doc["seizures"]["national"]}
    assert (national["all samples"]["before"], national["all samples"]["after"]) == (2, 6)
    nations = {r["key"]: (r["before"], r["after"]) for r in doc["seizures"]["by_nation"]}
    assert nations == {"england": (2, 4), "wales": (0, 2)}
    areas = {r["key"]: (r["before"], r["after"]) for r in doc["seizures"]["by_local_area"]}
    assert areas["Cardiff"] == (0, 2) and areas["Manchester"] == (1, 0)
    harms = {r["key"]: r for r in doc["harms"]["national"]}
    assert doc["harm_jurisdictions"] == ["england"]
    assert harms["all reports"]["after"] == 7  # the Welsh report is left out by default
    assert {r["key"] for r in doc["harms"]["by_nation"]} == {"england", "total"}

    everyone = json.loads(client.get(query + "&all_nations=1&format=json").get_data(as_text=True))
    assert {r["key"]: r for r in everyone["harms"]["national"]}["all reports"]["after"] == 8

    html = client.get(query).get_data(as_text=True)
    assert "Before and after 2026-09-07" in html and "Cardiff" in html and html.count('role="img"') == 3
    rows = list(csv.DictReader(io.StringIO(client.get(query + "&format=csv").get_data(as_text=True))))
    cardiff = next(r for r in rows if r["breakdown"] == "by_local_area" and r["key"] == "Cardiff")
    assert (cardiff["before"], cardiff["after"]) == ("0", "2")
    standalone = client.get(query + "&format=html")
    assert standalone.mimetype == "text/html" and "attachment" in standalone.headers["Content-Disposition"]


def test_psa_review_defaults_and_bad_options(reports_app):  # type: ignore[no-untyped-def]
    _, app = reports_app
    client = signed_in(app, "acmd_advisor")
    assert "Before and after 2016-05-26" in client.get("/reports/psa-review").get_data(as_text=True)
    html = client.get("/reports/psa-review?date=26/05/2016&weeks=7").get_data(as_text=True)
    assert "The date must be YYYY-MM-DD" in html and "The window must be one of" in html


@pytest.mark.parametrize(
    "role,status",
    [("home_office_policy", 200), ("public_health_analyst", 200), ("enforcement_subscriber", 403), ("admin", 403)],
)
def test_psa_review_is_for_evidence_pack_readers(reports_app, role, status):  # type: ignore[no-untyped-def]
    _, app = reports_app
    client = signed_in(app, role)
    assert client.get("/reports/psa-review").status_code == status
    index = client.get("/reports").get_data(as_text=True)
    assert ("/reports/psa-review" in index) == (status == 200)
    nav = client.get("/reports").get_data(as_text=True)
    assert ('href="/policy/"' in nav) == (status == 200)  # evidence packs in the navigation
