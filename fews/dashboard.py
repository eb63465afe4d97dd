"""What needs a signed-in user's attention, by role (the dashboard): drafts to agree or issue, new
signals, issued alerts for the role's audiences, own subscriptions and submissions.

Every list is bounded (``limit``) and fetched in one statement, so the dashboard's cost does not grow
with the size of the database beyond the aggregate counts of :func:`fews.overview.overview`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from alerts.tables import audience_rules
from fews.access import Principal, allowed
from fews.models import Alert, AlertVersion, QuarantineItem, Signal, Subscription, User

__all__ = ["AlertLine", "Attention", "attention"]


@dataclass(frozen=True)
class AlertLine:
    """One alert in a dashboard list: id, type, status, level, lead audience, title of the version shown."""

    id: int
    type: str
    status: str
    level: str
    audience: str
    title: str
    version: int


@dataclass
class Attention:
    to_agree: list[AlertLine] = field(default_factory=list)
    to_issue: list[AlertLine] = field(default_factory=list)
    signals: list[Signal] = field(default_factory=list)
    issued: list[AlertLine] = field(default_factory=list)
    subscriptions: list[Subscription] = field(default_factory=list)
    open_quarantine: int | None = None


def _lines(session: Session, where: list[Any], *, version_col: Any, limit: int) -> list[AlertLine]:
    rows = session.execute(
        select(Alert, AlertVersion.title, AlertVersion.version)
        .join(AlertVersion, and_(AlertVersion.alert_id == Alert.id, AlertVersion.version == version_col))
        .where(*where)
        .order_by(Alert.id.desc())
        .limit(limit)
    ).all()
    return [AlertLine(a.id, a.type, a.status, a.level, a.audience, title, ver) for a, title, ver in rows]


def attention(session: Session, principal: Principal, *, limit: int = 10) -> Attention:
    """The dashboard lists for ``principal`` (see module docstring)."""
    role = principal.role
    out = Attention()
    if allowed(role, "agree_clinical_alert"):
        out.to_agree = _lines(
            session,
            [Alert.status == "draft", Alert.audience == "clinical"],
            version_col=Alert.current_version,
            limit=limit,
        )
    issuable = []
    if allowed(role, "issue_clinical_alert"):
        issuable.append(and_(Alert.audience == "clinical", Alert.status == "agreed"))
    if allowed(role, "issue_enforcement_alert"):
        issuable.append(and_(Alert.audience != "clinical", Alert.status.in_(("draft", "agreed"))))
    if issuable:
        out.to_issue = _lines(session, [or_(*issuable)], version_col=Alert.current_version, limit=limit)
    out.signals = list(
        session.scalars(
            select(Signal)
            .where(Signal.status.in_(("open", "escalated")))
            .order_by(Signal.as_of.desc(), Signal.id.desc())
            .limit(limit)
        )
    )
    products = set(audience_rules().products_for_role(role))
    candidates = _lines(session, [Alert.issued_version.is_not(None)], version_col=Alert.issued_version, limit=limit * 5)
    audiences: dict[int, Any] = dict(
        session.execute(select(Alert.id, Alert.audiences).where(Alert.id.in_([c.id for c in candidates]))).all()
    )
    out.issued = [c for c in candidates if products & set(audiences.get(c.id) or [])][:limit]
    out.subscriptions = list(
        session.scalars(
            select(Subscription)
            .join(User, User.id == Subscription.user_id)
            .where(User.username == principal.username, Subscription.revoked_at.is_(None))
            .order_by(Subscription.id)
            .limit(limit)
        )
    )
    if allowed(role, "manage_quarantine"):
        out.open_quarantine = int(
            session.scalar(select(func.count()).select_from(QuarantineItem).where(QuarantineItem.status == "open")) or 0
        )
    return out
