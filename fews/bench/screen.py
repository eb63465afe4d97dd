"""Bulk screening benchmark: ``fews screen`` structures/s on the Dask engine (1 and 2 local workers)
against the local (in-process) engine, on the same distinct structures.

Each engine runs in a fresh process (``python -m fews.bench.screen ENGINE WORKERS SMI OUT``) so its
peak memory is its own; for Dask the figure is the sum of the workers' peaks. Throughput counts
classification only: cluster start-up and rule loading are reported apart (``startup_seconds``),
because on a real cluster they are paid once per catalogue, not per structure.
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from fews.bench.classify import distinct_structures

__all__ = ["bench_screen", "run_screen_process"]

BASELINE = "fews screen --engine local (same structures, in-process)"
AS_OF = dt.date(2026, 1, 1)


def run_screen_process(engine: str, workers: int, smi: Path, out: Path) -> dict[str, Any]:
    """Screen ``smi`` into ``out`` in a fresh process; returns its :class:`fews.screen.ScreenSummary` as a dict."""
    proc = subprocess.run(
        [sys.executable, "-m", "fews.bench.screen", engine, str(workers), str(smi), str(out)],
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"screen benchmark ({engine}, {workers} workers) failed: {proc.stderr[-2000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def bench_screen(*, quick: bool = False) -> Iterator[dict[str, Any]]:
    structures = distinct_structures(800 if quick else 3600)
    n = len(structures)
    with tempfile.TemporaryDirectory(prefix="fews-bench-") as tmp:
        smi = Path(tmp) / "catalogue.smi"
        smi.write_text("".join(f"{s} C{i}\n" for i, s in enumerate(structures)))
        local = run_screen_process("local", 1, smi, Path(tmp) / "local.parquet")
        runs = [(w, run_screen_process("dask", w, smi, Path(tmp) / f"dask{w}.parquet")) for w in (1, 2)]
    base_rate = local["structures_per_second"]
    for workers, res in runs:
        if res["statuses"] != local["statuses"]:
            raise RuntimeError(f"dask ({workers} workers) and local screening disagree: {res['statuses']} vs {local}")
        common = {"structures": n, "workers": workers, "baseline": BASELINE}
        yield {
            "benchmark": "screen",
            "metric": f"dask_{workers}_workers_structures_per_second",
            "value": res["structures_per_second"],
            "unit": "structures/s",
            "baseline_value": base_rate,
            "ratio": round(res["structures_per_second"] / base_rate, 3),
            "startup_seconds": res["startup_seconds"],
            "baseline_startup_seconds": local["startup_seconds"],
            **common,
        }
        yield {
            "benchmark": "screen",
            "metric": f"dask_{workers}_workers_peak_rss",
            "value": res["worker_peak_rss_mb"],
            "unit": "MB",
            "baseline_value": local["worker_peak_rss_mb"],
            "ratio": round(local["worker_peak_rss_mb"] / res["worker_peak_rss_mb"], 3),
            **common,
        }


def _main(argv: list[str]) -> None:
    from fews.screen import screen
    from fews.screen_input import iter_catalogue

    engine, workers, smi, out = argv
    summary = screen(iter_catalogue(smi), out, as_of=AS_OF, engine=engine, workers=int(workers), chunk_size=200)
    print(json.dumps(summary.as_dict()))


if __name__ == "__main__":  # Dask spawns worker processes that re-import the main module
    _main(sys.argv[1:])
