"""Bulk legal screening of large catalogues: ``fews screen FILE --engine local|dask --out FILE.parquet``.

A catalogue (SMILES lines, SDF or Parquet; :mod:`fews.screen_input`) is read as a stream and cut
into chunks of ``chunk_size`` structures. Each chunk is classified by the same
:class:`chem.legal.LegalEngine` as ``fews classify`` (rules plus the database's legal-status
overlay, as at one date) and written to Parquet as one row group, one row per structure with the
DESIGN.md §6 classify fields, in input order.

Engines:

- ``local``: in this process, one chunk at a time.
- ``dask``: chunks go to a Dask cluster — a :class:`distributed.LocalCluster` of worker processes
  (``workers``, default one per core; no dashboard) or an existing scheduler by address. Each worker
  builds its engine once and keeps it. At most ``2 x workers`` chunks are in flight and results are
  written in order as they arrive, so memory stays bounded by a few chunks whatever the catalogue
  size. Scripts that call :func:`screen` with the dask engine must guard their entry point with
  ``if __name__ == "__main__":`` (worker processes are spawned and re-import the main module).

Invalid structures are never dropped: they get ``status: invalid`` with the reason in
``explanation``.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import time
from collections import Counter, deque
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import islice
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from chem.legal.overlay import OverlayEvent
from fews.screen_input import CatalogueItem

__all__ = ["ENGINES", "SCREEN_SCHEMA", "ScreenSummary", "chunked", "classify_chunk", "screen"]

logger = logging.getLogger(__name__)

ENGINES = ("local", "dask")

_NEAR_MISS = pa.struct(
    [
        ("rule", pa.string()),
        ("instrument", pa.string()),
        ("blocking_modification", pa.string()),
        ("explanation", pa.string()),
    ]
)

#: One row per structure: the ``fews classify`` record (DESIGN.md §6); dates as Parquet dates.
SCREEN_SCHEMA = pa.schema(
    [
        ("id", pa.string()),
        ("smiles", pa.string()),
        ("inchikey", pa.string()),
        ("status", pa.string()),
        ("basis", pa.string()),
        ("rule", pa.string()),
        ("instrument", pa.string()),
        ("in_force", pa.date32()),
        ("in_force_to", pa.date32()),
        ("offence_scope", pa.list_(pa.string())),
        ("matched_atoms", pa.list_(pa.int32())),
        ("explanation", pa.string()),
        ("near_misses", pa.list_(_NEAR_MISS)),
        ("confidence", pa.string()),
        ("caveats", pa.list_(pa.string())),
        ("rule_set_version", pa.string()),
        ("event_ids", pa.list_(pa.int64())),
    ]
)

_ENGINE_CACHE: dict[tuple[Any, ...], Any] = {}


def _engine(overlay: Sequence[OverlayEvent]) -> Any:
    """The legal engine for this overlay, built once per process (workers keep theirs between chunks)."""
    from chem.legal import LegalEngine
    from chem.standardise import StandardiseCache

    key = tuple(overlay)
    engine = _ENGINE_CACHE.get(key)
    if engine is None:
        # catalogue structures rarely repeat: a small cache keeps worker memory flat
        engine = LegalEngine(overlay=overlay, structures=StandardiseCache(maxsize=2_000))
        _ENGINE_CACHE.clear()
        _ENGINE_CACHE[key] = engine
    return engine


def warm_engine(overlay: Sequence[OverlayEvent] = ()) -> str:
    """Load the rules in this process now (run on every Dask worker before the clock starts)."""
    return str(_engine(overlay).rules.version)


def _molblock_smiles(block: str) -> str:
    from rdkit import Chem

    from chem.errors import InvalidStructure
    from chem.rdkit_log import capture_rdkit_log, log_reason

    with capture_rdkit_log() as messages:
        mol = Chem.MolFromMolBlock(block)
    if mol is None:
        raise InvalidStructure(block, reason=log_reason(messages, default="unreadable MOL block"), code="unparsable")
    return str(Chem.MolToSmiles(mol))


def _date(value: Any) -> dt.date | None:
    return dt.date.fromisoformat(value) if isinstance(value, str) and value else None


def _row(rec: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": rec.get("id"),
        "smiles": rec.get("smiles"),
        "inchikey": rec.get("inchikey"),
        "status": rec.get("status"),
        "basis": rec.get("basis"),
        "rule": rec.get("rule"),
        "instrument": rec.get("instrument"),
        "in_force": _date(rec.get("in_force")),
        "in_force_to": _date(rec.get("in_force_to")),
        "offence_scope": rec.get("offence_scope") or [],
        "matched_atoms": rec.get("matched_atoms") or [],
        "explanation": rec.get("explanation"),
        "near_misses": [
            {k: m.get(k) for k in ("rule", "instrument", "blocking_modification", "explanation")}
            for m in rec.get("near_misses") or []
        ],
        "confidence": rec.get("confidence"),
        "caveats": rec.get("caveats") or [],
        "rule_set_version": rec.get("rule_set_version"),
        "event_ids": rec.get("event_ids") or [],
    }


def classify_chunk(items: Sequence[CatalogueItem], as_of: dt.date, overlay: Sequence[OverlayEvent] = ()) -> pa.Table:
    """Classify one chunk as at ``as_of``; returns a table with :data:`SCREEN_SCHEMA` (input order).

    A MOL block that RDKit cannot read gives an ``invalid`` row with the reason, like a bad SMILES.

    Examples
    --------
    >>> import datetime as dt
    >>> t = classify_chunk([CatalogueItem("m", "smiles", "CNC(C)C(=O)c1ccc(C)cc1")], dt.date(2021, 6, 1))
    >>> t.column("status").to_pylist(), t.column("rule").to_pylist()
    (['B'], ['MDA-S2-P2-1(aa)'])
    """
    from chem.errors import InvalidStructure

    engine = _engine(overlay)
    rows = []
    for item in items:
        smiles = item.text
        if item.kind == "molblock":
            try:
                smiles = _molblock_smiles(item.text)
            except InvalidStructure as exc:
                rec = engine.classify("", as_of, ident=item.ident)
                rec["explanation"] = f"Not a valid structure: {exc.reason}"
                rows.append(_row(rec))
                continue
        rows.append(_row(engine.classify(smiles, as_of, ident=item.ident)))
    return pa.Table.from_pylist(rows, schema=SCREEN_SCHEMA)


def chunked(items: Iterable[CatalogueItem], size: int) -> Iterator[list[CatalogueItem]]:
    """Consecutive lists of at most ``size`` items (the last may be shorter).

    Examples
    --------
    >>> [len(c) for c in chunked((CatalogueItem(str(i), "smiles", "C") for i in range(5)), 2)]
    [2, 2, 1]
    """
    if size < 1:
        raise ValueError(f"chunk size must be a positive integer, got {size!r}")
    it = iter(items)
    while chunk := list(islice(it, size)):
        yield chunk


@dataclass
class ScreenSummary:
    """What a screening run did: counts per status, time spent and where."""

    out: str
    engine: str
    structures: int = 0
    invalid: int = 0
    chunks: int = 0
    workers: int = 1
    startup_seconds: float = 0.0
    seconds: float = 0.0
    statuses: Counter[str] = field(default_factory=Counter)
    worker_peak_rss_mb: float | None = None

    @property
    def structures_per_second(self) -> float:
        return self.structures / self.seconds if self.seconds > 0 else 0.0

    def as_dict(self) -> dict[str, Any]:
        return {
            "out": self.out,
            "engine": self.engine,
            "workers": self.workers,
            "structures": self.structures,
            "invalid": self.invalid,
            "chunks": self.chunks,
            "statuses": dict(sorted(self.statuses.items())),
            "startup_seconds": round(self.startup_seconds, 3),
            "seconds": round(self.seconds, 3),
            "structures_per_second": round(self.structures_per_second, 1),
            "worker_peak_rss_mb": self.worker_peak_rss_mb,
        }


class _Writer:
    def __init__(self, path: str | os.PathLike[str], summary: ScreenSummary):
        self._pq = pq.ParquetWriter(os.fspath(path), SCREEN_SCHEMA, compression="zstd")
        self.summary = summary

    def write(self, table: pa.Table) -> None:
        self._pq.write_table(table)
        statuses = table.column("status").to_pylist()
        self.summary.structures += len(statuses)
        self.summary.statuses.update(statuses)
        self.summary.invalid += sum(1 for s in statuses if s == "invalid")
        self.summary.chunks += 1

    def close(self) -> None:
        self._pq.close()


def _peak_rss_mb() -> float:
    from fews.bench.worker import peak_rss_mb

    return peak_rss_mb()


def screen(
    items: Iterable[CatalogueItem],
    out: str | os.PathLike[str],
    *,
    as_of: dt.date,
    engine: str = "local",
    scheduler: str | None = None,
    workers: int | None = None,
    chunk_size: int = 2_000,
    overlay: Sequence[OverlayEvent] = (),
) -> ScreenSummary:
    """Classify every item and write the Parquet file ``out``; returns the :class:`ScreenSummary`.

    Parameters
    ----------
    items : iterable of CatalogueItem
        The catalogue, streamed (e.g. :func:`fews.screen_input.iter_catalogue`).
    out : path
        The Parquet file to write (replaced if it exists).
    as_of : datetime.date
        The date of the legal decisions.
    engine : {"local", "dask"}
        Where to classify (see the module docstring).
    scheduler : str, optional
        Address of an existing Dask scheduler (``tcp://host:8786``); only with ``engine="dask"``.
    workers : int, optional
        Worker processes of the local Dask cluster (default: one per core).
    chunk_size : int
        Structures per task and per Parquet row group.
    overlay : sequence of OverlayEvent
        The database's legal-status events (as ``fews classify`` reads them).

    Raises
    ------
    ValueError
        For an unknown engine, a scheduler address with the local engine, or a bad chunk size or
        worker count.
    """
    if engine not in ENGINES:
        raise ValueError(f"engine must be one of {', '.join(ENGINES)}, got {engine!r}")
    if scheduler and engine != "dask":
        raise ValueError("--scheduler needs --engine dask")
    if workers is not None and workers < 1:
        raise ValueError(f"workers must be a positive integer, got {workers!r}")
    if chunk_size < 1:
        raise ValueError(f"chunk size must be a positive integer, got {chunk_size!r}")
    summary = ScreenSummary(out=os.fspath(out), engine=engine)
    chunks = chunked(items, chunk_size)
    overlay = tuple(overlay)
    writer = _Writer(out, summary)
    try:
        if engine == "local":
            t0 = time.perf_counter()
            warm_engine(overlay)
            summary.startup_seconds = time.perf_counter() - t0
            t0 = time.perf_counter()
            for chunk in chunks:
                writer.write(classify_chunk(chunk, as_of, overlay))
            summary.seconds = time.perf_counter() - t0
            summary.worker_peak_rss_mb = round(_peak_rss_mb(), 1)
        else:
            _screen_dask(chunks, writer, summary, as_of=as_of, overlay=overlay, scheduler=scheduler, workers=workers)
    finally:
        writer.close()
    return summary


def _screen_dask(
    chunks: Iterator[list[CatalogueItem]],
    writer: _Writer,
    summary: ScreenSummary,
    *,
    as_of: dt.date,
    overlay: tuple[OverlayEvent, ...],
    scheduler: str | None,
    workers: int | None,
) -> None:
    from distributed import Client, LocalCluster

    t0 = time.perf_counter()
    cluster = None
    if not logger.isEnabledFor(logging.DEBUG):  # Dask logs every worker start and stop at INFO
        logging.getLogger("distributed").setLevel(logging.WARNING)
    if scheduler:
        client = Client(scheduler)
    else:
        n = workers or os.cpu_count() or 1
        cluster = LocalCluster(
            n_workers=n, threads_per_worker=1, processes=True, dashboard_address=None, silence_logs=logging.WARNING
        )
        client = Client(cluster)
    try:
        client.run(warm_engine, overlay)  # every worker loads the rules once, before the clock starts
        nworkers = max(1, len(client.scheduler_info(n_workers=-1)["workers"]))
        summary.workers = nworkers
        summary.startup_seconds = time.perf_counter() - t0
        t0 = time.perf_counter()
        window: deque[Any] = deque()
        limit = 2 * nworkers
        for chunk in chunks:
            window.append(client.submit(classify_chunk, chunk, as_of, overlay, pure=False))
            if len(window) >= limit:
                writer.write(window.popleft().result())
        while window:
            writer.write(window.popleft().result())
        summary.seconds = time.perf_counter() - t0
        peaks = client.run(_peak_rss_mb)
        summary.worker_peak_rss_mb = round(sum(peaks.values()), 1)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
