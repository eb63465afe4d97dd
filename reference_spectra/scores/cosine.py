"""Greedy cosine similarity, optionally "modified" (fragments may also match after the precursor shift).

The same definition as matchms ``CosineGreedy`` / ``ModifiedCosine`` with ``mz_power=0`` and
``intensity_power=1``: candidate peak pairs within the tolerance are taken greedily by decreasing
intensity product, each peak used at most once; the score is the sum of the products over the product
of the vector norms. Implemented with numpy (not imported from matchms, whose first import takes ~40 s);
a test checks it against matchms.

References
----------
Stein SE, Scott DR (1994) Optimization and testing of mass spectral library search algorithms for
compound identification. J. Am. Soc. Mass Spectrom. 5:859-866. Watrous J et al. (2012) Mass spectral
molecular networking of living microbial colonies. PNAS 109:E1743 (modified cosine).
"""

from __future__ import annotations

import numpy as np

from reference_spectra.scores.base import BaseSimilarity

__all__ = ["CosineGreedy"]


def _candidate_pairs(
    mz_a: np.ndarray, mz_b: np.ndarray, tolerance: float, shift: float
) -> tuple[np.ndarray, np.ndarray]:
    """Index pairs (i, j) with |mz_a[i] - (mz_b[j] + shift)| <= tolerance (mz_b sorted)."""
    target = mz_b + shift
    lo = np.searchsorted(target, mz_a - tolerance, side="left")
    hi = np.searchsorted(target, mz_a + tolerance, side="right")
    counts = hi - lo
    if counts.sum() == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    i = np.repeat(np.arange(len(mz_a)), counts)
    starts = np.repeat(lo, counts)
    offsets = np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts)
    return i, starts + offsets


class CosineGreedy(BaseSimilarity):
    """Greedy cosine; with ``shift`` != 0 it is the modified cosine used for analogue search."""

    name = "cosine"

    def pair(self, a: np.ndarray, b: np.ndarray, *, shift: float = 0.0) -> float:
        if len(a) == 0 or len(b) == 0:
            return 0.0
        a = np.asarray(a, dtype=np.float64)
        b = np.asarray(b, dtype=np.float64)
        a = a[np.argsort(a[:, 0], kind="stable")]
        b = b[np.argsort(b[:, 0], kind="stable")]
        i, j = _candidate_pairs(a[:, 0], b[:, 0], self.tolerance, 0.0)
        if shift:
            i2, j2 = _candidate_pairs(a[:, 0], b[:, 0], self.tolerance, shift)
            i, j = np.concatenate([i, i2]), np.concatenate([j, j2])
        if len(i) == 0:
            return 0.0
        products = a[i, 1] * b[j, 1]
        order = np.lexsort((j, i, -products))  # largest product first; ties by index (deterministic)
        used_a = np.zeros(len(a), dtype=bool)
        used_b = np.zeros(len(b), dtype=bool)
        total = 0.0
        for k in order:
            ia, jb = i[k], j[k]
            if used_a[ia] or used_b[jb]:
                continue
            used_a[ia] = used_b[jb] = True
            total += products[k]
        norm = float(np.sqrt((a[:, 1] ** 2).sum()) * np.sqrt((b[:, 1] ** 2).sum()))
        return min(1.0, total / norm) if norm > 0 else 0.0
