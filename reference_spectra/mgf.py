"""Read MGF (Mascot generic format) spectra: ``BEGIN IONS`` … ``END IONS`` blocks of ``KEY=value`` lines and
peak lines. Keys are mapped onto the MSP names the search uses (``TITLE`` -> ``NAME``, ``PEPMASS`` ->
``PRECURSORMZ``, ``IONMODE``). A malformed block is yielded with ``error`` set, never dropped."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from typing import IO

import numpy as np

from reference_spectra.msp import Spectrum

__all__ = ["iter_mgf"]

_PEAK = re.compile(r"^\s*([0-9]*\.?[0-9]+(?:[eE][-+]?\d+)?)\s+([0-9]*\.?[0-9]+(?:[eE][-+]?\d+)?)")
_KEYS = {"TITLE": "NAME", "PEPMASS": "PRECURSORMZ", "PRECURSOR_MZ": "PRECURSORMZ"}


def _lines(source: str | os.PathLike[str] | IO[str]) -> Iterator[str]:
    if isinstance(source, (str, os.PathLike)):
        with open(source, encoding="utf-8", errors="replace") as fh:
            yield from fh
    else:
        yield from source


def iter_mgf(source: str | os.PathLike[str] | IO[str]) -> Iterator[Spectrum]:
    current: Spectrum | None = None
    peaks: list[tuple[float, float]] = []
    index = 0
    for n, raw in enumerate(_lines(source), start=1):
        line = raw.strip()
        if not line or line.startswith(("#", ";", "!")):
            continue
        upper = line.upper()
        if upper == "BEGIN IONS":
            if current is not None:  # a block that never ended
                current.error = current.error or f"line {n}: BEGIN IONS before END IONS"
                current.peaks = np.asarray(peaks, dtype=np.float32).reshape(-1, 2)
                yield current
            index += 1
            current, peaks = Spectrum(index=index, line=n), []
            continue
        if upper == "END IONS":
            if current is None:
                index += 1
                yield Spectrum(index=index, line=n, error=f"line {n}: END IONS without BEGIN IONS")
                continue
            current.peaks = np.asarray(peaks, dtype=np.float32).reshape(-1, 2)
            if not peaks and current.error is None:
                current.error = "the spectrum has no peaks"
            yield current
            current = None
            continue
        if current is None:
            continue  # text between blocks (file header) is allowed by the format
        if "=" in line and not _PEAK.match(line):
            key, _, value = line.partition("=")
            key = key.strip().upper()
            current.metadata[_KEYS.get(key, key)] = value.strip()
            continue
        m = _PEAK.match(line)
        if m is None:
            current.error = current.error or f"line {n}: not a peak line: {line[:60]!r}"
            continue
        peaks.append((float(m.group(1)), float(m.group(2))))
    if current is not None:
        current.error = current.error or "the file ends inside a BEGIN IONS block"
        current.peaks = np.asarray(peaks, dtype=np.float32).reshape(-1, 2)
        yield current
