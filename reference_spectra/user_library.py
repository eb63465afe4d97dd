"""The persisted user library under ``instance/``: imported files in ``instance/spectra/``, the index cache
in ``instance/spectra-index/``. ``fews identify`` searches the shipped library plus every imported file.

An import reads and cleans the file first: a file with no usable record is refused; malformed records are
listed in the report and in ``<file>.rejected.jsonl`` beside the copy (the copy itself is byte-for-byte,
so per-record licences and attributions stay as the supplier wrote them).
"""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
from collections import Counter
from pathlib import Path
from typing import Any

from reference_spectra.cleaning import clean, clean_with_matchms
from reference_spectra.library import SHIPPED_LIBRARY
from reference_spectra.readers import FORMATS, read_spectra, spectrum_format
from reference_spectra.spectrum import Spectrum

__all__ = [
    "default_library_paths",
    "import_library",
    "index_dir",
    "list_libraries",
    "write_msp",
]


def user_dir(instance_path: str | os.PathLike[str]) -> Path:
    return Path(instance_path) / "spectra"


def index_dir(instance_path: str | os.PathLike[str]) -> Path:
    """Where persisted indexes are cached (one folder per library hash)."""
    return Path(instance_path) / "spectra-index"


def default_library_paths(instance_path: str | os.PathLike[str]) -> list[Path]:
    """The shipped library, then every imported file (sorted by name)."""
    folder = user_dir(instance_path)
    imported = sorted(p for p in folder.iterdir() if p.suffix.lower() in FORMATS) if folder.is_dir() else []
    return [SHIPPED_LIBRARY, *imported]


def write_msp(spectra: list[Spectrum], path: str | os.PathLike[str]) -> None:
    """Write records as MSP (every metadata field kept, so licences and attributions travel with peaks)."""
    with open(path, "w", encoding="utf-8") as fh:
        for spec in spectra:
            for key, value in spec.metadata.items():
                if key.startswith("_") or key == "NUM PEAKS":
                    continue
                fh.write(f"{key}: {str(value).replace(chr(10), ' ')}\n")
            fh.write(f"Num Peaks: {len(spec.peaks)}\n")
            for mz, intensity in spec.peaks:
                fh.write(f"{mz:.6f} {intensity:.6g}\n")
            fh.write("\n")


def _reason(spec: Spectrum) -> dict[str, Any]:
    return {"record": spec.index, "line": spec.line, "name": spec.name, "reason": spec.error}


def import_library(
    file: str | os.PathLike[str], instance_path: str | os.PathLike[str], *, use_matchms: bool = False
) -> dict[str, Any]:
    """Check and copy ``file`` into the user library; returns ``{"file", "records", "searchable", "quarantined",
    "reasons", "stored"}``. Raises ``ValueError`` for an unsupported suffix or a file with no usable record."""
    suffix = spectrum_format(file)
    raw = list(read_spectra(file))
    cleaned = list(clean_with_matchms(raw)) if use_matchms else [clean(r) for r in raw]
    bad: list[Spectrum] = []
    for rec in cleaned:
        if rec.error is None and rec.precursor_mz is None and not rec.is_ei:
            bad.append(dataclasses.replace(rec, error="MS/MS record without a usable precursor m/z"))
        elif rec.error is not None:
            bad.append(rec)
    good = len(cleaned) - len(bad)
    if good == 0:
        first = bad[0].error if bad else "the file holds no spectra"
        raise ValueError(f"{file}: no usable spectrum (first problem: {first})")
    folder = user_dir(instance_path)
    folder.mkdir(parents=True, exist_ok=True)
    stem = Path(file).stem
    target = folder / f"{stem}{'.msp' if use_matchms else suffix}"
    n = 1
    while target.exists():
        n += 1
        target = folder / f"{stem}-{n}{'.msp' if use_matchms else suffix}"
    if use_matchms:
        write_msp([r for r in cleaned if r.error is None], target)
    else:
        shutil.copyfile(file, target)
    if bad:
        with open(target.with_name(target.name + ".rejected.jsonl"), "w", encoding="utf-8") as fh:
            for rec in bad:
                fh.write(json.dumps(_reason(rec)) + "\n")
    return {
        "file": str(file),
        "stored": str(target),
        "records": len(cleaned),
        "searchable": good,
        "quarantined": len(bad),
        "reasons": [_reason(r) for r in bad[:50]],
    }


def list_libraries(instance_path: str | os.PathLike[str]) -> list[dict[str, Any]]:
    """One row per library file searched by default: records, how many are malformed, licences."""
    rows = []
    for path in default_library_paths(instance_path):
        recs = list(read_spectra(path))
        licences = Counter(r.metadata.get("LICENSE") or "unstated" for r in recs)
        rows.append(
            {
                "file": str(path),
                "shipped": path == SHIPPED_LIBRARY,
                "records": len(recs),
                "malformed": sum(1 for r in recs if r.error),
                "licences": dict(licences.most_common()),
            }
        )
    return rows
