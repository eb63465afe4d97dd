"""Database engines and sessions (SQLAlchemy 2.0).

SQLite is the embedded default: WAL journal and foreign keys on. Transactions opened by
:func:`session_scope` (the write path) start with ``BEGIN IMMEDIATE`` so that concurrent writers
queue instead of failing half-way; plain sessions (web reads) use a deferred ``BEGIN``. PostgreSQL is the
production engine (``postgresql+psycopg://``).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

IMMEDIATE_OPTION = "fews_sqlite_immediate"

__all__ = ["make_engine", "make_session_factory", "session_scope", "advisory_lock", "dialect_name"]


def make_engine(url: str, *, echo: bool = False) -> Engine:
    """Create an engine for ``url`` with the pragmas and pool settings FEWS relies on."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        # a small statement cache: IN-lists of every length are distinct statements, and a large
        # cache of them grows memory without bound on long intakes
        engine = create_engine(url, echo=echo, connect_args={"timeout": 60, "cached_statements": 16})
        _configure_sqlite(engine)
        return engine
    return create_engine(url, echo=echo, pool_pre_ping=True)


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):  # type: ignore[no-untyped-def]
        dbapi_connection.isolation_level = None  # we issue BEGIN ourselves
        cur = dbapi_connection.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.execute("PRAGMA busy_timeout=60000")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn):  # type: ignore[no-untyped-def]
        immediate = conn.get_execution_options().get(IMMEDIATE_OPTION, False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(bind=engine, expire_on_commit=False)


@contextlib.contextmanager
def session_scope(factory: sessionmaker[Session]) -> Iterator[Session]:
    """One write transaction: commit on success, roll back on any error.

    On SQLite it takes the write lock at the start (``BEGIN IMMEDIATE``); do not open a second
    connection to the same database inside it.
    """
    bind = factory.kw["bind"]
    if bind is not None and bind.dialect.name == "sqlite":
        bind = bind.execution_options(**{IMMEDIATE_OPTION: True})
    session = factory(bind=bind)
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def dialect_name(session_or_engine: Session | Engine) -> str:
    bind = session_or_engine.get_bind() if isinstance(session_or_engine, Session) else session_or_engine
    return bind.dialect.name


def advisory_lock(session: Session, key: int) -> None:
    """Serialise a critical section for the rest of the transaction.

    PostgreSQL: ``pg_advisory_xact_lock``. SQLite: write transactions (:func:`session_scope`)
    already hold the database write lock, so nothing more is needed.
    """
    if dialect_name(session) == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": key})
