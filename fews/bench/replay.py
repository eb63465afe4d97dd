"""Replay benchmark: a full 15-year replay (``fews replay``) of realistic synthetic traffic, about
200k seizure rows and 20k harm reports, against a minimal surveillance baseline on the same files.

The data come from the demo market generator (seasonal negative-binomial background, one-off new
substances, emerging waves, reporting lags). FEWS runs its real pipeline week by week: intake with
validation and quarantine, families, every signal rule and the seasonal baselines. The baseline
reads the same two files with pandas, counts rows per component name and ISO week, and runs EARS C1
(7-week mean + 3 standard deviations) on every series every week: the least a surveillance system
can compute on this data. ``ratio`` is baseline seconds / FEWS seconds (> 1: FEWS is faster).
Each side runs in a fresh process (``python -m fews.bench.replay TASK DIR``) for its own peak RSS.
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from fews.bench.worker import peak_rss_mb

__all__ = ["bench_replay"]

BASELINE = "pandas read_csv + weekly counts per name + EARS C1 on every series every week"
FULL = (dt.date(2011, 1, 3), dt.date(2025, 12, 28), 2.0)  # 15 years, ~200k seizure rows
QUICK = (dt.date(2023, 1, 2), dt.date(2024, 12, 29), 1.0)  # 2 years


def prepare(directory: str, start: str, end: str, scale: str) -> dict[str, Any]:
    from fews.demo import generator

    data = generator.generate(
        dt.date.fromisoformat(end), start=dt.date.fromisoformat(start), seed=5, scale=float(scale)
    )
    generator.write_csv(data.seizure_rows, Path(directory) / "seizures.csv")
    generator.write_csv(data.report_rows, Path(directory) / "reports.csv")
    return {"seizure_rows": len(data.seizure_rows), "report_rows": len(data.report_rows)}


def run_fews(directory: str) -> dict[str, Any]:
    from fews.config import load_config
    from fews.detection.replay import replay

    folder = Path(directory)
    t0 = time.perf_counter()
    summary = replay(
        load_config().with_(use_opsin=False),
        seizures=folder / "seizures.csv",
        reports=folder / "reports.csv",
        out_dir=folder / "out",
    )
    return {"seconds": time.perf_counter() - t0, "summary": summary.as_dict()}


def run_baseline(directory: str) -> dict[str, Any]:
    import numpy as np
    import pandas as pd

    folder = Path(directory)
    t0 = time.perf_counter()
    alarms = 0
    for name, date_col, key in (
        ("seizures.csv", "seizure_date", "component_name"),
        ("reports.csv", "event_date", "suspected_substance_name"),
    ):
        df = pd.read_csv(folder / name, usecols=[date_col, key], dtype=str)
        week = pd.to_datetime(df[date_col]).dt.to_period("W-SUN")
        counts = df.assign(week=week).groupby([key, "week"]).size().unstack(fill_value=0)
        values = counts.to_numpy(dtype=float)
        for t in range(7, values.shape[1]):
            base = values[:, t - 7 : t]
            upper = base.mean(axis=1) + 3 * np.maximum(base.std(axis=1, ddof=1), 0.5)
            alarms += int(np.sum(values[:, t] > upper))
    return {"seconds": time.perf_counter() - t0, "alarms": alarms}


TASKS: dict[str, Callable[..., dict[str, Any]]] = {"prepare": prepare, "fews": run_fews, "baseline": run_baseline}


def _run(task: str, *args: str) -> dict[str, Any]:
    proc = subprocess.run(
        [sys.executable, "-m", "fews.bench.replay", task, *args], capture_output=True, text=True, check=False
    )
    if proc.returncode != 0:
        raise RuntimeError(f"replay benchmark task {task} failed: {proc.stderr[-2000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def bench_replay(*, quick: bool = False) -> Iterator[dict[str, Any]]:
    start, end, scale = QUICK if quick else FULL
    with tempfile.TemporaryDirectory(prefix="fews-bench-replay-") as tmp:
        rows = _run("prepare", tmp, start.isoformat(), end.isoformat(), str(scale))
        base = _run("baseline", tmp)
        fews = _run("fews", tmp)
    common = {"years": round((end - start).days / 365.25, 1), **rows}
    yield {
        "benchmark": "replay",
        "metric": "seconds",
        "value": round(fews["seconds"], 1),
        "unit": "s",
        "baseline": BASELINE,
        "baseline_value": round(base["seconds"], 1),
        "ratio": round(base["seconds"] / fews["seconds"], 3),
        "weeks": fews["summary"]["weeks"],
        "signal_lines": fews["summary"]["alert_lines"],
        "ingest_seconds": fews["summary"]["timings"]["ingest"],
        "detect_seconds": fews["summary"]["timings"]["detect"],
        **common,
    }
    yield {
        "benchmark": "replay",
        "metric": "peak_rss",
        "value": round(fews["max_rss_mb"], 1),
        "unit": "MB",
        "baseline": BASELINE,
        "baseline_value": round(base["max_rss_mb"], 1),
        "ratio": round(base["max_rss_mb"] / fews["max_rss_mb"], 3),
        **common,
    }


def main(argv: list[str]) -> None:
    task, *args = argv
    result = TASKS[task](*args)
    result["max_rss_mb"] = peak_rss_mb()
    print(json.dumps(result, default=str))


if __name__ == "__main__":
    main(sys.argv[1:])
