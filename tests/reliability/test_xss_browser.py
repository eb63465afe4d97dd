"""XSS: ``<script>`` payloads submitted through intake in every user-supplied field (substance names
as reported, product labels, places, agencies, clinical free text, intelligence notes, even the file
name) are shown escaped on every page, checked in a real browser (Debian chromium via Playwright)
signed in as several roles. Pages are walked from ``app.url_map``, so new pages are covered."""

from __future__ import annotations

import os
import re
import shutil
import threading
from collections.abc import Iterator

import pytest
from sqlalchemy import select

from fews.accounts import create_user
from fews.db import session_scope
from fews.models import Substance
from intake.pipeline import Ingestor
from tests.alerts.conftest import PASSWORD, ROLES_USED, build_world
from tests.builders import ReportBuilder, SeizureBuilder
from tests.reliability.hostile import SCRIPT
from tests.reliability.test_web_security import _url

CHROMIUM = os.environ.get("FEWS_CHROMIUM", "/usr/bin/chromium")
playwright = pytest.importorskip("playwright.sync_api", reason="playwright is in the test extra")
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not (os.path.exists(CHROMIUM) or shutil.which("chromium")),
        reason="no chromium: `make test-deps` installs it (apt-get install chromium) when run as root on Debian",
    ),
]
NEW_SUBSTANCE = "CCCCCC(=O)C(NC)Cc1ccc2OCOc2c1"  # a made-up cathinone: a new substance with a payload name
UNESCAPED = re.compile(r"<script>window\.__xss|<img src=x onerror", re.I)


def _payload_world(runtime, tmp_path) -> int:  # type: ignore[no-untyped-def]
    build_world(runtime, tmp_path)
    config = runtime.config.with_(use_opsin=False)
    today = __import__("datetime").date(2026, 11, 23)
    s = SeizureBuilder()
    s.sample(
        "XSS-1",
        seizure_date="2026-10-01",
        product_as_sold=SCRIPT,
        local_area=SCRIPT,
        submitting_agency=SCRIPT,
        origin_country=SCRIPT,
        method=SCRIPT,
    ).component(SCRIPT, NEW_SUBSTANCE)
    Ingestor(runtime.factory, config, "seizures", today=today).ingest_file(
        s.write(tmp_path / (SCRIPT.split("</script>")[1] + ".csv"))
    )
    r = ReportBuilder()
    r.report("XSS-R1", free_text=SCRIPT, effects=SCRIPT, reporter_role=SCRIPT).substance(SCRIPT)
    Ingestor(runtime.factory, config, "reports", today=today).ingest_file(r.write(tmp_path / "r.csv"))
    with session_scope(runtime.factory) as db:
        create_user(db, "root", role="admin", password=PASSWORD)
        sid = db.scalar(select(Substance.id).order_by(Substance.id.desc()).limit(1))
    from fews.legal_status import reevaluate

    reevaluate(runtime.factory, as_of=today, actor="test")
    return int(sid or 0)


@pytest.fixture
def live_server(runtime, tmp_path) -> Iterator[tuple[str, int]]:  # type: ignore[no-untyped-def]
    from werkzeug.serving import make_server

    from web import create_app

    sid = _payload_world(runtime, tmp_path)
    app = create_app(runtime.config)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}", sid
    finally:
        server.shutdown()
        app.extensions["fews_engine"].dispose()


def test_script_payloads_are_escaped_on_every_page(live_server, runtime):
    from web import create_app

    base, sid = live_server
    app = create_app(runtime.config)
    urls = sorted({_url(r) for r in app.url_map.iter_rules() if "GET" in (r.methods or set())})
    urls += [f"/substances/S{sid}", "/search?q=%3Cscript%3E", f"/policy/evidence-pack/S{sid}"]
    app.extensions["fews_engine"].dispose()
    executed: list[str] = []
    escaped_on: set[str] = set()
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM if os.path.exists(CHROMIUM) else shutil.which("chromium"))
        try:
            for who in ("root", "clinical_network_reviewer", "intelligence_analyst", "home_office_policy"):
                assert who == "root" or who in ROLES_USED
                page = browser.new_page()
                page.on("dialog", lambda d, who=who: (executed.append(f"dialog as {who}"), d.dismiss()))
                page.goto(base + "/auth/login")
                page.fill("input[name=username]", who)
                page.fill("input[name=password]", PASSWORD)
                page.locator("form button[type=submit], form input[type=submit]").first.click()
                page.wait_for_load_state()
                assert "/auth/login" not in page.url, f"{who} could not sign in"
                for url in urls:
                    resp = page.goto(base + url)
                    if resp is None or "html" not in (resp.headers.get("content-type") or ""):
                        continue
                    if page.evaluate("() => window.__xss === 1"):
                        executed.append(f"{url} as {who}")
                    assert not UNESCAPED.search(resp.text()), f"{url} as {who}: payload sent unescaped"
                    if "window.__xss" in page.evaluate("() => document.body ? document.body.innerText : ''"):
                        escaped_on.add(url)  # shown to the user as text
                    assert page.locator("img[onerror]").count() == 0, f"{url} as {who}: injected element"
                    assert "window.__xss" not in " ".join(
                        page.locator("script").evaluate_all("els => els.map(e => e.textContent)")
                    ), f"{url} as {who}: injected script"
                page.close()
        finally:
            browser.close()
    assert executed == []
    assert f"/substances/S{sid}" in escaped_on or "/dashboard" in escaped_on, escaped_on  # the payload was shown
