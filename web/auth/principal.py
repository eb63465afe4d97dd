"""The signed-in user as Flask-Login sees it (a plain value object, not an ORM row)."""

from __future__ import annotations

from dataclasses import dataclass

from flask_login import UserMixin

from fews.access import Principal
from fews.models import User
from web.database import db
from web.extensions import login_manager

__all__ = ["WebUser"]


@dataclass(frozen=True)
class WebUser(UserMixin):
    id: int
    username: str
    role: str
    organisation: str | None
    jurisdictions: tuple[str, ...]
    stamp: str  # changes when the password changes, which ends existing sessions

    def get_id(self) -> str:
        return f"{self.id}:{self.stamp}"

    @property
    def principal(self) -> Principal:
        return Principal(self.username, self.role, self.organisation, self.jurisdictions, via="web")

    @classmethod
    def from_row(cls, user: User) -> WebUser:
        scope = tuple(j.strip() for j in (user.jurisdiction or "").split(",") if j.strip())
        return cls(user.id, user.username, user.role, user.organisation, scope, user.password_hash[-12:])


@login_manager.user_loader
def _load(user_id: str) -> WebUser | None:
    pk, _, stamp = user_id.partition(":")
    if not pk.isdigit():
        return None
    user = db().get(User, int(pk))
    if user is None or not user.active or user.password_hash[-12:] != stamp:
        return None
    return WebUser.from_row(user)
