"""Fixtures for multi-process tests against the real PostgreSQL server (``FEWS_TEST_DATABASE_URL``).

Each test gets its own fresh, migrated ``fews_test_<random>`` database, dropped afterwards, so
processes started by a test share it and nothing leaks between tests.
"""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from fews import migrate
from fews.db import make_engine

PG_URL = os.environ.get("FEWS_TEST_DATABASE_URL")


@pytest.fixture
def pg_url() -> Iterator[str]:
    """URL of a fresh migrated PostgreSQL database for this test."""
    if not PG_URL:
        pytest.skip("FEWS_TEST_DATABASE_URL is not set (multi-process tests need PostgreSQL)")
    name = f"fews_test_{uuid.uuid4().hex[:10]}"
    admin = make_engine(PG_URL)
    with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    engine = make_engine(url)
    migrate.upgrade(engine)
    engine.dispose()
    try:
        yield url
    finally:
        with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def fews_env(pg_url: str, tmp_path: Path) -> dict[str, str]:
    """Environment for ``fews`` subprocesses on that database (no Java, small intake chunks)."""
    return dict(
        os.environ,
        FEWS_DATABASE_URL=pg_url,
        FEWS_INSTANCE_PATH=str(tmp_path / "instance"),
        FEWS_SECRET_KEY="test-secret-key-not-for-production",
        FEWS_USE_OPSIN="0",
        FEWS_INTAKE_CHUNK_ROWS="200",
    )


def start_fews(env: dict[str, str], *args: str) -> subprocess.Popen[str]:
    """Start ``fews ARGS...`` as a separate process (stdout and stderr captured)."""
    return subprocess.Popen(
        [sys.executable, "-c", "from fews.cli import main; main()", *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
