"""Feeds over HTTP: Atom, JSON Feed 1.1 and CAP per subscription, token auth, ETag/If-None-Match,
revocation; CAP 1.2 messages validated against the OASIS schema."""

from __future__ import annotations

import json

import feedparser
import pytest
from lxml import etree
from sqlalchemy import select

from alerts.cap import CAP_NS, CapInvalid, build_cap, cap_bytes, validate_cap
from alerts.document import alert_document
from alerts.products import render_product
from alerts.subscriptions import create_subscription, revoke_subscription
from alerts.workflow import update_alert, withdraw_alert
from fews.accounts import get_user
from fews.db import session_scope
from fews.models import Alert, Subscription
from tests.alerts.conftest import SENTINELS, issue_all
from web import create_app

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def client(world):  # type: ignore[no-untyped-def]
    app = create_app(world.runtime.config)
    yield app.test_client()
    app.extensions["fews_engine"].dispose()


def _subscribe(world, username, audience=None, **filters):  # type: ignore[no-untyped-def]
    with session_scope(world.runtime.factory) as s:
        new = create_subscription(
            s,
            get_user(s, username),
            name=f"{username} feed",
            channel="feed",
            audience=audience,
            filters=filters,
            actor="test",
        )
        return new.subscription.id, new.feed_token


def test_atom_feed_shows_issued_alerts_with_etag(world, client):
    _, token = _subscribe(world, "enforcement_subscriber")
    first = client.get(f"/feeds/{token}.atom")
    assert first.status_code == 200 and first.mimetype == "application/atom+xml"
    assert feedparser.parse(first.data).entries == []  # nothing issued yet: drafts never appear
    issue_all(world)
    resp = client.get(f"/feeds/{token}.atom")
    parsed = feedparser.parse(resp.data)
    assert not parsed.bozo
    assert {e.id for e in parsed.entries} == {"urn:fews:alert:A1", "urn:fews:alert:A2", "urn:fews:alert:A3"}
    assert parsed.feed.rights == "OFFICIAL-SENSITIVE"
    etag = resp.headers["ETag"]
    again = client.get(f"/feeds/{token}.atom", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    assert client.get(f"/feeds/{token}.atom", headers={"If-None-Match": '"stale"'}).status_code == 200


def test_filters_and_audience_decide_what_a_feed_shows(world, client):
    ids = issue_all(world)
    _, prisons = _subscribe(world, "intelligence_analyst", audience="prisons")
    _, wales = _subscribe(world, "enforcement_subscriber", jurisdiction=["Wales"])
    _, fatal = _subscribe(world, "enforcement_subscriber", severity=["fatal"])
    _, clinical = _subscribe(world, "clinical_network_reviewer")
    ids_in = lambda token: {e.id for e in feedparser.parse(client.get(f"/feeds/{token}.atom").data).entries}  # noqa: E731
    assert ids_in(prisons) == {f"urn:fews:alert:A{ids['prison']}"}
    assert ids_in(wales) == {f"urn:fews:alert:A{ids['new']}"}
    # both isotonitazene alerts count a fatal harm report; the cathinone alert has none
    assert ids_in(fatal) == {f"urn:fews:alert:A{ids['harm']}", f"urn:fews:alert:A{ids['prison']}"}
    assert ids_in(clinical) == {f"urn:fews:alert:A{ids['harm']}"}  # enforcement-led alerts never reach clinicians


def test_json_feed_1_1(world, client):
    issue_all(world)
    _, token = _subscribe(world, "public_health_analyst")
    resp = client.get(f"/feeds/{token}.json")
    assert resp.mimetype == "application/feed+json"
    doc = json.loads(resp.data)
    assert doc["version"] == "https://jsonfeed.org/version/1.1"
    assert len(doc["items"]) == 3 and all(i["id"].startswith("urn:fews:alert:A") for i in doc["items"])
    assert all(i["_fews"]["product"]["audience"] == "public_health" for i in doc["items"])
    for sentinel in SENTINELS:
        assert sentinel not in resp.get_data(as_text=True)


def test_revoked_and_unknown_tokens_get_the_same_404(world, client):
    sub_id, token = _subscribe(world, "enforcement_subscriber")
    assert client.get(f"/feeds/{token}.json").status_code == 200
    with session_scope(world.runtime.factory) as s:
        revoke_subscription(s, s.get(Subscription, sub_id), actor="test")
    gone = client.get(f"/feeds/{token}.json")
    unknown = client.get("/feeds/not-a-token.json")
    assert gone.status_code == unknown.status_code == 404
    assert gone.mimetype == "application/problem+json" and gone.json == unknown.json


def test_cap_feed_entries_are_valid_cap_1_2(world, client):
    ids = issue_all(world)
    with session_scope(world.runtime.factory) as s:
        alert = s.get(Alert, ids["new"])
        update_alert(
            s, alert, actor="intelligence_analyst", role="intelligence_analyst", summary="Also seen in Swansea."
        )
        from alerts.workflow import issue_alert

        issue_alert(s, alert, actor="intelligence_analyst", role="intelligence_analyst")
        withdraw_alert(
            s, s.get(Alert, ids["prison"]), actor="intelligence_analyst", role="intelligence_analyst", reason="re-test"
        )
    _, token = _subscribe(world, "enforcement_subscriber")
    resp = client.get(f"/feeds/{token}.cap.xml")
    root = etree.fromstring(resp.data)
    messages = root.findall(f"{ATOM}entry/{ATOM}content/{{{CAP_NS}}}alert")
    assert len(messages) == 3
    by_type = {}
    for msg in messages:
        validate_cap(msg)
        by_type[msg.findtext(f"{{{CAP_NS}}}msgType")] = msg
    assert set(by_type) == {"Alert", "Update", "Cancel"}
    update = by_type["Update"]
    assert update.findtext(f"{{{CAP_NS}}}identifier") == f"urn:fews:alert:A{ids['new']}:v2"
    assert f"urn:fews:alert:A{ids['new']}:v1" in update.findtext(f"{{{CAP_NS}}}references")
    assert by_type["Cancel"].findtext(f"{{{CAP_NS}}}scope") == "Restricted"


def test_cap_validation_rejects_a_broken_message(world):
    ids = issue_all(world)
    with world.runtime.factory() as s:
        product = render_product(alert_document(s, s.get(Alert, ids["harm"])), "clinical")
    element = build_cap(product, msg_type="Alert", sender="fews@example.org", sent="2026-11-23T10:00:00+00:00")
    validate_cap(cap_bytes(element))
    assert element.findtext(f"{{{CAP_NS}}}info/{{{CAP_NS}}}severity") == "Extreme"  # a fatal report
    element.remove(element.find(f"{{{CAP_NS}}}sender"))
    with pytest.raises(CapInvalid, match="sender"):
        validate_cap(element)
    with pytest.raises(ValueError, match="references"):
        build_cap(product, msg_type="Update", sender="x", sent="2026-11-23T10:00:00+00:00")


def test_subscription_list_never_shows_tokens(world):
    _subscribe(world, "enforcement_subscriber")
    with world.runtime.factory() as s:
        sub = s.scalars(select(Subscription)).one()
        assert sub.feed_token_hash and len(sub.feed_token_hash) == 64 and sub.token_prefix
