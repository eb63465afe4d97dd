"""``fews bench``: benchmarks, each figure paired with a baseline measured in the same run.

Every measured part runs in a fresh subprocess (``python -m fews.bench.worker``) so that its peak
memory (RSS) is its own. Output rows follow DESIGN.md §6: ``{"benchmark", "metric", "value",
"unit", "baseline", "baseline_value", "ratio"}``; ``ratio`` > 1 means better than the baseline.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from fews.bench.classify import bench_classify
from fews.bench.families import bench_families
from fews.bench.identify import bench_identify
from fews.bench.ingest import bench_ingest
from fews.bench.replay import bench_replay
from fews.bench.screen import bench_screen
from fews.bench.web import bench_web

__all__ = ["BENCHMARKS", "run_benchmarks"]

BENCHMARKS = {
    "ingest": bench_ingest,
    "classify": bench_classify,
    "identify": bench_identify,
    "families": bench_families,
    "replay": bench_replay,
    "screen": bench_screen,
    "web": bench_web,  # dashboard and substance page latency under wrk (issue #8)
}


def run_benchmarks(*, quick: bool = False, only: set[str] | None = None) -> Iterator[dict[str, Any]]:
    unknown = (only or set()) - set(BENCHMARKS)
    if unknown:
        raise ValueError(f"unknown benchmark(s) {', '.join(sorted(unknown))}; known: {', '.join(BENCHMARKS)}")
    for name, fn in BENCHMARKS.items():
        if only and name not in only:
            continue
        yield from fn(quick=quick)
