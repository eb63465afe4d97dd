"""One SQLAlchemy session per request, closed at teardown (rolled back on error)."""

from __future__ import annotations

from flask import Flask, current_app, g
from sqlalchemy.orm import Session

__all__ = ["db", "init_app"]


def db() -> Session:
    if "db" not in g:
        g.db = current_app.extensions["fews_sessions"]()
    return g.db  # type: ignore[no-any-return]


def _teardown(exc: BaseException | None) -> None:
    session: Session | None = g.pop("db", None)
    if session is None:
        return
    if exc is not None:
        session.rollback()
    session.close()


def init_app(app: Flask) -> None:
    app.teardown_appcontext(_teardown)
