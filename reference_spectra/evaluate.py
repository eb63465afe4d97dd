"""Held-out evaluation of the verdicts on the shipped library (run: python -m reference_spectra.evaluate).

- *present*: each spectrum is searched against the library without that one spectrum (other spectra of
  the same compound stay): top-1 should name the right compound and the verdict should be ``match``.
- *absent*: each compound in turn is removed entirely; its spectra are searched against the rest: the
  verdict should not be ``match`` (``analogue`` or ``unknown``).
"""

from __future__ import annotations

import json
from collections import defaultdict
from typing import Any

from reference_spectra.msp import Spectrum, iter_msp
from reference_spectra.search import SHIPPED_LIBRARY, build_library, identify_spectrum

__all__ = ["evaluate"]


def _key(s: Spectrum) -> str:
    return s.metadata.get("INCHIKEY") or s.name


def evaluate(records: list[Spectrum] | None = None, *, max_queries_per_compound: int = 5) -> dict[str, Any]:
    records = records or [r for r in iter_msp(SHIPPED_LIBRARY) if r.error is None and r.precursor_mz]
    by_compound: dict[str, list[Spectrum]] = defaultdict(list)
    for r in records:
        by_compound[_key(r)].append(r)
    present = correct = present_match = 0
    for spectra in by_compound.values():
        for query in spectra[:max_queries_per_compound]:
            lib = build_library(r for r in records if r is not query)
            res = identify_spectrum(lib, query, top=1)
            present += 1
            correct += bool(res["hits"]) and res["hits"][0].get("inchikey") == query.metadata.get("INCHIKEY")
            present_match += res["verdict"] == "match"
    absent = absent_not_match = 0
    for key, spectra in by_compound.items():
        lib = build_library(r for r in records if _key(r) != key)
        for query in spectra[:max_queries_per_compound]:
            res = identify_spectrum(lib, query, top=1)
            absent += 1
            absent_not_match += res["verdict"] != "match"
    return {
        "compounds": len(by_compound),
        "present_queries": present,
        "top1_accuracy": round(correct / present, 4),
        "present_called_match": round(present_match / present, 4),
        "absent_queries": absent,
        "absent_not_called_match": round(absent_not_match / absent, 4),
    }


if __name__ == "__main__":
    print(json.dumps(evaluate()))
