"""Transactional outbox: deliveries are queued in the same transaction as the state change that
causes them, then sent by :func:`deliver_due` with retries and exponential backoff.

Guarantees
----------
- Nothing is lost: issuing (or withdrawing) an alert and queueing its deliveries commit together;
  a delivery stays queued until a receiver accepts it or it has failed ``max_attempts`` times
  (then it is ``dead`` and listed by ``fews deliver``).
- Nothing is queued twice: each delivery has a unique idempotency key
  (``fews-<alert>-v<version>-<event>-s<subscription>``).
- Nothing is sent twice by two workers: a worker claims a delivery with a compare-and-set update
  (``pending`` -> ``sending`` with a lease) before sending it. If the worker dies after claiming,
  the lease expires and another run sends it. If it dies after the receiver accepted but before the
  result was recorded, the retry carries the same idempotency key (webhook header, e-mail
  ``Message-ID``), so the receiver can recognise the repeat.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session, sessionmaker

from alerts import email, webhooks
from alerts.document import alert_document
from alerts.products import render_product
from alerts.settings import DeliverySettings
from alerts.subscriptions import matches, user_scope
from fews import audit
from fews.db import session_scope
from fews.models import Alert, Delivery, Subscription, User, utcnow

__all__ = [
    "PUSH_CHANNELS",
    "DeliverReport",
    "Sender",
    "idempotency_key",
    "enqueue",
    "deliver_due",
    "default_senders",
    "outbox_counts",
    "dead_or_stuck",
]

logger = logging.getLogger(__name__)

PUSH_CHANNELS = ("email", "webhook")

Sender = Callable[[Delivery, Subscription, DeliverySettings], None]


def idempotency_key(alert_id: int, version: int, event: str, subscription_id: int) -> str:
    return f"fews-{alert_id}-v{version}-{event}-s{subscription_id}"


def enqueue(session: Session, alert: Alert, *, event: str) -> list[Delivery]:
    """Queue one delivery per matching live e-mail/webhook subscription, in the caller's transaction.

    ``event`` is ``issued`` (first issue or an update) or ``withdrawn``. The payload (the
    subscriber's audience product of the issued version) is fixed now, so retries send the same bytes.
    """
    if event not in ("issued", "withdrawn"):
        raise ValueError(f"event must be issued or withdrawn, got {event!r}")
    version = alert.issued_version
    if version is None:
        return []
    msg_type = "Cancel" if event == "withdrawn" else ("Alert" if version == 1 else "Update")
    doc = alert_document(session, alert, version)
    subs = session.execute(
        select(Subscription, User)
        .join(User, User.id == Subscription.user_id)
        .where(
            Subscription.revoked_at.is_(None),
            Subscription.channel.in_(PUSH_CHANNELS),
            User.active.is_(True),
        )
        .order_by(Subscription.id)
    ).all()
    queued: list[Delivery] = []
    for sub, user in subs:
        audience = sub.audience or ""
        if audience not in (alert.audiences or []):
            continue
        if not matches(sub.filters or {}, doc, scope=user_scope(user)):
            continue
        key = idempotency_key(alert.id, version, event, sub.id)
        if session.scalar(select(Delivery.id).where(Delivery.idempotency_key == key)) is not None:
            continue
        payload = {
            "delivery": key,
            "event": event,
            "msg_type": msg_type,
            "audience": audience,
            "security_marking": alert.security_marking,
            "alert": render_product(doc, audience),
        }
        delivery = Delivery(
            alert_id=alert.id,
            alert_version=version,
            subscription_id=sub.id,
            channel=sub.channel,
            event=event,
            idempotency_key=key,
            status="pending",
            payload=payload,
            payload_sha256=hashlib.sha256(webhooks.canonical_body(payload)).hexdigest(),
            next_attempt_at=utcnow(),
        )
        session.add(delivery)
        queued.append(delivery)
    session.flush()
    return queued


def _send_email(delivery: Delivery, sub: Subscription, settings: DeliverySettings) -> None:
    if not sub.target:
        raise ValueError(f"subscription {sub.id} has no e-mail address")
    message = email.build_message(delivery.payload or {}, to=sub.target, sender=settings.smtp_sender)
    email.send_message(settings, message)


def _send_webhook(delivery: Delivery, sub: Subscription, settings: DeliverySettings) -> None:
    if not sub.target or not sub.webhook_secret:
        raise ValueError(f"subscription {sub.id} has no webhook URL or secret")
    webhooks.post_webhook(
        sub.target,
        webhooks.canonical_body(delivery.payload or {}),
        secret=sub.webhook_secret,
        idempotency_key=delivery.idempotency_key,
        timeout=settings.webhook_timeout,
    )


def default_senders() -> dict[str, Sender]:
    return {"email": _send_email, "webhook": _send_webhook}


@dataclass
class DeliverReport:
    """What one run of the outbox did."""

    sent: int = 0
    retrying: int = 0
    dead: int = 0
    cancelled: int = 0
    lost_claims: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "sent": self.sent,
            "retrying": self.retrying,
            "dead": self.dead,
            "cancelled": self.cancelled,
            "lost_claims": self.lost_claims,
            "errors": self.errors,
        }


def _due_ids(factory: sessionmaker[Session], now: dt.datetime, limit: int) -> list[int]:
    with factory() as s:
        return list(
            s.scalars(
                select(Delivery.id)
                .where(Delivery.status.in_(("pending", "sending")), Delivery.next_attempt_at <= now)
                .order_by(Delivery.next_attempt_at, Delivery.id)
                .limit(limit)
            ).all()
        )


def _claim(factory: sessionmaker[Session], delivery_id: int, now: dt.datetime, lease: float) -> bool:
    """Compare-and-set: only one worker moves a due delivery to ``sending``."""
    with session_scope(factory) as s:
        result = s.execute(
            update(Delivery)
            .where(
                Delivery.id == delivery_id,
                Delivery.status.in_(("pending", "sending")),
                Delivery.next_attempt_at <= now,
            )
            .values(
                status="sending",
                attempts=Delivery.attempts + 1,
                next_attempt_at=now + dt.timedelta(seconds=lease),
            )
        )
        return int(getattr(result, "rowcount", 0) or 0) == 1


def _finish(
    factory: sessionmaker[Session],
    delivery_id: int,
    *,
    now: dt.datetime,
    error: str | None,
    settings: DeliverySettings,
    report: DeliverReport,
) -> None:
    with session_scope(factory) as s:
        d = s.get(Delivery, delivery_id)
        if d is None or d.status != "sending":
            return
        if error is None:
            d.status, d.delivered_at, d.last_error = "sent", now, None
            report.sent += 1
            action = "delivery.sent"
        elif d.attempts >= settings.max_attempts:
            d.status, d.last_error = "dead", error[:2000]
            report.dead += 1
            action = "delivery.dead"
        else:
            d.status, d.last_error = "pending", error[:2000]
            d.next_attempt_at = now + dt.timedelta(seconds=settings.backoff(d.attempts))
            report.retrying += 1
            action = "delivery.retry"
        if error is not None:
            report.errors.append({"delivery": d.idempotency_key, "attempt": d.attempts, "error": error[:300]})
        audit.record(
            s,
            actor="outbox",
            via="scheduler",
            action=action,
            object_type="delivery",
            object_id=d.id,
            content={"key": d.idempotency_key, "attempt": d.attempts, "error": error},
        )


def deliver_due(
    factory: sessionmaker[Session],
    settings: DeliverySettings,
    *,
    now: dt.datetime | None = None,
    limit: int = 200,
    senders: Mapping[str, Sender] | None = None,
) -> DeliverReport:
    """Send every delivery due at ``now`` (default: the current time), at most ``limit``.

    Each delivery is claimed, sent outside any transaction, and its outcome recorded: ``sent``;
    ``pending`` again after ``settings.backoff(attempts)`` seconds; or ``dead`` after
    ``settings.max_attempts`` attempts.
    """
    now = now or utcnow()
    senders = dict(senders or default_senders())
    report = DeliverReport()
    for delivery_id in _due_ids(factory, now, limit):
        if not _claim(factory, delivery_id, now, settings.lease_seconds):
            report.lost_claims += 1
            continue
        with factory() as s:
            delivery = s.get(Delivery, delivery_id)
            sub = s.get(Subscription, delivery.subscription_id) if delivery else None
            if delivery is None or sub is None:
                continue
            s.expunge_all()
        if sub.revoked_at is not None:
            with session_scope(factory) as s:
                s.execute(
                    update(Delivery)
                    .where(Delivery.id == delivery_id)
                    .values(status="cancelled", last_error="subscription revoked")
                )
            report.cancelled += 1
            continue
        sender = senders.get(delivery.channel)
        error: str | None = None
        if sender is None:
            error = f"no sender for channel {delivery.channel!r}"
        else:
            try:
                sender(delivery, sub, settings)
            except Exception as exc:  # every failure is recorded on the delivery and retried
                error = f"{type(exc).__name__}: {exc}"
                logger.warning("delivery %s attempt %s failed: %s", delivery.idempotency_key, delivery.attempts, error)
        _finish(factory, delivery_id, now=now, error=error, settings=settings, report=report)
    return report


def outbox_counts(session: Session) -> dict[str, int]:
    """Deliveries per status (for ``fews deliver`` and metrics)."""
    from sqlalchemy import func

    rows = session.execute(select(Delivery.status, func.count()).group_by(Delivery.status)).all()
    return {status: int(n) for status, n in rows}


def dead_or_stuck(session: Session, *, now: dt.datetime | None = None) -> list[Delivery]:
    """Deliveries that gave up, or whose claim outlived its lease."""
    now = now or utcnow()
    return list(
        session.scalars(
            select(Delivery).where(
                or_(Delivery.status == "dead", (Delivery.status == "sending") & (Delivery.next_attempt_at < now))
            )
        ).all()
    )
