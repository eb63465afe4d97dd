"""The score interface: ``pair(a, b)`` is required, ``matrix(query, references)`` has a loop default."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence

import numpy as np

__all__ = ["BaseSimilarity"]


class BaseSimilarity(ABC):
    """A similarity between two centroided spectra given as (n, 2) arrays of m/z and intensity.

    Class attributes: ``name`` (the ``--score`` value) and ``score_range`` (0 to 1 for every FEWS score).
    ``shift`` (Da) lets fragments of ``b`` match fragments of ``a`` moved by the precursor difference, as
    for a modified analogue (hybrid / modified scores); 0 means plain matching.
    """

    name = "base"
    score_range = (0.0, 1.0)

    def __init__(self, *, tolerance: float = 0.02):
        if tolerance <= 0:
            raise ValueError(f"tolerance must be positive, got {tolerance!r}")
        self.tolerance = tolerance

    @abstractmethod
    def pair(self, a: np.ndarray, b: np.ndarray, *, shift: float = 0.0) -> float:
        """The similarity of ``a`` and ``b`` in ``score_range`` (every score implements it)."""

    def matrix(
        self, query: np.ndarray, references: Sequence[np.ndarray], *, shifts: Sequence[float] | None = None
    ) -> np.ndarray:
        """Scores of ``query`` against each reference (vectorised subclasses may override)."""
        out = np.zeros(len(references), dtype=np.float32)
        for i, ref in enumerate(references):
            out[i] = self.pair(query, ref, shift=0.0 if shifts is None else float(shifts[i]))
        return out
