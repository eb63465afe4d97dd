"""Changes to a subscription that ``alerts.subscriptions`` does not make itself: renaming and
re-filtering (audited), and a test delivery that goes through the real channel."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from sqlalchemy.orm import Session

from alerts.feeds import render_feed
from alerts.outbox import default_senders
from alerts.settings import DeliverySettings
from alerts.subscriptions import SubscriptionError, normalise_filters
from fews import audit
from fews.config import Config
from fews.models import Delivery, Subscription

__all__ = ["update_subscription", "send_test"]


def update_subscription(
    session: Session, sub: Subscription, *, name: str, filters: Mapping[str, Any], actor: str, via: str = "web"
) -> None:
    """Rename and re-filter a live subscription (its channel, audience and tokens stay)."""
    if sub.revoked_at is not None:
        raise SubscriptionError(f"subscription {sub.id} is revoked")
    if not name.strip():
        raise SubscriptionError("a subscription needs a name")
    clean = normalise_filters(filters)
    sub.name = name.strip()[:200]
    sub.filters = clean
    audit.record(
        session,
        actor=actor,
        via=via,
        action="subscription.update",
        object_type="subscription",
        object_id=sub.id,
        content={"name": sub.name, "filters": clean},
    )


def send_test(session: Session, sub: Subscription, config: Config, *, actor: str) -> str:
    """Send a test message over the subscription's channel now; returns what happened.

    Raises whatever the channel raises (SMTP or HTTP errors), so the caller can show it.
    """
    settings = DeliverySettings.from_config(config)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    audit.record(
        session, actor=actor, via="web", action="subscription.test", object_type="subscription", object_id=sub.id
    )
    if sub.channel == "feed":
        feed = render_feed(session, sub, "atom", marking=config.security_marking, sender=settings.cap_sender)
        return f"The feed answers with {len(feed.body):,} bytes (ETag {feed.etag})."
    payload = {
        "delivery": f"test-{sub.id}-{stamp}",
        "event": "test",
        "msg_type": "Alert",
        "audience": sub.audience,
        "security_marking": config.security_marking,
        "alert": {
            "id": "TEST",
            "version": 0,
            "type": "test",
            "level": "info",
            "status": "test",
            "title": "Test delivery from FEWS",
            "summary": f"A test of subscription {sub.name!r}, sent at {stamp}. No action is needed.",
            "security_marking": config.security_marking,
        },
    }
    delivery = Delivery(
        alert_id=0,
        alert_version=0,
        subscription_id=sub.id,
        channel=sub.channel,
        event="test",
        idempotency_key=payload["delivery"],
        payload=payload,
    )
    default_senders()[sub.channel](delivery, sub, settings)
    return f"A test message was sent by {sub.channel} to {sub.target}."
