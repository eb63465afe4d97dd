"""classify, identify, intake and substance pages end to end through the API, on realistic input
(builders, the shipped MassBank library), on SQLite and (with FEWS_TEST_DATABASE_URL) PostgreSQL."""

from __future__ import annotations

import datetime as dt
import io
import json

from sqlalchemy import select

from chem.legal import LegalEngine
from fews.access import Principal
from fews.db import session_scope
from fews.legal_events import record_event
from fews.models import AuditEvent, HarmReport, IntakeBatch, QuarantineItem
from tests.builders import CAFFEINE, COCAINE, EUTYLONE, MEPHEDRONE, SeizureBuilder
from tests.web import api_helpers
from tests.web.api_helpers import add_user, first_library_spectrum, ingest, seizure_json

api_app, api_client, world = api_helpers.api_app, api_helpers.api_client, api_helpers.world  # fixtures


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


# ------------------------------------------------------------------------------------------ classify
def test_classify_json_matches_the_engine(api_client, runtime):
    _, token = add_user(runtime, "ph", "public_health_analyst")
    body = {
        "as_of": "2021-06-01",
        "structures": [
            {"id": "meph", "smiles": MEPHEDRONE},
            {"id": "caf", "smiles": CAFFEINE},
            {"smiles": "not a smiles"},
        ],
    }
    resp = api_client.post("/api/v1/classify", json=body, headers=_bearer(token))
    assert resp.status_code == 200
    out = resp.get_json()
    engine = LegalEngine()
    assert out["as_of"] == "2021-06-01" and out["rule_set_version"] == engine.rules.version
    want = [
        engine.classify(s["smiles"], dt.date(2021, 6, 1), ident=s.get("id", str(n)))
        for n, s in enumerate(body["structures"], 1)
    ]
    assert out["items"] == json.loads(json.dumps(want))
    assert [i["status"] for i in out["items"]] == ["B", "exempt", "invalid"]
    assert out["items"][2]["id"] == "3" and out["items"][2]["inchikey"] is None


def test_classify_text_lines_like_the_cli(api_client, runtime):
    _, token = add_user(runtime, "ph", "public_health_analyst")
    text = f"# a comment\n{MEPHEDRONE} mephedrone (4-MMC)\n\n{EUTYLONE}\n"
    resp = api_client.post(
        "/api/v1/classify?as_of=2010-01-01", data=text, content_type="text/plain", headers=_bearer(token)
    )
    items = resp.get_json()["items"]
    assert [(i["id"], i["status"]) for i in items] == [
        ("mephedrone (4-MMC)", "not_controlled"),
        ("4", "not_controlled"),
    ]


def test_classify_reads_the_legal_overlay(api_client, runtime):
    _, token = add_user(runtime, "ph", "public_health_analyst")
    ask = {"as_of": "2026-06-01", "structures": [{"id": "caf", "smiles": CAFFEINE}]}
    assert (
        api_client.post("/api/v1/classify", json=ask, headers=_bearer(token)).get_json()["items"][0]["status"]
        == "exempt"
    )
    with session_scope(runtime.factory) as s:
        ev = record_event(
            s,
            Principal("ho", "home_office_policy"),
            kind="add_named",
            effective_date=dt.date(2026, 3, 1),
            instrument="The Misuse of Drugs Act 1971 (Amendment) Order 2026 (test)",
            citation="test citation",
            inchikey="RYYVLZVUVIJVGH-UHFFFAOYSA-N",
            drug_class="C",
        )
        event_id = ev.id
    item = api_client.post("/api/v1/classify", json=ask, headers=_bearer(token)).get_json()["items"][0]
    assert item["status"] == "C" and item["event_ids"] == [event_id]


def test_classify_rejects_bad_bodies(api_client, runtime):
    _, token = add_user(runtime, "ph", "public_health_analyst")
    h = _bearer(token)
    resp = api_client.post("/api/v1/classify", json={"structures": [{"id": "x"}]}, headers=h)
    assert resp.status_code == 422 and "smiles" in json.dumps(resp.get_json()["errors"])
    resp = api_client.post("/api/v1/classify", json={"as_of": "June", "structures": []}, headers=h)
    assert resp.status_code == 422 and "as_of" in resp.get_json()["errors"]
    resp = api_client.post("/api/v1/classify", data="{not json", content_type="application/json", headers=h)
    assert resp.status_code == 400
    assert api_client.post("/api/v1/classify", data=b"x", content_type="image/png", headers=h).status_code == 415


# ------------------------------------------------------------------------------------------ identify
def test_identify_a_library_spectrum(api_client, runtime):
    _, token = add_user(runtime, "chem", "forensic_chemist")
    query = first_library_spectrum()
    resp = api_client.post(
        "/api/v1/identify?top=3&as_of=2021-06-01",
        data={"file": (io.BytesIO(query.encode()), "unknown.msp")},
        headers=_bearer(token),
    )
    assert resp.status_code == 200
    (item,) = resp.get_json()["items"]
    assert item["query"] == "1-(2-Chlorophenyl)piperazine (oCPP)" and item["verdict"] == "match"
    best = item["hits"][0]
    assert best["inchikey"] == "PWZDJIUQHUGFRJ-UHFFFAOYSA-N" and best["score"] > 0.9
    assert best["status"] and best["licence"]
    assert len(item["hits"]) <= 3


def test_identify_malformed_and_wrong_files(api_client, runtime):
    _, token = add_user(runtime, "chem", "forensic_chemist")
    h = _bearer(token)
    broken = "NAME: broken\nNum Peaks: 3\n100.0\tabc\n"
    resp = api_client.post("/api/v1/identify", data={"file": (io.BytesIO(broken.encode()), "b.msp")}, headers=h)
    assert resp.status_code == 200
    (item,) = resp.get_json()["items"]
    assert item["verdict"] == "unknown" and item["hits"] == [] and item["error"]
    resp = api_client.post("/api/v1/identify", data={"file": (io.BytesIO(b"%PDF"), "scan.pdf")}, headers=h)
    assert resp.status_code == 422 and ".pdf" in resp.get_json()["detail"]
    assert api_client.post("/api/v1/identify", data={}, headers=h).status_code == 422


# ------------------------------------------------------------------------------------------ intake
def test_intake_file_matches_the_cli_summary_and_keeps_bad_rows(api_client, runtime, tmp_path):
    uid, token = add_user(runtime, "chem", "forensic_chemist", organisation="Lab A")
    b = (
        SeizureBuilder()
        .sample("A1")
        .component("cocaine", COCAINE)
        .component("caffeine", CAFFEINE, role="adulterant")
        .sample("A2", seizure_date="02/03/2021")  # not ISO: quarantined
        .component("mephedrone", MEPHEDRONE)
        .sample("A3", jurisdiction="Atlantis")  # unknown jurisdiction: quarantined
        .component("eutylone", EUTYLONE)
    )
    path = b.write(tmp_path / "lab.csv")
    resp = api_client.post(
        "/api/v1/intake/seizures", data={"file": (open(path, "rb"), "lab.csv")}, headers=_bearer(token)
    )
    assert resp.status_code == 200
    summary = resp.get_json()
    assert summary | {"batch_id": 0} == {
        "batch_id": 0,
        "rows": 4,
        "accepted": 2,
        "quarantined": 2,
        "duplicates": 0,
        "amended": 0,
        "warnings": 0,
        "reasons": {"bad_date": 1, "unknown_jurisdiction": 1},
    }
    with session_scope(runtime.factory) as s:
        batch = s.get(IntakeBatch, summary["batch_id"])
        assert batch.submitted_by == "chem" and batch.source_name == "lab.csv" and batch.provider == "Lab A"
        assert s.scalar(select(QuarantineItem.reason_codes).where(QuarantineItem.record_key.like("%A2%"))) == "bad_date"
        vias = set(s.scalars(select(AuditEvent.via).where(AuditEvent.object_type == "intake_batch")))
        assert vias == {"api"}
    again = api_client.post(
        "/api/v1/intake/seizures", data={"file": (open(path, "rb"), "lab.csv")}, headers=_bearer(token)
    )
    assert again.get_json()["duplicates"] == 4  # re-submitting: every row a duplicate (quarantined ones included)
    # the same file through the CLI's Ingestor (another provider, so no duplicates) gives the same counts
    cli = ingest(runtime, "seizures", path, user="cli:test")
    keys = ("rows", "accepted", "quarantined", "duplicates", "reasons")
    assert {k: cli[k] for k in keys} == {k: summary[k] for k in keys}


def test_intake_json_body_and_reporter(api_client, runtime):
    _, chem = add_user(runtime, "chem", "forensic_chemist")
    resp = api_client.post(
        "/api/v1/intake/seizures?provider=Lab%20Z",
        data=seizure_json("J1"),
        content_type="application/json",
        headers=_bearer(chem),
    )
    assert resp.status_code == 200 and resp.get_json()["accepted"] == 1
    uid, clin = add_user(runtime, "nurse", "clinical_reporter")
    reports = [
        {
            "report_id": "RJ-1",
            "event_date": "2021-03-04",
            "care_setting": "emergency_department",
            "severity": "severe",
            "region": "North West",
            "free_text": "collapsed at a festival",
            "substances": [{"suspected_substance_name": "mephedrone"}, {"suspected_substance_name": "cocaine"}],
        }
    ]
    resp = api_client.post(
        "/api/v1/intake/reports", data=json.dumps(reports), content_type="application/json", headers=_bearer(clin)
    )
    assert resp.status_code == 200 and resp.get_json()["rows"] == 2 and resp.get_json()["accepted"] == 2
    with session_scope(runtime.factory) as s:
        report = s.scalar(select(HarmReport).where(HarmReport.report_id == "RJ-1"))
        assert report.reporter_user_id == uid and report.submitted_by == "nurse"
    mine = api_client.get("/api/v1/harm-reports", headers=_bearer(clin)).get_json()["items"]
    assert [r["report_id"] for r in mine] == ["RJ-1"] and mine[0]["free_text"] == "collapsed at a festival"


def test_intake_refuses_unreadable_input_with_a_reason(api_client, runtime):
    _, chem = add_user(runtime, "chem", "forensic_chemist")
    h = _bearer(chem)
    resp = api_client.post(
        "/api/v1/intake/seizures", data=b'{"not": "a list"}', content_type="application/json", headers=h
    )
    assert resp.status_code == 422 and "list" in resp.get_json()["detail"]
    resp = api_client.post(
        "/api/v1/intake/seizures", data={"file": (io.BytesIO(b"colour,size\nred,3\n"), "x.csv")}, headers=h
    )
    assert resp.status_code == 422 and "missing column" in resp.get_json()["detail"]
    assert (
        api_client.post("/api/v1/intake/seizures", data=b"a,b", content_type="text/csv", headers=h).status_code == 415
    )
    # a chemist may not submit RIDR reports: refused before anything is read
    assert (
        api_client.post("/api/v1/intake/reports", data=b"[]", content_type="application/json", headers=h).status_code
        == 403
    )


# ------------------------------------------------------------------------------------------ substances
def test_substance_page_has_names_legal_timeline_family_and_first_detections(api_client, runtime, tmp_path):
    _, token = add_user(runtime, "chem", "forensic_chemist")
    b = (
        SeizureBuilder()
        .sample("T1", seizure_date="2021-03-02", seizure_context="border_postal")
        .component("4-MMC", MEPHEDRONE)
        .sample("T2", seizure_date="2021-05-10")
        .component("mephedrone", MEPHEDRONE)
    )
    ingest(runtime, "seizures", b.write(tmp_path / "t.csv"))
    h = _bearer(token)
    listing = api_client.get("/api/v1/substances", headers=h).get_json()["items"]
    (meph,) = [x for x in listing if x["smiles"] == MEPHEDRONE]
    by_key = api_client.get("/api/v1/substances/YELGFTGWJGBAQU-UHFFFAOYSA-N?as_of=2021-06-01", headers=h).get_json()
    by_id = api_client.get(f"/api/v1/substances/{meph['id']}?as_of=2021-06-01", headers=h).get_json()
    assert by_key == by_id
    assert by_id["legal"]["now"]["status"] == "B" and by_id["legal"]["as_of"] == "2021-06-01"
    assert [t["status"] for t in by_id["legal"]["timeline"]][:2] == ["not_controlled", "B"]
    assert by_id["legal"]["timeline"][1]["from"] == "2010-04-16"
    assert {"4-MMC", "mephedrone"} <= {n["name"] for n in by_id["names"]}
    assert by_id["first_uk_detection"] == "2021-03-02"
    assert by_id["first_detections"] == [
        {"context": "border_postal", "date": "2021-03-02", "samples": 1},
        {"context": "inland", "date": "2021-05-10", "samples": 1},
    ]
    for missing in ("S999999", "S99999999999999999999", "AAAAAAAAAAAAAA-BBBBBBBBBB-N", "no such name"):
        assert api_client.get(f"/api/v1/substances/{missing}", headers=h).status_code == 404, missing


def test_binary_uploads_are_refused_with_a_reason(api_client, runtime):
    _, chem = add_user(runtime, "chem", "forensic_chemist")
    xlsx_like = b"PK\x03\x04\x14\x00\x06\x00" + b"\x00" * 20
    resp = api_client.post(
        "/api/v1/intake/seizures", data={"file": (io.BytesIO(xlsx_like), "lab.xlsx")}, headers=_bearer(chem)
    )
    assert resp.status_code == 422 and "ZIP archive" in resp.get_json()["detail"]
    # a text file with a NUL byte in one field: that row is quarantined, the others stored
    csv_text = (
        b"sample_id,seizure_date,submitting_agency,seizure_context,jurisdiction,local_area,product_as_sold,"
        b"component_name,component_smiles,role\n"
        b"N1,2021-03-02,Metropolitan Police Service,inland,England,Westminster,coke,cocaine,,active\n"
        b"N2,2021-03-02,Metropolitan Police Service,inland,England,Westminster,co\x00ke,cocaine,,active\n"
    )
    resp = api_client.post(
        "/api/v1/intake/seizures", data={"file": (io.BytesIO(csv_text), "lab.csv")}, headers=_bearer(chem)
    )
    body = resp.get_json()
    assert resp.status_code == 200 and body["accepted"] == 1 and body["reasons"] == {"invalid_character": 1}
