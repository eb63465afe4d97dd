"""Aberration detection on weekly count series: is this week's count unusually high?

Pure functions over numpy arrays (no database). A series is the weekly count of seizures of one
substance or family, or of severity-weighted harm reports (non-integer values are fine), with
``counts[0]`` the first week of data and ``counts[-1]`` the week evaluated.

Methods (``aberration.yaml`` chooses one and holds every threshold with its source):

``noufaily`` (default)
    Improved Farrington: quasi-Poisson GLM on five years of history with a 10-level seasonal factor,
    outbreak re-weighting and a negative-binomial threshold (:mod:`.aberration_noufaily`).
``nbcusum``
    Negative-binomial CUSUM (:mod:`.aberration_cusum`) with its in-control mean from the same baseline.
``ears_c1`` | ``ears_c2`` | ``ears_c3``
    EARS moving-baseline rules (:mod:`.aberration_ears`), the simple reference.

Young and zero-heavy series fall back to a sparse rule (:mod:`.aberration_fallback`), and the
method actually used is reported in :attr:`Evaluation.method`. Whatever the method, no alarm is
raised on a zero count, nor unless the latest ``alarm_window_weeks`` weeks hold ``alarm_min_cases``.

Caching: a baseline is fitted at anchor weeks (indices that are multiples of ``refit_weeks``) and
serves the anchor week and the following ``refit_weeks - 1`` weeks. The fit reads only weeks at least
``fallback_guard_weeks`` old, and the cache keeps a checksum of them, so the result is the same
with or without a cache and a late report (revision) of an old week triggers a refit. The cache is
a JSON-serialisable dict; the NB-CUSUM keeps its running statistic in it.

Examples
--------
>>> import numpy as np
>>> config = load_config({"unit_label": "seizures"})
>>> rng = np.random.default_rng(1)
>>> counts = rng.poisson(3.0, 300).astype(float)
>>> counts[-1] = 16
>>> ev, cache = evaluate_latest(counts, config)
>>> ev.alarm, ev.method
(True, 'noufaily')
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from fews.detection.aberration_baseline import Baseline
from fews.detection.aberration_config import METHODS, AberrationConfig, load_config
from fews.detection.aberration_cusum import cases_to_alarm, cusum_llr
from fews.detection.aberration_ears import ears_evaluate, ears_min_history
from fews.detection.aberration_fallback import fit_fallback
from fews.detection.aberration_noufaily import fit_noufaily

__all__ = ["METHODS", "AberrationConfig", "Evaluation", "evaluate_latest", "evaluate_series", "load_config"]

CACHE_VERSION = 1
"""Bumped when the cache layout changes; older caches are ignored (refit)."""

_EARS_MIN_BASELINE = 3
"""EARS needs at least this many baseline weeks (R ``earsC``); fewer use the sparse fallback."""


@dataclass(frozen=True)
class Evaluation:
    """The verdict on one week of one series.

    Attributes
    ----------
    expected : float
        Expected count under the baseline (in-control mean for the CUSUM, baseline mean for EARS).
    upper : float
        Threshold: an alarm needs ``observed > upper`` (CUSUM: the count that would make the statistic
        cross ``h``).
    observed : float
        The week's count.
    alarm : bool
        Whether the week is flagged.
    score : float
        Farrington's exceedance score ``(observed - expected) / (upper - expected)``: above 1 when the
        count exceeds the threshold (the denominator is at least 1 count).
    method : str
        Method actually used: ``noufaily``, ``fallback``, ``nbcusum(noufaily)``, ``nbcusum(fallback)``,
        ``ears_c1`` ... or ``ears_c1(fallback)`` for a series too short for EARS.
    reason : str
        One sentence for analysts.
    p_value : float
        ``P(count >= observed)`` under the predictive distribution (NaN where the method has none).
    """

    expected: float
    upper: float
    observed: float
    alarm: bool
    score: float
    method: str
    reason: str
    p_value: float = math.nan


def _as_counts(counts: np.ndarray) -> np.ndarray:
    y = np.asarray(counts, dtype=float)
    if y.ndim != 1 or y.size == 0:
        raise ValueError(f"counts must be a non-empty 1-D series of weekly counts, got shape {y.shape}")
    bad = ~np.isfinite(y) | (y < 0)
    if bad.any():
        i = int(np.argmax(bad))
        raise ValueError(f"counts must be finite and non-negative; week index {i} holds {y[i]!r}")
    return y


def _score(observed: float, expected: float, upper: float) -> float:
    return (observed - expected) / max(upper - expected, 1.0)


def _fmt(x: float) -> str:
    return f"{x:g}" if float(x).is_integer() else f"{x:.1f}"


def _limit_note(enough: bool, config: AberrationConfig) -> str:
    if enough or config.alarm_min_cases <= 0:
        return ""
    return (
        f"; fewer than {_fmt(config.alarm_min_cases)} in the latest {config.alarm_window_weeks} weeks, "
        "so no alarm is possible"
    )


def _enough_cases(y: np.ndarray, config: AberrationConfig) -> bool:
    recent = float(y[max(0, len(y) - config.alarm_window_weeks) :].sum())
    return recent >= config.alarm_min_cases - 1e-9


def _fit_baseline(y: np.ndarray, anchor: int, config: AberrationConfig, h0: int) -> Baseline:
    """Noufaily when the series is old and dense enough, else the sparse fallback."""
    visible = y[: max(anchor - config.fallback_guard_weeks + 1, 0)]
    positive = np.flatnonzero(visible > 0)
    start = int(positive[0]) if positive.size else None
    if start is not None and anchor - start >= config.min_history_weeks:
        fitted = fit_noufaily(y, anchor, config, start=start, h0=h0)
        if fitted is not None:
            return fitted
    return fit_fallback(y, anchor, config, start=start, h0=h0)


def _checksum(y: np.ndarray, end: int) -> list[float]:
    part = y[: max(end, 0)]
    return [float(part.sum()), float(part @ np.arange(1, part.size + 1, dtype=float))]


def _baseline_for(
    y: np.ndarray, t: int, config: AberrationConfig, cache: dict[str, Any] | None
) -> tuple[Baseline, dict[str, Any], int]:
    """The baseline serving week ``t`` (cached when still valid), the new cache dict, and the horizon."""
    anchor = t - t % config.refit_weeks
    h0 = -config.cusum_warmup_weeks if config.method == "nbcusum" else 0
    checksum = _checksum(y, anchor - config.fallback_guard_weeks + 1)
    if (
        cache
        and cache.get("v") == CACHE_VERSION
        and cache.get("key") == config.key
        and cache.get("anchor") == anchor
        and cache.get("checksum") == checksum
        and isinstance(cache.get("baseline"), dict)
    ):
        baseline = Baseline.from_dict(cache["baseline"])
        new_cache = dict(cache)
    else:
        baseline = _fit_baseline(y, anchor, config, h0)
        new_cache = {
            "v": CACHE_VERSION,
            "key": config.key,
            "anchor": anchor,
            "checksum": checksum,
            "baseline": baseline.to_dict(),
        }
        if cache and isinstance(cache.get("cusum"), dict):
            new_cache["cusum"] = cache["cusum"]
    new_cache["method"] = baseline.method if config.method != "nbcusum" else f"nbcusum({baseline.method})"
    return baseline, new_cache, t - anchor


def _evaluate_threshold(
    y: np.ndarray, config: AberrationConfig, cache: dict[str, Any] | None
) -> tuple[Evaluation, dict[str, Any]]:
    t = len(y) - 1
    baseline, new_cache, h = _baseline_for(y, t, config, cache)
    expected = baseline.at(h)[0]
    upper = baseline.threshold(h, y[:t])
    observed = float(y[t])
    enough = _enough_cases(y, config)
    alarm = observed > upper and observed > 0 and enough
    p_value = baseline.tail_probability(h, observed, y[:t])
    if baseline.method == "noufaily":
        how = f"Noufaily, {baseline.detail}"
    else:
        how = (
            f"sparse fallback, {baseline.detail}, {baseline.window_weeks}-week sum above {_fmt(baseline.window_upper)}"
        )
    reason = (
        f"{_fmt(observed)} {config.unit_label} against {expected:.1f} expected "
        f"(upper {_fmt(upper)}; {how}; alpha {config.alpha:g}){_limit_note(enough, config)}"
    )
    ev = Evaluation(
        expected, upper, observed, bool(alarm), _score(observed, expected, upper), baseline.method, reason, p_value
    )
    return ev, new_cache


def _evaluate_cusum(
    y: np.ndarray, config: AberrationConfig, cache: dict[str, Any] | None
) -> tuple[Evaluation, dict[str, Any]]:
    t = len(y) - 1
    baseline, new_cache, h = _baseline_for(y, t, config, cache)
    kappa, limit = config.cusum_shift, config.cusum_h
    state = cache.get("cusum") if cache else None
    if isinstance(state, dict) and state.get("at") == t - 1:
        s_prev = float(state["s"])
    elif isinstance(state, dict) and state.get("at") == t:
        s_prev = float(state["s_prev"])
    else:  # no chained state: rebuild over the warm-up weeks that share this baseline
        s_prev = 0.0
        for j in range(config.cusum_warmup_weeks, 0, -1):
            u = t - j
            if u < 0 or not baseline.covers(h - j):
                continue
            mu0 = max(baseline.at(h - j)[0], 1e-9)
            s_prev = max(0.0, s_prev + cusum_llr(float(y[u]), mu0, kappa, baseline.phi))
            if s_prev > limit:
                s_prev = 0.0
    expected = max(baseline.at(h)[0], 1e-9)
    observed = float(y[t])
    stat = max(0.0, s_prev + cusum_llr(observed, expected, kappa, baseline.phi))
    upper = max(cases_to_alarm(s_prev, expected, kappa, baseline.phi, limit), 0.0)
    enough = _enough_cases(y, config)
    alarm = stat > limit and observed > 0 and enough
    new_cache["cusum"] = {"at": t, "s": 0.0 if alarm else stat, "s_prev": s_prev}
    reason = (
        f"{_fmt(observed)} {config.unit_label} against {expected:.1f} expected; NB-CUSUM statistic {stat:.2f} "
        f"(alarm above {limit:g}, shift x{kappa:g}; {baseline.method} baseline, {baseline.detail})"
        f"{_limit_note(enough, config)}"
    )
    ev = Evaluation(
        expected,
        upper,
        observed,
        bool(alarm),
        _score(observed, expected, upper),
        f"nbcusum({baseline.method})",
        reason,
        baseline.tail_probability(h, observed),
    )
    return ev, new_cache


def _evaluate_ears(y: np.ndarray, config: AberrationConfig) -> tuple[Evaluation, dict[str, Any]]:
    t = len(y) - 1
    method = config.method
    cache: dict[str, Any] = {"v": CACHE_VERSION, "key": config.key, "method": method}
    available = t - (ears_min_history(method, config.ears_baseline_weeks) - config.ears_baseline_weeks)
    if available < _EARS_MIN_BASELINE:
        ev, _ = _evaluate_threshold(y, config, None)
        label = f"{method}(fallback)"
        return Evaluation(ev.expected, ev.upper, ev.observed, ev.alarm, ev.score, label, ev.reason, ev.p_value), cache
    r = ears_evaluate(
        y,
        method,
        baseline_weeks=min(config.ears_baseline_weeks, available),
        alpha=config.ears_alpha,
        min_sigma=config.ears_min_sigma,
        c3_threshold=config.ears_c3_threshold,
    )
    observed = float(y[t])
    enough = _enough_cases(y, config)
    alarm = r.alarm and observed > 0 and enough
    name = f"EARS {method[-2:].upper()}"
    stat = "inf" if math.isinf(r.statistic) else f"{r.statistic:.2f}"
    reason = (
        f"{_fmt(observed)} {config.unit_label} against a mean of {r.expected:.1f} over "
        f"{min(config.ears_baseline_weeks, available)} weeks (upper {r.upper:.1f}; {name} statistic {stat})"
        f"{_limit_note(enough, config)}"
    )
    ev = Evaluation(
        r.expected, r.upper, observed, bool(alarm), _score(observed, r.expected, r.upper), method, reason, r.p_value
    )
    return ev, cache


def evaluate_latest(
    counts: np.ndarray, config: AberrationConfig, cache: dict[str, Any] | None = None
) -> tuple[Evaluation, dict[str, Any]]:
    """Evaluate the last week of ``counts`` with ``config.method``.

    Parameters
    ----------
    counts : numpy.ndarray
        Weekly counts up to and including the week evaluated (consecutive ISO weeks, index 0 = first
        week of data). Floats are allowed (severity-weighted reports).
    config : AberrationConfig
        From :func:`load_config`.
    cache : dict, optional
        The dict returned by a previous call on the same series; reused while the fitted baseline is
        still valid (same anchor week, same parameters, unchanged older data).

    Returns
    -------
    (Evaluation, dict)
        The verdict and the new cache (JSON-serialisable).

    Raises
    ------
    ValueError
        If ``counts`` is empty, not 1-D, or holds a negative or non-finite value.
    """
    y = _as_counts(counts)
    if config.method.startswith("ears_"):
        return _evaluate_ears(y, config)
    if config.method == "nbcusum":
        return _evaluate_cusum(y, config, cache)
    return _evaluate_threshold(y, config, cache)


def evaluate_series(counts: np.ndarray, config: AberrationConfig, start: int = 0) -> list[Evaluation]:
    """Evaluate every week from ``start`` to the end, chaining caches as the scheduled job does.

    Examples
    --------
    >>> import numpy as np
    >>> evs = evaluate_series(np.zeros(10), load_config())
    >>> len(evs), any(e.alarm for e in evs)
    (10, False)
    """
    y = _as_counts(counts)
    if not 0 <= start < y.size:
        raise ValueError(f"start must be in [0, {y.size - 1}], got {start}")
    out: list[Evaluation] = []
    cache: dict[str, Any] | None = None
    for t in range(start, y.size):
        ev, cache = evaluate_latest(y[: t + 1], config, cache)
        out.append(ev)
    return out
