"""A fitted baseline: the predictive distribution of the count for a few consecutive weeks.

Both the Noufaily fit and the sparse fallback produce one :class:`Baseline` covering horizons
``h0 .. h0 + len(expected) - 1`` relative to the week it was fitted at (the anchor). It is stored in
the evaluation cache as plain JSON (:meth:`Baseline.to_dict`) so that later weeks reuse it without
refitting.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from fews.detection.aberration_threshold import delta_tail_probability, nb_tail_probability

__all__ = ["Baseline"]


@dataclass(frozen=True)
class Baseline:
    """Predictive distribution of the weekly count for horizons ``h0, h0 + 1, ...`` after the anchor.

    Attributes
    ----------
    method : str
        ``"noufaily"`` or ``"fallback"``.
    h0 : int
        Horizon of the first element (negative values serve the CUSUM warm-up).
    expected : tuple of float
        Expected count per horizon.
    upper : tuple of float
        Upper threshold per horizon (alarm when the observed count exceeds it).
    dist : str
        ``"nb"`` (negative binomial, mean ``dist_mean``, variance ``phi * dist_mean``) or ``"delta"``
        (normal on the power-transformed scale with standard error ``dist_se``).
    dist_mean, dist_se : tuple of float
        Parameters of that distribution per horizon.
    phi : float
        Dispersion (at least 1).
    transform : str
        Power transform of the ``delta`` rule.
    detail : str
        Short description for reasons ("5 years, trend", "12 weeks of history").
    window_weeks : int
        When positive, a second test on the sum of the latest ``window_weeks`` weeks (sparse fallback).
    window_upper : float
        Threshold of that sum (negative binomial with mean ``window_weeks * expected``, same ``phi``).
    """

    method: str
    h0: int
    expected: tuple[float, ...]
    upper: tuple[float, ...]
    dist: str
    dist_mean: tuple[float, ...]
    dist_se: tuple[float, ...]
    phi: float
    transform: str
    detail: str
    window_weeks: int = 0
    window_upper: float = 0.0

    def covers(self, h: int) -> bool:
        """Whether horizon ``h`` is within the fitted range."""
        return self.h0 <= h < self.h0 + len(self.expected)

    def at(self, h: int) -> tuple[float, float]:
        """``(expected, upper)`` at horizon ``h``."""
        i = h - self.h0
        return self.expected[i], self.upper[i]

    def threshold(self, h: int, recent: np.ndarray) -> float:
        """Count above which week ``h`` alarms, given the ``window_weeks - 1`` weeks before it in ``recent``.

        The single-week threshold, lowered to ``window_upper - sum(previous weeks)`` when the window
        test is on (an alarm by either test).
        """
        upper = self.upper[h - self.h0]
        if self.window_weeks > 0:
            previous = float(recent[-(self.window_weeks - 1) :].sum()) if self.window_weeks > 1 else 0.0
            upper = min(upper, max(self.window_upper - previous, 0.0))
        return upper

    def tail_probability(self, h: int, y: float, recent: np.ndarray | None = None) -> float:
        """``P(Y >= y)`` at horizon ``h`` under the predictive distribution.

        With the window test on and ``recent`` (the weeks before) given, the smaller of the week's and
        the window sum's tail probabilities.
        """
        i = h - self.h0
        if self.dist == "delta":
            return delta_tail_probability(y, self.dist_mean[i], self.dist_se[i], self.transform)
        p = nb_tail_probability(y, self.dist_mean[i], self.phi)
        if self.window_weeks > 1 and recent is not None:
            total = y + float(recent[-(self.window_weeks - 1) :].sum())
            p = min(p, nb_tail_probability(total, self.window_weeks * self.dist_mean[i], self.phi))
        return p

    def to_dict(self) -> dict[str, Any]:
        """JSON-serialisable form (no NaN or infinity)."""
        return {
            "method": self.method,
            "h0": self.h0,
            "expected": list(self.expected),
            "upper": list(self.upper),
            "dist": self.dist,
            "dist_mean": list(self.dist_mean),
            "dist_se": list(self.dist_se),
            "phi": self.phi,
            "transform": self.transform,
            "detail": self.detail,
            "window_weeks": self.window_weeks,
            "window_upper": self.window_upper,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Baseline:
        """Inverse of :meth:`to_dict`."""
        return cls(
            method=str(data["method"]),
            h0=int(data["h0"]),
            expected=tuple(float(v) for v in data["expected"]),
            upper=tuple(float(v) for v in data["upper"]),
            dist=str(data["dist"]),
            dist_mean=tuple(float(v) for v in data["dist_mean"]),
            dist_se=tuple(float(v) for v in data["dist_se"]),
            phi=float(data["phi"]),
            transform=str(data["transform"]),
            detail=str(data["detail"]),
            window_weeks=int(data.get("window_weeks", 0)),
            window_upper=float(data.get("window_upper", 0.0)),
        )
