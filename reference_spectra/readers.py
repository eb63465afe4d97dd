"""Read spectra from any supported file by its suffix: MSP, MGF, mzML, JCAMP-DX."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

from reference_spectra.jcamp import iter_jcamp
from reference_spectra.mgf import iter_mgf
from reference_spectra.msp import iter_msp
from reference_spectra.mzml import iter_mzml
from reference_spectra.spectrum import Spectrum

__all__ = ["FORMATS", "read_spectra", "spectrum_format"]

FORMATS: dict[str, Callable[[str], Iterator[Spectrum]]] = {
    ".msp": iter_msp,
    ".mgf": iter_mgf,
    ".mzml": iter_mzml,
    ".jdx": iter_jcamp,
    ".dx": iter_jcamp,
    ".jcamp": iter_jcamp,
}


def spectrum_format(path: str | os.PathLike[str]) -> str:
    """The reader key (lower-case suffix) for ``path``; raises ``ValueError`` naming the suffix if unknown."""
    suffix = Path(path).suffix.lower()
    if suffix not in FORMATS:
        raise ValueError(
            f"spectrum files must end in one of {', '.join(sorted(FORMATS))}, got {suffix or 'no suffix'}: {path}"
        )
    return suffix


def read_spectra(path: str | os.PathLike[str]) -> Iterator[Spectrum]:
    """Every record of ``path`` (malformed ones with ``error`` set), in file order."""
    return FORMATS[spectrum_format(path)](str(path))
