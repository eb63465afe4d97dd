"""User accounts (argon2 password hashes) and API tokens (SHA-256 at rest, shown once)."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from fews import audit, web_sessions
from fews.access import ROLES
from fews.models import ApiToken, User, utcnow

__all__ = [
    "AccountError",
    "MIN_PASSWORD_LENGTH",
    "TOKEN_SCOPES",
    "create_user",
    "set_password",
    "check_password",
    "create_token",
    "find_token",
    "revoke_token",
    "hash_token",
    "get_user",
    "set_active",
]

MIN_PASSWORD_LENGTH = 12
TOKEN_SCOPES = ("read", "submit", "feeds", "admin")
_hasher = PasswordHasher()


class AccountError(ValueError):
    """Bad account input (unknown role, weak password, duplicate name); the message says which."""


def _check_password_strength(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"password must have at least {MIN_PASSWORD_LENGTH} characters, got {len(password)}")
    if password.strip() != password:
        raise AccountError("password must not start or end with whitespace")


def get_user(session: Session, username: str) -> User | None:
    return session.scalar(select(User).where(User.username == username))


def create_user(
    session: Session,
    username: str,
    *,
    role: str,
    password: str,
    organisation: str | None = None,
    jurisdiction: str | None = None,
    actor: str = "system",
    via: str = "cli",
) -> User:
    """Create an account; raises :class:`AccountError` on an unknown role, weak password or taken name."""
    username = username.strip()
    if not username or len(username) > 80 or any(c.isspace() for c in username):
        raise AccountError(f"username must be 1-80 characters without spaces, got {username!r}")
    if role not in ROLES:
        raise AccountError(f"unknown role {role!r}; roles: {', '.join(ROLES)}")
    _check_password_strength(password)
    if get_user(session, username) is not None:
        raise AccountError(f"user {username!r} already exists")
    user = User(
        username=username,
        role=role,
        organisation=organisation,
        jurisdiction=jurisdiction,
        password_hash=_hasher.hash(password),
    )
    session.add(user)
    session.flush()
    audit.record(
        session,
        actor=actor,
        via=via,
        action="user.create",
        object_type="user",
        object_id=user.id,
        content={"username": username, "role": role, "organisation": organisation, "jurisdiction": jurisdiction},
    )
    return user


def set_password(session: Session, user: User, password: str, *, actor: str, via: str = "cli") -> None:
    _check_password_strength(password)
    user.password_hash = _hasher.hash(password)
    audit.record(
        session, actor=actor, via=via, action="user.set_password", object_type="user", object_id=user.id, content=None
    )
    web_sessions.end_all(session, user.id, reason="password_reset", actor=actor, via=via)


def set_active(session: Session, user: User, active: bool, *, actor: str, via: str = "cli") -> None:
    """Deactivate (a leaver: sign-in, sessions and API tokens stop at once) or reactivate an account."""
    if user.active == active:
        return
    user.active = active
    audit.record(
        session,
        actor=actor,
        via=via,
        action="user.activate" if active else "user.deactivate",
        object_type="user",
        object_id=user.id,
        content=None,
    )
    if not active:
        web_sessions.end_all(session, user.id, reason="deactivated", actor=actor, via=via)


def check_password(user: User, password: str) -> bool:
    """True when ``password`` matches; upgrades the hash parameters transparently."""
    try:
        _hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        return False
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = _hasher.hash(password)
    return True


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_token(
    session: Session,
    user: User,
    *,
    scopes: list[str] | None = None,
    label: str | None = None,
    expires_at: dt.datetime | None = None,
    actor: str = "system",
    via: str = "cli",
) -> str:
    """Create an API token for ``user`` and return it (the only time it is visible)."""
    scopes = scopes or ["read"]
    for scope in scopes:
        if scope not in TOKEN_SCOPES:
            raise AccountError(f"unknown scope {scope!r}; scopes: {', '.join(TOKEN_SCOPES)}")
    token = "fews_" + secrets.token_urlsafe(32)
    row = ApiToken(
        user_id=user.id,
        token_hash=hash_token(token),
        prefix=token[:12],
        scopes=scopes,
        label=label,
        expires_at=expires_at,
    )
    session.add(row)
    session.flush()
    audit.record(
        session,
        actor=actor,
        via=via,
        action="token.create",
        object_type="api_token",
        object_id=row.id,
        content={"user": user.username, "scopes": scopes, "prefix": row.prefix},
    )
    return token


def find_token(session: Session, token: str) -> ApiToken | None:
    """The live (not revoked, not expired) token row for ``token``, or None."""
    row = session.scalar(select(ApiToken).where(ApiToken.token_hash == hash_token(token)))
    if row is None or row.revoked_at is not None:
        return None
    if row.expires_at is not None and row.expires_at <= utcnow():
        return None
    if not row.user.active:
        return None
    return row


def revoke_token(session: Session, row: ApiToken, *, actor: str, via: str = "cli") -> None:
    row.revoked_at = utcnow()
    audit.record(
        session,
        actor=actor,
        via=via,
        action="token.revoke",
        object_type="api_token",
        object_id=row.id,
        content={"prefix": row.prefix},
    )
