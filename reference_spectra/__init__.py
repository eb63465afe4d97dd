"""Reference spectra: the shipped MassBank subset (``data/``, with its NOTICE), readers for MSP, MGF, mzML and
JCAMP-DX, the cleaning pipeline, a persisted Flash entropy index (MS/MS and EI), entropy and cosine scores,
and the match / analogue / unknown verdict with the legal status of each hit (see docs/spectra.md)."""

from reference_spectra.library import SHIPPED_LIBRARY, Library, build_library, load_library
from reference_spectra.msp import iter_msp
from reference_spectra.readers import read_spectra
from reference_spectra.search import THRESHOLDS, Tolerance, identify_spectrum, search_spectrum
from reference_spectra.spectrum import Spectrum

__all__ = [
    "SHIPPED_LIBRARY",
    "THRESHOLDS",
    "Library",
    "Spectrum",
    "Tolerance",
    "build_library",
    "identify_spectrum",
    "iter_msp",
    "load_library",
    "read_spectra",
    "search_spectrum",
]
