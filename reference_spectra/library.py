"""A searchable library: records read and cleaned from one or more files, indexed once with ms-entropy's
Flash entropy search, and persisted so that later runs load the index instead of rebuilding it.

Two indexes are kept: ``ms2`` (spectra with a precursor m/z: identity, hybrid and open search) and ``ei``
(single-stage EI spectra without precursor, e.g. from JCAMP-DX GC-MS libraries, searched at nominal mass).
Records that cannot be searched are kept in ``quarantined`` with the reason.

The persisted index lives in ``cache_dir/<key>/`` where ``key`` hashes the library files' bytes, the
cleaning pipeline version, the ms-entropy version and the index parameters; a changed library file gives
a new key, so the index is rebuilt. Only numpy arrays and JSON are read back (no pickle).
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
import os
import shutil
import tempfile
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from importlib.metadata import version
from pathlib import Path
from typing import Any

import numpy as np
from ms_entropy import FlashEntropySearch

from reference_spectra.cleaning import PIPELINE_VERSION, SEARCH_CLEANING, clean, nominal_mass
from reference_spectra.readers import read_spectra
from reference_spectra.spectrum import Spectrum

__all__ = ["INDEX_PARAMS", "SHIPPED_LIBRARY", "IndexedSet", "Library", "build_library", "library_key", "load_library"]

logger = logging.getLogger(__name__)

SHIPPED_LIBRARY = Path(__file__).parent / "data" / "library.msp"
#: Index parameters (part of the cache key). EI spectra are compared at nominal mass, so their tolerance
#: is 0.4 Da (less than half the 1 Da spacing).
INDEX_PARAMS = {"ms2_tolerance_da": 0.02, "ei_tolerance_da": 0.4, "format": 2}


@dataclass
class IndexedSet:
    """One Flash index and, in index order, its records, their cleaned peaks and precursor m/z."""

    spectra: list[Spectrum]
    peaks: list[np.ndarray]
    precursors: np.ndarray
    flash: FlashEntropySearch
    polarity: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int8))  # +1, -1, 0 unknown

    def __len__(self) -> int:
        return len(self.spectra)


@dataclass
class Library:
    """Indexed reference spectra plus the records that could not be indexed (with reasons)."""

    ms2: IndexedSet
    ei: IndexedSet
    quarantined: list[Spectrum]
    sources: list[str]
    key: str
    build_seconds: float = 0.0
    load_seconds: float = 0.0
    from_cache: bool = False

    def __len__(self) -> int:
        return len(self.ms2) + len(self.ei)

    @property
    def spectra(self) -> list[Spectrum]:
        """All searchable records (MS/MS first, then EI)."""
        return self.ms2.spectra + self.ei.spectra

    @property
    def unsearchable(self) -> list[Spectrum]:
        return self.quarantined


def _polarity(spec: Spectrum) -> int:
    mode = (spec.metadata.get("IONMODE") or "").lower()
    ptype = spec.metadata.get("PRECURSORTYPE") or ""
    if mode.startswith("pos") or ptype.endswith("+"):
        return 1
    if mode.startswith("neg") or ptype.endswith("-"):
        return -1
    return 0


def clean_ei_peaks(flash: FlashEntropySearch, peaks: np.ndarray) -> np.ndarray:
    """EI peaks as indexed and searched: nominal mass, 1% noise threshold, no precursor removal."""
    return flash.clean_spectrum_for_search(
        0.0,
        nominal_mass(peaks),
        precursor_ions_removal_da=None,
        noise_threshold=SEARCH_CLEANING["noise_threshold"],
        min_ms2_difference_in_da=0.9,
    )


def _build(flash: FlashEntropySearch, entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Index the entries left with peaks (pre-cleaned); returns them re-sorted by precursor m/z, the order
    ms-entropy's results refer to. An empty set is not indexed (ms-entropy cannot index nothing)."""
    kept = [e for e in entries if len(e["peaks"]) > 0]
    if not kept:
        return []
    return flash.build_index(kept, clean_spectra=False)  # type: ignore[no-any-return]


def _index_ms2(records: list[Spectrum]) -> tuple[IndexedSet, list[Spectrum]]:
    flash = FlashEntropySearch(max_ms2_tolerance_in_da=INDEX_PARAMS["ms2_tolerance_da"] * 1.01)
    entries = [
        {
            "precursor_mz": r.precursor_mz,
            "_rec": i,
            "peaks": flash.clean_spectrum_for_search(
                r.precursor_mz, np.asarray(r.peaks, dtype=np.float32), **SEARCH_CLEANING
            ),
        }
        for i, r in enumerate(records)
    ]
    ordered = _build(flash, entries)
    kept = {e["_rec"] for e in ordered}
    dropped = [
        dataclasses.replace(
            r,
            error="no fragment peaks left after cleaning (all within 1.6 Da of the "
            "precursor or below 1% of the base peak)",
        )
        for i, r in enumerate(records)
        if i not in kept
    ]
    peaks = [np.asarray(e["peaks"], dtype=np.float32) for e in ordered]
    spectra = [dataclasses.replace(records[e["_rec"]], peaks=p) for e, p in zip(ordered, peaks, strict=True)]
    return IndexedSet(
        spectra,
        peaks,
        np.array([e["precursor_mz"] for e in ordered], dtype=np.float64),
        flash,
        np.array([_polarity(s) for s in spectra], dtype=np.int8),
    ), dropped


def _index_ei(records: list[Spectrum]) -> tuple[IndexedSet, list[Spectrum]]:
    flash = FlashEntropySearch(max_ms2_tolerance_in_da=INDEX_PARAMS["ei_tolerance_da"] * 1.01)
    entries = [{"precursor_mz": 0.0, "_rec": i, "peaks": clean_ei_peaks(flash, r.peaks)} for i, r in enumerate(records)]
    ordered = _build(flash, entries)
    kept = {e["_rec"] for e in ordered}
    dropped = [
        dataclasses.replace(r, error="no peaks left after cleaning") for i, r in enumerate(records) if i not in kept
    ]
    peaks = [np.asarray(e["peaks"], dtype=np.float32) for e in ordered]
    spectra = [dataclasses.replace(records[e["_rec"]], peaks=p) for e, p in zip(ordered, peaks, strict=True)]
    return IndexedSet(
        spectra, peaks, np.zeros(len(ordered), dtype=np.float64), flash, np.zeros(len(ordered), dtype=np.int8)
    ), dropped


def build_library(records: Iterable[Spectrum], *, sources: Sequence[str] = (), key: str = "") -> Library:
    """Clean and index ``records`` (already read); no persistence."""
    t0 = time.perf_counter()
    ms2: list[Spectrum] = []
    ei: list[Spectrum] = []
    quarantined: list[Spectrum] = []
    for raw in records:
        rec = clean(raw)
        if rec.error is not None:
            quarantined.append(rec)
        elif rec.precursor_mz is not None:
            ms2.append(rec)
        elif rec.is_ei:
            ei.append(rec)
        else:
            quarantined.append(
                dataclasses.replace(
                    rec, error="MS/MS record without a usable precursor m/z (missing or NA): cannot be searched"
                )
            )
    ms2_set, dropped_ms2 = _index_ms2(ms2)
    ei_set, dropped_ei = _index_ei(ei)
    lib = Library(ms2_set, ei_set, quarantined + dropped_ms2 + dropped_ei, list(sources), key)
    lib.build_seconds = time.perf_counter() - t0
    return lib


def library_key(paths: Sequence[str | os.PathLike[str]]) -> str:
    """sha256 over the files' bytes and everything that shapes the index (pipeline, ms-entropy, parameters)."""
    h = hashlib.sha256()
    h.update(json.dumps([PIPELINE_VERSION, version("ms-entropy"), INDEX_PARAMS], sort_keys=True).encode())
    for p in paths:
        h.update(Path(p).suffix.lower().encode() + b"\0")
        with open(p, "rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                h.update(chunk)
        h.update(b"\0file\0")
    return h.hexdigest()


def _record_json(rec: Spectrum) -> dict[str, Any]:
    return {"index": rec.index, "line": rec.line, "metadata": rec.metadata, "error": rec.error}


def _write_set(folder: Path, name: str, s: IndexedSet) -> None:
    sub = folder / name
    sub.mkdir()
    if len(s):
        s.flash.write(sub / "flash")
    lengths = np.array([len(p) for p in s.peaks], dtype=np.int64)
    flat = np.concatenate(s.peaks) if s.peaks else np.zeros((0, 2), dtype=np.float32)
    np.savez(sub / "arrays.npz", peaks=flat, lengths=lengths, precursors=s.precursors, polarity=s.polarity)
    with open(sub / "records.jsonl", "w", encoding="utf-8") as fh:
        for rec in s.spectra:
            fh.write(json.dumps(_record_json(rec)) + "\n")


def _read_records(path: Path) -> list[Spectrum]:
    out = []
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            d = json.loads(line)
            out.append(Spectrum(index=d["index"], line=d["line"], metadata=d["metadata"], error=d["error"]))
    return out


def _read_set(folder: Path, name: str, tolerance: float) -> IndexedSet:
    sub = folder / name
    spectra = _read_records(sub / "records.jsonl")
    with np.load(sub / "arrays.npz", allow_pickle=False) as z:
        flat, lengths, precursors, polarity = z["peaks"], z["lengths"], z["precursors"], z["polarity"]
    offsets = np.concatenate([[0], np.cumsum(lengths)])
    peaks = [flat[offsets[i] : offsets[i + 1]] for i in range(len(lengths))]
    flash = FlashEntropySearch(max_ms2_tolerance_in_da=tolerance * 1.01)
    if spectra:
        flash.read(sub / "flash")
        if int(flash.entropy_search.total_spectra_num) != len(spectra):
            raise ValueError(f"persisted index {sub} is inconsistent: rebuild it")
    for spec, p in zip(spectra, peaks, strict=True):
        spec.peaks = p
    return IndexedSet(spectra, peaks, precursors, flash, polarity)


def _save(lib: Library, folder: Path) -> None:
    folder.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".tmp-", dir=folder.parent))
    try:
        _write_set(tmp, "ms2", lib.ms2)
        _write_set(tmp, "ei", lib.ei)
        with open(tmp / "quarantined.jsonl", "w", encoding="utf-8") as fh:
            for rec in lib.quarantined:
                fh.write(json.dumps(_record_json(rec)) + "\n")
        manifest = {
            "key": lib.key,
            "sources": lib.sources,
            "pipeline": PIPELINE_VERSION,
            "ms_entropy": version("ms-entropy"),
            "params": INDEX_PARAMS,
            "counts": {"ms2": len(lib.ms2), "ei": len(lib.ei), "quarantined": len(lib.quarantined)},
            "build_seconds": round(lib.build_seconds, 3),
        }
        (tmp / "manifest.json").write_text(json.dumps(manifest, indent=1))
        try:
            os.replace(tmp, folder)  # atomic: another process may have written the same key meanwhile
        except OSError:
            shutil.rmtree(tmp, ignore_errors=True)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def _load(folder: Path, key: str) -> Library | None:
    manifest_path = folder / "manifest.json"
    if not manifest_path.is_file():
        return None
    t0 = time.perf_counter()
    try:
        manifest = json.loads(manifest_path.read_text())
        if manifest.get("key") != key:
            return None
        ms2 = _read_set(folder, "ms2", INDEX_PARAMS["ms2_tolerance_da"])
        ei = _read_set(folder, "ei", INDEX_PARAMS["ei_tolerance_da"])
        quarantined = _read_records(folder / "quarantined.jsonl")
    except (OSError, ValueError, KeyError) as exc:
        logger.warning("persisted spectral index %s unreadable (%s); rebuilding", folder, exc)
        return None
    lib = Library(ms2, ei, quarantined, list(manifest["sources"]), key, from_cache=True)
    lib.build_seconds = float(manifest.get("build_seconds", 0.0))
    lib.load_seconds = time.perf_counter() - t0
    return lib


def load_library(
    paths: str | os.PathLike[str] | Sequence[str | os.PathLike[str]] = SHIPPED_LIBRARY,
    *,
    cache_dir: str | os.PathLike[str] | None = None,
) -> Library:
    """Read, clean and index the library file(s), or load the persisted index for the same bytes.

    Parameters
    ----------
    paths
        One path or several (MSP, MGF, mzML, JCAMP-DX), searched as one library.
    cache_dir
        Where persisted indexes live (one sub-folder per key). ``None`` builds in memory only.

    Raises
    ------
    ValueError
        A file has an unsupported suffix.
    """
    plist = [paths] if isinstance(paths, (str, os.PathLike)) else list(paths)
    names = [str(Path(p).resolve()) for p in plist]
    key = library_key(plist)
    folder = Path(cache_dir) / key[:32] if cache_dir is not None else None
    if folder is not None:
        cached = _load(folder, key)
        if cached is not None:
            return cached
    records: list[Spectrum] = []
    for p, name in zip(plist, names, strict=True):
        for rec in read_spectra(p):
            rec.metadata.setdefault("_SOURCE_FILE", name)
            records.append(rec)
    lib = build_library(records, sources=names, key=key)
    if folder is not None:
        _save(lib, folder)
    return lib
