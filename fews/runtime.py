"""Open the configured database for a command, the scheduler or the web app."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from fews import migrate
from fews.config import Config, load_config
from fews.db import make_engine, make_session_factory

__all__ = ["Runtime", "open_runtime", "NotMigrated"]


class NotMigrated(RuntimeError):
    """The database is not at the latest migration; the message says how to fix it."""


@dataclass
class Runtime:
    config: Config
    engine: Engine
    factory: sessionmaker[Session]

    def close(self) -> None:
        self.engine.dispose()


def open_runtime(
    *, database_url: str | None = None, config: Config | None = None, check_migrated: bool = True
) -> Runtime:
    config = config or load_config(database_url=database_url)
    engine = make_engine(config.database_url)
    if check_migrated and not migrate.is_at_head(engine):
        current = migrate.current_revision(engine)
        engine.dispose()
        raise NotMigrated(
            f"the database is at migration {current or 'none'}, not {migrate.head_revision()}: run `fews init`"
        )
    return Runtime(config, engine, make_session_factory(engine))
