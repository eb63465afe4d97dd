"""The seizure form's MOL block in a real browser: the pasted block gets its live legal-status preview
(through the form's own endpoint) and submits as the component's structure."""

from __future__ import annotations

from rdkit import Chem

from tests.browser.conftest import ARTIFACTS, sign_in
from tests.builders import MEPHEDRONE


def test_pasted_molblock_gets_a_live_legal_status(live, new_page):  # type: ignore[no-untyped-def]
    base, _ = live
    page = new_page()  # the app's own CSP applies: a violation fails the test
    sign_in(page, base, "forensic_chemist")
    page.goto(f"{base}/submit/seizure")
    page.fill("#sample_id", "BROWSER-MOL-1")
    page.fill("#seizure_date", "2026-11-10")
    page.select_option("#submitting_agency", "metropolitan")
    page.select_option("#seizure_context", "inland")
    page.select_option("#jurisdiction", "england")
    page.fill("#components-0-component_name", "4-MMC")
    page.click("fieldset:first-of-type summary")  # "Paste a MOL block instead"
    page.fill("#components-0-component_molblock", Chem.MolToMolBlock(Chem.MolFromSmiles(MEPHEDRONE)))
    preview = page.locator("#components-0-component_molblock-legal")
    preview.filter(has_text="Class B").wait_for(timeout=10_000)
    text = preview.inner_text()
    assert MEPHEDRONE in text and "2026-11-10" in text
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "submit-seizure-molblock.png"), full_page=True)
    page.click("button[type=submit].govuk-button")
    page.wait_for_url(f"{base}/submit/batches/*")
    assert "row(s) accepted" in page.inner_text("main")


def test_unreadable_molblock_preview_says_why(live, new_page):  # type: ignore[no-untyped-def]
    base, _ = live
    page = new_page()
    sign_in(page, base, "forensic_chemist")
    page.goto(f"{base}/submit/seizure")
    page.click("fieldset:first-of-type summary")
    page.fill("#components-0-component_molblock", "this is not\na MOL block\n\nM  END\n")
    page.locator("#components-0-component_molblock-legal").filter(has_text="cannot be read").wait_for(timeout=10_000)
