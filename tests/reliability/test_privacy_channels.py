"""Privacy of every output channel after a full run (demo data + sentinel records, detection, alerts
issued to every audience, delivery): logs, feeds, exports, CLI JSON of non-clinical commands, alert
products and webhook bodies never carry clinical free text or case references, and products never
carry report or sample identifiers (DESIGN.md §4, §8, §11)."""

from __future__ import annotations

import datetime as dt
import json
import logging

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from alerts.document import alert_document
from alerts.products import render_product
from alerts.subscriptions import create_subscription
from alerts.tables import AUDIENCES
from alerts.workflow import agree_alert, issue_alert
from fews.accounts import get_user
from fews.cli import cli
from fews.db import session_scope
from fews.models import Alert, HarmReport, Sample, Subscription
from intake.pipeline import Ingestor
from tests.alerts.conftest import (
    CASE_SENTINEL,
    CLINICAL_RESPONSE,
    FREE_TEXT_SENTINEL,
    REPORT_SENTINEL,
    SAMPLE_SENTINEL,
    _reports,
    _seizures,
)

pytestmark = pytest.mark.slow
TODAY = dt.date(2026, 11, 23)
ISSUE_AT_MOST = 12


def _forbidden(runtime) -> tuple[set[str], set[str]]:  # type: ignore[no-untyped-def]
    """(clinical free text and case references as stored, record identifiers): long enough to be unambiguous."""
    with runtime.factory() as s:
        texts = {t for t in s.scalars(select(HarmReport.free_text)) if t and len(t) >= 20}
        refs = {r for r in s.scalars(select(Sample.case_reference)) if r and len(r) >= 8}
    assert texts and refs
    return texts | refs | {FREE_TEXT_SENTINEL, CASE_SENTINEL}, {SAMPLE_SENTINEL, REPORT_SENTINEL}


def _leaks(text: str, forbidden: set[str]) -> list[str]:
    return sorted(f for f in forbidden if f in text)


def _issue_drafts(runtime) -> list[int]:  # type: ignore[no-untyped-def]
    issued = []
    with session_scope(runtime.factory) as s:
        drafts = s.scalars(select(Alert).where(Alert.status == "draft").order_by(Alert.id)).all()
        by_audience: dict[str, int] = {}
        for alert in drafts:
            if by_audience.get(alert.audience, 0) >= ISSUE_AT_MOST // 2:
                continue
            by_audience[alert.audience] = by_audience.get(alert.audience, 0) + 1
            if alert.audience == "clinical":
                agree_alert(
                    s, alert, actor="reviewer", role="clinical_network_reviewer", clinical_response=CLINICAL_RESPONSE
                )
                issue_alert(s, alert, actor="reviewer", role="clinical_network_reviewer")
            else:
                issue_alert(s, alert, actor="analyst", role="intelligence_analyst")
            issued.append(alert.id)
    return issued


def test_no_channel_leaks_case_data(runtime, tmp_path, monkeypatch, caplog):
    caplog.set_level(logging.DEBUG)  # everything any logger emits, at every level
    monkeypatch.setenv("FEWS_USE_OPSIN", "0")
    runner = CliRunner()
    db = ["--db", runtime.config.database_url]
    outputs: dict[str, str] = {}

    def fews(*args: str, name: str | None = None) -> str:
        result = runner.invoke(cli, [*args[:2], *db, *args[2:]] if len(args) >= 2 else [*args, *db])
        assert result.exit_code in (0, 1), (args, result.output[-2000:], result.exception)
        outputs[name or " ".join(args)] = result.output + (result.stderr if result.stderr_bytes else "")
        return result.stdout

    demo = runner.invoke(cli, ["demo", *db, "--scale", "0.05", "--end", "2026-11-22", "--no-progress"])
    assert demo.exit_code == 0, demo.output
    config = runtime.config.with_(use_opsin=False)
    for kind, path in (("seizures", _seizures(tmp_path)), ("reports", _reports(tmp_path))):
        Ingestor(runtime.factory, config, kind, today=TODAY).ingest_file(path)
    detect = runner.invoke(cli, ["detect", *db, "--as-of", "2026-11-22"])
    assert detect.exit_code == 0, detect.output[-2000:]
    issued = _issue_drafts(runtime)
    assert issued
    with session_scope(runtime.factory) as s:
        feeds = {}
        for username in ("enforcement_subscriber", "clinical_network_reviewer", "public_health_analyst"):
            new = create_subscription(s, get_user(s, username), name=username, channel="feed", filters={}, actor="t")
            feeds[username] = new.feed_token
    fews("deliver")
    forbidden, identifiers = _forbidden(runtime)

    # 1. logs of the whole run
    log_text = caplog.text + demo.output + detect.output
    assert caplog.records  # the run did log (intake warnings, delivery, detection)
    assert _leaks(log_text, forbidden) == []

    # 2. CLI JSON of non-clinical commands and every export
    for args in (
        ("substances", "list"),
        ("families", "list"),
        ("signals", "list"),
        ("alerts", "list"),
        ("stats",),
        ("export", "international", "--format", "json"),
        ("export", "international", "--format", "csv"),
        ("export", "prison-panel", "--format", "json"),
        ("export", "prison-panel", "--format", "csv"),
        ("export", "alerts", "--format", "csv", "--audience", "enforcement"),
        ("export", "alerts", "--format", "csv", "--audience", "policy"),
        ("export", "lead-times", "--format", "json"),
    ):
        fews(*args)
    for alert_id in issued:
        for audience in ("enforcement", "policy", "international", "prisons", "public_health", "clinical"):
            fews("alerts", "show", f"A{alert_id}", "--product", audience, name=f"alerts show A{alert_id} {audience}")
    assert all(text.strip() for name, text in outputs.items() if name.startswith("export"))
    for name, text in outputs.items():
        assert _leaks(text, forbidden) == [], name
        if name.startswith(("export", "alerts show")):
            assert _leaks(text, identifiers) == [], name

    # 3. alert products for every audience
    with runtime.factory() as s:
        for alert_id in issued:
            alert = s.get(Alert, alert_id)
            doc = alert_document(s, alert, alert.issued_version)
            for audience in AUDIENCES:
                product = json.dumps(render_product(doc, audience), default=str)
                assert _leaks(product, forbidden | identifiers) == [], (alert_id, audience)

    # 4. feeds of every kind, as each subscriber fetches them
    from web import create_app

    app = create_app(runtime.config)
    client = app.test_client()
    for username, token in feeds.items():
        for suffix in ("atom", "json", "cap.xml"):
            resp = client.get(f"/feeds/{token}.{suffix}")
            assert resp.status_code == 200
            assert _leaks(resp.get_data(as_text=True), forbidden | identifiers) == [], (username, suffix)
    app.extensions["fews_engine"].dispose()
    with runtime.factory() as s:
        assert s.scalars(select(Subscription)).all()
