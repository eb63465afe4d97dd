"""Spectral entropy similarity (ms-entropy's reference implementation), for pairwise use.

Library-scale search uses ms-entropy's Flash index instead (:mod:`reference_spectra.search`); this class
gives the same number for one pair, e.g. to re-score or to test.

References
----------
Li Y, Kind T, Folz J, et al. (2021) Spectral entropy outperforms MS/MS dot product similarity for
small-molecule compound identification. Nat. Methods 18:1524-1531.
"""

from __future__ import annotations

import numpy as np
from ms_entropy import calculate_entropy_similarity

from reference_spectra.scores.base import BaseSimilarity

__all__ = ["EntropySimilarity"]


class EntropySimilarity(BaseSimilarity):
    """Weighted spectral entropy similarity; ``shift`` is not supported pairwise (use hybrid search)."""

    name = "entropy"

    def pair(self, a: np.ndarray, b: np.ndarray, *, shift: float = 0.0) -> float:
        if shift:
            raise ValueError("pairwise entropy similarity has no shifted form; use the Flash hybrid search")
        if len(a) == 0 or len(b) == 0:
            return 0.0
        return float(
            calculate_entropy_similarity(
                np.asarray(a, dtype=np.float32),
                np.asarray(b, dtype=np.float32),
                ms2_tolerance_in_da=self.tolerance,
                clean_spectra=False,
            )
        )
