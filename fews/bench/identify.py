"""Identification benchmark: FEWS ``identify`` (clean + identity and hybrid Flash entropy search + hits and
verdict) against ms-entropy's own Flash search (clean + identity and hybrid search) and matchms
``CosineGreedy`` (identity search: cosine against every library spectrum within the precursor tolerance),
on the same library and queries. The library is the shipped one plus synthetic spectra up to the size
asked (100k for the full run; quick: 20k). Each side runs in a fresh process for its own peak memory:
``python -m fews.bench.identify TASK LIBRARY QUERIES``.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np

from fews.bench.worker import peak_rss_mb, result_rows

__all__ = ["bench_identify", "synthetic_library"]

MS1_TOLERANCE_DA = 0.01


def synthetic_library(path: Path, n: int, *, seed: int = 7) -> None:
    """Append ``n`` synthetic MS/MS spectra to ``path`` (precursor 120-600, 8-40 fragments; seeded)."""
    rng = np.random.default_rng(seed)
    with open(path, "a", encoding="utf-8") as fh:
        for i in range(n):
            prec = rng.uniform(120, 600)
            k = int(rng.integers(8, 40))
            mz = np.sort(rng.uniform(40, prec - 2, k))
            inten = rng.pareto(1.5, k) + 0.01
            fh.write(f"NAME: synthetic {i}\nPRECURSORMZ: {prec:.4f}\nLICENSE: CC0\nNum Peaks: {k}\n")
            fh.write("".join(f"{a:.4f} {b:.4f}\n" for a, b in zip(mz, inten, strict=True)))
            fh.write("\n")


def _queries(library: Path, out: Path, n: int, *, seed: int = 11) -> None:
    """``n`` noisy copies of library spectra (fragment m/z jitter 3 mDa, intensity x0.5-1.5)."""
    from reference_spectra.msp import iter_msp
    from reference_spectra.user_library import write_msp

    recs = [r for r in iter_msp(library) if r.error is None and r.precursor_mz]
    rng = np.random.default_rng(seed)
    chosen = [recs[int(i)] for i in rng.choice(len(recs), n, replace=False)]
    for r in chosen:
        p = np.array(r.peaks, dtype=np.float64)
        p[:, 0] += rng.normal(0, 0.003, len(p))
        p[:, 1] *= rng.uniform(0.5, 1.5, len(p))
        r.peaks = p.astype(np.float32)
        r.metadata = {"NAME": f"q-{r.name}", "PRECURSORMZ": r.metadata["PRECURSORMZ"]}
    write_msp(chosen, out)


def _read(path: str) -> list[Any]:
    from reference_spectra.msp import iter_msp

    return [r for r in iter_msp(path) if r.error is None]


def task_fews(library: str, queries: str, cache: str) -> dict[str, Any]:
    from reference_spectra.library import load_library
    from reference_spectra.search import identify_spectrum

    t0 = time.perf_counter()
    built = load_library(library, cache_dir=cache)
    build = time.perf_counter() - t0
    del built
    t0 = time.perf_counter()
    lib = load_library(library, cache_dir=cache)
    load = time.perf_counter() - t0
    qs = _read(queries)
    t0 = time.perf_counter()
    verdicts: dict[str, int] = {}
    for q in qs:
        v = identify_spectrum(lib, q, top=5)["verdict"]
        verdicts[v] = verdicts.get(v, 0) + 1
    return {
        "seconds": time.perf_counter() - t0,
        "queries": len(qs),
        "build_seconds": build,
        "load_seconds": load,
        "from_cache": lib.from_cache,
        "verdicts": verdicts,
        "library": len(lib),
    }


def task_msentropy(library: str, queries: str) -> dict[str, Any]:
    from ms_entropy import FlashEntropySearch

    t0 = time.perf_counter()  # read + index, as the FEWS build (which also cleans and persists)
    recs = [r for r in _read(library) if r.precursor_mz]
    flash = FlashEntropySearch(max_ms2_tolerance_in_da=0.0202)
    flash.build_index([{"precursor_mz": r.precursor_mz, "peaks": r.peaks} for r in recs])
    build = time.perf_counter() - t0
    qs = _read(queries)
    t0 = time.perf_counter()
    for q in qs:
        peaks = flash.clean_spectrum_for_search(q.precursor_mz, q.peaks)
        flash.search(
            precursor_mz=q.precursor_mz,
            peaks=peaks,
            ms1_tolerance_in_da=MS1_TOLERANCE_DA,
            ms2_tolerance_in_da=0.02,
            method={"identity", "hybrid"},
        )
    return {"seconds": time.perf_counter() - t0, "queries": len(qs), "build_seconds": build}


def task_matchms(library: str, queries: str) -> dict[str, Any]:
    import matchms
    from matchms.similarity import CosineGreedy

    def to_ms(r: Any) -> Any:
        p = np.asarray(r.peaks, dtype=np.float64)
        p = p[np.argsort(p[:, 0])]
        return matchms.Spectrum(mz=p[:, 0], intensities=p[:, 1], metadata={"precursor_mz": r.precursor_mz})

    recs = sorted((r for r in _read(library) if r.precursor_mz), key=lambda r: r.precursor_mz)
    lib = [to_ms(r) for r in recs]
    precursors = np.array([r.precursor_mz for r in recs])
    qs = [to_ms(q) for q in _read(queries)]
    cosine = CosineGreedy(tolerance=0.02)
    t0 = time.perf_counter()
    for q in qs:
        mz = q.get("precursor_mz")
        lo = np.searchsorted(precursors, mz - MS1_TOLERANCE_DA, "left")
        hi = np.searchsorted(precursors, mz + MS1_TOLERANCE_DA, "right")
        for ref in lib[lo:hi]:
            cosine.pair(q, ref)
    return {"seconds": time.perf_counter() - t0, "queries": len(qs)}


TASKS: dict[str, Callable[..., dict[str, Any]]] = {
    "fews": task_fews,
    "msentropy": task_msentropy,
    "matchms": task_matchms,
}


def _run(task: str, *args: str) -> dict[str, Any]:
    proc = subprocess.run(
        [sys.executable, "-m", "fews.bench.identify", task, *args], capture_output=True, text=True, check=False
    )
    if proc.returncode != 0:
        raise RuntimeError(f"identify benchmark task {task} failed: {proc.stderr[-2000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def bench_identify(*, quick: bool = False) -> Iterator[dict[str, Any]]:
    from reference_spectra.library import SHIPPED_LIBRARY

    size, n_queries = (20_000, 100) if quick else (100_000, 300)
    with tempfile.TemporaryDirectory(prefix="fews-bench-identify-") as tmp:
        lib, queries, cache = Path(tmp) / "library.msp", Path(tmp) / "queries.msp", Path(tmp) / "cache"
        shutil.copyfile(SHIPPED_LIBRARY, lib)
        synthetic_library(lib, size - 1039)
        _queries(lib, queries, n_queries)
        fews = _run("fews", str(lib), str(queries), str(cache))
        flash = _run("msentropy", str(lib), str(queries))
        try:
            cosine: dict[str, Any] | None = _run("matchms", str(lib), str(queries))
        except RuntimeError as exc:  # matchms is in the optional 'bench' extra
            cosine = None
            print(f"note: matchms baseline skipped: {str(exc)[-200:]}", file=sys.stderr)
    n = fews["queries"]
    extra = {"library_spectra": fews["library"], "verdicts": fews["verdicts"]}
    baselines = [(flash, "ms-entropy FlashEntropySearch (identity + hybrid)")]
    if cosine is not None:
        baselines.append((cosine, "matchms CosineGreedy (identity: precursor within 0.01 Da)"))
    for base, label in baselines:
        yield from result_rows(
            "identify",
            metric="queries_per_second",
            unit="queries/s",
            n=n,
            count_key="queries",
            fews=fews,
            base=base,
            baseline=label,
            extra=extra,
        )
    yield {
        "benchmark": "identify",
        "metric": "index_build_seconds",
        "value": round(fews["build_seconds"], 2),
        "unit": "s",
        "baseline": "ms-entropy build_index",
        "baseline_value": round(flash["build_seconds"], 2),
        "ratio": round(flash["build_seconds"] / fews["build_seconds"], 3),
        "library_spectra": fews["library"],
    }
    yield {
        "benchmark": "identify",
        "metric": "index_load_seconds",
        "value": round(fews["load_seconds"], 2),
        "unit": "s",
        "baseline": "rebuilding the FEWS index",
        "baseline_value": round(fews["build_seconds"], 2),
        "ratio": round(fews["build_seconds"] / fews["load_seconds"], 3),
        "library_spectra": fews["library"],
    }


def main(argv: list[str]) -> None:
    task, *args = argv
    result = TASKS[task](*args)
    result["max_rss_mb"] = peak_rss_mb()
    print(json.dumps(result, default=str))


if __name__ == "__main__":
    main(sys.argv[1:])
