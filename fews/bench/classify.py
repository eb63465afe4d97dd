"""Classification benchmark: ``LegalEngine.classify`` against RDKit parse + the same standardisation
steps + ``MolToInchiKey`` + ``HasSubstructMatch`` of every generic rule's core, on the same distinct
structures (no cache hits on either side)."""

from __future__ import annotations

import itertools
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from fews.bench.worker import result_rows, run_task

__all__ = ["bench_classify", "distinct_structures"]

BASELINE = "RDKit parse + standardisation + MolToInchiKey + HasSubstructMatch of every rule core"

# Templates over the families the rules address; {r} ring substituent, {a} alpha/3-position, {n} amine.
_TEMPLATES = [
    "{n}C({a})C(=O)c1ccc({r})cc1",  # cathinones
    "{n}C({a})Cc1ccc({r})cc1",  # phenethylamines
    "{n}CCc1c[nH]c2ccc({r})cc12",  # tryptamines
    "{n}CCn1c(Cc2ccc({r})cc2)nc2cc([N+](=O)[O-])ccc21",  # nitazenes
    "{n}C1(CCCCC1)c1cccc({r})c1",  # arylcyclohexylamines
    "CC(=O)N(c1ccc({r})cc1)C1CCN(CC{a})CC1",  # fentanyl-like (no rule yet: PSA)
]
_RING = ["C", "CC", "OC", "OCC", "F", "Cl", "Br", "I", "C(F)(F)F", "SC", "O", "N", "C#N", "CCC", "OC(C)C"]
_ALPHA = ["C", "CC", "CCC", "CCCC", "C(C)C"]
_AMINE = ["N", "CN", "CCN", "CCCN", "CN(C)", "CCN(CC)", "C1CCN1", "C(C)N"]


def distinct_structures(n: int) -> list[str]:
    """``n`` distinct, valid drug-like SMILES built from the templates (deterministic)."""
    out: list[str] = []
    seen: set[str] = set()
    for r, a, am, t in itertools.product(_RING, _ALPHA, _AMINE, _TEMPLATES):  # every family in any prefix
        smi = t.format(r=r, a=a, n=am)
        if smi not in seen:
            seen.add(smi)
            out.append(smi)
        if len(out) >= n:
            break
    return out


def bench_classify(*, quick: bool = False) -> Iterator[dict[str, Any]]:
    structures = distinct_structures(600 if quick else 1600)
    with tempfile.TemporaryDirectory(prefix="fews-bench-") as tmp:
        path = Path(tmp) / "structures.smi"
        path.write_text("\n".join(structures) + "\n")
        base = run_task("core_match", str(path))
        fews = run_task("classify", str(path))
    n = len(structures)
    yield from result_rows(
        "classify",
        metric="molecules_per_second",
        unit="mol/s",
        n=n,
        count_key="molecules",
        fews=fews,
        base=base,
        baseline=BASELINE,
        extra={"statuses": fews.get("statuses")},
    )
