"""Run one measured task in this (fresh) process and print its time and peak RSS as JSON.

``python -m fews.bench.worker TASK ARGS...`` — tasks: ``pandas_ingest CSV URL``,
``fews_ingest CSV URL``.
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import time
from collections.abc import Callable
from typing import Any


def pandas_ingest(csv_path: str, url: str) -> dict[str, object]:
    import pandas as pd
    from sqlalchemy import create_engine

    engine = create_engine(url)
    t0 = time.perf_counter()
    df = pd.read_csv(csv_path, dtype=str, keep_default_na=False)
    df.to_sql("seizure_rows", engine, if_exists="replace", index=False, chunksize=10_000)
    elapsed = time.perf_counter() - t0
    engine.dispose()
    return {"seconds": elapsed, "rows": len(df)}


def fews_ingest(csv_path: str, url: str) -> dict[str, object]:
    import datetime as dt

    from fews import migrate
    from fews.config import load_config
    from fews.db import make_engine, make_session_factory
    from intake.pipeline import Ingestor

    engine = make_engine(url)
    migrate.upgrade(engine)
    config = load_config(database_url=url).with_(use_opsin=False)
    factory = make_session_factory(engine)
    t0 = time.perf_counter()
    ing = Ingestor(factory, config, "seizures", actor="bench", today=dt.date.today())
    summary = ing.ingest_file(csv_path, provider="bench")
    elapsed = time.perf_counter() - t0
    engine.dispose()
    worker = ing.worker_stats or {}
    return {
        "seconds": elapsed,
        "rows": summary.rows,
        "accepted": summary.accepted,
        "quarantined": summary.quarantined,
        "cache": worker.get("structures", ing.structures.stats),
        "prepare_worker": bool(worker),
        # the worker process's own peak, added to this process's: the figure is the sum of both peaks
        "extra_rss_mb": worker.get("peak_rss_mb") or 0.0,
    }


def _structures(path: str) -> list[str]:
    with open(path) as fh:
        return [line.strip() for line in fh if line.strip()]


def core_match(path: str) -> dict[str, object]:
    """Baseline: the chemistry every classifier must do, without the legal reasoning."""
    from chem.legal import scra
    from chem.legal.rules import load_rules
    from chem.standardise import standardise_smiles

    rules = load_rules().rules
    cores = [r.generic.core for r in rules if r.generic is not None]
    if any(r.scra is not None for r in rules):  # the cannabinoid rules' core rings
        cores += list(scra._C.values())
    structures = _structures(path)
    t0 = time.perf_counter()
    hits = 0
    from rdkit import Chem

    for smi in structures:
        s = standardise_smiles(smi)  # parse + the engine's standardisation steps + InChIKey
        mol = Chem.MolFromSmiles(s.smiles)
        hits += sum(1 for core in cores if mol.HasSubstructMatch(core))
    return {"seconds": time.perf_counter() - t0, "molecules": len(structures), "core_hits": hits}


def classify(path: str) -> dict[str, object]:
    import datetime as dt
    from collections import Counter

    from chem.legal import LegalEngine

    engine = LegalEngine()  # rules loaded (and their named structures standardised) before timing
    structures = _structures(path)
    day = dt.date(2026, 1, 1)
    t0 = time.perf_counter()
    statuses = Counter(engine.classify(smi, day)["status"] for smi in structures)
    return {"seconds": time.perf_counter() - t0, "molecules": len(structures), "statuses": dict(statuses)}


def peak_rss_mb() -> float:
    """Peak resident memory of this process image (VmHWM). ``ru_maxrss`` is not used: on Linux it
    survives ``execve`` and would report the parent's peak at fork time."""
    try:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


TASKS: dict[str, Callable[..., dict[str, object]]] = {
    "pandas_ingest": pandas_ingest,
    "fews_ingest": fews_ingest,
    "core_match": core_match,
    "classify": classify,
}


def result_rows(
    benchmark: str,
    *,
    metric: str,
    unit: str,
    n: int,
    count_key: str,
    fews: dict[str, Any],
    base: dict[str, Any],
    baseline: str,
    extra: dict[str, Any] | None = None,
) -> list[dict[str, Any]]:
    """The throughput row and the peak-memory row of one benchmark (DESIGN.md §6 fields)."""
    rate, base_rate = n / fews["seconds"], n / base["seconds"]
    return [
        {
            "benchmark": benchmark,
            "metric": metric,
            "value": round(rate, 1),
            "unit": unit,
            "baseline": baseline,
            "baseline_value": round(base_rate, 1),
            "ratio": round(rate / base_rate, 3),
            count_key: n,
            **(extra or {}),
        },
        {
            "benchmark": benchmark,
            "metric": "peak_rss",
            "value": round(fews["max_rss_mb"], 1),
            "unit": "MB",
            "baseline": baseline,
            "baseline_value": round(base["max_rss_mb"], 1),
            "ratio": round(base["max_rss_mb"] / fews["max_rss_mb"], 3),
            count_key: n,
        },
    ]


def run_task(task: str, *args: str) -> dict[str, Any]:
    """Run ``task`` in a fresh Python process (its own peak memory) and return its JSON result."""
    proc = subprocess.run(
        [sys.executable, "-m", "fews.bench.worker", task, *args], capture_output=True, text=True, check=False
    )
    if proc.returncode != 0:
        raise RuntimeError(f"benchmark task {task} failed: {proc.stderr[-2000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def main(argv: list[str]) -> None:
    task, *args = argv
    result = TASKS[task](*args)
    result["max_rss_mb"] = peak_rss_mb() + float(result.pop("extra_rss_mb", 0.0))  # type: ignore[arg-type]
    print(json.dumps(result, default=str))


if __name__ == "__main__":
    main(sys.argv[1:])
