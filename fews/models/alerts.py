"""Alerts (versioned, with state-change events and evidence), subscriptions and the delivery outbox."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from fews.models.base import Base, utcnow

__all__ = ["Alert", "AlertVersion", "AlertEvent", "AlertEvidence", "Subscription", "Delivery"]


class Alert(Base):
    __tablename__ = "alert"

    id: Mapped[int] = mapped_column(primary_key=True)
    type: Mapped[str] = mapped_column(String(30), index=True)
    audience: Mapped[str] = mapped_column(
        String(30)
    )  # clinical | enforcement | prisons | public_health | international
    status: Mapped[str] = mapped_column(String(20), default="draft")  # draft | agreed | issued | withdrawn
    level: Mapped[str] = mapped_column(String(10), default="info")  # info | warning | urgent
    current_version: Mapped[int] = mapped_column(default=1)
    # every audience that gets a product of this alert (alerts/data/audiences.yaml); ``audience`` leads
    audiences: Mapped[list[Any]] = mapped_column(default=list, server_default="[]")
    agreed_version: Mapped[int | None]  # version a clinical_network_reviewer agreed (clinical alerts)
    agreed_at: Mapped[dt.datetime | None]
    issued_version: Mapped[int | None]  # the version subscribers see; a pending update keeps the old one live
    signal_id: Mapped[int | None] = mapped_column(ForeignKey("signal.id"), index=True)
    family_id: Mapped[int | None] = mapped_column(ForeignKey("family.id"))
    substance_id: Mapped[int | None] = mapped_column(ForeignKey("substance.id"))
    review_by: Mapped[dt.date | None]
    security_marking: Mapped[str] = mapped_column(String(60))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    issued_at: Mapped[dt.datetime | None]
    withdrawn_at: Mapped[dt.datetime | None]


class AlertVersion(Base):
    __tablename__ = "alert_version"
    __table_args__ = (UniqueConstraint("alert_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    alert_id: Mapped[int] = mapped_column(ForeignKey("alert.id", ondelete="CASCADE"), index=True)
    version: Mapped[int]
    title: Mapped[str] = mapped_column(String(300))
    summary: Mapped[str] = mapped_column(Text)
    legal_status: Mapped[str | None] = mapped_column(String(200))
    geography: Mapped[list[Any]] = mapped_column(default=list)
    severity: Mapped[str | None] = mapped_column(String(20))
    recommended_actions: Mapped[str | None] = mapped_column(Text)
    clinical_response: Mapped[str | None] = mapped_column(Text)
    body: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_by: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class AlertEvent(Base):
    __tablename__ = "alert_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    alert_id: Mapped[int] = mapped_column(ForeignKey("alert.id", ondelete="CASCADE"), index=True)
    at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    actor: Mapped[str] = mapped_column(String(120))
    action: Mapped[str] = mapped_column(String(30))  # drafted | updated | agreed | issued | withdrawn
    version: Mapped[int | None]  # the alert version the change concerns
    from_status: Mapped[str | None] = mapped_column(String(20))
    to_status: Mapped[str] = mapped_column(String(20))
    note: Mapped[str | None] = mapped_column(Text)


class AlertEvidence(Base):
    __tablename__ = "alert_evidence"

    id: Mapped[int] = mapped_column(primary_key=True)
    alert_id: Mapped[int] = mapped_column(ForeignKey("alert.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(30))  # sample | harm_report | signal | intel
    object_id: Mapped[int]
    note: Mapped[str | None] = mapped_column(Text)


class Subscription(Base):
    __tablename__ = "subscription"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    filters: Mapped[dict[str, Any]] = mapped_column(default=dict)
    channel: Mapped[str] = mapped_column(String(20))  # feed | email | webhook
    audience: Mapped[str | None] = mapped_column(String(30))  # product received (allowed for the user's role)
    token_prefix: Mapped[str | None] = mapped_column(String(12))  # first characters of the feed token, for lists
    target: Mapped[str | None] = mapped_column(String(500))
    feed_token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    webhook_secret: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[dt.datetime | None]


class Delivery(Base):
    """Outbox row: one alert version to one subscription over one channel."""

    __tablename__ = "delivery"

    id: Mapped[int] = mapped_column(primary_key=True)
    alert_id: Mapped[int] = mapped_column(ForeignKey("alert.id"), index=True)
    alert_version: Mapped[int]
    subscription_id: Mapped[int] = mapped_column(ForeignKey("subscription.id"), index=True)
    channel: Mapped[str] = mapped_column(String(20))
    event: Mapped[str] = mapped_column(String(20), default="issued", server_default="issued")  # issued | withdrawn
    idempotency_key: Mapped[str] = mapped_column(String(100), unique=True)
    # pending | sending (claimed until next_attempt_at) | sent | dead (gave up after the last attempt)
    status: Mapped[str] = mapped_column(String(20), default="pending", index=True)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    last_error: Mapped[str | None] = mapped_column(Text)
    payload_sha256: Mapped[str | None] = mapped_column(String(64))
    # the rendered audience product, fixed when the delivery is queued: every retry sends the same bytes
    payload: Mapped[dict[str, Any] | None]
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    delivered_at: Mapped[dt.datetime | None]
