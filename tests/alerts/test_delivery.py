"""E-mail over a real local SMTP server (aiosmtpd) and signed webhooks to a real local HTTP receiver,
through the transactional outbox: retries with exponential backoff, no loss, no duplicates."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import http.server
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select

from alerts import outbox
from alerts.settings import DeliverySettings
from alerts.subscriptions import create_subscription
from alerts.webhooks import DELIVERY_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER, verify_signature
from fews.accounts import get_user
from fews.db import session_scope
from fews.models import AuditEvent, Delivery
from tests.alerts.conftest import SENTINELS, issue_all

T0 = dt.datetime.now(dt.UTC).replace(microsecond=0) + dt.timedelta(minutes=5)  # after the queueing time


@pytest.fixture(autouse=True)
def _fresh_t0() -> None:
    """T0 a few minutes after *this* test queues its deliveries (a module-level time goes stale in a
    long suite: deliveries queued later than it would never be due)."""
    global T0
    T0 = dt.datetime.now(dt.UTC).replace(microsecond=0) + dt.timedelta(minutes=5)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class _Sink:
    def __init__(self) -> None:
        self.messages: list[bytes] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802 (aiosmtpd hook)
        self.messages.append(envelope.original_content or envelope.content)
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp() -> Iterator[tuple[_Sink, int]]:
    sink = _Sink()
    port = _free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield sink, port
    finally:
        controller.stop()


@dataclass
class Receiver:
    """A webhook receiver that answers 500 to the first ``fail_first`` attempts of each delivery and
    keeps each delivery it accepts once (by idempotency key), as a careful receiver would."""

    fail_first: int = 0
    attempts: list[dict[str, Any]] = field(default_factory=list)
    accepted: dict[str, bytes] = field(default_factory=dict)
    repeats: int = 0
    url: str = ""


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    state = Receiver()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 (http.server hook)
            body = self.rfile.read(int(self.headers["Content-Length"]))
            key = self.headers[DELIVERY_HEADER]
            state.attempts.append({"headers": {k.lower(): v for k, v in self.headers.items()}, "body": body})
            tries = sum(1 for a in state.attempts if a["headers"][DELIVERY_HEADER.lower()] == key)
            if tries <= state.fail_first:
                self.send_response(500)
                self.end_headers()
                return
            if key in state.accepted:
                state.repeats += 1
            state.accepted.setdefault(key, body)
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.url = f"http://127.0.0.1:{server.server_address[1]}/fews-hook"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()


def _subscribe(world, username, channel, target, **filters):  # type: ignore[no-untyped-def]
    with session_scope(world.runtime.factory) as s:
        new = create_subscription(
            s, get_user(s, username), name=f"{channel}", channel=channel, target=target, filters=filters, actor="test"
        )
        return new.subscription.id, new.webhook_secret


def _settings(**kw: Any) -> DeliverySettings:
    return DeliverySettings(**({"backoff_seconds": 30.0, "lease_seconds": 300.0} | kw))


def test_email_arrives_as_plain_text_and_html(world, smtp):
    sink, port = smtp
    _subscribe(world, "clinical_network_reviewer", "email", "clinician@nhs.example")
    issue_all(world)
    report = outbox.deliver_due(world.runtime.factory, _settings(smtp_host="127.0.0.1", smtp_port=port), now=T0)
    assert report.sent == 1 and not report.errors
    [raw] = sink.messages
    msg = email.message_from_bytes(raw, policy=email.policy.default)
    assert str(msg["Subject"]).strip().startswith("[OFFICIAL-SENSITIVE] FEWS urgent alert: Cluster of harms")
    assert msg["Message-ID"].startswith("<fews-1-v1-issued-s1@")
    parts = {p.get_content_type(): p.get_content() for p in msg.walk() if not p.is_multipart()}
    assert set(parts) == {"text/plain", "text/html"}
    assert "Agreed clinical response" in parts["text/plain"] and "naloxone" in parts["text/html"]
    assert "<h1" in parts["text/html"]
    for sentinel in SENTINELS:
        assert sentinel not in raw.decode()


def test_webhook_is_delivered_once_after_two_failures_with_backoff(world, receiver):
    receiver.fail_first = 2
    _, secret = _subscribe(world, "enforcement_subscriber", "webhook", receiver.url, alert_type=["harm_cluster"])
    issue_all(world)
    factory, settings = world.runtime.factory, _settings()
    first = outbox.deliver_due(factory, settings, now=T0)
    assert (first.sent, first.retrying) == (0, 1)
    assert (
        outbox.deliver_due(factory, settings, now=T0 + dt.timedelta(seconds=29)).as_dict()["retrying"] == 0
    )  # not due
    second = outbox.deliver_due(factory, settings, now=T0 + dt.timedelta(seconds=30))
    assert second.retrying == 1
    with factory() as s:
        d = s.scalars(select(Delivery)).one()
        assert d.attempts == 2 and d.next_attempt_at == T0 + dt.timedelta(seconds=30 + 60)  # backoff doubled
    third = outbox.deliver_due(factory, settings, now=T0 + dt.timedelta(seconds=90))
    assert third.sent == 1
    assert len(receiver.attempts) == 3 and len(receiver.accepted) == 1 and receiver.repeats == 0
    bodies = {a["body"] for a in receiver.attempts}
    assert len(bodies) == 1  # every retry sends the same bytes
    last = receiver.attempts[-1]["headers"]
    key, body = next(iter(receiver.accepted.items()))
    assert key == "fews-1-v1-issued-s1" and last["idempotency-key"] == key
    stamp, signature = last[TIMESTAMP_HEADER.lower()], last[SIGNATURE_HEADER.lower()]
    assert signature.startswith("sha256=")
    assert verify_signature(secret, stamp, body, signature)
    assert not verify_signature("wrong-secret", stamp, body, signature)
    assert not verify_signature(secret, stamp, body + b" ", signature)
    assert not verify_signature(secret, str(int(stamp) - 3600), body, signature)  # stale or replayed
    with factory() as s:
        d = s.scalars(select(Delivery)).one()
        assert (d.status, d.attempts) == ("sent", 3) and d.delivered_at == T0 + dt.timedelta(seconds=90)
        actions = [a.action for a in s.scalars(select(AuditEvent).where(AuditEvent.object_type == "delivery"))]
        assert actions == ["delivery.retry", "delivery.retry", "delivery.sent"]
    assert outbox.deliver_due(factory, settings, now=T0 + dt.timedelta(days=1)).sent == 0  # nothing left


def test_a_crash_after_claiming_loses_nothing(world, receiver):
    _subscribe(world, "enforcement_subscriber", "webhook", receiver.url, alert_type=["harm_cluster"])
    issue_all(world)
    factory, settings = world.runtime.factory, _settings()

    def crash_before_send(delivery, sub, s):  # type: ignore[no-untyped-def]
        raise SystemExit("power cut")

    with pytest.raises(SystemExit):
        outbox.deliver_due(factory, settings, now=T0, senders={"webhook": crash_before_send})
    with factory() as s:
        assert s.scalars(select(Delivery.status)).one() == "sending"
    assert outbox.deliver_due(factory, settings, now=T0 + dt.timedelta(seconds=60)).sent == 0  # lease still held
    done = outbox.deliver_due(factory, settings, now=T0 + dt.timedelta(seconds=301))
    assert done.sent == 1 and len(receiver.accepted) == 1


def test_a_crash_after_sending_repeats_with_the_same_key(world, receiver):
    _subscribe(world, "enforcement_subscriber", "webhook", receiver.url, alert_type=["harm_cluster"])
    issue_all(world)
    factory, settings = world.runtime.factory, _settings()
    real = outbox.default_senders()["webhook"]

    def crash_after_send(delivery, sub, s):  # type: ignore[no-untyped-def]
        real(delivery, sub, s)
        raise SystemExit("killed before recording")

    with pytest.raises(SystemExit):
        outbox.deliver_due(factory, settings, now=T0, senders={"webhook": crash_after_send})
    outbox.deliver_due(factory, settings, now=T0 + dt.timedelta(seconds=301))
    # the receiver saw the delivery twice under one idempotency key and kept it once
    assert len(receiver.attempts) == 2 and len(receiver.accepted) == 1 and receiver.repeats == 1
    with factory() as s:
        assert s.scalars(select(Delivery.status)).one() == "sent"


def test_unreachable_receiver_is_retried_then_dead(world):
    url = f"http://127.0.0.1:{_free_port()}/nobody-listens"
    _subscribe(world, "enforcement_subscriber", "webhook", url, alert_type=["harm_cluster"])
    issue_all(world)
    factory, settings = world.runtime.factory, _settings(max_attempts=3, webhook_timeout=2.0)
    now = T0
    for _ in range(3):
        outbox.deliver_due(factory, settings, now=now)
        now += dt.timedelta(hours=1)
    with factory() as s:
        d = s.scalars(select(Delivery)).one()
        assert (d.status, d.attempts) == ("dead", 3) and "unreachable" in d.last_error


def test_only_one_worker_claims_a_delivery(world, receiver):
    _subscribe(world, "enforcement_subscriber", "webhook", receiver.url, alert_type=["harm_cluster"])
    issue_all(world)
    factory = world.runtime.factory
    with factory() as s:
        delivery_id = s.scalars(select(Delivery.id)).one()
    assert outbox._claim(factory, delivery_id, T0, 300) is True
    assert outbox._claim(factory, delivery_id, T0, 300) is False


def test_queueing_is_idempotent(world, receiver):
    _subscribe(world, "enforcement_subscriber", "webhook", receiver.url)
    ids = issue_all(world)
    with session_scope(world.runtime.factory) as s:
        from fews.models import Alert

        again = outbox.enqueue(s, s.get(Alert, ids["harm"]), event="issued")
        assert again == []
        assert len(s.scalars(select(Delivery)).all()) == 3


def test_backoff_doubles_and_is_capped():
    settings = DeliverySettings(backoff_seconds=30, backoff_max_seconds=200)
    assert [settings.backoff(n) for n in (1, 2, 3, 4)] == [30, 60, 120, 200]
