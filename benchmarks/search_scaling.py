"""Substructure and similarity search at 10k-100k substances: ``chem.search.StructureIndex`` against
brute-force RDKit on the same structures and queries.

Run: ``.venv/bin/python benchmarks/search_scaling.py [--sizes 10000,100000]``

Structures: the generated NPS analogues of ``fews.bench.families.analogue_set`` (nine real cores,
substituents varied where seized analogues vary). Brute force holds every molecule parsed in memory
(its best case) and calls ``HasSubstructMatch`` on each; for similarity it uses RDKit's
``BulkTanimotoSimilarity`` over Morgan ``ExplicitBitVect``s. Both answer every query and the hit
lists are checked to be identical. Prints one JSON line per size.
"""

from __future__ import annotations

import argparse
import json
import time

from rdkit import Chem, DataStructs
from rdkit.Chem import rdFingerprintGenerator

from chem.fingerprints import FP_BITS, FP_RADIUS
from chem.search import StructureIndex, parse_query
from fews.bench.families import analogue_set
from fews.bench.worker import peak_rss_mb

# (query, is SMARTS): series cores, narrower sub-series and two broad fragments
SUBSTRUCTURE_QUERIES = [
    ("NC(C)C(=O)c1ccccc1", False),  # cathinone core
    ("NCCc1c[nH]c2ccccc12", False),  # tryptamine
    ("NC(C)Cc1ccccc1", False),  # amphetamine core
    ("O=C(CC)N(c1ccccc1)C1CCNCC1", False),  # fentanyl core
    ("c1ccc2c(c1)nc(Cc1ccccc1)n2CCN", False),  # nitazene core
    ("NC1(c2ccccc2)CCCCC1", False),  # arylcyclohexylamine
    ("COC(=O)C(c1ccccc1)C1CCCCN1", False),  # methylphenidate
    ("c1ccc2c(c1)OCO2", False),  # methylenedioxy ring
    ("Fc1ccc(cc1)C(=O)C(C)N", False),  # 4-fluoro cathinones
    ("[#6]-[#7;X3]-[#6](-[#6])-[#6](=O)-c1ccccc1", True),  # N-alkyl cathinones (SMARTS)
    ("c1ccccc1", False),  # benzene: nearly everything (worst case for the screen)
    ("C(F)(F)F", False),  # trifluoromethyl
]


def measure(n: int) -> dict[str, object]:
    structures = [smi for smi, _ in analogue_set(n)]
    ids = list(range(1, len(structures) + 1))
    t0 = time.perf_counter()
    index = StructureIndex.build(zip(ids, structures, strict=True))
    build_s = time.perf_counter() - t0
    rss_index = peak_rss_mb()

    t0 = time.perf_counter()
    mols = [Chem.MolFromSmiles(s) for s in structures]
    gen = rdFingerprintGenerator.GetMorganGenerator(radius=FP_RADIUS, fpSize=FP_BITS)
    bitvects = [gen.GetFingerprint(m) for m in mols]
    brute_build_s = time.perf_counter() - t0

    queries = [(parse_query(q, smarts=sm), q, sm) for q, sm in SUBSTRUCTURE_QUERIES]
    fast, fast_t, slow_t = [], [], []
    for q, _, _ in queries:
        t0 = time.perf_counter()
        hits = [h.id for h in index.substructure(q)]
        fast_t.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        reference = StructureIndex.brute_force_substructure(mols, ids, q)
        slow_t.append(time.perf_counter() - t0)
        if hits != reference:
            raise AssertionError(f"the indexed substructure search disagrees with brute force for {q}")
        fast.append(hits)
    passing = [len(index.screen(q)) / len(structures) for q, _, _ in queries]
    selective = [i for i, f in enumerate(passing) if f < 0.2]
    broad = [i for i, f in enumerate(passing) if f >= 0.2]

    def qps(times: list[float], rows: list[int]) -> float:
        return round(len(rows) / sum(times[i] for i in rows), 2) if rows else 0.0

    sim_queries = structures[:: max(1, len(structures) // 50)][:50]
    t0 = time.perf_counter()
    fast_sim = [[h.id for h in index.similar(q, threshold=0.5, top=None)] for q in sim_queries]
    fast_sim_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    slow_sim = []
    for q in sim_queries:
        scores = DataStructs.BulkTanimotoSimilarity(gen.GetFingerprint(Chem.MolFromSmiles(q)), bitvects)
        ranked = sorted((i for i, s in enumerate(scores) if s >= 0.5), key=lambda i: (-scores[i], ids[i]))
        slow_sim.append([ids[i] for i in ranked])
    slow_sim_s = time.perf_counter() - t0
    if [sorted(x) for x in fast_sim] != [sorted(x) for x in slow_sim]:
        raise AssertionError("the indexed similarity search disagrees with brute force")

    nq, ns = len(queries), len(sim_queries)
    return {
        "structures": len(structures),
        "index_build_seconds": round(build_s, 1),
        "index_mb": round(index.stats()["bytes"] / 1e6, 1),
        "rss_after_index_mb": round(rss_index, 1),
        "brute_force_parse_seconds": round(brute_build_s, 1),
        "peak_rss_mb": round(peak_rss_mb(), 1),
        "substructure_queries": nq,
        "substructure_qps": qps(fast_t, list(range(nq))),
        "substructure_brute_force_qps": qps(slow_t, list(range(nq))),
        "substructure_ratio": round(sum(slow_t) / sum(fast_t), 2),
        "selective_queries": len(selective),
        "selective_qps": qps(fast_t, selective),
        "selective_brute_force_qps": qps(slow_t, selective),
        "broad_queries": len(broad),
        "broad_qps": qps(fast_t, broad),
        "broad_brute_force_qps": qps(slow_t, broad),
        "per_query_ratio": [round(b / a, 1) for a, b in zip(fast_t, slow_t, strict=True)],
        "screen_pass_fraction": [round(f, 4) for f in passing],
        "hits": [len(h) for h in fast],
        "similarity_queries": ns,
        "similarity_qps": round(ns / fast_sim_s, 1),
        "similarity_brute_force_qps": round(ns / slow_sim_s, 1),
        "similarity_ratio": round(slow_sim_s / fast_sim_s, 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="10000,100000")
    args = parser.parse_args()
    for size in (int(s) for s in args.sizes.split(",")):
        print(json.dumps(measure(size)), flush=True)


if __name__ == "__main__":
    main()
