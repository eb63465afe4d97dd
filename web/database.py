"""One SQLAlchemy session per request, closed at teardown (rolled back on error)."""

from __future__ import annotations

import contextlib

from flask import Flask, current_app, g
from sqlalchemy.orm import Session

from fews.db import session_scope

__all__ = ["db", "init_app", "write_session"]


def db() -> Session:
    if "db" not in g:
        g.db = current_app.extensions["fews_sessions"]()
    return g.db  # type: ignore[no-any-return]


def write_session() -> contextlib.AbstractContextManager[Session]:
    """A separate write transaction (commit on success): on SQLite it takes the write lock up front,
    so a write never fails half-way because another process wrote first."""
    return session_scope(current_app.extensions["fews_sessions"])


def _teardown(exc: BaseException | None) -> None:
    session: Session | None = g.pop("db", None)
    if session is None:
        return
    if exc is not None:
        session.rollback()
    session.close()


def init_app(app: Flask) -> None:
    app.teardown_appcontext(_teardown)
