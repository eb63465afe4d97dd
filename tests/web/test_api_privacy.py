"""Record-level rules: jurisdiction scoping, case references, clinical free text, audited case reads."""

from __future__ import annotations

from sqlalchemy import select

from fews import audit
from fews.access import ROLES, Principal, allowed, can_read_harm_report
from fews.db import session_scope
from fews.models import AuditEvent
from tests.web import api_helpers
from tests.web.api_helpers import CASE_ENGLAND, CASE_WALES, CLINICAL_RESPONSE, FREE_TEXT
from tests.web.test_api_access import RECIPES

api_app, api_client, world = api_helpers.api_app, api_helpers.api_client, api_helpers.world  # fixtures


def _audit(runtime, action: str) -> list[AuditEvent]:
    with session_scope(runtime.factory) as s:
        return list(s.scalars(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.seq)))


def test_enforcement_subscriber_sees_only_seizures_of_their_jurisdictions(api_client, world):
    headers = world.headers("enforcement_subscriber")  # scoped to wales
    items = api_client.get("/api/v1/seizures", headers=headers).get_json()["items"]
    assert [i["id"] for i in items] == [world.sample_wales]
    assert items[0]["jurisdiction"] == "wales" and items[0]["case_reference"] == CASE_WALES
    assert api_client.get(f"/api/v1/seizures/{world.sample_england}", headers=headers).status_code == 404
    assert api_client.get("/api/v1/seizures?jurisdiction=england", headers=headers).get_json()["items"] == []
    everyone = api_client.get("/api/v1/seizures", headers=world.headers("intelligence_analyst")).get_json()["items"]
    assert {i["id"] for i in everyone} == {world.sample_england, world.sample_wales}


def test_case_references_only_for_own_lab_and_enforcement(api_client, world):
    def refs(role: str) -> dict[int, str | None]:
        items = api_client.get("/api/v1/seizures", headers=world.headers(role)).get_json()["items"]
        return {i["id"]: i.get("case_reference") for i in items}

    assert refs("intelligence_analyst") == {world.sample_england: CASE_ENGLAND, world.sample_wales: CASE_WALES}
    assert refs("forensic_chemist") == {world.sample_england: CASE_ENGLAND, world.sample_wales: None}  # Lab A only
    for role in ("clinical_reporter", "clinical_network_reviewer", "public_health_analyst", "acmd_advisor", "admin"):
        assert set(refs(role).values()) == {None}, role


def test_clinicians_see_substances_coarse_place_and_week_only(api_client, world):
    items = api_client.get("/api/v1/seizures", headers=world.headers("clinical_reporter")).get_json()["items"]
    eng = next(i for i in items if i["id"] == world.sample_england)
    assert eng["seizure_week"] == "2021-W09" and eng["jurisdiction"] == "england"
    assert eng["components"][0]["substance"] == world.substance
    for hidden in ("sample_id", "provider", "submitting_agency", "seizure_date", "case_reference"):
        assert hidden not in eng
    full = api_client.get(f"/api/v1/seizures/{world.sample_england}", headers=world.headers("forensic_chemist"))
    assert full.get_json()["sample_id"] == "ENG-1" and full.get_json()["seizure_date"] == "2021-03-02"


def test_case_reference_reads_are_audited(api_client, runtime, world):
    before = len(_audit(runtime, "api.read.case_reference"))
    api_client.get("/api/v1/seizures", headers=world.headers("intelligence_analyst"))
    api_client.get(f"/api/v1/seizures/{world.sample_wales}", headers=world.headers("enforcement_subscriber"))
    api_client.get("/api/v1/seizures", headers=world.headers("clinical_reporter"))  # no case references: no entry
    entries = _audit(runtime, "api.read.case_reference")[before:]
    assert [(e.actor, e.via, e.object_type) for e in entries] == [
        ("intelligence_analyst", "api", "sample"),
        ("enforcement_subscriber", "api", "sample"),
    ]
    assert entries[1].object_id == str(world.sample_wales)
    assert entries[0].content_sha256 != audit.content_hash(None)
    with session_scope(runtime.factory) as s:
        assert audit.verify(s).ok


def test_harm_report_reads_are_audited_and_scoped(api_client, runtime, world):
    own = api_client.get("/api/v1/harm-reports", headers=world.headers("clinical_reporter")).get_json()["items"]
    assert [r["id"] for r in own] == [world.report_own] and own[0]["free_text"] == FREE_TEXT
    assert own[0]["reporter"] == "clinical_reporter"
    assert (
        api_client.get(
            f"/api/v1/harm-reports/{world.report_other}", headers=world.headers("clinical_reporter")
        ).status_code
        == 404
    )
    every = api_client.get("/api/v1/harm-reports", headers=world.headers("clinical_network_reviewer")).get_json()
    assert {r["id"] for r in every["items"]} == {world.report_own, world.report_other}
    entries = _audit(runtime, "api.read.harm_report")
    assert [(e.actor, e.object_id) for e in entries] == [
        ("clinical_reporter", str(world.report_own)),
        ("clinical_network_reviewer", f"{world.report_own}..{world.report_other} (2 rows)"),
    ]


def test_no_clinical_free_text_or_case_reference_reaches_roles_that_may_not_see_them(api_app, api_client, world):
    """Walk every GET route as every role and look for the seeded free text and case references."""
    for role in ROLES:
        clinical = can_read_harm_report(Principal(role, role), reporter_username=role)
        for recipe in RECIPES.values():
            method, path, _ = recipe(world, role)
            if method != "GET":
                continue
            body = api_client.get(path, headers=world.headers(role)).get_data(as_text=True)
            if not clinical:
                assert FREE_TEXT not in body and "clinical note 7731" not in body, (role, path)
            if not allowed(role, "read_case_references"):
                assert CASE_ENGLAND not in body and CASE_WALES not in body, (role, path)
        if not clinical:
            assert api_client.get("/api/v1/harm-reports", headers=world.headers(role)).status_code == 403


def test_alerts_follow_audiences(api_client, world):
    def seen(role: str) -> set[tuple[str, str, str, str]]:
        items = api_client.get("/api/v1/alerts", headers=world.headers(role)).get_json()["items"]
        return {(a["type"], a["status"], a["view"], a["audience"]) for a in items}

    assert seen("clinical_reporter") == {("harm_cluster", "issued", "product", "clinical")}
    assert seen("clinical_network_reviewer") == {
        ("harm_cluster", "draft", "review", "clinical"),  # may agree and issue it
        ("harm_cluster", "issued", "product", "clinical"),
        ("new_substance", "issued", "product", "public_health"),
    }
    assert seen("enforcement_subscriber") == {
        ("harm_cluster", "issued", "product", "enforcement"),
        ("new_substance", "issued", "product", "enforcement"),
    }
    assert ("new_substance", "draft", "review", "enforcement") in seen("intelligence_analyst")
    assert {v[2] for v in seen("admin")} == {"product"}  # no drafts for admin
    clinical = api_client.get("/api/v1/alerts", headers=world.headers("clinical_reporter")).get_json()["items"]
    assert clinical[0]["product"]["clinical_response"] == CLINICAL_RESPONSE
    enforcement = api_client.get("/api/v1/alerts", headers=world.headers("enforcement_subscriber"))
    assert CLINICAL_RESPONSE not in enforcement.get_data(as_text=True)
    draft = next(i for i, f in world.alerts.items() if f["status"] == "draft" and f["audience"] == "clinical")
    assert api_client.get(f"/api/v1/alerts/{draft}", headers=world.headers("enforcement_subscriber")).status_code == 404
    assert api_client.get(f"/api/v1/alerts/{draft}", headers=world.headers("clinical_reporter")).status_code == 404


def test_small_harm_counts_in_signal_reasons_only_for_clinical_roles(api_client, runtime, world):
    import datetime as dt

    from fews.models import Signal

    with session_scope(runtime.factory) as s:
        sig = Signal(
            type="harm_cluster",
            key="hc:test",
            as_of=dt.date(2021, 3, 7),
            score=3.0,
            reason="3 severe harm reports in 2 weeks",
        )
        s.add(sig)
        s.flush()
        sig_id = sig.id
    reason = {
        role: api_client.get(f"/api/v1/signals/{sig_id}", headers=world.headers(role)).get_json()["reason"]
        for role in ("clinical_network_reviewer", "enforcement_subscriber", "home_office_policy")
    }
    assert reason == {
        "clinical_network_reviewer": "3 severe harm reports in 2 weeks",
        "enforcement_subscriber": "<5 severe harm reports in 2 weeks",
        "home_office_policy": "<5 severe harm reports in 2 weeks",
    }
