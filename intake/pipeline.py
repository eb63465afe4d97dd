"""Ingest a file (or rows) of one kind: parse -> group -> validate -> resolve -> store | quarantine.

Work goes in chunks of about ``Config.intake_chunk_rows`` rows; each chunk is one transaction
holding its records, its quarantine items, the batch counters and one audit entry, so a crash
never leaves half a sample and a re-run counts the committed rows as duplicates. Memory is bounded
by the chunk size, whatever the file size.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import hashlib
import logging
import os
import sys
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import exc as sa_exc
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker
from tqdm import tqdm

from chem.standardise import STANDARDISATION_VERSION, StandardiseCache
from fews import audit
from fews.config import Config
from fews.db import session_scope
from fews.models import Component, IntakeBatch, QuarantineItem, Sample, utcnow
from fews.processes import process_label
from fews.substances import SubstanceRegistry
from intake.batches import BatchLiveness
from intake.kinds import KindSpec, get_kind
from intake.parsers import FileError, RawRow, detect_format, iter_rows
from intake.prepare import ChunkPreparer, PreparedChunk
from intake.prepare_worker import PreparingWorker, WorkerJob, worker_database_url, worker_wanted
from intake.quarantine import rows_from_payload, store_rejected
from intake.records import Record
from intake.resolve import NameResolver
from intake.store import store_prepared
from intake.validation.steps import ValidationContext

__all__ = ["IngestSummary", "Ingestor", "ingest_file", "PIPELINE_VERSION", "retry_quarantined"]

logger = logging.getLogger(__name__)

PIPELINE_VERSION = f"intake-1/standardise-{STANDARDISATION_VERSION}"  # bump "intake-N" when STEP_ORDER changes


@dataclass
class IngestSummary:
    batch_id: int
    rows: int = 0
    accepted: int = 0
    quarantined: int = 0
    duplicates: int = 0
    amended: int = 0
    warnings: int = 0
    reasons: Counter[str] = field(default_factory=Counter)
    already_quarantined: int = 0  # rows counted in duplicates because an identical record sits in quarantine
    spectra: dict[str, Any] | None = None  # spectrum files named by components, identified (intake/spectra.py)

    def as_dict(self) -> dict[str, Any]:
        return {
            "batch_id": self.batch_id,
            "rows": self.rows,
            "accepted": self.accepted,
            "quarantined": self.quarantined,
            "duplicates": self.duplicates,
            "amended": self.amended,
            "warnings": self.warnings,
            "reasons": dict(sorted(self.reasons.items())),
        } | ({"spectra": self.spectra} if self.spectra else {})


def london_today() -> dt.date:
    return dt.datetime.now(ZoneInfo("Europe/London")).date()


def file_sha256(path: str | os.PathLike[str]) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


class Ingestor:
    """Runs the intake chain for one kind. Reusable across files (keeps its structure cache)."""

    def __init__(
        self,
        factory: sessionmaker[Session],
        config: Config,
        kind: str,
        *,
        actor: str = "cli",
        via: str = "cli",
        user_id: int | None = None,
        today: dt.date | None = None,
        structures: StandardiseCache | None = None,
        resolver: NameResolver | None = None,
    ):
        self.factory = factory
        self.config = config
        self.spec: KindSpec = get_kind(kind)
        self.actor = actor
        self.via = via
        self.user_id = user_id
        self.today = today or london_today()
        self.structures = structures or StandardiseCache()
        self.resolver = resolver or NameResolver(factory, use_opsin=config.use_opsin)
        self.registry = SubstanceRegistry(self.resolver.table)
        self.preparer = ChunkPreparer(
            self.spec,
            today=self.today,
            structures=self.structures,
            resolver=self.resolver,
            security_marking=config.security_marking,
            chunk_rows=config.intake_chunk_rows,
        )
        self.worker_stats: dict[str, Any] | None = None  # figures of the last file's worker process, if any
        self._liveness: BatchLiveness | None = None  # held while a batch runs (intake.batches)

    @property
    def vctx(self) -> ValidationContext:
        """The validation context (``today`` may be moved on between calls, as replay does)."""
        return self.preparer.vctx

    # -- batches -------------------------------------------------------------------------------------
    def _open_batch(self, source_name: str, fmt: str, digest: str | None, provider: str | None) -> int:
        try:
            return self._insert_batch(source_name, fmt, digest, provider)
        except BaseException:
            if self._liveness is not None:
                self._liveness.release()
                self._liveness = None
            raise

    def _insert_batch(self, source_name: str, fmt: str, digest: str | None, provider: str | None) -> int:
        with session_scope(self.factory) as s:
            batch = IntakeBatch(
                kind=self.spec.name,
                source_name=source_name[:500],
                file_sha256=digest,
                file_format=fmt,
                provider=provider,
                submitted_by=self.actor,
                status="running",
                host=process_label(),
                pipeline_version=PIPELINE_VERSION,
                reasons={},
            )
            s.add(batch)
            s.flush()
            # proof of life from before the row is visible to others until the batch closes (intake.batches)
            self._liveness = BatchLiveness(s, batch.id)
            audit.record(
                s,
                actor=self.actor,
                via=self.via,
                action="intake.batch.start",
                object_type="intake_batch",
                object_id=batch.id,
                content={"source": source_name, "sha256": digest, "kind": self.spec.name},
            )
            return batch.id

    def _close_batch(self, summary: IngestSummary, *, error: str | None = None) -> None:
        try:
            with session_scope(self.factory) as s:
                batch = s.get(IntakeBatch, summary.batch_id)
                assert batch is not None
                batch.status = "failed" if error else "complete"
                batch.error = error
                batch.completed_at = utcnow()
                audit.record(
                    s,
                    actor=self.actor,
                    via=self.via,
                    action="intake.batch.finish",
                    object_type="intake_batch",
                    object_id=batch.id,
                    content=summary.as_dict(),
                )
        finally:
            liveness, self._liveness = self._liveness, None
            if liveness is not None:
                liveness.release()

    # -- public entry points ----------------------------------------------------------------------------
    def ingest_file(
        self,
        path: str | os.PathLike[str],
        *,
        provider: str | None = None,
        fmt: str | None = None,
        progress: bool = False,
    ) -> IngestSummary:
        """Ingest one file (CSV, JSON or SDF); raises :class:`FileError` if it cannot be read at all."""
        fmt = fmt or detect_format(path)
        rows = iter_rows(path, self.spec.name, fmt)
        first = next(rows, None)  # raises FileError before any batch is opened
        if first is not None:
            self._check_columns(first, fmt)
        digest = file_sha256(path)
        source = Path(path).name
        url = self._worker_url() if first is not None else None
        if url is not None and worker_wanted(self.config.intake_worker, path, url):
            close = getattr(rows, "close", None)
            if close is not None:
                close()  # the worker reads the file itself
            summary = self._ingest_with_worker(
                path, url, source=source, fmt=fmt, digest=digest, provider=provider, progress=progress
            )
        else:
            summary = self.ingest_rows(
                _chain(first, rows), source_name=source, fmt=fmt, digest=digest, provider=provider, progress=progress
            )
        if self.spec.name == "seizures" and summary.accepted:
            folder = Path(path).parent
            summary.spectra = _identify_spectra(self.factory, self.config, summary.batch_id, folder, self.today)
        return summary

    def ingest_rows(
        self,
        rows: Iterable[RawRow],
        *,
        source_name: str,
        fmt: str,
        digest: str | None = None,
        provider: str | None = None,
        progress: bool = False,
    ) -> IngestSummary:
        stream = (self._prepare(chunk) for chunk in self.chunks(rows, provider))
        return self._run(stream, source_name=source_name, fmt=fmt, digest=digest, provider=provider, progress=progress)

    def _worker_url(self) -> str | None:
        """The database URL a worker process can open (the session factory's engine), or None."""
        bind = self.factory.kw.get("bind")
        url = bind.url.render_as_string(hide_password=False) if bind is not None else self.config.database_url
        return worker_database_url(url)

    def _ingest_with_worker(
        self,
        path: str | os.PathLike[str],
        url: str,
        *,
        source: str,
        fmt: str,
        digest: str,
        provider: str | None,
        progress: bool,
    ) -> IngestSummary:
        """Store chunks that a worker process prepares ahead (``intake.prepare_worker``)."""
        job = WorkerJob(
            database_url=url,
            kind=self.spec.name,
            path=str(Path(path).resolve()),
            fmt=fmt,
            provider=provider,
            today=self.vctx.today,
            use_opsin=self.resolver.use_opsin,
            security_marking=self.config.security_marking,
            chunk_rows=self.config.intake_chunk_rows,
        )
        worker = PreparingWorker(job)
        try:
            # one-off work of the storing side while the worker starts: index the synonym table
            # (preferred names of new substances)
            self.registry.table.names_for("")
            summary = self._run(
                worker.chunks(), source_name=source, fmt=fmt, digest=digest, provider=provider, progress=progress
            )
        finally:
            worker.close()
        self.worker_stats = dict(worker.stats)
        return summary

    def chunks(self, rows: Iterable[RawRow], provider: str | None) -> Iterator[list[Record]]:
        """Group rows into records and records into chunks of about ``intake_chunk_rows`` rows."""
        return self.preparer.chunks(rows, provider)

    def _run(
        self,
        prepared: Iterable[PreparedChunk],
        *,
        source_name: str,
        fmt: str,
        digest: str | None,
        provider: str | None,
        progress: bool,
    ) -> IngestSummary:
        summary = IngestSummary(batch_id=self._open_batch(source_name, fmt, digest, provider))
        bar = tqdm(
            total=None,
            unit=" rows",
            file=sys.stderr,
            disable=not progress,
            mininterval=0.5,
            desc=f"ingest {self.spec.name}",
        )
        try:
            with _fewer_gc_passes():
                for chunk_no, chunk in enumerate(prepared, start=1):
                    self._store_chunk(chunk, summary, chunk_no)
                    bar.update(chunk[2])
                    if chunk_no % FULL_GC_EVERY_CHUNKS == 0:
                        gc.collect()  # reference cycles (sessions, closures) made per chunk: keep memory flat
        except BaseException as exc:
            bar.close()
            try:
                self._close_batch(summary, error=f"{type(exc).__name__}: {exc}"[:2000])
            except Exception:  # the database may be the thing that failed; keep the original error
                logger.exception("could not mark batch %s failed", summary.batch_id)
            raise
        bar.close()
        self._close_batch(summary)
        return summary

    def _check_columns(self, first: RawRow, fmt: str) -> None:
        if fmt != "csv" or first.error:
            return
        required = {r for r in self.spec.required if isinstance(r, str)}
        if self.spec.key_field not in first.data:
            missing = sorted(required - set(first.data))
            raise FileError(
                f"this does not look like a {self.spec.name} file: missing column(s) {', '.join(missing)}; "
                f"expected at least {', '.join(sorted(required))}"
            )

    # -- one chunk ------------------------------------------------------------------------------------
    def _prepare(self, records: list[Record]) -> PreparedChunk:
        return self.preparer.prepare(records)

    def _store_chunk(self, chunk: PreparedChunk, summary: IngestSummary, chunk_no: int) -> None:
        prepared, rejected, nrows = chunk
        if self.spec.name == "reports" and self.user_id is not None:
            for p in prepared:
                p.header["reporter_user_id"] = self.user_id
        for attempt in (1, 2):
            try:
                with session_scope(self.factory) as s:
                    counts = store_prepared(
                        s,
                        self.spec.name,
                        prepared,
                        batch_id=summary.batch_id,
                        submitted_by=self.actor,
                        registry=self.registry,
                    )
                    q_rows, q_dupes = store_rejected(s, self.spec.name, rejected, batch_id=summary.batch_id)
                    warnings = sum(p.warnings for p in prepared)
                    reasons: Counter[str] = Counter()
                    for rej in rejected:
                        reasons.update(rej.row_codes())
                    batch = s.get(IntakeBatch, summary.batch_id)
                    assert batch is not None
                    batch.rows += nrows
                    batch.accepted += counts.accepted
                    batch.duplicates += counts.duplicates + q_dupes
                    batch.quarantined += q_rows
                    batch.amended += counts.amended
                    batch.warnings += warnings
                    batch.reasons = dict(Counter(batch.reasons or {}) + reasons)
                    audit.record(
                        s,
                        actor=self.actor,
                        via=self.via,
                        action=f"intake.{self.spec.name}.chunk",
                        object_type="intake_batch",
                        object_id=f"{summary.batch_id}#{chunk_no}",
                        content=[(p.provider, p.key, p.header_sha256, p.row_hashes) for p in prepared]
                        + [(r.provider, r.record_key, r.row_codes()) for r in rejected],
                    )
                break
            except (sa_exc.IntegrityError, sa_exc.OperationalError) as exc:
                # another process stored some of these records first (or PostgreSQL chose this
                # transaction as a deadlock victim): re-read and count them as duplicates
                self.registry.forget()
                if attempt == 2 or (isinstance(exc, sa_exc.OperationalError) and not _retryable(exc)):
                    raise
        summary.rows += nrows
        summary.accepted += counts.accepted
        summary.duplicates += counts.duplicates + q_dupes
        summary.already_quarantined += q_dupes
        summary.quarantined += q_rows
        summary.amended += counts.amended
        summary.warnings += warnings
        summary.reasons.update(reasons)
        if summary.accepted + summary.quarantined + summary.duplicates != summary.rows:
            raise AssertionError(f"intake counts do not add up: {summary.as_dict()}")


FULL_GC_EVERY_CHUNKS = 20
_RETRYABLE_SQLSTATES = {"40001", "40P01"}  # serialization failure, deadlock detected


def _retryable(exc: sa_exc.OperationalError) -> bool:
    return getattr(exc.orig, "sqlstate", None) in _RETRYABLE_SQLSTATES


@contextlib.contextmanager
def _fewer_gc_passes() -> Iterator[None]:
    """Intake allocates many short-lived dicts and keeps few; with the default thresholds the cyclic
    garbage collector runs every 700 allocations and scans the whole heap often (about 20% of the
    time). Raise the youngest generation's threshold while ingesting, then restore it; a full
    collection every ``FULL_GC_EVERY_CHUNKS`` chunks keeps memory flat on long files.

    The objects that exist when intake starts (modules, vocabularies, the chemistry toolkit's
    wrappers: most of the heap) are set aside with :func:`gc.freeze` meanwhile, so those
    collections scan only what intake made; :func:`gc.unfreeze` hands them back afterwards. Both
    only change which objects a collection looks at, never what is freed."""
    before = gc.get_threshold()
    gc.set_threshold(max(before[0], 50_000), before[1], max(before[2], 50))
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()
        gc.set_threshold(*before)


def _chain(first: RawRow | None, rest: Iterator[RawRow]) -> Iterator[RawRow]:
    if first is not None:
        yield first
        yield from rest


def ingest_file(
    factory: sessionmaker[Session],
    config: Config,
    kind: str,
    path: str | os.PathLike[str],
    *,
    provider: str | None = None,
    actor: str = "cli",
    via: str = "cli",
    user_id: int | None = None,
    fmt: str | None = None,
    progress: bool = False,
    today: dt.date | None = None,
) -> IngestSummary:
    """Ingest one file; see :class:`Ingestor`. Raises :class:`FileError` for an unreadable file."""
    ing = Ingestor(factory, config, kind, actor=actor, via=via, user_id=user_id, today=today)
    return ing.ingest_file(path, provider=provider, fmt=fmt, progress=progress)


def _identify_spectra(
    factory: sessionmaker[Session], config: Config, batch_id: int, base_dir: Path, on_date: dt.date
) -> dict[str, Any] | None:
    """Identify spectrum files the batch's components name (against shipped + imported libraries)."""
    from intake.spectra import identify_batch_spectra
    from reference_spectra.library import load_library
    from reference_spectra.user_library import default_library_paths, index_dir

    has_files = False
    with session_scope(factory) as s:
        has_files = bool(
            s.scalar(
                select(Component.id)
                .join(Sample, Sample.id == Component.sample_pk)
                .where(Sample.batch_id == batch_id, Component.spectrum_file.is_not(None), Component.spectrum_file != "")
                .limit(1)
            )
        )
    if not has_files:
        return None
    library = load_library(default_library_paths(config.instance_path), cache_dir=index_dir(config.instance_path))
    result = identify_batch_spectra(factory, batch_id, base_dir=base_dir, on_date=on_date, library=library)
    return result.as_dict()


def retry_quarantined(
    factory: sessionmaker[Session],
    config: Config,
    item_id: int,
    *,
    actor: str,
    via: str = "cli",
    today: dt.date | None = None,
) -> tuple[IngestSummary, str]:
    """Re-run the current pipeline on a quarantined record. Returns the summary and the item's new status."""
    with session_scope(factory) as s:
        item = s.get(QuarantineItem, item_id)
        if item is None:
            raise LookupError(f"no quarantine item {item_id}")
        if item.status != "open":
            raise ValueError(f"quarantine item {item_id} is {item.status}, not open")
        if item.payload is None:
            raise ValueError(f"quarantine item {item_id} was purged; its payload is gone")
        kind, provider, payload = item.kind, item.provider, item.payload
    ing = Ingestor(factory, config, kind, actor=actor, via=via, today=today)
    rows = rows_from_payload(payload)
    for r in rows:
        r.group = r.group or f"retry:{item_id}"
    summary = ing.ingest_rows(rows, source_name=f"quarantine:{item_id}", fmt="retry", provider=provider)
    with session_scope(factory) as s:
        item = s.get(QuarantineItem, item_id)
        assert item is not None
        if summary.quarantined == 0 and summary.already_quarantined == 0:
            item.status = "released"
            item.resolved_at = utcnow()
            item.resolved_by = actor
            item.resolution_note = f"accepted on retry in batch {summary.batch_id}"
        status = item.status
        audit.record(
            s,
            actor=actor,
            via=via,
            action="quarantine.retry",
            object_type="quarantine_item",
            object_id=item_id,
            content=summary.as_dict(),
        )
    return summary, status


def quarantine_query(kind: str | None = None, status: str | None = "open"):  # type: ignore[no-untyped-def]
    stmt = select(QuarantineItem).order_by(QuarantineItem.id)
    if kind:
        stmt = stmt.where(QuarantineItem.kind == kind)
    if status:
        stmt = stmt.where(QuarantineItem.status == status)
    return stmt
