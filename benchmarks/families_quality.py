"""Family quality: how well each grouping recovers known families and legal-generic membership.

Run: ``.venv/bin/python benchmarks/families_quality.py [--n 5000] [--thresholds 0.3,0.35,0.4,0.45,0.5,0.6]``

Two data sets:

- ``analogues``: ``n`` structures from ``fews.bench.families.analogue_set`` (real NPS cores with varied
  substituents); the known family is the series a structure was built from.
- ``catalogue``: the demo market's real NPS structures (``fews.demo.catalogue``); the known family
  is the wave family, else the combinatorial series, else the hand-written class.

Methods: the FEWS family model (:mod:`fews.detection.families`) at several Tanimoto thresholds,
bblean BitBIRCH, RDKit Butina (only up to 5,000 structures: it needs the full distance matrix,
17.8 GB at 20k on this machine), and two one-signal references (legal group alone, generic scaffold
alone). Scores (scikit-learn): adjusted Rand index (ARI), homogeneity (each family holds one known
family), completeness (each known family sits in one family), and the number of families. Against
legal membership only structures with a legal group (captured or near miss) are scored.
Prints one JSON line per (data set, method, reference).
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from collections.abc import Sequence
from typing import Any

import numpy as np
from sklearn.metrics import adjusted_rand_score, completeness_score, homogeneity_score

from chem.fingerprints import generic_scaffold, morgan_bits, pack_many
from fews.bench.families import analogue_set
from fews.detection.families import Candidate, FamilyModel, FamilyParams, LegalGroup, LegalGrouper

BUTINA_MAX = 5_000


def _catalogue() -> list[tuple[str, str]]:
    from fews.demo import catalogue as cat

    series = {
        "cathinones": cat._cathinones,
        "tryptamines": cat._tryptamines,
        "synthetic cannabinoids": cat._scras,
        "fentanyls": cat._fentanyls,
        "arylcyclohexylamines": cat._arylcyclohexylamines,
        "phenethylamines": cat._phenethylamines,
        "stimulants": cat._stimulants,
    }
    known: dict[str, str] = {}
    for name, gen in series.items():
        for sub in gen():
            known.setdefault(sub.smiles, name)
    out = []
    for sub in cat.substances().values():
        label = f"wave:{sub.family}" if sub.family else known.get(sub.smiles, f"class:{sub.category}")
        out.append((sub.smiles, label))
    return out


def _score(pred: Sequence[Any], truth: Sequence[Any]) -> dict[str, Any]:
    return {
        "ari": round(float(adjusted_rand_score(truth, pred)), 3),
        "homogeneity": round(float(homogeneity_score(truth, pred)), 3),
        "completeness": round(float(completeness_score(truth, pred)), 3),
        "families": len(set(pred)),
        "structures": len(pred),
    }


def _fews(smiles: list[str], fps: np.ndarray, scaffolds: list[str | None], groups: list[LegalGroup | None], t: float):
    model = FamilyModel(FamilyParams(threshold=t, scaffold_threshold=min(0.3, t)))
    t0 = time.perf_counter()
    keys = [
        model.assign(Candidate(i, f"X{i}", s, fps[i].tobytes(), scaffolds[i], groups[i])).family_key
        for i, s in enumerate(smiles)
    ]
    return keys, time.perf_counter() - t0


def _bitbirch(fps: np.ndarray, t: float) -> tuple[list[int], float]:
    import bblean

    t0 = time.perf_counter()
    labels = [int(x) for x in bblean.BitBirch(threshold=t).fit(fps).get_assignments()]
    return labels, time.perf_counter() - t0


def _butina(smiles: list[str], sims: Sequence[float]) -> dict[float, tuple[list[int], float]]:
    from rdkit import DataStructs
    from rdkit.Chem import MolFromSmiles, rdFingerprintGenerator
    from rdkit.ML.Cluster import Butina

    gen = rdFingerprintGenerator.GetMorganGenerator(radius=2, fpSize=2048)
    bvs = [gen.GetFingerprint(MolFromSmiles(s)) for s in smiles]
    t0 = time.perf_counter()
    dists: list[float] = []
    for i in range(1, len(bvs)):
        dists.extend(1.0 - x for x in DataStructs.BulkTanimotoSimilarity(bvs[i], bvs[:i]))
    t_matrix = time.perf_counter() - t0
    out = {}
    for sim in sims:
        t0 = time.perf_counter()
        clusters = Butina.ClusterData(dists, len(bvs), 1.0 - sim, isDistData=True, reordering=True)
        labels = [0] * len(bvs)
        for c, members in enumerate(clusters):
            for m in members:
                labels[m] = c
        out[sim] = (labels, t_matrix + time.perf_counter() - t0)
    return out


def evaluate(name: str, data: list[tuple[str, str]], thresholds: Sequence[float]) -> list[dict[str, Any]]:
    smiles = [s for s, _ in data]
    series = [k for _, k in data]
    fps = pack_many(morgan_bits(s) for s in smiles)
    scaffolds = [generic_scaffold(s) for s in smiles]
    grouper = LegalGrouper()
    groups = [grouper.group(s) for s in smiles]
    legal_idx = [i for i, g in enumerate(groups) if g is not None]
    legal_truth = [groups[i].label for i in legal_idx]  # type: ignore[union-attr]
    rows: list[dict[str, Any]] = []

    def report(method: str, pred: Sequence[Any], seconds: float | None) -> None:
        base = {"data": name, "method": method, "seconds": None if seconds is None else round(seconds, 2)}
        rows.append(base | {"reference": "known_family"} | _score(pred, series))
        rows.append(base | {"reference": "legal_generic"} | _score([pred[i] for i in legal_idx], legal_truth))
        for r in rows[-2:]:
            print(json.dumps(r), flush=True)

    for t in thresholds:
        keys, sec = _fews(smiles, fps, scaffolds, groups, t)
        report(f"fews(threshold={t})", keys, sec)
    for t in (0.5, 0.65, 0.8):
        labels, sec = _bitbirch(fps, t)
        report(f"bitbirch(threshold={t})", labels, sec)
    if len(smiles) <= BUTINA_MAX:
        for sim, (labels, sec) in _butina(smiles, (0.4, 0.6)).items():
            report(f"butina(similarity={sim})", labels, sec)
    report("legal group alone", [g.label if g else f"none:{i}" for i, g in enumerate(groups)], None)
    report("generic scaffold alone", [s or f"acyclic:{i}" for i, s in enumerate(scaffolds)], None)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=5_000)
    parser.add_argument("--thresholds", default="0.3,0.35,0.4,0.45,0.5,0.6")
    args = parser.parse_args()
    if args.n > BUTINA_MAX:
        print(f"note: Butina is skipped above {BUTINA_MAX} structures (quadratic memory)", flush=True)
    thresholds = [float(x) for x in args.thresholds.split(",")]
    with tempfile.TemporaryDirectory():
        evaluate("catalogue", _catalogue(), thresholds)
        evaluate("analogues", analogue_set(args.n), thresholds)


if __name__ == "__main__":
    main()
