"""Intake batches whose process died: proven dead, then marked ``abandoned`` (never guessed from age).

A batch is ``running`` from its first to its last chunk. If the ingesting process is killed the row
would stay ``running`` for ever, and a user watching the result page or ``/metrics`` would wait for
it. While it runs, the ingesting process proves it is alive:

* on PostgreSQL by holding a session-level advisory lock on the batch (:class:`BatchLiveness`) on a
  connection of its own; the server drops the lock when the process or its machine dies, so any
  process on any machine can test it (``pg_try_advisory_xact_lock``);
* on SQLite (one machine) by its ``hostname:pid`` in ``intake_batch.host``, checked against the
  process table.

:func:`abandon_stale` marks the batches whose process is proven gone ``abandoned`` with an audit
entry. Their committed chunks stay (each chunk is one transaction); re-running the same file
stores the rest exactly once (committed rows come back as duplicates). The scheduler runs it every
10 minutes (job ``abandon_stale_batches``).
"""

from __future__ import annotations

import logging
import zlib

from sqlalchemy import Connection, Engine, select, text, update
from sqlalchemy.orm import Session, sessionmaker

from fews import audit
from fews.db import dialect_name, session_scope
from fews.models import IntakeBatch, utcnow
from fews.processes import process_gone

__all__ = ["BatchLiveness", "abandon_stale"]

logger = logging.getLogger(__name__)

# First key of the two-key advisory lock: a namespace so intake locks never collide with job locks.
_NAMESPACE = zlib.crc32(b"fews-intake-batch") - 2**31  # a signed 32-bit integer, as PostgreSQL wants


def _key(batch_id: int) -> dict[str, int]:
    return {"ns": _NAMESPACE, "id": batch_id}


class BatchLiveness:
    """Held by the ingesting process from just before its batch row commits until the batch closes.

    On PostgreSQL it holds ``pg_advisory_lock(namespace, batch id)`` on a dedicated connection; on
    SQLite it holds nothing (the ``host`` column is the proof there).
    """

    def __init__(self, session: Session, batch_id: int) -> None:
        self._conn: Connection | None = None
        bind = session.get_bind()
        engine = bind if isinstance(bind, Engine) else bind.engine
        if engine.dialect.name == "postgresql":
            self._conn = engine.connect()
            self._conn.execute(text("SELECT pg_advisory_lock(:ns, :id)"), _key(batch_id))
            self._conn.commit()  # the lock is the session's, not the transaction's: it stays
        self.batch_id = batch_id

    def release(self) -> None:
        if self._conn is None:
            return
        try:
            self._conn.execute(text("SELECT pg_advisory_unlock(:ns, :id)"), _key(self.batch_id))
            self._conn.commit()
        finally:
            self._conn.close()  # closing alone would do: the pool resets the connection
            self._conn = None


def abandon_stale(factory: sessionmaker[Session], *, actor: str = "scheduler", via: str = "scheduler") -> list[int]:
    """Mark ``abandoned`` every running batch whose process is proven gone; returns their ids."""
    with session_scope(factory) as s:
        running = s.execute(select(IntakeBatch.id, IntakeBatch.host).where(IntakeBatch.status == "running")).all()
        if dialect_name(s) == "postgresql":
            dead = [
                pk
                for pk, _ in running
                if s.execute(text("SELECT pg_try_advisory_xact_lock(:ns, :id)"), _key(pk)).scalar()
            ]
        else:
            dead = [pk for pk, host in running if process_gone(host)]
        for pk in dead:
            s.execute(
                update(IntakeBatch)
                .where(IntakeBatch.id == pk, IntakeBatch.status == "running")
                .values(
                    status="abandoned",
                    completed_at=utcnow(),
                    error="its process stopped before the batch finished; committed chunks are kept: "
                    "submit the same file again to store the rest (stored rows come back as duplicates)",
                )
            )
            audit.record(
                s,
                actor=actor,
                via=via,
                action="intake.batch.abandoned",
                object_type="intake_batch",
                object_id=pk,
                content={"reason": "process gone"},
            )
    if dead:
        logger.warning("intake: %d batch(es) abandoned by a process that stopped: %s", len(dead), dead)
    return dead
