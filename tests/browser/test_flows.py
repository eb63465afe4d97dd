"""The issue's browser flows: a forensic chemist submits a two-component seizure (with the live legal
preview), a clinical network reviewer agrees and issues a clinical alert, and an enforcement subscriber
sees that alert without the clinical fields."""

from __future__ import annotations

from tests.alerts.conftest import FREE_TEXT_SENTINEL
from tests.browser.conftest import ARTIFACTS, sign_in
from tests.builders import MEPHEDRONE
from tests.web.pages_world import CLINICAL_RESPONSE


def test_chemist_submits_a_two_component_seizure(live, new_page):  # type: ignore[no-untyped-def]
    base, _ = live
    page = new_page()
    sign_in(page, base, "forensic_chemist")
    page.goto(f"{base}/submit/seizure")
    page.fill("#sample_id", "BROWSER-1")
    page.fill("#seizure_date", "2026-11-12")
    page.select_option("#submitting_agency", "metropolitan")
    page.select_option("#seizure_context", "inland")
    page.select_option("#jurisdiction", "england")
    page.fill("#product_as_sold", "MDMA")
    page.fill("#components-0-component_name", "mephedrone")
    page.fill("#components-0-component_smiles", MEPHEDRONE)
    preview = page.locator("#components-0-component_smiles-legal")
    preview.get_by_text("Class B").wait_for(timeout=15000)  # POST /api/v1/classify with the session + CSRF header
    page.fill("#components-1-component_name", "caffeine")
    page.select_option("#components-1-role", "adulterant")
    page.click("text=Add another component")
    assert page.locator("#components-2-component_name").is_visible()
    page.click("text=Submit seizure")
    page.wait_for_url(f"{base}/submit/batches/*")
    body = page.inner_text("main")
    assert "BROWSER-1" in body and "mephedrone" in body and "caffeine" in body
    assert "Accepted\n2" in body and "Quarantined\n0" in body  # two component rows, one sample
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "seizure-result.png"), full_page=True)


def test_reviewer_agrees_then_enforcement_sees_no_clinical_fields(live, new_page):  # type: ignore[no-untyped-def]
    base, ids = live
    alert = ids["clinical_alert"]
    reviewer = new_page()
    sign_in(reviewer, base, "clinical_network_reviewer")
    assert f"A{alert}" in reviewer.inner_text("main")  # on the dashboard: waiting for agreement
    reviewer.goto(f"{base}/alerts/{alert}")
    reviewer.fill("#clinical_response", CLINICAL_RESPONSE)
    reviewer.click("text=Agree this alert")
    reviewer.get_by_text("agreed. It can now be issued").wait_for()
    reviewer.click("text=Issue to subscribers")
    reviewer.get_by_text("issued: subscribers").wait_for()

    officer = new_page()
    sign_in(officer, base, "enforcement_subscriber")
    officer.goto(f"{base}/alerts/{alert}")
    text = officer.inner_text("main")
    assert "enforcement product" in text and "isotonitazene" in text.lower()
    assert "clinical response" not in text.lower() and "naloxone" not in text.lower()
    assert FREE_TEXT_SENTINEL.split()[0] not in officer.content()
    ARTIFACTS.mkdir(exist_ok=True)
    officer.screenshot(path=str(ARTIFACTS / "alert-enforcement.png"), full_page=True)
