"""The improved Farrington baseline of Noufaily et al. (2013) on a weekly count series.

For the week at index ``anchor`` the baseline takes, from each of the previous ``b`` years, the
reference window of ``2w + 1`` weeks around the same week, plus every week between consecutive
windows split into ``no_periods - 1`` seasonal blocks (the "flexible" 10-level factor). The latest
``past_weeks_excluded`` weeks are left out. A quasi-Poisson GLM with that factor (and a linear trend
when it is significant, does not extrapolate above the data and rests on at least three years) is
fitted, refitted after down-weighting past outbreaks by their Anscombe residuals, and predicts the
mean of the window level; the threshold is a quantile of the predictive distribution
(:mod:`fews.detection.aberration_threshold`).

The same fit serves the anchor week and the next ``refit_weeks - 1`` weeks (still inside the
reference windows because ``refit_weeks <= w + 1``), plus ``cusum_warmup_weeks`` weeks before it.

References
----------
Noufaily, A., Enki, D. G., Farrington, P., Garthwaite, P., Andrews, N. and Charlett, A. (2013).
An improved algorithm for outbreak detection in multiple surveillance systems. Statistics in Medicine
32(7), 1206-1222.
Farrington, C. P., Andrews, N. J., Beale, A. D. and Catchpole, M. A. (1996). J. R. Statist. Soc. A 159,
547-563.
Salmon, M., Schumacher, D. and Höhle, M. (2016). J. Stat. Softw. 70(10) (the R ``farringtonFlexible``
implementation whose outputs ``tests/fews/detection/data/`` cross-checks).
"""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence

import numpy as np
from scipy import special, stats

from fews.detection.aberration_baseline import Baseline
from fews.detection.aberration_config import AberrationConfig
from fews.detection.aberration_glm import QuasiPoissonFit, anscombe_residuals, fit_level_trend, outbreak_weights
from fews.detection.aberration_threshold import delta_threshold, nb_quantile

__all__ = ["WEEKS_PER_YEAR", "baseline_layout", "fit_noufaily", "reference_lags"]

WEEKS_PER_YEAR = 365.2425 / 7.0
"""Mean length of a Gregorian year in weeks."""


def reference_lags(b: int) -> np.ndarray:
    """Weeks back to the same week of each of the previous ``b`` years: ``round(i * 52.1775)``.

    R's ``surveillance`` takes the same weekday nearest to the calendar date ``i`` years back; the two
    agree except, rarely, for ``i = 3`` (156 or 157 weeks depending on leap years), so callers that
    know the dates may pass their own lags.

    Examples
    --------
    >>> reference_lags(5).tolist()
    [52, 104, 157, 209, 261]
    """
    return np.rint(np.arange(1, b + 1) * WEEKS_PER_YEAR).astype(int)


def baseline_layout(
    anchor: int, lags: Sequence[int], w: int, no_periods: int, excluded: int
) -> tuple[np.ndarray, np.ndarray]:
    """Week indices of the baseline and their seasonal level (0 = reference windows, 1..p-1 = blocks).

    Parameters
    ----------
    anchor : int
        Index of the week the baseline predicts.
    lags : sequence of int
        Weeks back to each reference week, increasing.
    w : int
        Half-width of the reference windows.
    no_periods : int
        Levels of the seasonal factor; 1 keeps only the windows (original Farrington). The weeks between
        two consecutive windows are split into ``no_periods - 1`` blocks of near-equal length, the first
        blocks one week longer when the split is uneven (as in R ``surveillance``).
    excluded : int
        The weeks ``anchor - excluded .. anchor`` are left out.

    Returns
    -------
    (index, level) : tuple of numpy.ndarray
        Indices may be negative if the series is too short; callers choose ``lags`` so they are not.

    Examples
    --------
    >>> idx, level = baseline_layout(200, [52], 3, 1, 26)
    >>> idx.tolist(), level.tolist()
    ([145, 146, 147, 148, 149, 150, 151], [0, 0, 0, 0, 0, 0, 0])
    """
    offsets, levels = _relative_layout(tuple(int(v) for v in lags), w, no_periods, excluded)
    return offsets + anchor, levels


@functools.lru_cache(maxsize=256)
def _relative_layout(lags: tuple[int, ...], w: int, no_periods: int, excluded: int) -> tuple[np.ndarray, np.ndarray]:
    """:func:`baseline_layout` relative to the anchor (cached: it depends only on the parameters)."""
    anchor = 0
    refs = [anchor] + [anchor - int(lag) for lag in lags]
    first = refs[-1] - w
    levels = np.full(anchor - first + 1, -1, dtype=int)
    for i in range(1, len(refs)):
        ref = refs[i]
        levels[ref - w - first : ref + w + 1 - first] = 0
        if no_periods > 1:
            gap_start = ref + w + 1
            period = (refs[i - 1] - w) - gap_start
            base, rest = divmod(max(period, 0), no_periods - 1)
            lengths = base + (np.arange(no_periods - 1) < rest)
            bounds = gap_start + np.concatenate(([0], np.cumsum(lengths)))
            for j in range(no_periods - 1):
                levels[bounds[j] - first : bounds[j + 1] - first] = j + 1
    keep = levels >= 0
    keep[max(anchor - excluded - first, 0) :] = False
    offsets, kept = np.nonzero(keep)[0] + first, levels[keep]
    offsets.flags.writeable = False
    kept.flags.writeable = False
    return offsets, kept


def _fit_reweighted(
    level: np.ndarray, t: np.ndarray | None, y: np.ndarray, config: AberrationConfig, r_compatible: bool
) -> tuple[QuasiPoissonFit, float, float]:
    """Fit, re-weight, refit; return the fit, phi (floored at 1) and the dispersion for inference."""
    fit = fit_level_trend(level, t, y)
    phi = max(fit.dispersion, 1.0)
    if not config.reweight:
        return fit, phi, fit.dispersion
    residuals = anscombe_residuals(fit, y, phi)
    weights = np.ones_like(y)
    if np.any(residuals > config.reweight_threshold):  # else every weight is 1 and the refit is the same
        weights = outbreak_weights(residuals, config.reweight_threshold)
        fit = fit_level_trend(level, t, y, weights)
        phi = max(fit.dispersion, 1.0)
    inference = fit.dispersion
    if r_compatible:
        # R surveillance overwrites the IRLS working weights (omega * mu) by omega before calling
        # summary.glm()/predict.glm(), which then use sum(omega * ((y - mu) / mu)^2) / df.
        ok = fit.mu > 0
        inference = float(np.sum(weights[ok] * ((y[ok] - fit.mu[ok]) / fit.mu[ok]) ** 2)) / fit.df_resid
    return fit, phi, inference


def fit_noufaily(
    counts: np.ndarray,
    anchor: int,
    config: AberrationConfig,
    *,
    start: int = 0,
    h0: int = 0,
    lags: Sequence[int] | None = None,
    r_compatible: bool = False,
) -> Baseline | None:
    """Fit the Noufaily baseline for week ``anchor`` of ``counts``; ``None`` when it cannot be used.

    Parameters
    ----------
    counts : numpy.ndarray
        Weekly counts; only ``counts[: anchor - config.past_weeks_excluded]`` is read.
    anchor : int
        Week index the fit is made for.
    config : AberrationConfig
        Parameters (``b_years``, ``window_w``, ``no_periods``, ``past_weeks_excluded``, reweighting,
        trend, ``threshold_method``, ``alpha``, ``refit_weeks``, ``min_positive_weeks``, ``min_expected``).
    start : int
        First week of the series' activity: reference years before it are not used.
    h0 : int
        First horizon to predict (``-cusum_warmup_weeks`` for the CUSUM); predictions run to
        ``refit_weeks - 1``.
    lags : sequence of int, optional
        Weeks back to the reference weeks (default :func:`reference_lags`).
    r_compatible : bool
        Reproduce R ``surveillance``'s dispersion for the trend test and the prediction standard error
        after re-weighting (see docs/detection-methods.md, "Cross-check"); for the cross-check only.

    Returns
    -------
    Baseline or None
        ``None`` when fewer than one reference year is available after ``start``, the baseline has fewer
        than ``min_positive_weeks`` positive weeks, the reference windows hold no count at all, or the
        GLM does not converge. The caller then uses the sparse fallback.
    """
    w = config.window_w
    all_lags = np.asarray(lags if lags is not None else reference_lags(config.b_years), dtype=int)
    b_eff = int(np.sum(anchor - all_lags - w >= max(start, 0)))  # lags increase: a prefix is usable
    if b_eff < 1:
        return None
    idx, level = baseline_layout(anchor, all_lags[:b_eff].tolist(), w, config.no_periods, config.past_weeks_excluded)
    y = np.asarray(counts, dtype=float)[idx]
    if np.count_nonzero(y) < config.min_positive_weeks or y[level == 0].sum() <= 0:
        return None

    n_levels = int(np.count_nonzero(np.bincount(level)))  # level 0 (the windows) is column 0
    wtime = (idx - idx[0]).astype(float)
    t_anchor = float(anchor - idx[0])

    try_trend = config.trend and b_eff >= config.trend_min_years
    fit: QuasiPoissonFit | None = None
    phi = inference = 1.0
    with_trend = False
    try:
        if try_trend:
            fit, phi, inference = _fit_reweighted(level, wtime, y, config, r_compatible)
            if fit.converged and _keep_trend(fit, inference, n_levels, t_anchor, y, config):
                with_trend = True
            else:
                fit = None
        if fit is None:
            fit, phi, inference = _fit_reweighted(level, None, y, config, r_compatible)
    except (np.linalg.LinAlgError, ValueError):
        return None
    if not fit.converged:
        return None

    horizons = np.arange(h0, config.refit_weeks)
    k = n_levels + (1 if with_trend else 0)
    eta = np.empty(len(horizons))
    se = np.empty(len(horizons))
    for j, h in enumerate(horizons):
        row = np.zeros(k)
        row[0] = 1.0
        if with_trend:
            row[-1] = t_anchor + h
        eta[j], se[j] = fit.linear_predictor(row, inference)
    if not np.all(np.isfinite(eta)):
        return None
    mu = np.maximum(np.exp(eta), config.min_expected)
    q = 1.0 - config.alpha
    if config.threshold_method == "delta":
        pairs = [
            delta_threshold(m, m * s, phi, config.alpha, config.power_transform) for m, s in zip(mu, se, strict=True)
        ]
        upper = np.array([u if math.isfinite(u) else 0.0 for u, _ in pairs])
        dist_mean, dist_se, dist = mu, np.array([s for _, s in pairs]), "delta"
    else:
        if config.threshold_method == "muan":
            dist_mean = np.maximum(np.exp(eta + stats.norm.ppf(q) * se), config.min_expected)
        else:
            dist_mean = mu
        upper = nb_quantile(q, dist_mean, phi)
        dist_se, dist = se, "nb"
    detail = f"{b_eff} year{'s' if b_eff > 1 else ''}{', trend' if with_trend else ''}"
    return Baseline(
        method="noufaily",
        h0=int(h0),
        expected=tuple(float(v) for v in mu),
        upper=tuple(float(v) for v in upper),
        dist=dist,
        dist_mean=tuple(float(v) for v in dist_mean),
        dist_se=tuple(float(v) for v in dist_se),
        phi=float(phi),
        transform=config.power_transform,
        detail=detail,
    )


def _keep_trend(
    fit: QuasiPoissonFit, dispersion: float, j: int, t_anchor: float, y: np.ndarray, config: AberrationConfig
) -> bool:
    """Farrington's conditions: significant (t test), not extrapolating above the data (years checked by caller)."""
    beta = fit.coef[j]
    var = fit.cov_unscaled[j, j] * dispersion
    if not math.isfinite(beta) or var <= 0:
        return False
    t_stat = beta / math.sqrt(var)
    p_value = 2.0 * float(special.stdtr(fit.df_resid, -abs(t_stat)))
    if p_value >= config.trend_p_threshold:
        return False
    row = np.zeros(len(fit.coef))
    row[0] = 1.0
    row[j] = t_anchor
    eta, _ = fit.linear_predictor(row)
    return math.exp(eta) <= float(np.max(y))
