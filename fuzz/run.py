"""Run every fuzz harness for a bounded time: ``python -m fuzz.run --seconds 20 [--only csv json]``.

The time is shared between the harnesses; each runs in its own process (``python -m fuzz.harness``)
from a fresh corpus seeded by :mod:`fuzz.seeds`, with libFuzzer's per-input timeout and memory
limit, so a hang or a memory blow-up is reported like a crash. Prints one JSON line per harness
(``{"harness", "seconds", "runs", "ok", "artifact"}``) and exits 1 if any found a failing input,
which is kept in ``--artifacts`` (default ``fuzz-artifacts/``) for a regression test.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
from pathlib import Path

from fuzz.seeds import write_seeds
from fuzz.targets import TARGETS

__all__ = ["main", "run_one"]

PER_INPUT_TIMEOUT = 20  # seconds; RDKit on a 500-atom structure stays well under this
RSS_LIMIT_MB = 2048


def run_one(name: str, seconds: int, artifacts: Path, seed: int = 0) -> dict[str, object]:
    """Fuzz one harness for ``seconds``; returns its summary."""
    artifacts.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=f"fuzz-{name}-") as tmp:
        corpus = write_seeds(name, Path(tmp) / "corpus")
        argv = [
            sys.executable,
            "-m",
            "fuzz.harness",
            name,
            f"-max_total_time={seconds}",
            f"-timeout={PER_INPUT_TIMEOUT}",
            f"-rss_limit_mb={RSS_LIMIT_MB}",
            "-max_len=65536",
            f"-artifact_prefix={artifacts}/{name}-",
            "-print_final_stats=1",
            *([f"-seed={seed}"] if seed else []),  # a fixed seed repeats the same mutations (CI)
            str(corpus),
        ]
        done = subprocess.run(argv, capture_output=True, text=True, timeout=seconds + PER_INPUT_TIMEOUT + 120)
    log = done.stderr
    runs = re.search(r"stat::number_of_executed_units:\s*(\d+)", log)
    artifact = re.search(r"Test unit written to (\S+)", log)
    return {
        "harness": name,
        "seconds": seconds,
        "runs": int(runs.group(1)) if runs else None,
        "ok": done.returncode == 0,
        "artifact": artifact.group(1) if artifact else None,
        "error": None if done.returncode == 0 else log[-3000:],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m fuzz.run", description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=20, help="total time shared by the harnesses")
    parser.add_argument("--only", nargs="*", choices=sorted(TARGETS), help="run only these harnesses")
    parser.add_argument("--artifacts", type=Path, default=Path("fuzz-artifacts"))
    parser.add_argument("--seed", type=int, default=0, help="libFuzzer seed (0: random; CI uses a fixed one)")
    args = parser.parse_args(argv)
    names = args.only or list(TARGETS)
    each = max(1, args.seconds // len(names))
    failed = 0
    for name in names:
        result = run_one(name, each, args.artifacts.resolve(), args.seed)
        failed += not result["ok"]
        print(json.dumps(result), flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
