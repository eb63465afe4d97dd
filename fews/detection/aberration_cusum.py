"""Negative-binomial CUSUM of Höhle and Paul (2008) for a known multiplicative shift.

With in-control mean ``mu0_t`` (from the baseline) and dispersion ``phi`` (variance ``phi * mu``, i.e.
negative binomial size ``r = mu0 / (phi - 1)``), the out-of-control mean is ``mu1 = kappa * mu0``. The
log-likelihood ratio of one week is

``LLR(y) = y log(mu1 (r + mu0) / (mu0 (r + mu1))) + r log((r + mu0) / (r + mu1))``

(Poisson limit ``y log kappa - (mu1 - mu0)`` when ``phi = 1``), the statistic is
``S_t = max(0, S_{t-1} + LLR(y_t))`` and an alarm is raised when ``S_t > h``, after which ``S`` restarts
at 0. :func:`cases_to_alarm` inverts the step: the count that would have made ``S_t`` exceed ``h``,
reported as the method's upper threshold.

References
----------
Höhle, M. and Paul, M. (2008). Count data regression charts for the monitoring of surveillance time
series. Computational Statistics and Data Analysis 52(9), 4357-4368.
R package ``surveillance``, ``algo.glrnb`` with a fixed ``theta = log(kappa)`` (the recursive LR scheme).
"""

from __future__ import annotations

import math

__all__ = ["cases_to_alarm", "cusum_llr"]


def _coefficients(mu0: float, kappa: float, phi: float) -> tuple[float, float]:
    """``(slope, intercept)`` with ``LLR(y) = slope * y + intercept``."""
    mu1 = kappa * mu0
    if phi > 1.0:
        r = mu0 / (phi - 1.0)
        slope = math.log(mu1 * (r + mu0) / (mu0 * (r + mu1)))
        return slope, r * math.log((r + mu0) / (r + mu1))
    return math.log(kappa), -(mu1 - mu0)


def cusum_llr(y: float, mu0: float, kappa: float, phi: float) -> float:
    """One week's log-likelihood ratio of ``kappa * mu0`` against ``mu0``.

    Examples
    --------
    >>> round(cusum_llr(3, 1.0, 2.0, 1.0), 4)  # Poisson: 3 log 2 - 1
    1.0794
    """
    slope, intercept = _coefficients(mu0, kappa, phi)
    return slope * y + intercept


def cases_to_alarm(s_prev: float, mu0: float, kappa: float, phi: float, h: float) -> float:
    """The count above which ``max(0, s_prev + LLR(y)) > h``.

    Examples
    --------
    >>> round(cases_to_alarm(0.0, 1.0, 2.0, 1.0, 5.0), 4)  # (5 + 1) / log 2
    8.6562
    """
    slope, intercept = _coefficients(mu0, kappa, phi)
    return (h - s_prev - intercept) / slope
