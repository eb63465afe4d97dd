"""What every ``fews`` command module shares: output and database options, the usage-error
exception (exit code 2), opening the runtime, and checking ``--as USERNAME``.

Kept apart from :mod:`fews.cli` so command modules beside their packages (detection, alerts,
policy, screening) import it without importing the whole command tree.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import click

from fews.access import PermissionDenied, require
from fews.config import ConfigError
from fews.db import session_scope
from fews.runtime import NotMigrated, Runtime, open_runtime

__all__ = ["FORMAT", "DB", "UsageFailure", "with_runtime", "acting_user"]

FORMAT = click.option(
    "--format",
    "fmt",
    type=click.Choice(["jsonl", "table"]),
    default="jsonl",
    show_default=True,
    help="jsonl for machines, table for people",
)
DB = click.option(
    "--db",
    "db_url",
    default=None,
    metavar="URL",
    help="database URL (default: FEWS_DATABASE_URL, else SQLite in instance/fews.db)",
)


class UsageFailure(click.ClickException):
    exit_code = 2


def with_runtime(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Open the migrated database for the command and close it afterwards."""

    @DB
    @functools.wraps(fn)
    def wrapper(*args: Any, db_url: str | None = None, **kwargs: Any) -> Any:
        try:
            rt = open_runtime(database_url=db_url)
        except (NotMigrated, ConfigError) as exc:
            raise UsageFailure(str(exc)) from None
        try:
            return fn(rt, *args, **kwargs)
        finally:
            rt.close()

    return wrapper


def acting_user(rt: Runtime, username: str | None, permission: str) -> str:
    """Check ``--as USERNAME`` against the permission table; returns the actor label for the audit log."""
    from fews.accounts import get_user

    if not username:
        raise UsageFailure(f"this command changes state: give --as USERNAME (needs permission {permission})")
    with session_scope(rt.factory) as s:
        user = get_user(s, username)
        if user is None or not user.active:
            raise UsageFailure(f"no active user {username!r}")
        try:
            require(user.role, permission)
        except PermissionDenied as exc:
            raise UsageFailure(str(exc)) from None
    return username
