"""``fews alerts | subscriptions | deliver | export``: --as checks, exit codes, stdout shapes."""

from __future__ import annotations

import csv
import io
import json

from click.testing import CliRunner
from lxml import etree

from alerts.cap import validate_cap
from alerts.workflow import draft_from_signal
from fews.cli import cli
from fews.db import session_scope
from fews.models import Signal
from tests.alerts.conftest import CLINICAL_RESPONSE, SENTINELS


def _run(*args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def _draft_all(world) -> None:  # type: ignore[no-untyped-def]
    with session_scope(world.runtime.factory) as s:
        for sid in world.signals.values():
            draft_from_signal(s, s.get(Signal, sid))


def test_alerts_workflow_from_the_command_line(world):
    _draft_all(world)
    rows = [json.loads(line) for line in _run("alerts", "list").output.splitlines()]
    assert {r["id"] for r in rows} == {"A1", "A2", "A3"} and all(r["status"] == "draft" for r in rows)
    assert "harm_cluster" in _run("alerts", "list", "--format", "table", "--type", "harm_cluster").output

    no_as = _run("alerts", "agree", "A1", "--response", CLINICAL_RESPONSE)
    assert no_as.exit_code == 2 and "--as" in no_as.output
    wrong = _run("alerts", "issue", "A1", "--as", "intelligence_analyst")
    assert wrong.exit_code == 2 and "may not issue clinical alert" in wrong.output
    early = _run("alerts", "issue", "A1", "--as", "clinical_network_reviewer")
    assert early.exit_code == 2 and "must agree" in early.output

    agreed = _run("alerts", "agree", "A1", "--as", "clinical_network_reviewer", "--response", CLINICAL_RESPONSE)
    assert agreed.exit_code == 0 and json.loads(agreed.output)["status"] == "agreed"
    issued = _run("alerts", "issue", "A1", "--as", "clinical_network_reviewer")
    assert issued.exit_code == 0 and json.loads(issued.output)["status"] == "issued"
    assert _run("alerts", "issue", "A2", "--as", "forensic_chemist").exit_code == 0

    shown = json.loads(_run("alerts", "show", "A1").output)
    assert [e["action"] for e in shown["events"]] == ["drafted", "agreed", "issued"]
    product = json.loads(_run("alerts", "show", "A1", "--product", "enforcement").output)
    assert product["audience"] == "enforcement" and product["harms"]["severity"]["fatal"] == "<5"
    cap = _run("alerts", "show", "A1", "--product", "clinical", "--cap")
    assert cap.exit_code == 0
    validate_cap(etree.fromstring(cap.output.encode()))
    assert _run("alerts", "show", "A3", "--cap").exit_code == 2  # never issued: no CAP

    updated = _run(
        "alerts", "update", "A2", "--as", "intelligence_analyst", "--level", "warning", "--note", "more seizures"
    )
    assert json.loads(updated.output)["version"] == 2
    withdrawn = _run("alerts", "withdraw", "A2", "--as", "intelligence_analyst", "--reason", "misidentified")
    assert json.loads(withdrawn.output)["status"] == "withdrawn"
    assert _run("alerts", "show", "A99").exit_code == 2


def test_subscriptions_add_list_revoke(world):
    added = _run(
        "subscriptions",
        "add",
        "Wales cathinones",
        "--as",
        "enforcement_subscriber",
        "--jurisdiction",
        "Wales",
        "--type",
        "new_substance",
    )
    assert added.exit_code == 0, added.output
    record = json.loads(added.output.splitlines()[0])
    token = record["feed_token"]
    assert record["filters"] == {"alert_type": ["new_substance"], "jurisdiction": ["wales"]}
    assert record["feeds"]["atom"].endswith(f"/feeds/{token}.atom") and record["audience"] == "enforcement"
    listed = _run("subscriptions", "list").output
    assert token not in listed and record["token_prefix"] in listed
    bad = _run("subscriptions", "add", "x", "--as", "enforcement_subscriber", "--context", "moon")
    assert bad.exit_code == 2 and "unknown value 'moon'" in bad.output
    forbidden = _run("subscriptions", "add", "x", "--as", "enforcement_subscriber", "--audience", "clinical")
    assert forbidden.exit_code == 2
    hook = _run(
        "subscriptions",
        "add",
        "hook",
        "--as",
        "intelligence_analyst",
        "--channel",
        "webhook",
        "--target",
        "https://soc.example/hook",
    )
    assert len(json.loads(hook.output.splitlines()[0])["webhook_secret"]) >= 32
    other = _run("subscriptions", "revoke", str(record["id"]), "--as", "intelligence_analyst")
    assert other.exit_code == 2 and "not yours" in other.output
    revoked = _run("subscriptions", "revoke", str(record["id"]), "--as", "enforcement_subscriber")
    assert revoked.exit_code == 0 and json.loads(revoked.output)["status"] == "revoked"


def test_deliver_and_exports(world):
    _draft_all(world)
    _run("alerts", "issue", "A2", "--as", "forensic_chemist")
    delivered = json.loads(_run("deliver").output)
    assert delivered["sent"] == 0 and "outbox" in delivered

    intl = _run("export", "international", "--format", "json")
    doc = json.loads(intl.output)
    assert intl.exit_code == 0 and doc["substances"] and doc["rule_set_version"]
    rows = list(csv.DictReader(io.StringIO(_run("export", "international", "--format", "csv").output)))
    assert rows and {"quarter", "seizures", "harm_reports", "security_marking"} <= set(rows[0])
    denied = _run("export", "international", "--as", "enforcement_subscriber")
    assert denied.exit_code == 2

    panel = json.loads(_run("export", "prison-panel", "--format", "json", "--until", "2026-11-23").output)
    assert [a["name"] for a in panel["additions"]] == ["isotonitazene"]

    alerts_csv = _run("export", "alerts", "--format", "csv", "--as", "enforcement_subscriber").output
    assert alerts_csv.startswith("id,version,type") and "A2" in alerts_csv
    lead = json.loads(_run("export", "lead-times", "--format", "json").output)
    assert {r["alert"] for r in lead["alerts"]} == {"A1", "A2", "A3"}
    for text in (intl.output, alerts_csv, json.dumps(panel)):
        for sentinel in SENTINELS:
            assert sentinel not in text
