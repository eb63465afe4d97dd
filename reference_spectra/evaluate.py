"""Held-out evaluation and threshold calibration of the verdicts on the shipped library.

Run: ``python -m reference_spectra.evaluate [--score entropy|cosine] [--write-thresholds]``.

Protocol (nothing of the query's own contributor, or of an absent compound, is in the library searched):

- *present* — each contributor (MassBank CONTRIBUTOR) is held out in turn; its spectra are searched against
  the spectra of all other contributors. Queries whose compound (stereo-free InChIKey block) has spectra
  from another contributor are *present*: top-1 should name the compound and the verdict be ``match``.
- *absent* — each compound is held out in turn (all its spectra, every contributor); its spectra are
  searched against the rest: the verdict should not be ``match``.
- *calibration* — compounds are split into two folds by a hash of the InChIKey block. Thresholds are
  chosen on one fold's queries and measured on the other's (and vice versa); the figures reported are
  the pooled out-of-fold ones. The shipped thresholds are then chosen on all queries by the same rule:
  the lowest ``match`` threshold that keeps absent queries called ``match`` at or below
  :data:`MAX_ABSENT_MATCH`, and the lowest ``analogue`` threshold at which at least
  :data:`MIN_ANALOGUE_PRECISION` of absent queries called ``analogue`` have a top hit of the same compound
  class (the library's COMPOUND_CLASS, e.g. nps_cathinone).
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from reference_spectra.cleaning import clean
from reference_spectra.library import SHIPPED_LIBRARY, build_library
from reference_spectra.msp import iter_msp
from reference_spectra.search import (
    THRESHOLDS_FILE,
    Score,
    SearchResult,
    _polarity,
    decide,
    load_thresholds,
    search_spectrum,
)
from reference_spectra.spectrum import Spectrum

__all__ = ["MAX_ABSENT_MATCH", "MIN_ANALOGUE_PRECISION", "calibrate", "collect", "evaluate", "measure"]

MAX_ABSENT_MATCH = 0.10
MIN_ANALOGUE_PRECISION = 0.5
#: Candidate thresholds; floor 0.5: below it entropy similarity no longer separates true from false
#: matches (Li et al. 2021, Nat. Methods 18:1524, Fig. 2).
_GRID = [round(0.50 + 0.01 * i, 2) for i in range(50)]

Row = tuple[str, Spectrum, SearchResult]  # (kind "present"|"present_other_ion"|"absent", query, raw result)
TOLERANCE_DA = 0.01


def _fold(key: str) -> int:
    return hashlib.sha256(key.encode()).digest()[0] % 2


def collect(records: list[Spectrum], *, score: Score = "entropy") -> list[Row]:
    """Search every held-out query once; thresholds are applied afterwards."""
    rows: list[Row] = []
    searchable = [r for r in records if r.error is None and r.precursor_mz is not None]
    for contributor in sorted({r.metadata.get("CONTRIBUTOR", "") for r in searchable}):
        lib = build_library(r for r in records if r.metadata.get("CONTRIBUTOR", "") != contributor)
        ions: dict[str, list[tuple[float, int]]] = defaultdict(list)
        for s, pol in zip(lib.ms2.spectra, lib.ms2.polarity, strict=True):
            ions[s.compound_key].append((s.precursor_mz or 0.0, int(pol)))
        for q in searchable:
            if q.metadata.get("CONTRIBUTOR", "") != contributor or q.compound_key not in ions:
                continue
            same_ion = any(
                abs(mz - (q.precursor_mz or 0.0)) <= TOLERANCE_DA and pol * _polarity(q) >= 0
                for mz, pol in ions[q.compound_key]
            )
            kind = "present" if same_ion else "present_other_ion"
            rows.append((kind, q, search_spectrum(lib, q, top=5, score=score, always_hybrid=True)))
    for key in sorted({r.compound_key for r in searchable}):
        lib = build_library(r for r in records if r.compound_key != key)
        for q in searchable:
            if q.compound_key == key:
                rows.append(("absent", q, search_spectrum(lib, q, top=5, score=score, always_hybrid=True)))
    return rows


def _top_key(res: dict[str, Any]) -> str | None:
    if not res["hits"]:
        return None
    h = res["hits"][0]
    return (h.get("inchikey") or "")[:14] or h["name"].strip().lower()


def measure(rows: Iterable[Row], thresholds: dict[str, Any], score: Score = "entropy") -> dict[str, Any]:
    """Accuracy and false-match figures of ``rows`` under ``thresholds``."""
    present = absent = top1 = present_match = correct_match = absent_match = analogue = analogue_same = 0
    other = other_top1 = 0
    for kind, q, raw in rows:
        if kind == "present_other_ion":
            other += 1
            ident_top = raw.identity[0] if raw.identity else None
            other_top1 += ident_top is not None and (ident_top.get("inchikey") or "")[:14] == q.compound_key
            continue
        res = decide(raw, thresholds)
        ident_top = raw.identity[0] if raw.identity else None
        if kind == "present":
            present += 1
            top_right = ident_top is not None and ((ident_top.get("inchikey") or "")[:14] or "") == q.compound_key
            top1 += top_right
            present_match += res["verdict"] == "match"
            correct_match += res["verdict"] == "match" and _top_key(res) == q.compound_key
        else:
            absent += 1
            absent_match += res["verdict"] == "match"
            if res["verdict"] == "analogue":
                analogue += 1
                analogue_same += bool(res["hits"]) and res["hits"][0].get("family") == q.metadata.get("COMPOUND_CLASS")
    return {
        "present_queries": present,
        "present_other_ion_queries": other,
        "top1_accuracy_any_ion": round((top1 + other_top1) / max(present + other, 1), 4),
        "absent_queries": absent,
        "top1_accuracy": round(top1 / max(present, 1), 4),
        "present_called_match": round(present_match / max(present, 1), 4),
        "present_correctly_matched": round(correct_match / max(present, 1), 4),
        "absent_not_called_match": round(1 - absent_match / max(absent, 1), 4),
        "absent_false_match_rate": round(absent_match / max(absent, 1), 4),
        "absent_called_analogue": round(analogue / max(absent, 1), 4),
        "analogue_same_class": round(analogue_same / max(analogue, 1), 4),
    }


def calibrate(rows: list[Row], score: Score = "entropy") -> dict[str, Any]:
    """Thresholds for ``score`` chosen on ``rows`` by the rule in the module docstring."""
    base = json.loads(json.dumps(load_thresholds()))
    best: tuple[float, float, int] | None = None
    for peaks in [int(base[score].get("min_matched_peaks", 2))]:
        for t in _GRID:
            th = base | {score: {"match": t, "analogue": t, "min_matched_peaks": peaks}}
            m = measure(rows, th, score)
            if m["absent_false_match_rate"] <= MAX_ABSENT_MATCH:
                cand = (m["present_correctly_matched"], -t, peaks)
                if best is None or cand > (best[0], -best[1], best[2]):
                    best = (m["present_correctly_matched"], t, peaks)
                break
    if best is None:
        raise ValueError("no threshold keeps absent false matches within bounds")
    match_t, peaks = best[1], best[2]
    analogue_t = match_t
    for t in sorted((g for g in _GRID if g <= match_t), reverse=True):
        th = base | {score: {"match": match_t, "analogue": t, "min_matched_peaks": peaks}}
        if measure(rows, th, score)["analogue_same_class"] < MIN_ANALOGUE_PRECISION:
            break
        analogue_t = t
    return {"match": match_t, "analogue": analogue_t, "min_matched_peaks": peaks}


def evaluate(records: list[Spectrum] | None = None, *, score: Score = "entropy") -> dict[str, Any]:
    """Two-fold out-of-fold figures plus the thresholds calibrated on all queries."""
    records = records if records is not None else [clean(r) for r in iter_msp(SHIPPED_LIBRARY)]
    rows = collect(records, score=score)
    base = json.loads(json.dumps(load_thresholds()))
    out_of_fold: list[tuple[Row, dict[str, Any]]] = []
    folds: dict[int, dict[str, Any]] = {}
    for fold in (0, 1):
        calib = [r for r in rows if _fold(r[1].compound_key) != fold]
        test = [r for r in rows if _fold(r[1].compound_key) == fold]
        th = base | {score: calibrate(calib, score)}
        folds[fold] = th[score]
        out_of_fold.extend((r, th) for r in test)
    pooled: dict[str, Any] = defaultdict(float)
    by_fold = [
        measure([r for r, t in out_of_fold if t is th], th, score) for th in {id(t): t for _, t in out_of_fold}.values()
    ]
    n_p = sum(m["present_queries"] for m in by_fold)
    n_a = sum(m["absent_queries"] for m in by_fold)
    n_o = sum(m["present_other_ion_queries"] for m in by_fold)
    for m in by_fold:
        for k, v in m.items():
            if k.endswith("_queries"):
                pooled[k] += v
            elif k == "top1_accuracy_any_ion":
                n_any = m["present_queries"] + m["present_other_ion_queries"]
                pooled[k] += v * n_any / max(n_p + n_o, 1)
            elif k.startswith(("top1", "present")):
                pooled[k] += v * m["present_queries"] / max(n_p, 1)
            else:
                pooled[k] += v * m["absent_queries"] / max(n_a, 1)
    final = calibrate(rows, score)
    return {
        "score": score,
        "compounds": len({r[1].compound_key for r in rows}),
        "contributors": len({r[1].metadata.get("CONTRIBUTOR", "") for r in rows}),
        "out_of_fold": {k: round(v, 4) if isinstance(v, float) else v for k, v in pooled.items()},
        "fold_thresholds": folds,
        "thresholds": final,
        "in_sample_with_thresholds": measure(rows, base | {score: final}, score),
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--score", choices=["entropy", "cosine"], default="entropy")
    parser.add_argument("--write-thresholds", action="store_true", help="store the calibrated thresholds")
    args = parser.parse_args(argv)
    result = evaluate(score=args.score)
    print(json.dumps(result))
    if args.write_thresholds:
        data = json.loads(THRESHOLDS_FILE.read_text())
        data[args.score] = result["thresholds"]
        data.setdefault("calibration", {})[args.score] = {
            "date": dt.date.today().isoformat(),
            "command": f"python -m reference_spectra.evaluate --score {args.score} --write-thresholds",
            "rule": f"absent false-match rate <= {MAX_ABSENT_MATCH}; analogue same-class >= {MIN_ANALOGUE_PRECISION}",
            "out_of_fold": result["out_of_fold"],
        }
        THRESHOLDS_FILE.write_text(json.dumps(data, indent=2) + "\n")


if __name__ == "__main__":
    main()
