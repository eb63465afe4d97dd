"""Audience products: forbidden fields never leak into any product, feed, message or export, and harm
counts outside clinical roles are suppressed."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from alerts import email, exports, webhooks
from alerts.document import alert_document
from alerts.feeds import render_feed
from alerts.products import ProductLeak, find_forbidden, project, render_product
from alerts.subscriptions import create_subscription
from alerts.tables import AUDIENCES, TableError, product_tables
from fews.accounts import get_user
from fews.db import session_scope
from fews.models import Alert, Delivery
from tests.alerts.conftest import SENTINELS, issue_all

# (username, audience) of one subscriber per product
SUBSCRIBERS = [
    ("clinical_network_reviewer", "clinical"),
    ("enforcement_subscriber", "enforcement"),
    ("intelligence_analyst", "prisons"),
    ("public_health_analyst", "public_health"),
    ("home_office_policy", "policy"),
    ("international_liaison", "international"),
]


def _no_leak(text: str, where: str) -> None:
    for sentinel in SENTINELS:
        assert sentinel not in text, f"{sentinel} leaked into {where}"


def test_every_product_table_is_consistent():
    tables = product_tables()
    assert set(tables.products) == set(AUDIENCES)
    assert {"case_reference", "free_text", "report_id", "sample_id"} <= tables.forbidden_keys


def test_a_product_naming_a_forbidden_field_is_refused(monkeypatch, tmp_path):
    import alerts.tables as t

    bad = (t.DATA / "products.yaml").read_text().replace("      - summary\n", "      - seizures.case_reference\n", 1)
    (tmp_path / "products.yaml").write_text(bad)
    monkeypatch.setattr(t, "DATA", tmp_path)
    t.product_tables.cache_clear()
    try:
        with pytest.raises(TableError, match="case_reference"):
            t.product_tables()
    finally:
        t.product_tables.cache_clear()


def test_render_refuses_a_document_that_would_leak():
    doc = {"id": "A1", "type": "harm_cluster", "level": "info", "family": {"id": "F1", "name": "x", "free_text": "y"}}
    with pytest.raises(ProductLeak, match="free_text"):
        render_product(doc, "public_health")


def test_projection_keeps_only_allowed_paths():
    doc = {"a": 1, "b": {"c": 2, "d": 3}, "e": [{"f": 4, "g": 5}, {"f": 6}]}
    assert project(doc, ["b.c", "e[].f"]) == {"b": {"c": 2}, "e": [{"f": 4}, {"f": 6}]}


def test_no_forbidden_field_leaks_into_any_product_or_channel(world):
    rt = world.runtime
    with session_scope(rt.factory) as s:
        for username, audience in SUBSCRIBERS:
            owner = get_user(s, username)
            for channel, target in (
                ("feed", None),
                ("email", f"{username}@example.org"),
                ("webhook", "http://127.0.0.1:9/hook"),
            ):
                create_subscription(
                    s,
                    owner,
                    name=f"{audience} {channel}",
                    channel=channel,
                    target=target,
                    audience=audience,
                    actor="test",
                )
    ids = issue_all(world)
    outputs: list[tuple[str, str]] = []
    with rt.factory() as s:
        alerts = s.scalars(select(Alert)).all()
        assert len(alerts) == 3
        for alert in alerts:
            doc = alert_document(s, alert, alert.issued_version)
            for audience in AUDIENCES:
                product = render_product(doc, audience)
                assert not find_forbidden(product, product_tables().forbidden_keys)
                outputs.append((f"A{alert.id} {audience} product", json.dumps(product, default=str)))
        from fews.models import Subscription

        for sub in s.scalars(select(Subscription).where(Subscription.channel == "feed")):
            for kind in ("atom", "json", "cap"):
                feed = render_feed(s, sub, kind, marking="OFFICIAL-SENSITIVE", sender="fews@example.org")
                outputs.append((f"{sub.audience} {kind} feed", feed.body.decode()))
        deliveries = s.scalars(select(Delivery)).all()
        assert {d.channel for d in deliveries} == {"email", "webhook"}
        for d in deliveries:
            assert not find_forbidden(d.payload, product_tables().forbidden_keys)
            if d.channel == "email":
                msg = email.build_message(d.payload, to="x@example.org", sender="fews@example.org")
                outputs.append((f"e-mail {d.idempotency_key}", msg.as_string()))
            else:
                outputs.append((f"webhook {d.idempotency_key}", webhooks.canonical_body(d.payload).decode()))
        intl = exports.international_export(s, until=world_today(), rule_set_version="test")
        outputs.append(("international json", json.dumps(intl, default=str)))
        outputs.append(
            ("international csv", exports.to_csv(exports.international_rows(intl), ["name", "inchikey", "quarter"]))
        )
        panel = exports.prison_panel(s, until=world_today())
        outputs.append(("prison panel", json.dumps(panel, default=str)))
        for audience in AUDIENCES:
            products = exports.alerts_export(s, audience=audience)
            outputs.append(
                (f"{audience} alerts csv", exports.to_csv(exports.alert_rows(products), exports.ALERT_CSV_COLUMNS))
            )
    assert len(outputs) > 60
    for where, text in outputs:
        _no_leak(text, where)
    assert ids


def world_today():  # type: ignore[no-untyped-def]
    from tests.alerts.conftest import TODAY

    return TODAY


def test_harm_counts_are_exact_for_clinicians_and_suppressed_for_enforcement(world):
    ids = issue_all(world)
    with world.runtime.factory() as s:
        doc = alert_document(s, s.get(Alert, ids["harm"]))
        clinical = render_product(doc, "clinical")
        enforcement = render_product(doc, "enforcement")
        policy = render_product(doc, "policy")
    assert clinical["harms"]["reports"] == 7
    assert clinical["harms"]["severity"] == {"moderate": 3, "severe": 3, "fatal": 1}
    assert clinical["clinical_response"].startswith("Give naloxone")
    assert enforcement["harms"]["severity"] == {"moderate": "<5", "severe": "<5", "fatal": "<5"}
    assert enforcement["harms"]["reports"] == 7  # three hidden cells: the total reveals none of them
    assert "clinical_response" not in enforcement and "effects" not in enforcement["harms"]
    assert "<5 severe or fatal harm reports (<5 fatal)" in enforcement["signal"]["reason"]
    assert policy["harms"]["severity"]["fatal"] == "<5"
    # enforcement sees places and contexts of seizures; clinicians only coarse place and time
    assert "local_areas" in enforcement["seizures"] and "local_areas" not in clinical["seizures"]
