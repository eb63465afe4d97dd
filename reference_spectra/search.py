"""Spectral search over a reference library with ms-entropy's Flash entropy search, and the verdict.

Identity search (precursor within ``ms1_tolerance_da``) decides ``match``; otherwise hybrid search (which
also credits fragments shifted by the precursor difference, i.e. a modified analogue) decides
``analogue``; otherwise ``unknown``. Thresholds are in :data:`THRESHOLDS` (see docs/spectra.md for how
they were measured).
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from ms_entropy import FlashEntropySearch

from reference_spectra.msp import Spectrum, iter_msp

__all__ = ["SHIPPED_LIBRARY", "THRESHOLDS", "Library", "load_library", "identify_spectrum"]

SHIPPED_LIBRARY = Path(__file__).parent / "data" / "library.msp"
THRESHOLDS = {"match": 0.75, "analogue": 0.60, "ms1_tolerance_da": 0.01, "ms2_tolerance_da": 0.02}


@dataclass
class Library:
    """Searchable spectra (the index order) plus those that cannot be searched (no precursor m/z)."""

    spectra: list[Spectrum]
    unsearchable: list[Spectrum]
    index: FlashEntropySearch

    def __len__(self) -> int:
        return len(self.spectra)


def build_library(records: Iterable[Spectrum]) -> Library:
    usable: list[Spectrum] = []
    unusable: list[Spectrum] = []
    for rec in records:
        (usable if rec.error is None and rec.precursor_mz is not None else unusable).append(rec)
    entries = [{"precursor_mz": r.precursor_mz, "peaks": r.peaks, "_rec": i} for i, r in enumerate(usable)]
    search = FlashEntropySearch(max_ms2_tolerance_in_da=THRESHOLDS["ms2_tolerance_da"] * 1.01)
    ordered = search.build_index(entries)  # re-sorted by precursor m/z: keep this order
    spectra = [usable[e["_rec"]] for e in ordered]
    kept = {e["_rec"] for e in ordered}
    for i, rec in enumerate(usable):
        if i not in kept:  # ms-entropy drops spectra left with no peaks after cleaning
            rec.error = rec.error or "no peaks left after cleaning (all within 1.6 Da of the precursor or below 1%)"
            unusable.append(rec)
    return Library(spectra, unusable, search)


@functools.lru_cache(maxsize=4)
def load_library(path: str = str(SHIPPED_LIBRARY)) -> Library:
    return build_library(iter_msp(path))


def _hits(lib: Library, scores: np.ndarray, query_mz: float | None, top: int) -> list[dict[str, Any]]:
    """Best spectrum per compound (by InChIKey, else name), best first."""
    order = np.argsort(-scores)
    seen: set[str] = set()
    out: list[dict[str, Any]] = []
    for i in order:
        score = float(scores[i])
        if score <= 0 or len(out) >= top:
            break
        ref = lib.spectra[int(i)]
        key = ref.metadata.get("INCHIKEY") or ref.name
        if key in seen:
            continue
        seen.add(key)
        hit = {
            "name": ref.name,
            "inchikey": ref.metadata.get("INCHIKEY"),
            "score": round(score, 4),
            "smiles": ref.metadata.get("SMILES"),
            "accession": ref.metadata.get("SOURCE"),
            "licence": ref.metadata.get("LICENSE"),
            "authors": ref.metadata.get("AUTHORS"),
        }
        if query_mz is not None and ref.precursor_mz is not None:
            hit["mass_shift"] = round(query_mz - ref.precursor_mz, 4)
        out.append(hit)
    return out


def _verdict(best: float) -> str:
    if best >= THRESHOLDS["match"]:
        return "match"
    return "analogue" if best >= THRESHOLDS["analogue"] else "unknown"


def identify_spectrum(lib: Library, query: Spectrum, *, top: int = 5) -> dict[str, Any]:
    """The §6 ``identify`` record for one query (without legal status: see ``reference_spectra.identify``)."""
    base: dict[str, Any] = {"query": query.name}
    if query.error is not None:
        return base | {"verdict": "unknown", "hits": [], "error": query.error}
    mz = query.precursor_mz
    peaks = lib.index.clean_spectrum_for_search(mz or 0.0, query.peaks, precursor_ions_removal_da=1.6 if mz else -1)
    if len(peaks) == 0:
        return base | {"verdict": "unknown", "hits": [], "error": "no peaks left after cleaning"}
    if mz is None:  # no precursor: open search only (EI-like or poorly annotated queries)
        scores = lib.index.open_search(peaks=peaks, ms2_tolerance_in_da=THRESHOLDS["ms2_tolerance_da"])
        hits = _hits(lib, scores, None, top)
        best = hits[0]["score"] if hits else 0.0
        verdict = (
            "match" if best >= THRESHOLDS["match"] else "analogue" if best >= THRESHOLDS["analogue"] else "unknown"
        )
        return base | {"verdict": verdict, "hits": hits, "search": "open (no precursor m/z)"}
    result = lib.index.search(
        precursor_mz=mz,
        peaks=peaks,
        ms1_tolerance_in_da=THRESHOLDS["ms1_tolerance_da"],
        ms2_tolerance_in_da=THRESHOLDS["ms2_tolerance_da"],
        method={"identity", "hybrid"},
    )
    identity = _hits(lib, result["identity_search"], mz, top)
    if identity and identity[0]["score"] >= THRESHOLDS["match"]:
        return base | {"verdict": "match", "hits": identity, "search": "identity"}
    hybrid = _hits(lib, result["hybrid_search"], mz, top)
    if hybrid and hybrid[0]["score"] >= THRESHOLDS["analogue"]:
        for h in hybrid:
            if abs(h.get("mass_shift", 0.0)) > THRESHOLDS["ms1_tolerance_da"]:
                h["modification"] = f"precursor differs by {h['mass_shift']:+.4f} Da"
        return base | {"verdict": "analogue", "hits": hybrid, "search": "hybrid"}
    return base | {"verdict": "unknown", "hits": hybrid or identity, "search": "hybrid"}
