"""Helpers for fault tests: run ``fews`` in a child process against the test database, wait for a
condition in the database, and kill the child with SIGKILL part-way."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

# a small set of real structures, repeated: the standardisation cache keeps a large file quick
STRUCTURES = (
    ("cocaine", "COC(=O)C1C(OC(=O)c2ccccc2)CC2CCC1N2C"),
    ("mephedrone", "CNC(C)C(=O)c1ccc(C)cc1"),
    ("caffeine", "Cn1cnc2c1c(=O)n(C)c(=O)n2C"),
    ("eutylone", "CCC(NCC)C(=O)c1ccc2OCOc2c1"),
    ("ketamine", "CNC1(CCCCC1=O)c1ccccc1Cl"),
    ("MDMA", "CNC(C)Cc1ccc2OCOc2c1"),
    ("alpha-PHP", "CCCCC(N1CCCC1)C(=O)c1ccccc1"),
    ("benzocaine", "CCOC(=O)c1ccc(N)cc1"),
)


@pytest.fixture
def fews_env(database_url: str, tmp_path: Path) -> dict[str, str]:
    """Environment for a child ``fews`` process on the test database (no OPSIN, no secrets from the host)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("FEWS_")}
    env.update(
        FEWS_DATABASE_URL=database_url,
        FEWS_INSTANCE_PATH=str(tmp_path / "instance"),
        FEWS_USE_OPSIN="0",
        FEWS_SECRET_KEY="test-secret-key-not-for-production",
        PYTHONUNBUFFERED="1",
    )
    return env


def fews_command(*args: str) -> list[str]:
    """``fews ARGS`` in a child process, through the same entry point as the installed script."""
    return [sys.executable, "-c", "import sys; from fews.cli import cli; cli(sys.argv[1:], prog_name='fews')", *args]


def run_fews(env: dict[str, str], *args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    return subprocess.run(fews_command(*args), env=env, capture_output=True, text=True, timeout=timeout)


def start(argv: list[str], env: dict[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen(argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def kill_when(
    proc: subprocess.Popen[str], condition: Callable[[], bool], *, timeout: float = 120, poll: float = 0.02
) -> None:
    """SIGKILL ``proc`` as soon as ``condition()`` holds; fail if the process ends first (the test
    would then prove nothing about a crash)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            out, err = proc.communicate()
            pytest.fail(f"the process ended (exit {proc.returncode}) before it could be killed: {err[-2000:]}")
        if condition():
            os.kill(proc.pid, signal.SIGKILL)
            proc.communicate(timeout=30)
            assert proc.returncode == -signal.SIGKILL
            return
        time.sleep(poll)
    proc.kill()
    proc.communicate()
    pytest.fail(f"condition not reached within {timeout} s")


@pytest.fixture
def children() -> Iterator[list[subprocess.Popen[str]]]:
    """Child processes a test starts; any left running at the end are killed."""
    procs: list[subprocess.Popen[str]] = []
    yield procs
    for p in procs:
        if p.poll() is None:
            p.kill()
            p.communicate()
