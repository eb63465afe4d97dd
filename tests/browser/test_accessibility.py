"""WCAG 2.2 AA checks (DESIGN.md §11): axe-core (vendored, tests/browser/vendor) on every main page,
failing on serious or critical violations; screenshots of each page as artefacts; and a RIDR report
completed with the keyboard alone, on a phone-sized screen."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.browser.conftest import ARTIFACTS, AXE, sign_in

AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]

# (screenshot name, role, path template)
MAIN_PAGES = [
    ("login", None, "/auth/login"),
    ("dashboard-chemist", "forensic_chemist", "/dashboard"),
    ("dashboard-reviewer", "clinical_network_reviewer", "/dashboard"),
    ("substances", "public_health_analyst", "/substances"),
    ("substance", "public_health_analyst", "/substances/S{substance}"),
    ("substance-enforcement", "enforcement_subscriber", "/substances/S{substance}"),
    ("families", "intelligence_analyst", "/families"),
    ("family", "intelligence_analyst", "/families/F{family}"),
    ("signals", "intelligence_analyst", "/signals"),
    ("signal", "intelligence_analyst", "/signals/{signal}"),
    ("alerts", "clinical_network_reviewer", "/alerts"),
    ("alert-review", "clinical_network_reviewer", "/alerts/{clinical_alert}"),
    ("alert-diff", "intelligence_analyst", "/alerts/{enforcement_alert}/diff"),
    ("alert-preview", "clinical_network_reviewer", "/alerts/{clinical_alert}/preview/enforcement"),
    ("submit", "forensic_chemist", "/submit/"),
    ("submit-seizure", "forensic_chemist", "/submit/seizure"),
    ("submit-upload", "forensic_chemist", "/submit/upload"),
    ("submit-psychoactivity", "forensic_chemist", "/submit/psychoactivity"),
    ("batch", "forensic_chemist", "/submit/batches/{batch}"),
    ("submit-report", "clinical_reporter", "/submit/report"),
    ("subscriptions", "enforcement_subscriber", "/subscriptions"),
    ("subscription-new", "enforcement_subscriber", "/subscriptions/new"),
    ("admin-users", "admin", "/admin/users"),
    ("admin-user", "admin", "/admin/users/{user}"),
    ("admin-quarantine", "admin", "/admin/quarantine"),
    ("admin-audit", "auditor", "/admin/audit"),
    ("search-name", "enforcement_subscriber", "/search?q=isotonitazene&by=name"),
    ("search-substructure", "forensic_chemist", "/search?q=C(%3DO)c1ccccc1&by=substructure"),
    ("search-similarity", "forensic_chemist", "/search?q=CNC(C)C(%3DO)c1ccc(C)cc1&by=similarity&threshold=0.2"),
    ("search-error", "forensic_chemist", "/search?q=C1CC(&by=substructure"),
    ("reports", "home_office_policy", "/reports"),
    ("reports-lead-times", "clinical_network_reviewer", "/reports/lead-times"),
    ("reports-psa-review", "home_office_policy", "/reports/psa-review?date=2026-09-07&weeks=13"),
    ("evidence-packs", "home_office_policy", "/policy/"),
    ("rules", "intelligence_analyst", "/rules"),
    ("rule", "intelligence_analyst", "/rules/MDA-S2-P2-1(aa)"),
    ("rules-events", "home_office_policy", "/rules/events"),
]
# pages answering 400 on purpose (a form with its errors shown)
EXPECTED_STATUS = {"search-error": 400}


def _axe(page: Any) -> list[dict[str, Any]]:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})", AXE_TAGS
    )
    return [v for v in result["violations"] if v["impact"] in ("serious", "critical")]


@pytest.mark.parametrize("name,role,path", MAIN_PAGES, ids=[p[0] for p in MAIN_PAGES])
def test_page_has_no_serious_axe_violations(live, new_page, name, role, path):  # type: ignore[no-untyped-def]
    base, ids = live
    page = new_page(bypass_csp=True)  # axe is injected as a script; the app's own CSP is checked in test_flows
    if role:
        sign_in(page, base, role)
    resp = page.goto(base + path.format(**ids))
    want = EXPECTED_STATUS.get(name, 200)
    assert resp is not None and resp.status == want, f"{path}: {resp.status if resp else 'no response'}"
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
    bad = _axe(page)
    detail = [(v["id"], v["impact"], v["help"], [n["target"] for n in v["nodes"][:3]]) for v in bad]
    assert not bad, json.dumps(detail, indent=1)


def _tab_to(page: Any, selector: str, *, limit: int = 120) -> None:
    """Press Tab until ``selector`` has the focus (fails if it never gets it)."""
    for _ in range(limit):
        if page.evaluate("s => document.activeElement && document.activeElement.matches(s)", selector):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"{selector} never received the keyboard focus")


def test_ridr_report_with_the_keyboard_only_on_a_phone(live, new_page):  # type: ignore[no-untyped-def]
    from tests.web.conftest import PASSWORD

    base, _ = live
    page = new_page(mobile=True)
    page.goto(f"{base}/auth/login")
    _tab_to(page, "#username")
    page.keyboard.type("clinical_reporter")
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{base}/dashboard")
    page.goto(f"{base}/submit/report")
    _tab_to(page, "#substance_1")
    page.keyboard.type("mamba")
    _tab_to(page, "input[name=severity]")
    page.keyboard.press("ArrowDown")  # mild -> moderate
    page.keyboard.press("ArrowDown")  # -> severe
    _tab_to(page, "input[name=effects][value=agitation]")
    page.keyboard.press("Space")
    _tab_to(page, "input[name=effects][value=seizure]")
    page.keyboard.press("Space")
    _tab_to(page, "#region")
    page.keyboard.press("ArrowDown")  # the first region
    _tab_to(page, "button[type=submit].govuk-button")
    page.keyboard.press("Enter")
    page.wait_for_url(f"{base}/submit/batches/*")
    body = page.inner_text("main")
    assert "row(s) accepted" in body, body[:500]
    assert "severe" in body
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "ridr-phone-result.png"), full_page=True)


def test_seizure_form_components_with_the_keyboard(live, new_page):  # type: ignore[no-untyped-def]
    base, _ = live
    page = new_page()
    sign_in(page, base, "forensic_chemist")
    page.goto(f"{base}/submit/seizure")
    _tab_to(page, "[data-fews-add-component]")
    page.keyboard.press("Enter")
    focused = page.evaluate("document.activeElement.id")
    assert focused == "components-2-component_name"  # the new component takes the focus
