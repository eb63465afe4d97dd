"""Quasi-Poisson log-linear GLM of the Farrington design: a level per row, optionally a linear trend.

The Noufaily baseline fits a few hundred rows, a seasonal factor of at most a dozen levels and a
slope, thousands of times in a replay, so the per-fit overhead of a general GLM library (formula
parsing, result objects, a k-column IRLS) would dominate. :func:`fit_level_trend` exploits the
design: for a given slope every level intercept has a closed form, so only the slope is iterated
(Newton on the concave profile log-likelihood), and without a slope the fit is closed form. The
estimates are the Poisson maximum-likelihood ones with prior weights; the dispersion is Pearson's
chi-square over the residual degrees of freedom, as R's ``glm(..., family = quasipoisson)`` and
statsmodels' ``GLM(..., family=Poisson(), var_weights=w).fit(scale="X2")`` report
(``tests/fews/detection/test_aberration.py`` checks the agreement with statsmodels).

A level whose rows are all zero has a maximum-likelihood fitted mean of exactly zero (its intercept
diverges to minus infinity): its rows keep a fitted mean of zero and its column an infinite
coefficient, while the degrees of freedom still count it, as R does when its fit ends with "fitted
rates numerically 0".

References
----------
McCullagh, P. and Nelder, J. A. (1989). Generalized Linear Models, 2nd ed. Chapman & Hall, ch. 2 and 9.
Farrington, C. P., Andrews, N. J., Beale, A. D. and Catchpole, M. A. (1996). A statistical algorithm for
the early detection of outbreaks of infectious disease. J. R. Statist. Soc. A 159, 547-563 (Anscombe
residuals and re-weighting, section 3.4).
Noufaily, A. et al. (2013). An improved algorithm for outbreak detection in multiple surveillance systems.
Statistics in Medicine 32, 1206-1222 (re-weighting threshold 2.58).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["QuasiPoissonFit", "anscombe_residuals", "fit_level_trend", "outbreak_weights"]

_MAX_ITER = 50
"""Newton iterations on the slope before the fit is declared not converged."""


@dataclass(frozen=True)
class QuasiPoissonFit:
    """A fitted quasi-Poisson log-linear model.

    Attributes
    ----------
    coef : numpy.ndarray
        Coefficients, ``-inf`` for a column whose rows are all zero.
    mu : numpy.ndarray
        Fitted means per row.
    dispersion : float
        Pearson chi-square / residual degrees of freedom (not floored).
    df_resid : int
        Rows minus columns.
    cov_unscaled : numpy.ndarray
        ``(X' W X)^-1`` over the estimable columns (zero rows and columns for the others).
    hat : numpy.ndarray
        Leverages (diagonal of the hat matrix), zero for rows fitted exactly at zero.
    converged : bool
        Whether the slope settled within ``_MAX_ITER`` Newton steps.
    """

    coef: np.ndarray
    mu: np.ndarray
    dispersion: float
    df_resid: int
    cov_unscaled: np.ndarray
    hat: np.ndarray
    converged: bool

    def linear_predictor(self, x: np.ndarray, dispersion: float | None = None) -> tuple[float, float]:
        """Return the linear predictor at row ``x`` and its standard error.

        The standard error is scaled by ``dispersion`` (default: the fit's Pearson dispersion). A row
        that loads on an inestimable (``-inf``) column gives ``(-inf, 0.0)``.
        """
        finite = np.isfinite(self.coef)
        if np.any(x[~finite] != 0):
            return float("-inf"), 0.0
        eta = float(x[finite] @ self.coef[finite])
        scale = self.dispersion if dispersion is None else dispersion
        var = float(x @ self.cov_unscaled @ x) * scale
        return eta, float(np.sqrt(max(var, 0.0)))


def fit_level_trend(
    level: np.ndarray, t: np.ndarray | None, y: np.ndarray, weights: np.ndarray | None = None
) -> QuasiPoissonFit:
    """Quasi-Poisson fit of ``log E[y] = alpha[level] (+ beta * t)``, the Farrington design, fast.

    The model is a Poisson log-linear GLM on the design ``[one-hot(level), t]`` (cell-means coding,
    one column per level present, in increasing order). The level intercepts are profiled out: for
    a given slope each has a closed form, so only the slope is found, by Newton's method on the
    concave profile log-likelihood. Without ``t`` the fit is closed form.

    Parameters
    ----------
    level : numpy.ndarray
        Non-negative integer level per row (small integers: they index arrays).
    t : numpy.ndarray or None
        Time covariate, or ``None`` for no trend.
    y : numpy.ndarray
        Non-negative responses.
    weights : numpy.ndarray, optional
        Prior weights.

    Returns
    -------
    QuasiPoissonFit
        ``coef`` holds the present levels in increasing order, then the slope.

    Raises
    ------
    ValueError
        If a response is negative or not finite, or there are no more rows than columns.

    Examples
    --------
    >>> import numpy as np
    >>> fit = fit_level_trend(np.array([0, 0, 1, 1]), None, np.array([1.0, 3.0, 4.0, 4.0]))
    >>> np.exp(fit.coef).round(6).tolist(), round(fit.dispersion, 6)
    ([2.0, 4.0], 0.5)
    """
    y = np.asarray(y, dtype=float)
    if not np.all(np.isfinite(y)) or np.any(y < 0):
        raise ValueError("responses must be finite and non-negative")
    n = y.size
    w = np.ones(n) if weights is None else np.asarray(weights, dtype=float)
    level = np.asarray(level)
    rows = np.bincount(level)
    present = np.flatnonzero(rows)
    code = np.searchsorted(present, level) if present.size < rows.size else level
    m = present.size
    k = m + (0 if t is None else 1)
    if n <= k:
        raise ValueError(f"need more rows than columns, got {n} rows and {k} columns")
    wy = w * y
    y_level = np.bincount(code, weights=wy, minlength=m)
    live_level = y_level > 0
    y_live = y_level[live_level]
    beta = 0.0
    converged = True
    if t is not None:
        traw = np.asarray(t, dtype=float)
        shift = float(traw.mean())
        tc = traw - shift
        target = float(wy @ tc)
        converged = False
        for _ in range(_MAX_ITER):
            e = w * np.exp(beta * tc)
            s0 = np.bincount(code, weights=e, minlength=m)[live_level]
            et = e * tc
            s1 = np.bincount(code, weights=et, minlength=m)[live_level]
            s2 = np.bincount(code, weights=et * tc, minlength=m)[live_level]
            mean_t = s1 / s0
            hess = float(y_live @ (s2 / s0 - mean_t * mean_t))
            if not hess > 1e-300:
                break
            step = (target - float(y_live @ mean_t)) / hess
            beta += step
            if abs(step) < 1e-12 * (1.0 + abs(beta)):
                converged = True
                break
        e = np.exp(beta * tc)
        s0 = np.bincount(code, weights=w * e, minlength=m)
    else:
        traw = tc = e = np.ones(n)
        shift = 0.0
        s0 = np.bincount(code, weights=w, minlength=m)
    rate = np.zeros(m)
    rate[live_level] = y_live / s0[live_level]
    mu = rate[code] * e

    # Unscaled covariance (X'WX)^-1 over the live columns, in the uncentred parametrisation.
    ww = w * mu
    d = np.bincount(code, weights=ww, minlength=m)
    live_idx = np.flatnonzero(live_level)
    cov = np.zeros((k, k))
    coef = np.full(k, -np.inf)
    with np.errstate(divide="ignore"):
        log_rate = np.log(rate)
    if t is None:
        cov[live_idx, live_idx] = 1.0 / d[live_idx]
        hat = ww * cov[code, code]
        coef[:m] = log_rate
    else:
        c = np.bincount(code, weights=ww * traw, minlength=m)
        corner = float(ww @ (traw * traw))
        cl, dl = c[live_idx], d[live_idx]
        schur = corner - float(cl @ (cl / dl))
        var_b = 1.0 / schur if schur > 0 else np.inf
        cross = -cl / dl * var_b
        cov[live_idx, live_idx] = 1.0 / dl
        cov[np.ix_(live_idx, live_idx)] += np.outer(cl / dl, cl / dl) * var_b
        cov[live_idx, m] = cross
        cov[m, live_idx] = cross
        cov[m, m] = var_b
        hat = ww * (cov[code, code] + 2.0 * traw * cov[code, m] + traw * traw * var_b)
        coef[m] = beta
        coef[:m] = log_rate - beta * shift
    ok = mu > 0
    resid = y[ok] - mu[ok]
    pearson = float(np.sum(w[ok] * resid * resid / mu[ok]))
    return QuasiPoissonFit(
        coef=coef,
        mu=mu,
        dispersion=pearson / (n - k),
        df_resid=n - k,
        cov_unscaled=cov,
        hat=hat,
        converged=converged,
    )


def anscombe_residuals(fit: QuasiPoissonFit, y: np.ndarray, phi: float) -> np.ndarray:
    """Standardised Anscombe residuals of a Poisson fit (Farrington et al. 1996, section 3.4).

    ``r = 1.5 (y^(2/3) mu^(-1/6) - mu^(1/2)) / sqrt(phi (1 - h))``; rows fitted at zero get 0.
    """
    mu = fit.mu
    out = np.zeros_like(mu)
    ok = mu > 0
    raw = 1.5 * (np.power(y[ok], 2.0 / 3.0) * np.power(mu[ok], -1.0 / 6.0) - np.sqrt(mu[ok]))
    out[ok] = raw / np.sqrt(phi * np.clip(1.0 - fit.hat[ok], 1e-12, None))
    return out


def outbreak_weights(residuals: np.ndarray, threshold: float) -> np.ndarray:
    """Down-weight past outbreaks: ``s^-2`` above ``threshold``, 1 otherwise, rescaled to mean 1.

    Noufaily et al. (2013) raised the threshold from Farrington's 1 to 2.58 so that only clear
    outliers lose weight.
    """
    high = residuals > threshold
    raw = np.ones_like(residuals)
    raw[high] = residuals[high] ** -2.0
    gamma = len(residuals) / float(np.sum(raw))
    return gamma * raw
