"""How bulk screening cost grows with catalogue size: structures/s and peak memory of
``fews screen`` (local engine and a local Dask cluster) at 10k, 100k, ... distinct structures.

Run: ``.venv/bin/python benchmarks/screen_scaling.py [--sizes 10000,100000] [--engines local,dask]``

Structures are the generated NPS analogues of ``fews.bench.families.analogue_set`` (all distinct,
so the standardisation cache never helps). Each run is a fresh process (``python -m
fews.bench.screen``); memory is the sum of the peaks of the processes that classified.
"""

from __future__ import annotations

import argparse
import json
import tempfile
from pathlib import Path

from fews.bench.families import analogue_set
from fews.bench.screen import run_screen_process


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--engines", default="local,dask")
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    for size in (int(s) for s in args.sizes.split(",")):
        with tempfile.TemporaryDirectory(prefix="fews-screen-") as tmp:
            smi = Path(tmp) / "catalogue.smi"
            with open(smi, "w") as fh:
                for i, (s, _series) in enumerate(analogue_set(size)):
                    fh.write(f"{s} A{i}\n")
            for engine in args.engines.split(","):
                workers = args.workers if engine == "dask" else 1
                res = run_screen_process(engine, workers, smi, Path(tmp) / f"{engine}.parquet")
                out = Path(tmp) / f"{engine}.parquet"
                print(
                    json.dumps(
                        {
                            "structures": res["structures"],
                            "engine": engine,
                            "workers": res["workers"],
                            "seconds": res["seconds"],
                            "startup_seconds": res["startup_seconds"],
                            "structures_per_second": res["structures_per_second"],
                            "peak_rss_mb": res["worker_peak_rss_mb"],
                            "parquet_mb": round(out.stat().st_size / 1e6, 2),
                            "statuses": res["statuses"],
                        }
                    ),
                    flush=True,
                )


if __name__ == "__main__":
    main()
