"""Server-side browser sessions: signing out ends a session for good, not just in one browser.

The signed Flask cookie carries only a random session id (256 bits); the database keeps its SHA-256
(``web_session``), so a copied cookie stops working the moment the session ends, and a leaked
database row cannot be replayed. A session ends when the user signs out, after ``IDLE`` without a
request, ``LIFETIME`` after sign-in whatever the activity, or when an administrator ends it, resets
the password or deactivates the account (every session of that user). Rows are deleted
``KEEP_DAYS`` after they end (they hold IP addresses and browser names: UK GDPR Art. 5(1)(e)).

Policy figures are data here, with their grounds:

* ``LIFETIME`` 8 hours: one working day (a shift), then sign in again.
* ``IDLE`` 2 hours: long enough to fill in a RIDR report interrupted by a clinical task, short
  enough that an unattended browser does not stay signed in for the rest of a shift (OWASP Session
  Management Cheat Sheet: idle timeouts of 15–30 minutes for high-value applications, longer where
  risk is low; FEWS shows official-sensitive data to vetted staff on managed devices).
* ``TOUCH_EVERY`` 1 minute: ``last_seen_at`` is written at most once a minute per session, so reading
  pages does not turn every request into a database write.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, or_, select, update
from sqlalchemy.orm import Session, joinedload

from fews import audit
from fews.models import User, WebSession, utcnow

__all__ = [
    "IDLE",
    "KEEP_DAYS",
    "LIFETIME",
    "TOUCH_EVERY",
    "LiveSession",
    "end",
    "end_all",
    "live_sessions",
    "lookup",
    "prune",
    "start",
    "touch",
    "touch_due",
]

LIFETIME = dt.timedelta(hours=8)
IDLE = dt.timedelta(hours=2)
TOUCH_EVERY = dt.timedelta(minutes=1)
KEEP_DAYS = 90


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class LiveSession:
    """A session that is still valid, with its user (checked active)."""

    row: WebSession
    user: User


def start(
    session: Session, user: User, *, ip: str | None, user_agent: str | None, now: dt.datetime | None = None
) -> tuple[str, int]:
    """Open a session for ``user``; returns the id for the cookie (only its hash is stored) and the row's key."""
    now = now or utcnow()
    token = secrets.token_urlsafe(32)
    row = WebSession(
        token_hash=_hash(token),
        user_id=user.id,
        created_at=now,
        last_seen_at=now,
        expires_at=now + LIFETIME,
        ip=(ip or "")[:64] or None,
        user_agent=(user_agent or "")[:200] or None,
    )
    session.add(row)
    session.flush()
    return token, row.id


def lookup(session: Session, token: str, *, now: dt.datetime | None = None) -> LiveSession | None:
    """The live session for a cookie's id, or None when it is unknown, ended, expired or idle too
    long, or its user is deactivated."""
    if not token or len(token) > 100:
        return None
    row = session.scalar(
        select(WebSession).options(joinedload(WebSession.user)).where(WebSession.token_hash == _hash(token))
    )
    if row is None or row.ended_at is not None or not row.user.active:
        return None
    now = now or utcnow()
    if now >= row.expires_at or now - row.last_seen_at >= IDLE:
        return None
    return LiveSession(row, row.user)


def touch_due(row: WebSession, *, now: dt.datetime | None = None) -> bool:
    """True when ``last_seen_at`` is older than ``TOUCH_EVERY`` (the caller then writes it)."""
    return (now or utcnow()) - row.last_seen_at >= TOUCH_EVERY


def touch(session: Session, session_id: int, *, now: dt.datetime | None = None) -> None:
    session.execute(
        update(WebSession)
        .where(WebSession.id == session_id, WebSession.ended_at.is_(None))
        .values(last_seen_at=now or utcnow())
    )


def end(session: Session, session_id: int, *, reason: str, actor: str, via: str = "web") -> bool:
    """End one session; False when it had already ended."""
    result = session.execute(
        update(WebSession)
        .where(WebSession.id == session_id, WebSession.ended_at.is_(None))
        .values(ended_at=utcnow(), ended_reason=reason)
    )
    done = int(getattr(result, "rowcount", 0) or 0)
    if done:
        row = session.get(WebSession, session_id)
        assert row is not None
        audit.record(
            session,
            actor=actor,
            via=via,
            action="auth.session.end",
            object_type="user",
            object_id=row.user_id,
            content={"session": session_id, "reason": reason},
        )
    return bool(done)


def _not_ended(user_id: int, now: dt.datetime) -> tuple[Any, ...]:
    """A user's sessions neither ended nor past their absolute end (idle time is checked in Python)."""
    return (WebSession.user_id == user_id, WebSession.ended_at.is_(None), WebSession.expires_at > now)


def end_all(session: Session, user_id: int, *, reason: str, actor: str, via: str = "cli") -> int:
    """End every live session of a user (password reset, deactivation, "sign out everywhere")."""
    now = utcnow()
    ids = list(session.scalars(select(WebSession.id).where(*_not_ended(user_id, now))))
    if ids:
        session.execute(update(WebSession).where(WebSession.id.in_(ids)).values(ended_at=now, ended_reason=reason))
    audit.record(
        session,
        actor=actor,
        via=via,
        action="auth.session.end_all",
        object_type="user",
        object_id=user_id,
        content={"sessions": len(ids), "reason": reason},
    )
    return len(ids)


def live_sessions(session: Session, user_id: int, *, now: dt.datetime | None = None) -> list[WebSession]:
    """A user's sessions that are still valid, newest first."""
    now = now or utcnow()
    rows = session.scalars(select(WebSession).where(*_not_ended(user_id, now)).order_by(WebSession.id.desc()))
    return [r for r in rows if now - r.last_seen_at < IDLE]


def prune(session: Session, *, now: dt.datetime | None = None, keep_days: int = KEEP_DAYS) -> int:
    """Delete sessions that ended (or expired) more than ``keep_days`` ago; returns how many."""
    cutoff = (now or utcnow()) - dt.timedelta(days=keep_days)
    result = session.execute(
        delete(WebSession).where(
            or_(WebSession.expires_at < cutoff, WebSession.ended_at < cutoff, WebSession.last_seen_at < cutoff)
        )
    )
    return int(getattr(result, "rowcount", 0) or 0)
