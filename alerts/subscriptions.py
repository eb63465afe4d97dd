"""Subscriptions: who receives which audience product, filtered, over which channel.

Each subscription belongs to a user, receives one audience product allowed for the user's role
(``data/audiences.yaml`` ``roles``), and has its own feed token (shown once, stored as a SHA-256
hash, revocable) for the Atom, JSON Feed and CAP URLs; e-mail and webhook subscriptions are also
pushed through the outbox. Filters narrow what a subscription receives: every filter given must
match (values within one filter are alternatives).
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlparse

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from alerts.tables import ALERT_TYPES, LEVELS, audience_rules
from fews import audit
from fews.accounts import hash_token
from fews.models import Alert, Delivery, Subscription, User, utcnow
from fews.vocab import load as load_vocab

__all__ = [
    "CHANNELS",
    "FILTER_KEYS",
    "LEGAL_STATUSES",
    "SubscriptionError",
    "NewSubscription",
    "normalise_filters",
    "alert_facets",
    "matches",
    "user_scope",
    "create_subscription",
    "revoke_subscription",
    "find_by_feed_token",
    "subscription_record",
    "visible_alerts",
]

CHANNELS = ("feed", "email", "webhook")
FILTER_KEYS = (
    "family",
    "substance",
    "legal_status",
    "alert_type",
    "jurisdiction",
    "seizure_context",
    "severity",
    "level",
)
LEGAL_STATUSES = ("A", "B", "C", "TCDO", "PSA", "exempt", "not_controlled")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_INCHIKEY = re.compile(r"^[A-Z]{14}(-[A-Z]{10}-[A-Z])?$")


class SubscriptionError(ValueError):
    """Bad subscription input (unknown filter value, channel or audience); the message says which."""


@dataclass(frozen=True)
class NewSubscription:
    """A created subscription with its secrets, which are shown only this once."""

    subscription: Subscription
    feed_token: str
    webhook_secret: str | None


def _vocab_code(vocab: str, value: str, key: str) -> str:
    term = load_vocab(vocab).lookup(value)
    if term is None:
        raise SubscriptionError(f"filter {key}: unknown value {value!r}")
    return term.code


def _one(key: str, raw: Any) -> str:
    value = str(raw).strip()
    if not value:
        raise SubscriptionError(f"filter {key}: empty value")
    if key == "family":
        if not re.fullmatch(r"[Ff]\d+", value):
            raise SubscriptionError(f"filter family: expected F<n>, got {value!r}")
        return value.upper()
    if key == "substance":
        if re.fullmatch(r"[Ss]\d+", value):
            return value.upper()
        if _INCHIKEY.match(value.upper()):
            return value.upper()[:14]
        raise SubscriptionError(f"filter substance: expected S<n> or an InChIKey, got {value!r}")
    if key == "legal_status":
        if value not in LEGAL_STATUSES:
            raise SubscriptionError(f"filter legal_status: expected one of {', '.join(LEGAL_STATUSES)}, got {value!r}")
        return value
    if key == "alert_type":
        if value not in ALERT_TYPES:
            raise SubscriptionError(f"filter alert_type: expected one of {', '.join(ALERT_TYPES)}, got {value!r}")
        return value
    if key == "level":
        if value not in LEVELS:
            raise SubscriptionError(f"filter level: expected one of {', '.join(LEVELS)}, got {value!r}")
        return value
    if key == "jurisdiction":
        return _vocab_code("nations", value, key)
    if key == "seizure_context":
        return _vocab_code("seizure_contexts", value, key)
    if key == "severity":
        return _vocab_code("severities", value, key)
    raise SubscriptionError(f"unknown filter {key!r}; filters: {', '.join(FILTER_KEYS)}")


def normalise_filters(filters: Mapping[str, Any] | None) -> dict[str, list[str]]:
    """Validate filters and return them as ``{key: [codes]}`` (a single value becomes a list)."""
    out: dict[str, list[str]] = {}
    for key, raw in (filters or {}).items():
        if key not in FILTER_KEYS:
            raise SubscriptionError(f"unknown filter {key!r}; filters: {', '.join(FILTER_KEYS)}")
        values = raw if isinstance(raw, (list, tuple)) else [raw]
        codes = sorted({_one(key, v) for v in values})
        if codes:
            out[key] = codes
    return out


def alert_facets(document: Mapping[str, Any]) -> dict[str, set[str]]:
    """The values of an alert document that filters test."""
    substances = document.get("substances") or []
    family = document.get("family") or {}
    return {
        "family": {family["id"]} if family.get("id") else set(),
        "substance": {s["id"] for s in substances if s.get("id")}
        | {s["inchikey"][:14] for s in substances if s.get("inchikey")},
        "legal_status": {s["legal_status"] for s in substances if s.get("legal_status")},
        "alert_type": {document["type"]},
        "jurisdiction": set(document.get("geography") or []),
        "seizure_context": set((document.get("seizures") or {}).get("contexts") or {}),
        "severity": set((document.get("harms") or {}).get("severity") or {}),
        "level": {document["level"]},
    }


def user_scope(user: User) -> tuple[str, ...]:
    return tuple(j.strip() for j in (user.jurisdiction or "").split(",") if j.strip())


def matches(filters: Mapping[str, Iterable[str]], document: Mapping[str, Any], *, scope: Iterable[str] = ()) -> bool:
    """True when ``document`` passes every filter and the subscriber's jurisdiction scope.

    An alert without any place (UK-wide, e.g. a legal-status near miss) is within every scope.
    """
    facets = alert_facets(document)
    scope = set(scope)
    if scope and facets["jurisdiction"] and not (scope & facets["jurisdiction"]):
        return False
    for key, wanted in filters.items():
        if not set(wanted) & facets.get(key, set()):
            return False
    return True


def create_subscription(
    session: Session,
    user: User,
    *,
    name: str,
    channel: str,
    target: str | None = None,
    filters: Mapping[str, Any] | None = None,
    audience: str | None = None,
    actor: str,
    via: str = "cli",
) -> NewSubscription:
    """Create a subscription for ``user`` (audited); returns it with its feed token and webhook secret."""
    if channel not in CHANNELS:
        raise SubscriptionError(f"channel must be one of {', '.join(CHANNELS)}, got {channel!r}")
    allowed = audience_rules().products_for_role(user.role)
    if not allowed:
        raise SubscriptionError(f"role {user.role!r} receives no alert products")
    audience = audience or allowed[0]
    if audience not in allowed:
        raise SubscriptionError(f"role {user.role!r} may receive {', '.join(allowed)}, not {audience!r}")
    if not name.strip():
        raise SubscriptionError("a subscription needs a name")
    if channel == "email":
        if not target or not _EMAIL.match(target):
            raise SubscriptionError(f"an e-mail subscription needs an address, got {target!r}")
    elif channel == "webhook":
        parsed = urlparse(target or "")
        if parsed.scheme not in ("http", "https") or not parsed.netloc:
            raise SubscriptionError(f"a webhook subscription needs an http(s) URL, got {target!r}")
    elif target:
        raise SubscriptionError("a feed subscription takes no target")
    clean = normalise_filters(filters)
    token = secrets.token_urlsafe(32)
    secret = secrets.token_urlsafe(32) if channel == "webhook" else None
    sub = Subscription(
        user_id=user.id,
        name=name.strip()[:200],
        filters=clean,
        channel=channel,
        target=target,
        audience=audience,
        feed_token_hash=hash_token(token),
        token_prefix=token[:8],
        webhook_secret=secret,
    )
    session.add(sub)
    session.flush()
    audit.record(
        session,
        actor=actor,
        via=via,
        action="subscription.create",
        object_type="subscription",
        object_id=sub.id,
        content={"user": user.username, "name": sub.name, "channel": channel, "audience": audience, "filters": clean},
    )
    return NewSubscription(sub, token, secret)


def revoke_subscription(session: Session, sub: Subscription, *, actor: str, via: str = "cli") -> int:
    """Revoke the subscription and its feed token; cancels its queued deliveries (returns how many)."""
    if sub.revoked_at is not None:
        raise SubscriptionError(f"subscription {sub.id} is already revoked")
    sub.revoked_at = utcnow()
    result = session.execute(
        update(Delivery)
        .where(Delivery.subscription_id == sub.id, Delivery.status.in_(("pending", "sending")))
        .values(status="cancelled", last_error="subscription revoked")
    )
    audit.record(
        session, actor=actor, via=via, action="subscription.revoke", object_type="subscription", object_id=sub.id
    )
    return int(getattr(result, "rowcount", 0) or 0)


def find_by_feed_token(session: Session, token: str) -> Subscription | None:
    """The live subscription whose feed token is ``token`` (None when unknown, revoked or the user is inactive)."""
    if not token or len(token) > 200:
        return None
    sub = session.scalar(select(Subscription).where(Subscription.feed_token_hash == hash_token(token)))
    if sub is None or sub.revoked_at is not None:
        return None
    user = session.get(User, sub.user_id)
    if user is None or not user.active:
        return None
    return sub


def subscription_record(sub: Subscription, username: str | None = None) -> dict[str, Any]:
    """A subscription as printed by the CLI (never its token hash or webhook secret)."""
    return {
        "id": sub.id,
        "user": username,
        "name": sub.name,
        "channel": sub.channel,
        "audience": sub.audience,
        "target": sub.target,
        "filters": sub.filters,
        "token_prefix": sub.token_prefix,
        "created_at": sub.created_at,
        "revoked_at": sub.revoked_at,
        "status": "revoked" if sub.revoked_at else "active",
    }


def visible_alerts(session: Session, *, limit: int = 500) -> list[Alert]:
    """Alerts that subscribers may see: those with an issued version (withdrawn ones as withdrawals)."""
    return list(
        session.scalars(
            select(Alert).where(Alert.issued_version.is_not(None)).order_by(Alert.id.desc()).limit(limit)
        ).all()
    )
