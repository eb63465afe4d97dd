"""Families benchmark: time and peak memory to place N structures in families, against bblean BitBIRCH
on the same fingerprints (DESIGN.md §6, ``fews bench``).

The structures are realistic analogues, generated deterministically by substituting real NPS cores
(cathinones, phenethylamines, tryptamines, nitazenes, fentanyls, synthetic cannabinoids,
benzodiazepines, arylcyclohexylamines, phenidates) at the positions where seized analogues vary.
Each structure carries the series it was built from (its known family), which
``benchmarks/families_quality.py`` uses to measure family quality.

The shared inputs (fingerprints, scaffolds, legal groups) are computed once in a ``prepare`` step;
each method then runs in its own fresh process (``python -m fews.bench.families TASK``) so its peak
RSS is its own. The FEWS figure includes naming the families (features and MCS of their founders).
"""

from __future__ import annotations

import itertools
import json
import random
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from fews.bench.worker import peak_rss_mb, result_rows

__all__ = ["ANALOGUE_SERIES", "analogue_set", "bench_families", "prepare_features"]

BASELINE = "bblean BitBirch(threshold=0.65) on the same packed Morgan fingerprints"
BITBIRCH_THRESHOLD = 0.65  # bblean's default

_RING = [
    "",
    "F",
    "Cl",
    "Br",
    "I",
    "C",
    "CC",
    "OC",
    "OCC",
    "C(F)(F)F",
    "SC",
    "O",
    "C#N",
    "[N+](=O)[O-]",
    "CCC",
    "OC(C)C",
]


def _s(x: str) -> str:
    return f"({x})" if x else ""


def _cathinones() -> Iterator[str]:
    alphas = ["C", "CC", "CCC", "CCCC", "C(C)C", "CCCCC"]
    amines = ["NC", "NCC", "N(C)C", "NCCC", "N1CCCC1", "NC(C)C", "N(CC)CC", "N1CCCCC1", "NCCCC", "N"]
    for r2, r3, r4, a, n in itertools.product(["", "F", "C", "Cl"], _RING, _RING, alphas, amines):
        yield f"O=C(c1cc{_s(r3)}c{_s(r4)}cc1{_s(r2)})C({a}){n}"


def _phenethylamines() -> Iterator[str]:
    heads = ["NCC", "CNCC", "NC(C)C", "CNC(C)C", "CCNC(C)C", "NC(CC)C", "CN(C)CC", "CCNCC", "COc2ccccc2CNCC"]
    for h, r2, r5, r3, r4 in itertools.product(heads, ["", "OC"], ["", "OC"], _RING, _RING):
        yield f"{h}c1cc{_s(r5)}c{_s(r4)}c{_s(r3)}c1{_s(r2)}"


def _tryptamines() -> Iterator[str]:
    amines = ["CN(C)", "CCN(CC)", "CCCN(CCC)", "CC(C)N(C(C)C)", "C=CCN(CC=C)", "CN(CC)", "CN(CCC)", "CN(C(C)C)",
              "CN(CC=C)", "CCN(CCC)", "CCN(C(C)C)", "C1CCN1", "C1CCCN1", "CN", "N"]  # fmt: skip
    r4s = ["", "O", "OC(C)=O", "OC", "F", "C", "OP(=O)(O)O", "OC(=O)CC"]
    r5s = ["", "OC", "F", "Cl", "Br", "C", "O", "SC"]
    for n, alpha, r4, r5, r6 in itertools.product(amines, ["C", "C(C)"], r4s, r5s, ["", "F", "C", "OC"]):
        yield f"{n}{alpha}Cc1c[nH]c2cc{_s(r6)}c{_s(r5)}c{_s(r4)}c12"


def _nitazenes() -> Iterator[str]:
    amines = ["CCN(CC)", "C1CCN1", "CN(C)", "CCN", "C1CCCN1", "CCCN(CCC)", "C1COCCN1", "CN(CC)", "CC(C)N", "N"]
    paras = ["OC", "OCC", "OCCC", "OC(C)C", "OCCCC", "C", "CC", "F", "Cl", "O", "OCC(C)C", "SC"]
    r5s = ["[N+](=O)[O-]", "", "C#N", "C(F)(F)F", "F", "Cl", "Br", "C", "OC"]
    for n, p, r5, r3 in itertools.product(amines, paras, r5s, ["", "F", "C"]):
        yield f"{n}CCn1c(Cc2cc{_s(r3)}c({p})cc2)nc2cc{_s(r5)}ccc21"


def _fentanyls() -> Iterator[str]:
    acyls = ["CC", "C", "CCC", "C(C)C", "CCCC", "C=C", "C1CC1", "C1CCCC1", "c1ccco1", "COC", "C1CCCO1", "C1CCC1",
             "OC", "c1cccs1", "C(C)(C)C"]  # fmt: skip
    aryls = ["c2ccccc2", "c2cccs2", "c2ccc(F)cc2", "c2ccccc2O", "c2ccc(Cl)cc2"]
    for acyl, r2, r3, r4, ar, m in itertools.product(
        acyls, ["", "F", "C"], ["", "F", "Cl", "C", "OC"], ["", "F", "Cl", "C", "OC", "Br"], aryls, ["", "C"]
    ):
        yield f"O=C({acyl})N(c1cc{_s(r3)}c{_s(r4)}cc1{_s(r2)})C1C{_s(m)}CN(CC{ar})CC1"


def _cannabinoids() -> Iterator[str]:
    cores = ["c1nn({t})c2ccccc12", "c1cn({t})c2ccccc12", "c1cn({t})c2ncccc12", "c1nn({t})c2cc(F)ccc12",
             "c1nn({t})c2cc(Br)ccc12", "c1cn({t})c2cc(Cl)ccc12"]  # fmt: skip
    sides = ["C(C)(C)C", "C(C)C", "Cc3ccccc3", "CC(C)C", "C(C)CC", "C3CCCC3"]
    terms = ["C(=O)OC", "C(N)=O", "C(=O)OCC", "C(=O)O"]
    tails = ["CCCCC", "CCCCCF", "CCCC", "CCCCF", "CCCC=C", "Cc3ccc(F)cc3", "CC3CCCCC3", "CCCCCC", "CCCCCCl",
             "CC3CCOCC3", "CCC(F)(F)F", "CCCCC#N", "Cc3ccccc3", "CC3CC3", "CCCCCO", "CCOC"]  # fmt: skip
    for core, side, term, tail in itertools.product(cores, sides, terms, tails):
        yield f"O=C(NC({side}){term}){core.format(t=tail)}"


def _benzodiazepines() -> Iterator[str]:
    r7s = ["Cl", "Br", "[N+](=O)[O-]", "F", "I", "C(F)(F)F", "C#N", ""]
    r2s = ["", "F", "Cl", "Br"]
    for r7, r2, n1, c3 in itertools.product(r7s, r2s, ["", "C", "CC", "CC1CC1", "CC#C", "CCN(CC)CC"], ["", "O"]):
        yield f"O=C1{'C(O)' if c3 else 'C'}N=C(c2ccccc2{_s(r2)})c2cc{_s(r7)}ccc2N1{_s(n1)}".replace("N1()", "N1")
    for r8, r2, c1, ar in itertools.product(r7s, r2s, ["C", "CC", "", "FC(F)(F)", "CCC"], ["c2ccccc2", "c2ccccn2"]):
        ring = ar.replace("c2ccccc2", f"c2ccccc2{_s(r2)}") if ar == "c2ccccc2" else ar
        yield f"{c1}c1nnc2n1-c1ccc{_s(r8)}cc1C({ring})=NC2"


def _arylcyclohexylamines() -> Iterator[str]:
    amines = ["CN", "CCN", "CC(C)N", "CCCN", "C1CCCCN1", "C1CCCN1", "C1COCCN1", "CN(C)", "COCCN", "N"]
    for n, r2, r3, r4, k in itertools.product(amines, ["", "F", "Cl", "C", "OC"], _RING, ["", "F", "OC", "C"], [0, 1]):
        ring = f"CCCC{'C(=O)' if k else 'C'}1"
        yield f"{n}C1(c2cc{_s(r3)}c{_s(r4)}cc2{_s(r2)}){ring}".replace("C(=O)1", "C1=O")


def _phenidates() -> Iterator[str]:
    esters = ["C", "CC", "C(C)C", "CCC", "CCCC", "CC(C)C", "C1CC1", "C=CC"]
    for e, r3, r4, nme in itertools.product(esters, _RING, _RING, [0, 1]):
        yield f"{e}OC(=O)C(c1cc{_s(r3)}c{_s(r4)}cc1)C1CCCCN1{'C' if nme else ''}"


#: Series of analogues (known families) and the generator of each, real NPS cores with varied positions.
ANALOGUE_SERIES: dict[str, Callable[[], Iterator[str]]] = {
    "cathinones": _cathinones,
    "phenethylamines": _phenethylamines,
    "tryptamines": _tryptamines,
    "nitazenes": _nitazenes,
    "fentanyls": _fentanyls,
    "synthetic cannabinoids": _cannabinoids,
    "benzodiazepines": _benzodiazepines,
    "arylcyclohexylamines": _arylcyclohexylamines,
    "phenidates": _phenidates,
}


def analogue_set(n: int, *, seed: int = 20261123) -> list[tuple[str, str]]:
    """``n`` distinct valid analogues as ``(canonical SMILES, series)``, deterministic for a seed.

    Each series is shuffled with its own seeded generator and the series are interleaved at random,
    so any prefix mixes every family (as detections arrive in reality).
    """
    from rdkit import Chem

    from chem.rdkit_log import capture_rdkit_log

    rng = random.Random(seed)
    pools = {}
    for name, gen in ANALOGUE_SERIES.items():
        items = list(gen())
        random.Random(f"{seed}:{name}").shuffle(items)
        pools[name] = iter(items)
    out: list[tuple[str, str]] = []
    seen: set[str] = set()
    names = list(pools)
    with capture_rdkit_log():
        while len(out) < n and names:
            name = rng.choice(names)
            smi = next(pools[name], None)
            if smi is None:
                names.remove(name)
                continue
            mol = Chem.MolFromSmiles(smi)
            if mol is None:
                continue
            can = Chem.MolToSmiles(mol)
            if can not in seen:
                seen.add(can)
                out.append((can, name))
    if len(out) < n:
        raise ValueError(f"only {len(out)} distinct analogues can be generated; asked for {n}")
    return out


def prepare_features(n: int, directory: str) -> dict[str, Any]:
    """Write the analogue set with its fingerprints, scaffolds and legal groups to ``directory``."""
    import numpy as np

    from chem.fingerprints import generic_scaffold, morgan_bits, pack_many
    from fews.detection.families import LegalGrouper

    data = analogue_set(n)
    t0 = time.perf_counter()
    bits = [morgan_bits(s) for s, _ in data]
    scaffolds = [generic_scaffold(s) for s, _ in data]
    t_fp = time.perf_counter() - t0
    grouper = LegalGrouper()
    t0 = time.perf_counter()
    groups = [grouper.group(s) for s, _ in data]
    t_legal = time.perf_counter() - t0
    np.save(Path(directory) / "fps.npy", pack_many(bits))
    meta = [
        {"smiles": s, "series": series, "scaffold": sc, "group": g.as_dict() | {"priority": g.priority} if g else None}
        for (s, series), sc, g in zip(data, scaffolds, groups, strict=True)
    ]
    (Path(directory) / "meta.json").write_text(json.dumps(meta))
    return {"molecules": n, "fingerprint_seconds": t_fp, "legal_group_seconds": t_legal}


def _load(directory: str) -> tuple[Any, list[dict[str, Any]]]:
    import numpy as np

    return np.load(Path(directory) / "fps.npy"), json.loads((Path(directory) / "meta.json").read_text())


def run_fews(directory: str, threshold: str = "") -> dict[str, Any]:
    """Place every prepared structure with :class:`FamilyModel` and name the families (timed)."""
    from fews.detection.families import Candidate, FamilyModel, FamilyParams, LegalGroup

    fps, meta = _load(directory)
    params = FamilyParams(threshold=float(threshold)) if threshold else FamilyParams()
    cands = []
    for i, m in enumerate(meta):
        g = m["group"]
        group = LegalGroup(g["rule_id"], g["label"], g["captured"], g["priority"]) if g else None
        cands.append(Candidate(i, f"X{i}", m["smiles"], fps[i].tobytes(), m["scaffold"], group))
    t0 = time.perf_counter()
    model = FamilyModel(params)
    keys = [model.assign(c).family_key for c in cands]
    t_assign = time.perf_counter() - t0
    model.describe()
    seconds = time.perf_counter() - t0
    index = {f.key: i for i, f in enumerate(model.families_)}
    labels = [index[k] for k in keys]
    (Path(directory) / f"fews{threshold}.json").write_text(json.dumps(labels))
    return {"seconds": seconds, "assign_seconds": t_assign, "families": len(model.families_)}


def run_bitbirch(directory: str, threshold: str = str(BITBIRCH_THRESHOLD)) -> dict[str, Any]:
    """bblean BitBIRCH on the same packed fingerprints (timed: fit and assignments)."""
    import bblean

    fps, _ = _load(directory)
    t0 = time.perf_counter()
    tree = bblean.BitBirch(threshold=float(threshold)).fit(fps)
    labels = [int(x) for x in tree.get_assignments()]
    seconds = time.perf_counter() - t0
    (Path(directory) / f"bitbirch{threshold}.json").write_text(json.dumps(labels))
    return {"seconds": seconds, "families": len(set(labels))}


TASKS: dict[str, Callable[..., dict[str, Any]]] = {"fews": run_fews, "bitbirch": run_bitbirch}


def _run(task: str, *args: str) -> dict[str, Any]:
    import subprocess

    proc = subprocess.run(
        [sys.executable, "-m", "fews.bench.families", task, *args], capture_output=True, text=True, check=False
    )
    if proc.returncode != 0:
        raise RuntimeError(f"families benchmark task {task} failed: {proc.stderr[-2000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def bench_families(*, quick: bool = False) -> Iterator[dict[str, Any]]:
    """``fews bench`` rows: structures placed per second and peak RSS, FEWS families vs BitBIRCH."""
    n = 5_000 if quick else 100_000
    with tempfile.TemporaryDirectory(prefix="fews-bench-families-") as tmp:
        prep = prepare_features(n, tmp)
        base = _run("bitbirch", tmp)
        fews = _run("fews", tmp)
    yield from result_rows(
        "families",
        metric="structures_per_second",
        unit="structures/s",
        n=n,
        count_key="structures",
        fews=fews,
        base=base,
        baseline=BASELINE,
        extra={"families": fews["families"], "baseline_families": base["families"]},
    )
    yield {
        "benchmark": "families",
        "metric": "feature_rate",
        "value": round(n / prep["fingerprint_seconds"], 1),
        "unit": "structures/s",
        "baseline": None,
        "baseline_value": None,
        "ratio": None,
        "structures": n,
        "note": "Morgan fingerprint + generic scaffold per structure (shared by both methods)",
    }
    yield {
        "benchmark": "families",
        "metric": "legal_group_rate",
        "value": round(n / prep["legal_group_seconds"], 1),
        "unit": "structures/s",
        "baseline": None,
        "baseline_value": None,
        "ratio": None,
        "structures": n,
        "note": "every generic definition evaluated per structure (FEWS input only)",
    }


def main(argv: list[str]) -> None:
    task, *args = argv
    result = TASKS[task](*args)
    result["max_rss_mb"] = peak_rss_mb()
    print(json.dumps(result, default=str))


if __name__ == "__main__":
    main(sys.argv[1:])
