"""How ingest cost grows with file size: 10k, 100k and 1M seizure rows, time and peak RSS.

Run: ``.venv/bin/python benchmarks/ingest_scaling.py [--sizes 10000,100000,1000000]``
Each size is measured in a fresh subprocess (``fews.bench.worker``), so peak memory is per run;
bounded memory shows as a flat RSS column while rows grow.
"""

from __future__ import annotations

import argparse
import json
import tempfile
from pathlib import Path

from fews.bench.ingest import make_seizure_csv
from fews.bench.worker import run_task


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="10000,100000,1000000")
    args = parser.parse_args()
    for size in (int(s) for s in args.sizes.split(",")):
        with tempfile.TemporaryDirectory(prefix="fews-scale-") as tmp:
            csv_path = Path(tmp) / "s.csv"
            rows = make_seizure_csv(csv_path, size)
            result = run_task("fews_ingest", str(csv_path), f"sqlite:///{tmp}/f.db")
            print(
                json.dumps(
                    {
                        "rows": rows,
                        "seconds": round(result["seconds"], 2),
                        "rows_per_second": round(rows / result["seconds"], 1),
                        "max_rss_mb": round(result["max_rss_mb"], 1),
                    }
                ),
                flush=True,
            )


if __name__ == "__main__":
    main()
