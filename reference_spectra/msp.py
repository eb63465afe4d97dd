"""Read MSP spectral libraries and queries (NIST and MassBank dialects), record by record.

A record is ``KEY: value`` lines, ``Num Peaks: n`` and ``n`` peak lines (``m/z intensity`` separated by
whitespace, or MassBank's ``m/z intensity; m/z intensity; …`` pairs). A malformed record is yielded with
``error`` set — never dropped, never fatal for the rest of the file.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from typing import IO

import numpy as np

from reference_spectra.spectrum import Spectrum

__all__ = ["Spectrum", "iter_msp"]

_PAIR = re.compile(r"([0-9]*\.?[0-9]+(?:[eE][-+]?\d+)?)[\s,:]+([0-9]*\.?[0-9]+(?:[eE][-+]?\d+)?)")


def _lines(source: str | os.PathLike[str] | IO[str]) -> Iterator[str]:
    if isinstance(source, (str, os.PathLike)):
        with open(source, encoding="utf-8", errors="replace") as fh:
            yield from fh
    else:
        yield from source


def iter_msp(source: str | os.PathLike[str] | IO[str]) -> Iterator[Spectrum]:
    index = 0
    current: Spectrum | None = None
    expected: int | None = None
    peaks: list[tuple[float, float]] = []

    def finish() -> Spectrum | None:
        nonlocal current, peaks, expected
        if current is None:
            return None
        spec = current
        if spec.error is None:
            if expected is None:
                spec.error = "no 'Num Peaks' line"
            elif len(peaks) != expected:
                spec.error = f"'Num Peaks: {expected}' but {len(peaks)} peaks were read"
            elif not peaks:
                spec.error = "the spectrum has no peaks"
        spec.peaks = np.asarray(peaks, dtype=np.float32).reshape(-1, 2)
        current, peaks, expected = None, [], None
        return spec

    for n, raw in enumerate(_lines(source), start=1):
        line = raw.strip()
        if not line:
            done = finish()
            if done is not None:
                yield done
            continue
        if current is None:
            index += 1
            current = Spectrum(index=index, line=n)
        if expected is None:
            key, sep, value = line.partition(":")
            if not sep:
                current.error = current.error or f"line {n}: expected 'KEY: value' before the peaks, got {line[:60]!r}"
                continue
            key = key.strip().upper()
            if key in ("NUM PEAKS", "NUM_PEAKS", "NUMPEAKS"):
                try:
                    expected = int(value.strip())
                except ValueError:
                    current.error = f"line {n}: 'Num Peaks' is not a number: {value.strip()!r}"
                    expected = -1
                continue
            current.metadata[key] = value.strip()
            continue
        pairs = _PAIR.findall(line)
        if not pairs:
            current.error = current.error or f"line {n}: not a peak line: {line[:60]!r}"
            continue
        for mz, intensity in pairs:
            peaks.append((float(mz), float(intensity)))
    done = finish()
    if done is not None:
        yield done
