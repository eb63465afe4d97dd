"""Issue #7 "done when": ingest data -> detection raises signals -> a draft clinical alert cannot reach
clinicians until agreed -> after agreement, e-mail arrives at a local SMTP server, the webhook receiver
gets exactly one signed delivery after two failed attempts, and the Atom feed (parsed with feedparser)
shows the alert to an enforcement subscriber without clinical case fields."""

from __future__ import annotations

import datetime as dt
import email
import email.policy

import feedparser
import pytest
from sqlalchemy import select

from alerts import outbox
from alerts.settings import DeliverySettings
from alerts.subscriptions import create_subscription
from alerts.webhooks import verify_signature
from alerts.workflow import agree_alert, issue_alert
from fews.accounts import create_user, get_user
from fews.db import session_scope
from fews.detection.run import detect
from fews.legal_status import reevaluate
from fews.models import Alert, Signal
from intake.pipeline import Ingestor
from tests.alerts.conftest import (
    CLINICAL_RESPONSE,
    FREE_TEXT_SENTINEL,
    PASSWORD,
    ROLES_USED,
    SENTINELS,
    TODAY,
    _reports,
    _seizures,
)
from tests.alerts.test_delivery import receiver, smtp  # noqa: F401 (fixtures)
from tests.builders import COCAINE, MEPHEDRONE, SeizureBuilder
from web import create_app


def _background(tmp_path):  # type: ignore[no-untyped-def]
    """Eight months of an established market (cocaine, mephedrone) before the new opioid appears."""
    b = SeizureBuilder()
    day = dt.date(2026, 1, 5)
    i = 0
    while day < dt.date(2026, 8, 1):
        b.sample(f"BG-{i}", seizure_date=day.isoformat()).component("cocaine", COCAINE)
        if i % 3 == 0:
            b.sample(f"BG-M{i}", seizure_date=day.isoformat(), local_area="Leeds").component("mephedrone", MEPHEDRONE)
        day += dt.timedelta(days=7)
        i += 1
    return b.write(tmp_path / "background.csv")


@pytest.mark.slow
def test_signal_to_agreed_alert_to_every_channel(runtime, tmp_path, smtp, receiver):  # noqa: F811
    rt = runtime
    for kind, path in (
        ("seizures", _background(tmp_path)),
        ("seizures", _seizures(tmp_path)),
        ("reports", _reports(tmp_path)),
    ):
        assert Ingestor(rt.factory, rt.config, kind, today=TODAY).ingest_file(path).quarantined == 0
    reevaluate(rt.factory, as_of=TODAY, actor="test")
    with session_scope(rt.factory) as s:
        for role in ROLES_USED:
            create_user(
                s,
                role,
                role=role,
                password=PASSWORD,
                actor="test",
                jurisdiction="england,wales" if role == "enforcement_subscriber" else None,
            )
        sink, smtp_port = smtp
        create_subscription(
            s,
            get_user(s, "clinical_network_reviewer"),
            name="mail",
            channel="email",
            target="cnr@nhs.example",
            actor="test",
        )
        hook = create_subscription(
            s,
            get_user(s, "intelligence_analyst"),
            name="hook",
            channel="webhook",
            target=receiver.url,
            filters={"alert_type": ["harm_cluster"]},
            actor="test",
        )
        secret = hook.webhook_secret
        tokens = {}
        for username in ("clinical_reporter", "enforcement_subscriber"):  # feed tokens are shown only now
            tokens[username] = create_subscription(
                s, get_user(s, username), name="feed", channel="feed", actor="test"
            ).feed_token

    summary = detect(rt.factory, dt.date(2026, 11, 22))
    assert summary.alerts_drafted >= 1
    with rt.factory() as s:
        harm = s.scalars(select(Alert).where(Alert.type == "harm_cluster")).first()
        assert harm is not None and harm.status == "draft" and harm.audience == "clinical"
        signal = s.get(Signal, harm.signal_id)
        assert signal.type == "harm_cluster" and "isotonitazene" in signal.reason
        harm_id = harm.id

    app = create_app(rt.config)
    client = app.test_client()
    clinician_feed = f"/feeds/{tokens['clinical_reporter']}.atom"
    assert feedparser.parse(client.get(clinician_feed).data).entries == []  # a draft never reaches clinicians
    with session_scope(rt.factory) as s:
        alert = s.get(Alert, harm_id)
        with pytest.raises(Exception, match="must agree"):
            issue_alert(s, alert, actor="clinical_network_reviewer", role="clinical_network_reviewer")
    assert feedparser.parse(client.get(clinician_feed).data).entries == []

    with session_scope(rt.factory) as s:
        alert = s.get(Alert, harm_id)
        agree_alert(
            s,
            alert,
            actor="clinical_network_reviewer",
            role="clinical_network_reviewer",
            clinical_response=CLINICAL_RESPONSE,
        )
        queued = issue_alert(s, alert, actor="clinical_network_reviewer", role="clinical_network_reviewer")
        assert {d.channel for d in queued} == {"email", "webhook"}

    receiver.fail_first = 2
    settings = DeliverySettings(smtp_host="127.0.0.1", smtp_port=smtp_port, backoff_seconds=30)
    now = dt.datetime.now(dt.UTC) + dt.timedelta(minutes=1)
    for _ in range(3):
        outbox.deliver_due(rt.factory, settings, now=now)
        now += dt.timedelta(minutes=5)
    [raw] = sink.messages
    msg = email.message_from_bytes(raw, policy=email.policy.default)
    assert {p.get_content_type() for p in msg.walk() if not p.is_multipart()} == {"text/plain", "text/html"}
    assert "naloxone" in raw.decode()
    assert len(receiver.attempts) == 3 and len(receiver.accepted) == 1
    last = receiver.attempts[-1]["headers"]
    body = next(iter(receiver.accepted.values()))
    assert verify_signature(secret, last["x-fews-timestamp"], body, last["x-fews-signature"])

    clinician = feedparser.parse(client.get(clinician_feed).data)
    assert [e.id for e in clinician.entries] == [f"urn:fews:alert:A{harm_id}"]
    enforcement = client.get(f"/feeds/{tokens['enforcement_subscriber']}.atom")
    parsed = feedparser.parse(enforcement.data)
    assert f"urn:fews:alert:A{harm_id}" in {e.id for e in parsed.entries}
    text = enforcement.get_data(as_text=True)
    for forbidden in (*SENTINELS, FREE_TEXT_SENTINEL, "Agreed clinical response", "naloxone"):
        assert forbidden not in text
    app.extensions["fews_engine"].dispose()
