"""Shared fixtures: a migrated database on SQLite and, when FEWS_TEST_DATABASE_URL is set, PostgreSQL.

PostgreSQL tests create their own database (``fews_test_<random>``) on that server and drop it at
the end, so leftovers never matter.
"""

from __future__ import annotations

import datetime as dt
import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from fews import migrate
from fews.config import load_config
from fews.db import make_engine, make_session_factory
from fews.models import Base
from fews.runtime import Runtime

PG_URL = os.environ.get("FEWS_TEST_DATABASE_URL")
ENGINES = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
TODAY = dt.date(2026, 11, 23)


@pytest.fixture(scope="session")
def pg_server_url() -> Iterator[str]:
    """A fresh migrated PostgreSQL database for this test session (dropped afterwards)."""
    if not PG_URL:
        pytest.skip("FEWS_TEST_DATABASE_URL is not set")
    name = f"fews_test_{uuid.uuid4().hex[:10]}"
    admin = make_engine(PG_URL)
    with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    engine = make_engine(url)
    migrate.upgrade(engine)
    engine.dispose()
    yield url
    with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def _truncate_pg(url: str) -> None:
    engine = make_engine(url)
    names = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
    with engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    engine.dispose()


@pytest.fixture(params=ENGINES)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """URL of an empty, migrated database (one per test)."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'fews.db'}"
        engine = make_engine(url)
        migrate.upgrade(engine)
        engine.dispose()
        return url
    url = request.getfixturevalue("pg_server_url")
    _truncate_pg(url)
    return url


@pytest.fixture
def runtime(database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Runtime]:
    monkeypatch.setenv("FEWS_DATABASE_URL", database_url)
    monkeypatch.setenv("FEWS_INSTANCE_PATH", str(tmp_path / "instance"))
    monkeypatch.setenv("FEWS_SECRET_KEY", "test-secret-key-not-for-production")
    config = load_config().with_(testing=True)
    engine = make_engine(config.database_url)
    rt = Runtime(config, engine, make_session_factory(engine))
    yield rt
    rt.close()


@pytest.fixture
def today() -> dt.date:
    return TODAY
