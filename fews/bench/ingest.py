"""Ingest benchmark: FEWS seizure intake (full validation, standardisation, names, storage, audit)
against pandas ``read_csv`` + ``to_sql`` of the same rows into the same kind of database."""

from __future__ import annotations

import csv
import datetime as dt
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from fews.bench.worker import result_rows, run_task

__all__ = ["bench_ingest", "make_seizure_csv"]


def make_seizure_csv(path: Path, rows: int) -> int:
    """Write at least ``rows`` realistic seizure rows (whole samples) from the demo generator.

    Three years of demo data are repeated with distinct sample ids until ``rows`` is reached;
    rows are streamed to the file, so a million-row file costs no more memory than one copy.
    """
    from fews.demo.generator import SEIZURE_COLUMNS, generate

    base = generate(dt.date(2026, 11, 22), scale=1.0).seizure_rows
    columns = list(SEIZURE_COLUMNS) + sorted({k for r in base for k in r} - set(SEIZURE_COLUMNS))
    written = 0
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=columns)
        writer.writeheader()
        copy = 0
        while written < rows:
            previous = None
            for r in base:
                if written >= rows and r["sample_id"] != previous:
                    break  # stop at a sample boundary
                writer.writerow(dict(r, sample_id=f"{r['sample_id']}-{copy}") if copy else r)
                previous = r["sample_id"]
                written += 1
            copy += 1
    return written


def bench_ingest(*, quick: bool = False) -> Iterator[dict[str, Any]]:
    n = 20_000 if quick else 100_000
    with tempfile.TemporaryDirectory(prefix="fews-bench-") as tmp:
        csv_path = Path(tmp) / "seizures.csv"
        rows = make_seizure_csv(csv_path, n)
        base = run_task("pandas_ingest", str(csv_path), f"sqlite:///{tmp}/pandas.db")
        fews = run_task("fews_ingest", str(csv_path), f"sqlite:///{tmp}/fews.db")
    yield from result_rows(
        "ingest",
        metric="rows_per_second",
        unit="rows/s",
        n=rows,
        count_key="rows",
        fews=fews,
        base=base,
        baseline="pandas read_csv + to_sql (SQLite)",
        extra={
            "accepted": fews.get("accepted"),
            "quarantined": fews.get("quarantined"),
            "prepare_worker": fews.get("prepare_worker"),  # chunks prepared in a second process
        },
    )
