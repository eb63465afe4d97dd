"""Read MS/MS spectra from mzML with pyteomics (a maintained reader; lxml underneath).

Spectra of the requested MS levels (default: 2 and above, i.e. the fragment spectra of an LC-MS/MS run)
are yielded as :class:`~reference_spectra.spectrum.Spectrum` with ``NAME`` = the spectrum id, the
selected-ion m/z as ``PRECURSORMZ``, the polarity as ``IONMODE`` and the scan start time. A spectrum
without peaks is yielded with ``error``; a file that stops parsing part-way yields one last record with
the parser's reason (the spectra read before it are kept).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import numpy as np

from reference_spectra.spectrum import Spectrum

__all__ = ["iter_mzml"]


def _precursor(spec: dict[str, Any]) -> tuple[str | None, str | None]:
    try:
        precursor = spec["precursorList"]["precursor"][0]
        ion = precursor["selectedIonList"]["selectedIon"][0]
    except (KeyError, IndexError, TypeError):
        return None, None
    mz = ion.get("selected ion m/z")
    charge = ion.get("charge state")
    return (None if mz is None else f"{float(mz):.6f}"), (None if charge is None else str(int(charge)))


def _metadata(spec: dict[str, Any]) -> dict[str, str]:
    meta = {"NAME": str(spec.get("id") or f"index={spec.get('index')}"), "MSLEVEL": str(spec.get("ms level", ""))}
    mz, charge = _precursor(spec)
    if mz is not None:
        meta["PRECURSORMZ"] = mz
    if charge is not None:
        meta["CHARGE"] = charge
    if "positive scan" in spec:
        meta["IONMODE"] = "positive"
    elif "negative scan" in spec:
        meta["IONMODE"] = "negative"
    if "profile spectrum" in spec:
        meta["PEAK_MODE"] = "profile"
    try:
        scan = spec["scanList"]["scan"][0]
        rt = scan.get("scan start time")
        if rt is not None:
            meta["RETENTIONTIME"] = f"{float(rt):.4f} {getattr(rt, 'unit_info', '') or ''}".strip()
    except (KeyError, IndexError, TypeError):
        pass
    return meta


def iter_mzml(path: str | os.PathLike[str], *, ms_levels: tuple[int, ...] = (2, 3, 4)) -> Iterator[Spectrum]:
    """Yield the spectra of ``path`` whose MS level is in ``ms_levels``; unreadable parts are reported."""
    from lxml.etree import LxmlError
    from pyteomics import mzml
    from pyteomics.auxiliary import PyteomicsError

    count = 0
    try:
        with mzml.MzML(str(path), use_index=False, decode_binary=True) as reader:
            for n, spec in enumerate(reader, start=1):
                level = spec.get("ms level")
                if level is not None and int(level) not in ms_levels:
                    continue
                count += 1
                out = Spectrum(index=count, line=n, metadata=_metadata(spec))
                mz = np.asarray(spec.get("m/z array", ()), dtype=np.float64)
                intensity = np.asarray(spec.get("intensity array", ()), dtype=np.float64)
                if len(mz) != len(intensity):
                    out.error = f"spectrum {out.name}: {len(mz)} m/z values but {len(intensity)} intensities"
                elif len(mz) == 0:
                    out.error = f"spectrum {out.name} has no peaks"
                else:
                    out.peaks = np.column_stack([mz, intensity]).astype(np.float32)
                yield out
    except (LxmlError, PyteomicsError, ValueError, KeyError, OSError) as exc:
        count += 1
        reason = str(exc).strip() or type(exc).__name__
        yield Spectrum(
            index=count,
            line=0,
            metadata={"NAME": os.path.basename(str(path))},
            error=f"mzML could not be read past spectrum {count - 1}: {reason[:300]}",
        )
