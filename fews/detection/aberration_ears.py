"""EARS C1, C2 and C3 (Hutwagner et al. 2003) on weekly counts, the simple reference methods.

With a moving baseline of the previous ``B`` weeks (``B = ears_baseline_weeks``, 7 by default):

* C1 compares week ``t`` with weeks ``t-B .. t-1``: ``C1 = (y_t - mean) / sd``.
* C2 leaves a two-week guard band: baseline ``t-B-2 .. t-3``.
* C3 sums the C2 exceedances of the current and two previous weeks:
  ``C3 = sum_{i=0..2} max(0, C2_{t-i} - 1)``.

C1 and C2 alarm when ``y_t > mean + z * max(sd, min_sigma)`` with ``z`` the ``1 - ears_alpha`` normal
quantile (the R ``surveillance::earsC`` rule); C3 alarms when ``C3 > ears_c3_threshold``. R's
``earsC`` computes C3's bound from the two lagged terms only; FEWS follows the published definition,
see docs/detection-methods.md.

References
----------
Hutwagner, L., Thompson, W., Seeman, G. M. and Treadwell, T. (2003). The bioterrorism preparedness and
response Early Aberration Reporting System (EARS). Journal of Urban Health 80(2 Suppl 1), i89-i96.
Fricker, R. D., Hegler, B. L. and Dunfee, D. A. (2008). Comparing syndromic surveillance detection methods:
EARS' versus a CUSUM-based methodology. Statistics in Medicine 27, 3407-3429.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import special

__all__ = ["EarsResult", "ears_c2_statistic", "ears_evaluate", "ears_min_history"]

_GUARD = {"ears_c1": 0, "ears_c2": 2, "ears_c3": 2}
_EXTRA = {"ears_c1": 0, "ears_c2": 0, "ears_c3": 2}


@dataclass(frozen=True)
class EarsResult:
    """Outcome of one EARS evaluation."""

    expected: float
    upper: float
    statistic: float
    alarm: bool
    p_value: float
    baseline_weeks: int


def ears_min_history(method: str, baseline_weeks: int) -> int:
    """Weeks needed before the evaluated week for the full baseline of ``method``."""
    return baseline_weeks + _GUARD[method] + _EXTRA[method]


def _window(y: np.ndarray, t: int, baseline_weeks: int, guard: int, min_sigma: float) -> tuple[float, float]:
    end = t - guard
    base = y[max(end - baseline_weeks, 0) : end]
    mean = float(base.mean())
    sd = float(base.std(ddof=1)) if base.size > 1 else 0.0
    return mean, max(sd, min_sigma)


def ears_c2_statistic(y: np.ndarray, t: int, baseline_weeks: int, min_sigma: float) -> float:
    """C2 at week ``t``: ``(y_t - mean) / max(sd, min_sigma)`` over weeks ``t-B-2 .. t-3``.

    A zero standard deviation gives ``+inf`` for a count above the mean, 0 otherwise.
    """
    mean, sd = _window(y, t, baseline_weeks, 2, min_sigma)
    if sd <= 0:
        return float("inf") if y[t] > mean else 0.0
    return (float(y[t]) - mean) / sd


def ears_evaluate(
    y: np.ndarray,
    method: str,
    *,
    baseline_weeks: int,
    alpha: float,
    min_sigma: float,
    c3_threshold: float,
) -> EarsResult:
    """Evaluate the last week of ``y`` with EARS ``method`` (``ears_c1`` | ``ears_c2`` | ``ears_c3``).

    The caller guarantees ``len(y) - 1 >= ears_min_history(method, baseline_weeks)``.

    Examples
    --------
    >>> import numpy as np
    >>> r = ears_evaluate(np.array([2, 3, 2, 4, 3, 2, 3, 12.0]), "ears_c1", baseline_weeks=7, alpha=0.001,
    ...                   min_sigma=0.0, c3_threshold=2.0)
    >>> r.alarm, round(r.upper, 2)
    (True, 5.05)
    """
    if method not in _GUARD:
        raise ValueError(f"EARS method must be one of {sorted(_GUARD)}, got {method!r}")
    t = len(y) - 1
    obs = float(y[t])
    mean, sd = _window(y, t, baseline_weeks, _GUARD[method], min_sigma)
    if method in ("ears_c1", "ears_c2"):
        z = float(special.ndtri(1.0 - alpha))
        upper = mean + z * sd
        stat = (obs - mean) / sd if sd > 0 else (float("inf") if obs > mean else 0.0)
        p_value = float(special.ndtr(-stat)) if np.isfinite(stat) else 0.0
        return EarsResult(mean, upper, stat, obs > upper, p_value, baseline_weeks)
    lagged = sum(max(0.0, ears_c2_statistic(y, t - i, baseline_weeks, min_sigma) - 1.0) for i in (1, 2))
    c2_now = ears_c2_statistic(y, t, baseline_weeks, min_sigma)
    stat = lagged + max(0.0, c2_now - 1.0)
    room = c3_threshold - lagged
    upper = mean + sd * (1.0 + room) if room >= 0 else 0.0
    return EarsResult(mean, max(upper, 0.0), stat, stat > c3_threshold, float("nan"), baseline_weeks)
