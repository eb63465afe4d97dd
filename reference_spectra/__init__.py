"""Reference spectra: the shipped MassBank subset (``data/``, with its NOTICE), MSP reading, Flash entropy
search (ms-entropy) and the match / analogue / unknown verdict with legal status of each hit."""

from reference_spectra.msp import Spectrum, iter_msp
from reference_spectra.search import SHIPPED_LIBRARY, THRESHOLDS, Library, identify_spectrum, load_library

__all__ = ["SHIPPED_LIBRARY", "THRESHOLDS", "Library", "Spectrum", "identify_spectrum", "iter_msp", "load_library"]
