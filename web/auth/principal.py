"""The signed-in user as Flask-Login sees it (a plain value object, not an ORM row).

Flask-Login keeps ``get_id()`` in the signed cookie: here that is the server-side session's random id
(``fews.web_sessions``), so the loader answers only while that session is live.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_login import UserMixin

from fews import web_sessions
from fews.access import Principal
from fews.models import User
from web.database import db, write_session
from web.extensions import login_manager

__all__ = ["WebUser"]


@dataclass(frozen=True)
class WebUser(UserMixin):
    id: int
    username: str
    role: str
    organisation: str | None
    jurisdictions: tuple[str, ...]
    session_token: str  # the server-side session's id (only its hash is stored)
    session_id: int
    must_change_password: bool = False

    def get_id(self) -> str:
        return self.session_token

    @property
    def principal(self) -> Principal:
        return Principal(self.username, self.role, self.organisation, self.jurisdictions, via="web")

    @classmethod
    def from_row(cls, user: User, session_token: str, session_id: int) -> WebUser:
        scope = tuple(j.strip() for j in (user.jurisdiction or "").split(",") if j.strip())
        return cls(
            user.id,
            user.username,
            user.role,
            user.organisation,
            scope,
            session_token,
            session_id,
            bool(user.must_change_password),
        )


@login_manager.user_loader
def _load(token: str) -> WebUser | None:
    live = web_sessions.lookup(db(), token)
    if live is None:
        return None
    if web_sessions.touch_due(live.row):
        with write_session() as s:
            web_sessions.touch(s, live.row.id)
    return WebUser.from_row(live.user, token, live.row.id)
