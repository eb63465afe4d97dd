"""Prepare a file's chunks in a worker process while the ingesting process stores them.

Intake has two halves of similar cost: parsing, validating and building a chunk
(:class:`intake.prepare.ChunkPreparer`, pure CPU) and storing it (one transaction). For a large
file the worker process reads the file and prepares chunk *n + 1* while the ingesting process
stores chunk *n*; chunks arrive in file order, so storage, audit entries and crash safety are
exactly as without the worker (every write still happens in the ingesting process, one
transaction per chunk).

The worker is started with the ``spawn`` context (a fresh interpreter: safe from threaded web
servers, unlike ``fork``). Chunks travel pickled through a pipe of bounded size, so at most about
two chunks are in flight and memory stays bounded. If the ingesting process dies (SIGKILL), the
worker's next write fails with a broken pipe and it exits; if the worker dies, the ingesting
process gets :class:`IntakeWorkerError` and the batch is marked failed.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import logging
import multiprocessing
import os
import pickle
import threading
import traceback
from collections.abc import Iterator
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from sqlalchemy.engine import make_url

from intake.prepare import PreparedChunk

__all__ = [
    "WorkerJob",
    "IntakeWorkerError",
    "AUTO_MIN_FILE_BYTES",
    "MIN_FILE_BYTES",
    "PreparingWorker",
    "worker_database_url",
    "worker_wanted",
]

logger = logging.getLogger(__name__)

#: Files smaller than this (about 4,000 seizure rows) are prepared in-process: starting a worker
#: (a fresh interpreter importing RDKit and SQLAlchemy, ~0.6 s) would cost more than it saves.
MIN_FILE_BYTES = 1_000_000

#: ``auto`` starts a worker only for files of at least this size (about 34,000 seizure rows): below
#: it the worker's start-up outweighs the overlap. Measured on an idle 2-CPU machine (2026-12-07,
#: seizure CSV, SQLite): 20k rows 1.37 s in-process vs 1.47 s with the worker, 50k rows 2.72 s vs
#: 2.30 s, 100k rows 1.35x faster with the worker; break-even near 27k rows (6.5 MB).
AUTO_MIN_FILE_BYTES = 8_000_000

_QUEUE_CHUNKS = 2  # prepared chunks the worker may hold ready besides the one being sent


class IntakeWorkerError(RuntimeError):
    """The worker process failed or stopped; the message carries its traceback or exit code."""


@dataclass(frozen=True)
class WorkerJob:
    """What the worker needs to prepare a file exactly as the ingesting process would."""

    database_url: str  # for the name-resolution cache (read; written only when OPSIN runs)
    kind: str
    path: str
    fmt: str
    provider: str | None
    today: dt.date
    use_opsin: bool
    security_marking: str
    chunk_rows: int


def worker_database_url(url: str) -> str | None:
    """The URL a worker process can open for the same database, or None (in-memory SQLite)."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database or ""
        if not database or database == ":memory:" or database.startswith("file::memory:") or "mode=memory" in url:
            return None
    return parsed.render_as_string(hide_password=False)


def _peak_rss_mb() -> float | None:
    try:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


def _loads(blob: bytes) -> Any:
    """Unpickle with the cyclic garbage collector paused: a chunk is tens of thousands of new
    containers (no cycles), and collections triggered while they are built cost more than the
    unpickling itself."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        return pickle.loads(blob)
    finally:
        if enabled:
            gc.enable()


def _work(conn: Connection, job: WorkerJob) -> None:
    """Worker entry point: prepare every chunk of ``job.path`` and send them in order."""
    from chem.standardise import StandardiseCache
    from fews.db import make_engine, make_session_factory
    from intake.kinds import get_kind
    from intake.parsers import iter_rows
    from intake.prepare import ChunkPreparer
    from intake.resolve import NameResolver

    engine = make_engine(job.database_url)
    ready: list[bytes | None] = []
    cond = threading.Condition()
    failed: list[BaseException] = []

    def sender() -> None:
        # sends while the main thread prepares the next chunk (the GIL is free during the write)
        try:
            while True:
                with cond:
                    cond.wait_for(lambda: bool(ready))
                    blob = ready.pop(0)
                    cond.notify_all()
                if blob is None:
                    return
                conn.send_bytes(blob)
        except BaseException as exc:  # broken pipe: the ingesting process is gone
            with cond:
                failed.append(exc)
                cond.notify_all()

    thread = threading.Thread(target=sender, name="intake-sender", daemon=True)
    thread.start()

    def put(blob: bytes | None) -> None:
        with cond:
            cond.wait_for(lambda: len(ready) < _QUEUE_CHUNKS or bool(failed))
            if failed:
                raise failed[0]
            ready.append(blob)
            cond.notify_all()

    try:
        structures = StandardiseCache()
        resolver = NameResolver(make_session_factory(engine), use_opsin=job.use_opsin)
        preparer = ChunkPreparer(
            get_kind(job.kind),
            today=job.today,
            structures=structures,
            resolver=resolver,
            security_marking=job.security_marking,
            chunk_rows=job.chunk_rows,
        )
        before = gc.get_threshold()
        gc.set_threshold(max(before[0], 50_000), before[1], max(before[2], 50))  # see pipeline._fewer_gc_passes
        rows = iter_rows(job.path, job.kind, job.fmt)
        for n, records in enumerate(preparer.chunks(rows, job.provider), start=1):
            put(pickle.dumps(("chunk", preparer.prepare(records)), protocol=pickle.HIGHEST_PROTOCOL))
            if n % 20 == 0:
                gc.collect()
        stats = {"structures": structures.stats, "peak_rss_mb": _peak_rss_mb(), "opsin_calls": resolver.opsin_calls}
        put(pickle.dumps(("done", stats), protocol=pickle.HIGHEST_PROTOCOL))
        put(None)
    except BaseException as exc:
        if failed:  # the reader is gone: nobody to tell
            return
        try:
            payload: Any = exc
            pickle.dumps(exc)
        except Exception:
            payload = None
        text = "".join(traceback.format_exception(exc))
        with contextlib.suppress(BaseException):
            with cond:
                ready.clear()
            put(pickle.dumps(("error", (payload, text)), protocol=pickle.HIGHEST_PROTOCOL))
            put(None)
    finally:
        thread.join()
        conn.close()
        engine.dispose()


class PreparingWorker:
    """A started worker process preparing ``job``; iterate :meth:`chunks`, then :meth:`close`.

    The process starts at construction, so the caller can do its own one-off work (opening the
    batch, indexing the synonym table) while the worker imports its modules and reads the file.
    ``stats`` holds the worker's figures once every chunk was read (structure cache, peak RSS in MB).
    """

    def __init__(self, job: WorkerJob):
        ctx = multiprocessing.get_context("spawn")
        self._reader, writer = ctx.Pipe(duplex=False)
        self._proc = ctx.Process(target=_work, args=(writer, job), name="fews-intake-prepare", daemon=True)
        self._proc.start()
        writer.close()  # only the worker writes: its exit closes the pipe
        self.stats: dict[str, Any] = {}
        self._done = False

    def chunks(self) -> Iterator[PreparedChunk]:
        """Yield the prepared chunks in file order.

        Raises
        ------
        IntakeWorkerError
            If the worker dies or fails with an exception that cannot be carried across (the
            worker's own exception is re-raised when it can be).
        """
        while True:
            try:
                blob = self._reader.recv_bytes()
            except EOFError:
                self._proc.join(timeout=5)
                raise IntakeWorkerError(
                    f"the intake worker process stopped unexpectedly (exit code {self._proc.exitcode})"
                ) from None
            tag, body = _loads(blob)
            if tag == "chunk":
                yield body
            elif tag == "done":
                self.stats.update(body)
                self._done = True
                return
            else:
                exc, text = body
                if isinstance(exc, BaseException):
                    raise exc
                raise IntakeWorkerError(f"the intake worker process failed:\n{text}")

    def close(self) -> None:
        """Stop the worker (at once if it has not finished) and release the pipe."""
        self._reader.close()
        if not self._done and self._proc.is_alive():
            self._proc.terminate()
        self._proc.join(timeout=10)
        if self._proc.is_alive():
            self._proc.kill()
            self._proc.join()


def worker_wanted(mode: str, path: str | os.PathLike[str], database_url: str | None) -> bool:
    """Whether to prepare ``path`` in a worker process.

    ``mode`` is ``Config.intake_worker``: ``off`` never; ``on`` whenever the file has at least
    :data:`MIN_FILE_BYTES` and the worker can open the database; ``auto`` (the default) only for
    files of at least :data:`AUTO_MIN_FILE_BYTES` and when a CPU is free (:func:`spare_cpu`): a
    worker competing for a busy CPU slows intake down (measured: 0.08 instead of 0.15 of the
    baseline at a load average of 4 on 2 CPUs). A daemonic process (which may not have children)
    never starts one.
    """
    if mode not in ("auto", "on", "off"):
        raise ValueError(f"intake worker mode must be auto, on or off, got {mode!r}")
    if mode == "off" or database_url is None or multiprocessing.current_process().daemon:
        return False
    try:
        size = Path(path).stat().st_size
    except OSError:
        return False
    if mode == "on":
        return size >= MIN_FILE_BYTES
    return size >= AUTO_MIN_FILE_BYTES and spare_cpu()


def spare_cpu() -> bool:
    """True when at least one CPU is idle besides the one this process runs on: two or more CPUs
    and a one-minute load average (which counts this process) below ``CPUs - 0.5``."""
    cpus = os.cpu_count() or 1
    if cpus < 2:
        return False
    try:
        load = os.getloadavg()[0]
    except OSError:  # not available on this platform
        return True
    return load < cpus - 0.5
