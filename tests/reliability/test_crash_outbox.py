"""Crash safety of the delivery outbox: ``fews deliver`` is killed with SIGKILL while a webhook
receiver holds one request open (it has the body but has not answered). After the lease expires a
second ``fews deliver`` sends what is left: every delivery reaches the receiver at least once, the
one caught by the crash arrives twice with the same idempotency key and the same signed bytes, so
the receiver keeps it once; deliveries already recorded as sent are not repeated."""

from __future__ import annotations

import http.server
import json
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import pytest
from sqlalchemy import select

from alerts.subscriptions import create_subscription
from alerts.webhooks import DELIVERY_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER, verify_signature
from fews.accounts import get_user
from fews.db import session_scope
from fews.models import Delivery
from tests.alerts.conftest import SENTINELS, build_world, issue_all
from tests.reliability.conftest import fews_command, kill_when, run_fews, start

pytestmark = pytest.mark.slow

HANG_ON = 4  # the receiver holds the 4th new delivery open until the sender is killed


@dataclass
class HangingReceiver:
    url: str = ""
    attempts: list[tuple[str, dict[str, str], bytes]] = field(default_factory=list)
    accepted: dict[str, bytes] = field(default_factory=dict)
    hanging: threading.Event = field(default_factory=threading.Event)
    release: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)


@pytest.fixture
def hanging_receiver():  # type: ignore[no-untyped-def]
    state = HangingReceiver()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 (http.server hook)
            body = self.rfile.read(int(self.headers["Content-Length"]))
            key = self.headers["Idempotency-Key"]
            with state.lock:
                state.attempts.append((key, {k.lower(): v for k, v in self.headers.items()}, body))
                first_time = key not in state.accepted
                state.accepted.setdefault(key, body)  # the receiver has it (it would act on it now)
                hang = first_time and len(state.accepted) == HANG_ON and not state.hanging.is_set()
            if hang:
                state.hanging.set()
                state.release.wait(60)  # never answers while the sender is alive
                return
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    state.url = f"http://127.0.0.1:{server.server_address[1]}/fews-hook"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        state.release.set()
        server.shutdown()
        server.server_close()


def test_killed_delivery_goes_out_at_least_once_with_its_idempotency_key(
    runtime, tmp_path, fews_env, hanging_receiver, children
):
    world = build_world(runtime, tmp_path)
    secrets: dict[int, str] = {}
    with session_scope(runtime.factory) as s:
        for i in range(3):
            new = create_subscription(
                s,
                get_user(s, "enforcement_subscriber"),
                name=f"hook {i}",
                channel="webhook",
                target=hanging_receiver.url,
                filters={},
                actor="test",
            )
            secrets[new.subscription.id] = new.webhook_secret
    issue_all(world)
    with runtime.factory() as s:
        deliveries = {d.idempotency_key: d.subscription_id for d in s.scalars(select(Delivery))}
    assert len(deliveries) > HANG_ON

    env = dict(fews_env, FEWS_DELIVERY_LEASE_SECONDS="1", FEWS_WEBHOOK_TIMEOUT="30")
    proc = start(fews_command("deliver"), env)
    children.append(proc)
    kill_when(proc, hanging_receiver.hanging.is_set, timeout=120)
    hanging_receiver.release.set()
    with runtime.factory() as s:
        statuses = Counter(s.scalars(select(Delivery.status)))
    assert statuses["sent"] == HANG_ON - 1 and statuses["sending"] == 1  # the one in flight when killed

    time.sleep(1.5)  # the dead worker's lease runs out
    done = run_fews(env, "deliver")
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["sent"] == len(deliveries) - (HANG_ON - 1) and report["outbox"] == {"sent": len(deliveries)}

    got = Counter(key for key, _, _ in hanging_receiver.attempts)
    assert set(got) == set(deliveries)  # every delivery went out at least once
    repeated = [key for key, n in got.items() if n > 1]
    assert len(repeated) == 1 and got[repeated[0]] == 2  # only the one caught by the crash, once more
    bodies = {body for key, _, body in hanging_receiver.attempts if key == repeated[0]}
    assert len(bodies) == 1  # the retry carries the same bytes: the receiver can drop it by key
    for key, headers, body in hanging_receiver.attempts:
        assert headers["idempotency-key"] == headers[DELIVERY_HEADER.lower()] == key
        secret = secrets[deliveries[key]]
        assert verify_signature(secret, headers[TIMESTAMP_HEADER.lower()], body, headers[SIGNATURE_HEADER.lower()])
        assert json.loads(body)["delivery"] == key
        for sentinel in SENTINELS:
            assert sentinel not in body.decode()
