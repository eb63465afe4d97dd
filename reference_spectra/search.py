"""Spectral search over a :class:`~reference_spectra.library.Library` and the verdict for one query.

- **identity** (query has a precursor m/z): library spectra whose precursor is within the MS1 tolerance
  (Da or ppm) and whose polarity agrees; scored by Flash entropy similarity (ms-entropy) or greedy
  cosine. Best score ≥ ``match`` threshold → verdict ``match``.
- **hybrid / open** (analogue search): fragments may also match after the precursor difference, as for
  a modified compound (ms-entropy hybrid search; modified cosine for ``cosine``). Best ≥ ``analogue``
  threshold → ``analogue``; the hit carries ``mass_shift`` and the likely ``modification``.
- **EI** (query without precursor, single-stage): open search of the EI index at nominal mass.
- otherwise ``unknown`` (nearest hits still listed).

Thresholds are data (``data/thresholds.json``), calibrated by :mod:`reference_spectra.evaluate` on a
compound- and contributor-held-out split; see docs/spectra.md.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np

from reference_spectra.cleaning import SEARCH_CLEANING, clean
from reference_spectra.library import (
    INDEX_PARAMS,
    SHIPPED_LIBRARY,
    IndexedSet,
    Library,
    build_library,
    clean_ei_peaks,
    load_library,
)
from reference_spectra.modifications import likely_modifications
from reference_spectra.scores import CosineGreedy
from reference_spectra.spectrum import Spectrum

__all__ = [
    "SHIPPED_LIBRARY",
    "SearchResult",
    "decide",
    "search_spectrum",
    "THRESHOLDS",
    "Library",
    "Tolerance",
    "build_library",
    "identify_spectrum",
    "load_library",
    "load_thresholds",
]

#: Runner-up compounds scoring within this margin of a match are named in ``caveats`` (isomers).
ISOMER_MARGIN = 0.05
THRESHOLDS_FILE = Path(__file__).parent / "data" / "thresholds.json"
Score = Literal["entropy", "cosine"]


@functools.lru_cache(maxsize=1)
def load_thresholds() -> dict[str, Any]:
    with open(THRESHOLDS_FILE, encoding="utf-8") as fh:
        return json.load(fh)  # type: ignore[no-any-return]


THRESHOLDS = load_thresholds()
_TOL = re.compile(r"^\s*([0-9]*\.?[0-9]+)\s*(ppm|da|mda)?\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class Tolerance:
    """An MS1 tolerance in Da or ppm; ``Tolerance.parse("10ppm")``, ``Tolerance.parse("0.01 Da")``."""

    value: float
    unit: Literal["da", "ppm"] = "da"

    @classmethod
    def parse(cls, text: str) -> Tolerance:
        m = _TOL.match(text or "")
        if m is None:
            raise ValueError(f"tolerance must look like '10ppm' or '0.01Da', got {text!r}")
        value, unit = float(m.group(1)), (m.group(2) or "da").lower()
        if value <= 0:
            raise ValueError(f"tolerance must be positive, got {text!r}")
        if unit == "mda":
            return cls(value / 1000, "da")
        return cls(value, "ppm" if unit == "ppm" else "da")

    def da(self, mz: float) -> float:
        return self.value * mz / 1e6 if self.unit == "ppm" else self.value

    def __str__(self) -> str:
        return f"{self.value:g} {'ppm' if self.unit == 'ppm' else 'Da'}"


def _polarity(query: Spectrum) -> int:
    mode = (query.metadata.get("IONMODE") or "").lower()
    ptype = query.metadata.get("PRECURSORTYPE") or ""
    if mode.startswith("pos") or ptype.endswith("+"):
        return 1
    if mode.startswith("neg") or ptype.endswith("-"):
        return -1
    return 0


def _best_first(scores: np.ndarray, top: int) -> Iterator[int]:
    """Indices of positive scores, best first. Only the best few hundred are sorted up front (hits are one
    per compound, so ``top`` compounds need a margin of spectra); the rest only if they are reached."""
    positive = np.flatnonzero(scores > 0)
    keep = top * 40
    if len(positive) <= keep:
        yield from positive[np.argsort(-scores[positive], kind="stable")].tolist()
        return
    part = np.argpartition(-scores[positive], keep)
    head, rest = positive[part[:keep]], positive[part[keep:]]
    yield from head[np.argsort(-scores[head], kind="stable")].tolist()
    yield from rest[np.argsort(-scores[rest], kind="stable")].tolist()


def _hits(
    s: IndexedSet, scores: np.ndarray, matched: np.ndarray | None, query_mz: float | None, top: int
) -> list[dict[str, Any]]:
    """Best spectrum per compound (stereo-free InChIKey block, else name), best first."""
    order = _best_first(scores, top)
    seen: set[str] = set()
    out: list[dict[str, Any]] = []
    for i in order:
        score = float(scores[i])
        if score <= 0 or len(out) >= top:
            break
        ref = s.spectra[int(i)]
        key = ref.compound_key
        if key in seen:
            continue
        seen.add(key)
        hit: dict[str, Any] = {
            "name": ref.name,
            "inchikey": ref.inchikey,
            "score": round(score, 4),
            "smiles": ref.metadata.get("SMILES"),
            "accession": ref.metadata.get("SOURCE") or ref.metadata.get("ACCESSION") or ref.metadata.get("DB#"),
            "licence": ref.metadata.get("LICENSE"),
            "authors": ref.metadata.get("AUTHORS"),
            "family": ref.metadata.get("COMPOUND_CLASS"),
            "_index": int(i),
        }
        if matched is not None:
            hit["matched_peaks"] = int(matched[i])
        if query_mz is not None and ref.precursor_mz is not None:
            hit["mass_shift"] = round(query_mz - ref.precursor_mz, 4)
        out.append(hit)
    return out


def _matched_peaks(query: np.ndarray, ref: np.ndarray, tol: float, shift: float = 0.0) -> int:
    if len(query) == 0 or len(ref) == 0:
        return 0
    r = np.sort(ref[:, 0])
    q = query[:, 0]
    near = np.abs(r[np.clip(np.searchsorted(r, q), 0, len(r) - 1)] - q) <= tol
    near |= np.abs(r[np.clip(np.searchsorted(r, q) - 1, 0, len(r) - 1)] - q) <= tol
    if shift:
        qs = q - shift
        idx = np.searchsorted(r, qs)
        near |= np.abs(r[np.clip(idx, 0, len(r) - 1)] - qs) <= tol
        near |= np.abs(r[np.clip(idx - 1, 0, len(r) - 1)] - qs) <= tol
    return int(near.sum())


def _cosine_scores(
    s: IndexedSet, peaks: np.ndarray, candidates: np.ndarray, tol: float, shifts: np.ndarray | None = None
) -> np.ndarray:
    scorer = CosineGreedy(tolerance=tol)
    scores = np.zeros(len(s), dtype=np.float32)
    for k, i in enumerate(candidates):
        scores[i] = scorer.pair(peaks, s.peaks[i], shift=0.0 if shifts is None else float(shifts[k]))
    return scores


def _strip(hits: list[dict[str, Any]]) -> list[dict[str, Any]]:
    for h in hits:
        h.pop("_index", None)
    return hits


def _annotate_modifications(hits: list[dict[str, Any]], tol: float) -> None:
    for h in hits:
        shift = h.get("mass_shift")
        if shift is None:
            continue
        if abs(shift) <= tol:
            h["modification"] = "none (same precursor m/z)"
            continue
        mods = likely_modifications(shift, tolerance=max(tol, 0.005))
        h["modification"] = (
            f"{mods[0]['label']} ({mods[0]['description']})" if mods else f"unassigned shift {shift:+.4f} Da"
        )
        if len(mods) > 1:
            h["modification_alternatives"] = [m["label"] for m in mods[1:]]


@dataclass
class SearchResult:
    """Raw search output for one query, before thresholds: identity hits (precursor within tolerance),
    hybrid/analogue hits, or open/EI hits when the query has no precursor; or the reason it failed."""

    query: str
    mode: Literal["identity", "open", "ei", "error"]
    score: Score
    identity: list[dict[str, Any]]
    hybrid: list[dict[str, Any]]
    tolerance_da: float = 0.0
    error: str | None = None


def search_spectrum(
    lib: Library,
    query: Spectrum,
    *,
    top: int = 5,
    score: Score = "entropy",
    ms1_tolerance: Tolerance | None = None,
    always_hybrid: bool = False,
) -> SearchResult:
    """Run the searches for one query (no verdict yet); see :func:`identify_spectrum`.

    The hybrid (analogue) search runs only when the identity search does not already give a match under
    the shipped thresholds, unless ``always_hybrid`` (the evaluation sets it, to try other thresholds).
    """
    if score not in ("entropy", "cosine"):
        raise ValueError(f"score must be 'entropy' or 'cosine', got {score!r}")
    if query.error is None:
        query = clean(query)
    if query.error is not None:
        return SearchResult(query.name, "error", score, [], [], error=query.error)
    mz = query.precursor_mz
    if mz is None:
        return _search_without_precursor(lib, query, top=top, score=score)
    tol = (ms1_tolerance or Tolerance.parse(load_thresholds()["ms1_tolerance"])).da(mz)
    s = lib.ms2
    if len(s) == 0:
        return SearchResult(query.name, "error", score, [], [], error="the library has no MS/MS spectra to search")
    peaks = s.flash.clean_spectrum_for_search(mz, np.asarray(query.peaks, dtype=np.float32), **SEARCH_CLEANING)
    if len(peaks) == 0:
        return SearchResult(
            query.name,
            "error",
            score,
            [],
            [],
            error="no fragment peaks left after cleaning "
            "(all within 1.6 Da of the precursor or below 1% of the base peak)",
        )
    ms2_tol = INDEX_PARAMS["ms2_tolerance_da"]
    polarity = _polarity(query)
    wrong_polarity = (s.polarity * polarity) < 0 if polarity else np.zeros(len(s), dtype=bool)
    if score == "entropy":
        identity, matched = s.flash.identity_search(
            precursor_mz=mz,
            peaks=peaks,
            ms1_tolerance_in_da=tol,
            ms2_tolerance_in_da=ms2_tol,
            output_matched_peak_number=True,
        )
    else:
        lo, hi = np.searchsorted(s.precursors, mz - tol, "left"), np.searchsorted(s.precursors, mz + tol, "right")
        identity = _cosine_scores(s, peaks, np.arange(lo, hi), ms2_tol)
        matched = np.zeros(len(s), dtype=np.int64)
        for i in range(lo, hi):
            matched[i] = _matched_peaks(peaks, s.peaks[i], ms2_tol)
    ident_hits = _strip(_hits(s, np.where(wrong_polarity, 0.0, identity), matched, mz, top))
    th = load_thresholds()[score]
    is_match = bool(ident_hits) and ident_hits[0]["score"] >= th["match"]
    if is_match and ident_hits[0]["matched_peaks"] >= th["min_matched_peaks"] and not always_hybrid:
        return SearchResult(query.name, "identity", score, ident_hits, [], tolerance_da=tol)
    if score == "entropy":
        hybrid = s.flash.hybrid_search(precursor_mz=mz, peaks=peaks, ms2_tolerance_in_da=ms2_tol)
    else:
        max_shift = float(load_thresholds()["max_analogue_shift_da"])
        lo2 = np.searchsorted(s.precursors, mz - max_shift, "left")
        hi2 = np.searchsorted(s.precursors, mz + max_shift, "right")
        cands = np.arange(lo2, hi2)
        hybrid = _cosine_scores(s, peaks, cands, ms2_tol, shifts=mz - s.precursors[cands])
    hyb_hits = _hits(s, np.where(wrong_polarity, 0.0, hybrid), None, mz, top)
    for h in hyb_hits:
        h["matched_peaks"] = _matched_peaks(peaks, s.peaks[h["_index"]], ms2_tol, h.get("mass_shift", 0.0))
    _annotate_modifications(hyb_hits, tol)
    return SearchResult(query.name, "identity", score, ident_hits, _strip(hyb_hits), tolerance_da=tol)


def decide(result: SearchResult, thresholds: dict[str, Any] | None = None) -> dict[str, Any]:
    """The verdict and §6 record from a :class:`SearchResult` under ``thresholds`` (default: the data file)."""
    th_all = thresholds or load_thresholds()
    base: dict[str, Any] = {"query": result.query}
    if result.mode == "error":
        return base | {"verdict": "unknown", "hits": [], "error": result.error}
    if result.mode in ("open", "ei"):
        th = th_all["ei" if result.mode == "ei" else result.score]
        hits = result.identity
        best = hits[0] if hits else None
        if best and best["score"] >= th["match"] and best["matched_peaks"] >= th["min_matched_peaks"]:
            verdict = "match"
        elif best and best["score"] >= th["analogue"]:
            verdict = "analogue"
        else:
            verdict = "unknown"
        label = "EI (nominal mass, no precursor)" if result.mode == "ei" else "open (no precursor m/z)"
        return base | {"verdict": verdict, "hits": hits, "search": f"{label} ({result.score})"}
    th = th_all[result.score]
    ident, hyb = result.identity, result.hybrid
    if ident and ident[0]["score"] >= th["match"] and ident[0]["matched_peaks"] >= th["min_matched_peaks"]:
        out = base | {"verdict": "match", "hits": ident, "search": f"identity ({result.score})"}
        close = [h["name"] for h in ident[1:] if ident[0]["score"] - h["score"] <= ISOMER_MARGIN]
        if close:  # positional isomers (oCPP/mCPP, codeine/hydrocodone) give near-identical MS/MS
            out["caveats"] = [f"not resolved from {', '.join(close)} (score within {ISOMER_MARGIN})"]
        return out
    if hyb and hyb[0]["score"] >= th["analogue"]:
        return base | {"verdict": "analogue", "hits": hyb, "search": f"hybrid ({result.score})"}
    nearest = hyb if hyb and (not ident or hyb[0]["score"] >= ident[0]["score"]) else ident
    return base | {"verdict": "unknown", "hits": nearest, "search": f"hybrid ({result.score})"}


def identify_spectrum(
    lib: Library,
    query: Spectrum,
    *,
    top: int = 5,
    score: Score = "entropy",
    ms1_tolerance: Tolerance | None = None,
) -> dict[str, Any]:
    """The §6 ``identify`` record for one query (legal status is added by :mod:`reference_spectra.identify`).

    Parameters
    ----------
    lib
        The library (see :func:`reference_spectra.library.load_library`).
    query
        The query; one with ``error`` set gives ``verdict: unknown``, ``hits: []`` and the ``error``.
    top
        Hits to report (best spectrum per compound).
    score
        ``entropy`` (Flash entropy similarity, default) or ``cosine`` (greedy / modified cosine).
    ms1_tolerance
        Precursor tolerance for identity search (default from ``data/thresholds.json``).

    Returns
    -------
    dict
        ``{"query", "verdict", "hits", "search"}`` or, for a malformed query, ``{"query", "verdict":
        "unknown", "hits": [], "error"}``.
    """
    return decide(search_spectrum(lib, query, top=top, score=score, ms1_tolerance=ms1_tolerance))


def _search_without_precursor(lib: Library, query: Spectrum, *, top: int, score: Score) -> SearchResult:
    """EI search (nominal mass) when the library holds EI spectra, else an open MS/MS search."""
    use_ei = query.is_ei or len(lib.ms2) == 0
    s = lib.ei if use_ei else lib.ms2
    if len(s) == 0:
        reason = (
            "an EI (single-stage) query but the library holds no EI spectra: import an EI library "
            "(e.g. JCAMP-DX) with 'fews spectra import'"
            if use_ei
            else "the library has no spectra to search"
        )
        return SearchResult(query.name, "error", score, [], [], error=reason)
    if use_ei:
        tol = INDEX_PARAMS["ei_tolerance_da"]
        peaks = clean_ei_peaks(s.flash, query.peaks)
    else:
        tol = INDEX_PARAMS["ms2_tolerance_da"]
        peaks = s.flash.clean_spectrum_for_search(
            0.0,
            np.asarray(query.peaks, dtype=np.float32),
            precursor_ions_removal_da=None,
            noise_threshold=SEARCH_CLEANING["noise_threshold"],
            min_ms2_difference_in_da=SEARCH_CLEANING["min_ms2_difference_in_da"],
        )
    if len(peaks) == 0:
        return SearchResult(query.name, "error", score, [], [], error="no peaks left after cleaning")
    if score == "entropy":
        scores, matched = s.flash.open_search(peaks=peaks, ms2_tolerance_in_da=tol, output_matched_peak_number=True)
    else:
        scores = _cosine_scores(s, peaks, np.arange(len(s)), tol)
        matched = np.array([_matched_peaks(peaks, p, tol) for p in s.peaks], dtype=np.int64)
    hits = _strip(_hits(s, scores, matched, None, top))
    return SearchResult(query.name, "ei" if use_ei else "open", score, hits, [], tolerance_da=tol)
