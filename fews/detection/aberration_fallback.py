"""Sparse fallback baseline for young and zero-heavy series, where a seasonal GLM cannot be fitted.

Rule (docs/detection-methods.md, "Short and sparse series"): the expected weekly count is the mean
of the series' own history in the ``fallback_window_weeks`` weeks that end ``fallback_guard_weeks``
before the anchor week, counted from the series' first positive week, and never below
``min_expected``. A series with no history before the guard (a brand-new substance) therefore
expects ``min_expected``. The count is taken as negative binomial with variance ``phi * mean``,
``phi`` being the history's variance-to-mean ratio when at least eight weeks are available, and
never below ``fallback_dispersion``; the threshold is its ``1 - alpha`` quantile. Because a young
series rises over several weeks rather than in one, the sum of the latest ``alarm_window_weeks``
weeks is tested too, against the same distribution scaled to that many weeks; either test alarms.
"""

from __future__ import annotations

import numpy as np

from fews.detection.aberration_baseline import Baseline
from fews.detection.aberration_config import AberrationConfig
from fews.detection.aberration_threshold import nb_quantile

__all__ = ["MIN_WEEKS_FOR_DISPERSION", "fit_fallback"]

MIN_WEEKS_FOR_DISPERSION = 8
"""History needed before the dispersion is estimated rather than assumed."""


def fit_fallback(
    counts: np.ndarray, anchor: int, config: AberrationConfig, *, start: int | None, h0: int = 0
) -> Baseline:
    """Sparse baseline for week ``anchor``; reads only ``counts[: anchor - fallback_guard_weeks + 1]``.

    Parameters
    ----------
    counts : numpy.ndarray
        Weekly counts.
    anchor : int
        Week index the fit is made for.
    config : AberrationConfig
        ``fallback_*``, ``min_expected``, ``alpha`` and ``refit_weeks`` are used.
    start : int or None
        First positive week, or ``None`` when the series has none before the guard.
    h0 : int
        First horizon (negative for the CUSUM warm-up).

    Examples
    --------
    >>> import numpy as np
    >>> from fews.detection.aberration_config import load_config
    >>> b = fit_fallback(np.zeros(3), 2, load_config(), start=None)
    >>> b.expected[0], b.upper[0]
    (0.1, 3.0)
    """
    end = anchor - config.fallback_guard_weeks + 1
    window = config.alarm_window_weeks
    history = np.empty(0)
    if start is not None and end > start:
        history = np.asarray(counts[max(start, end - config.fallback_window_weeks) : end], dtype=float)
    mean = float(history.mean()) if history.size else 0.0
    expected = max(mean, config.min_expected)
    phi = config.fallback_dispersion
    if history.size >= MIN_WEEKS_FOR_DISPERSION and mean > 0:
        phi = max(phi, float(history.var(ddof=1)) / mean)
    upper, window_upper = (
        float(v) for v in nb_quantile(1.0 - config.alpha, np.array([expected, window * expected]), phi)
    )
    n = config.refit_weeks - h0
    weeks = history.size
    detail = f"{weeks} week{'s' if weeks != 1 else ''} of history" if weeks else "no history"
    return Baseline(
        method="fallback",
        h0=int(h0),
        expected=(expected,) * n,
        upper=(upper,) * n,
        dist="nb",
        dist_mean=(expected,) * n,
        dist_se=(0.0,) * n,
        phi=float(phi),
        transform="none",
        detail=detail,
        window_weeks=window,
        window_upper=window_upper,
    )
