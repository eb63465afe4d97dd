"""Aberration detection (fews.detection.aberration): methods, short and sparse series, caching, cross-check.

The cross-check fixture ``data/surveillance_reference.json`` holds the weekly Salmonella Newport series
(R ``surveillance`` dataset salmNewport, Germany) with the alarms R computed for 2011-2012 and values
from the R package's own unit tests; see its ``sources`` entry. Regenerate nothing: the numbers are
published outputs, not ours.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from pathlib import Path

import numpy as np
import pytest
import statsmodels.api as sm
from scipy import special

from fews.detection import aberration
from fews.detection.aberration import Evaluation, evaluate_latest, evaluate_series, load_config
from fews.detection.aberration_baseline import Baseline
from fews.detection.aberration_cusum import cases_to_alarm, cusum_llr
from fews.detection.aberration_ears import ears_c2_statistic, ears_evaluate
from fews.detection.aberration_glm import fit_level_trend
from fews.detection.aberration_noufaily import baseline_layout, fit_noufaily, reference_lags
from fews.detection.aberration_threshold import (
    delta_tail_probability,
    delta_threshold,
    nb_quantile,
    nb_tail_probability,
)

REFERENCE = json.loads((Path(__file__).parent / "data" / "surveillance_reference.json").read_text())
WEEKS_PER_YEAR = 52.1775


def nb_background(seed: int, weeks: int, mean: float, phi: float, amplitude: float = 0.4) -> np.ndarray:
    """Seasonal negative-binomial weekly counts: mean ``mean * exp(amplitude sin)``, variance ``phi * mean``."""
    rng = np.random.default_rng(seed)
    t = np.arange(weeks)
    mu = mean * np.exp(amplitude * np.sin(2 * np.pi * t / WEEKS_PER_YEAR))
    return rng.negative_binomial(mu / (phi - 1.0), 1.0 / phi).astype(float)


def false_alarms_per_series_year(config_overrides: dict, burn_in: int = 156, weeks: int = 364) -> float:
    config = load_config(config_overrides)
    alarms, years = 0, 0.0
    for seed in range(8):
        for mean, phi in ((0.5, 1.5), (2.0, 2.0), (8.0, 3.0)):
            evs = evaluate_series(nb_background(seed, weeks, mean, phi), config, start=burn_in)
            alarms += sum(e.alarm for e in evs)
            years += len(evs) / WEEKS_PER_YEAR
    return alarms / years


# --- configuration -----------------------------------------------------------------------------------


def test_shipped_config_loads_with_documented_defaults():
    config = load_config()
    assert (config.method, config.alpha, config.b_years, config.window_w, config.no_periods) == (
        "noufaily",
        0.005,
        5,
        3,
        10,
    )
    assert (config.refit_weeks, config.reweight_threshold, config.threshold_method) == (4, 2.58, "nbPlugin")


def test_every_parameter_in_the_yaml_cites_a_source():
    import yaml

    from fews.detection.aberration_config import CONFIG_FILE

    params = yaml.safe_load(CONFIG_FILE.read_text())["parameters"]
    assert all(str(entry["source"]).strip() for entry in params.values())


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"methd": "noufaily"}, "unknown parameter 'methd'"),
        ({"method": "farrington"}, "method must be one of"),
        ({"alpha": 0.7}, "alpha must be in"),
        ({"refit_weeks": 6}, "refit_weeks"),
        ({"b_years": "five"}, "b_years must be of type int"),
        ({"reweight": 1}, "reweight must be of type bool"),
    ],
    ids=["typo", "unknown-method", "alpha-range", "refit-beyond-window", "wrong-type", "int-for-bool"],
)
def test_bad_config_is_refused_with_the_key_named(overrides, message):
    with pytest.raises(ValueError, match=message):
        load_config(overrides)


def test_config_key_changes_with_fit_parameters_but_not_with_wording():
    base = load_config()
    assert load_config({"alpha": 0.001}).key != base.key
    assert load_config({"unit_label": "seizures"}).key == base.key


# --- input validation --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("counts", "message"),
    [
        (np.array([]), "non-empty"),
        (np.ones((3, 2)), "1-D"),
        (np.array([1.0, -1.0, 2.0]), "week index 1"),
        (np.array([1.0, 2.0, np.nan]), "week index 2"),
    ],
    ids=["empty", "two-dimensional", "negative", "nan"],
)
def test_bad_counts_raise_a_clear_error(counts, message):
    with pytest.raises(ValueError, match=message):
        evaluate_latest(counts, load_config())


def test_evaluate_series_rejects_a_start_outside_the_series():
    with pytest.raises(ValueError, match="start must be in"):
        evaluate_series(np.zeros(5), load_config(), start=5)


# --- the quasi-Poisson fit against statsmodels -------------------------------------------------------


@pytest.mark.parametrize("with_trend", [False, True], ids=["levels", "levels+trend"])
def test_level_trend_fit_matches_statsmodels_quasi_poisson(with_trend):
    rng = np.random.default_rng(3)
    n = 240
    level = rng.integers(0, 10, n)
    t = np.arange(n, dtype=float)
    y = rng.poisson(np.exp(0.4 + 0.1 * level + (0.004 * t if with_trend else 0.0))).astype(float)
    weights = rng.uniform(0.5, 1.5, n)
    design = (level[:, None] == np.arange(10)[None, :]).astype(float)
    if with_trend:
        design = np.column_stack([design, t])
    ref = sm.GLM(y, design, family=sm.families.Poisson(), var_weights=weights).fit(scale="X2")

    fit = fit_level_trend(level, t if with_trend else None, y, weights)

    np.testing.assert_allclose(fit.coef, ref.params, rtol=1e-7, atol=1e-9)
    assert fit.dispersion == pytest.approx(ref.scale, rel=1e-8)
    np.testing.assert_allclose(np.sqrt(np.diag(fit.cov_unscaled) * fit.dispersion), ref.bse, rtol=1e-6)
    np.testing.assert_allclose(fit.hat, ref.get_influence().hat_matrix_diag, rtol=1e-6, atol=1e-12)
    assert fit.df_resid == ref.df_resid


def test_a_level_that_never_saw_a_count_is_fitted_at_zero():
    level = np.repeat([0, 1, 2], 10)
    y = np.concatenate([np.full(10, 3.0), np.zeros(10), np.full(10, 5.0)])
    fit = fit_level_trend(level, None, y)
    assert fit.coef[1] == -np.inf
    assert np.all(fit.mu[10:20] == 0)
    assert np.exp(fit.coef[[0, 2]]) == pytest.approx([3.0, 5.0])


# --- thresholds against the R package's unit-test values ----------------------------------------------


@pytest.mark.parametrize("case", REFERENCE["threshold_noufaily"]["cases"], ids=lambda c: f"{c['method']}-phi{c['phi']}")
def test_negative_binomial_threshold_matches_r_surveillance(case):
    eta, se_eta, alpha, y = math.log(5), math.log(2), 0.05, 11
    mean = math.exp(eta) if case["method"] == "nbPlugin" else math.exp(eta + special.ndtri(1 - alpha) * se_eta)
    lower = nb_quantile(alpha, mean, case["phi"])[0]
    upper = nb_quantile(1 - alpha, mean, case["phi"])[0]
    prob = nb_tail_probability(y, mean, case["phi"])
    score = (y - eta) / (upper - eta)  # R's score mixes the log-scale prediction in; reproduced as published
    assert [lower, upper, prob, score] == pytest.approx(
        case["expected"], abs=REFERENCE["threshold_noufaily"]["tolerance"]
    )


@pytest.mark.parametrize("case", REFERENCE["threshold_farrington"]["cases"], ids=lambda c: c["transform"])
def test_farrington_delta_threshold_matches_r_surveillance(case):
    mu, se_mu, y = 5.0, 0.2, 8.0
    upper, se = delta_threshold(mu, se_mu, 1.0, 0.05, case["transform"])
    prob = delta_tail_probability(y, mu, se, case["transform"])
    score = (y - mu) / (upper - mu)
    tol = REFERENCE["threshold_farrington"]["tolerance"]
    assert [upper, prob, score] == pytest.approx(case["expected"][1:], abs=tol)


# --- cross-check on published R outputs (salmNewport, Germany) -----------------------------------------


def _r_reference_lags(day: dt.date, b: int) -> list[int]:
    """R surveillance: the same weekday nearest to the calendar date i years back."""
    lags = []
    for i in range(1, b + 1):
        back = (
            day.replace(year=day.year - i) if not (day.month == 2 and day.day == 29) else dt.date(day.year - i, 2, 28)
        )
        lags.append(round((day - back).days / 7))
    return lags


def _farrington_flexible_alarms(*, r_compatible: bool) -> list[int]:
    ctl = REFERENCE["alarm_controls"]["farringtonFlexible"]
    config = load_config(
        {
            "b_years": ctl["b"],
            "window_w": ctl["w"],
            "reweight_threshold": ctl["weightsThreshold"],
            "alpha": ctl["alpha"],
            "trend_p_threshold": ctl["pThresholdTrend"],
            "no_periods": ctl["noPeriods"],
            "past_weeks_excluded": ctl["pastWeeksNotIncluded"],
            "threshold_method": ctl["thresholdMethod"],
            "power_transform": ctl["powertrans"],
            "min_expected": 0.0,
            "min_positive_weeks": 2,
            "refit_weeks": 1,
        }
    )
    y = np.array(REFERENCE["counts"], dtype=float)
    out = []
    for t in range(REFERENCE["first_monitored"], y.size):
        lags = _r_reference_lags(dt.date.fromisoformat(REFERENCE["dates"][t]), ctl["b"])
        baseline = fit_noufaily(y, t, config, lags=lags, r_compatible=r_compatible)
        assert baseline is not None
        cases, period = ctl["limit54"]
        alarm = y[t] > baseline.upper[0] and y[t] > 0 and y[t - period + 1 : t + 1].sum() >= cases
        out.append(int(alarm))
    return out


def test_farrington_flexible_alarms_reproduce_r_surveillance_exactly_in_compatibility_mode():
    assert _farrington_flexible_alarms(r_compatible=True) == REFERENCE["alarms"]["farringtonFlexible"]


def test_farrington_flexible_alarms_with_pearson_dispersion_differ_from_r_in_one_week_only():
    ours = _farrington_flexible_alarms(r_compatible=False)
    theirs = REFERENCE["alarms"]["farringtonFlexible"]
    differ = [
        REFERENCE["dates"][REFERENCE["first_monitored"] + i]
        for i, (a, b) in enumerate(zip(ours, theirs, strict=True))
        if a != b
    ]
    assert differ == ["2011-08-29"]  # documented in docs/detection-methods.md


@pytest.mark.parametrize(("method", "key"), [("ears_c1", "earsC1"), ("ears_c2", "earsC2")])
def test_ears_c1_c2_alarms_reproduce_r_surveillance(method, key):
    ctl = REFERENCE["alarm_controls"][key]
    y = np.array(REFERENCE["counts"], dtype=float)
    alarms = [
        int(
            ears_evaluate(
                y[: t + 1], method, baseline_weeks=ctl["baseline"], alpha=ctl["alpha"], min_sigma=0.0, c3_threshold=2.0
            ).alarm
        )
        for t in range(REFERENCE["first_monitored"], y.size)
    ]
    assert alarms == REFERENCE["alarms"][key]


def test_ears_c2_statistics_reproduce_r_surveillance_c3_alarms():
    # R's earsC C3 alarms when the two lagged terms max(0, C2 - 1) exceed z (see docs): checks the C2 series.
    ctl = REFERENCE["alarm_controls"]["earsC3"]
    y = np.array(REFERENCE["counts"], dtype=float)
    z = special.ndtri(1 - ctl["alpha"])
    alarms = [
        int(sum(max(0.0, ears_c2_statistic(y, t - i, ctl["baseline"], 0.0) - 1.0) for i in (1, 2)) > z)
        for t in range(REFERENCE["first_monitored"], y.size)
    ]
    assert alarms == REFERENCE["alarms"]["earsC3"]


def test_ears_c1_upper_bounds_match_r_surveillance_unit_test():
    ref = REFERENCE["earsC1_upperbound_2011_weeks_1_to_4"]
    y = np.array(REFERENCE["counts"], dtype=float)
    t0 = REFERENCE["first_monitored"]
    uppers = [
        ears_evaluate(y[: t + 1], "ears_c1", baseline_weeks=7, alpha=0.05, min_sigma=0.0, c3_threshold=2.0).upper
        for t in range(t0, t0 + 4)
    ]
    assert uppers == pytest.approx(ref["upperbound"], abs=ref["tolerance"])


def test_public_api_flags_the_2011_salmonella_newport_outbreak():
    y = np.array(REFERENCE["counts"], dtype=float)
    evs = evaluate_series(y, load_config(), start=REFERENCE["first_monitored"])
    outbreak = [i for i, n in enumerate(REFERENCE["test_outbreak_cases"]) if n > 0]
    assert all(evs[i].alarm for i in outbreak[:3])  # 41, 45 and 17 cases in November 2011
    assert {e.method for e in evs} == {"noufaily"}


# --- Noufaily baseline -------------------------------------------------------------------------------


def test_reference_lags_follow_the_calendar_year():
    assert reference_lags(5).tolist() == [52, 104, 157, 209, 261]


def test_baseline_layout_has_windows_and_ten_near_equal_seasonal_blocks():
    idx, level = baseline_layout(400, reference_lags(5).tolist(), 3, 10, 26)
    assert np.count_nonzero(level == 0) == 5 * 7  # the current window is among the excluded weeks
    assert idx.max() == 400 - 27 and np.all(np.diff(idx) > 0)
    sizes = np.bincount(level[idx < 400 - 52 - 3])[1:]  # blocks of complete past years
    assert sizes.max() - sizes.min() <= 5
    assert set(np.unique(level)) == set(range(10))


def test_noufaily_keeps_a_significant_trend_and_predicts_along_it():
    t = np.arange(330)
    y = np.random.default_rng(5).poisson(2.0 * np.exp(0.004 * t)).astype(float)
    baseline = fit_noufaily(y, 329, load_config())
    assert baseline is not None and "trend" in baseline.detail
    assert baseline.expected[0] > float(np.mean(y[-120:-27]))  # extrapolated upwards


def test_reweighting_stops_a_past_outbreak_from_raising_the_threshold():
    y = nb_background(11, 330, 3.0, 1.5, amplitude=0.0)
    y[329 - 52 - 1 : 329 - 52 + 2] += 40  # an outbreak in last year's reference window
    with_rw = fit_noufaily(y, 329, load_config())
    without = fit_noufaily(y, 329, load_config({"reweight": False}))
    assert with_rw is not None and without is not None
    assert with_rw.upper[0] < without.upper[0]


# --- behaviour on realistic series -------------------------------------------------------------------


def test_no_alarm_on_flat_seasonal_negative_binomial_background():
    rate = false_alarms_per_series_year({})
    assert rate < 0.6  # nominal 0.26 (alpha 0.005 x 52); the measured rate is in docs/detection-methods.md


def test_nb_cusum_false_alarm_rate_on_background_is_small():
    assert false_alarms_per_series_year({"method": "nbcusum"}) < 0.3


@pytest.mark.parametrize("method", ["noufaily", "nbcusum"])
def test_doubling_series_on_a_background_is_flagged_within_a_few_weeks(method):
    y = nb_background(21, 330, 2.0, 2.0)
    start = 300
    y[start:] += np.round(2.0 * 2.0 ** (np.arange(30) / 3.0))  # doubles every 3 weeks from 2 a week
    evs = evaluate_series(y, load_config({"method": method}), start=start)
    first = next(i for i, e in enumerate(evs) if e.alarm)
    assert first <= 6
    assert all("noufaily" in e.method for e in evs)


def test_brand_new_doubling_series_is_flagged_within_four_weeks_of_its_first_week():
    wave = np.round(2.0 ** (np.arange(12) / 4.0))  # 1, 1, 1, 2, 2, 2, 3, 3, 4, ... doubling every 4 weeks
    evs = evaluate_series(wave, load_config())
    first = next(i for i, e in enumerate(evs) if e.alarm)
    assert first <= 4
    assert evs[first].method == "fallback"


def test_all_zero_series_never_alarms_and_reports_the_fallback():
    evs = evaluate_series(np.zeros(400), load_config(), start=0)
    assert not any(e.alarm for e in evs)
    assert {e.method for e in evs} == {"fallback"}
    assert all(math.isfinite(e.upper) and e.expected == pytest.approx(0.1) for e in evs)


def test_zero_heavy_series_stays_quiet_then_flags_a_jump():
    rng = np.random.default_rng(8)
    y = (rng.random(400) < 0.04).astype(float)  # a detection about every six months
    evs = evaluate_series(y, load_config(), start=0)
    assert not any(e.alarm for e in evs)
    y[-1] = 9
    ev, _ = evaluate_latest(y, load_config())
    assert ev.alarm and ev.method == "fallback"


@pytest.mark.parametrize(
    ("counts", "alarm"), [([0.0], False), ([2.0], False), ([7.0], True), ([0.0] * 30 + [8.0], True)]
)
def test_series_with_no_history_is_judged_against_the_floor(counts, alarm):
    ev, cache = evaluate_latest(np.array(counts), load_config())
    assert ev.alarm is alarm
    assert ev.method == "fallback"
    json.dumps(cache)


def test_a_single_week_of_three_from_nothing_is_not_enough_to_alarm():
    ev, _ = evaluate_latest(np.array([0.0] * 20 + [3.0]), load_config())
    assert not ev.alarm
    assert "fewer than 5 in the latest 4 weeks" in ev.reason


def test_severity_weighted_counts_are_accepted():
    y = nb_background(4, 330, 2.0, 2.0) * 1.5
    y[-1] = 22.5
    ev, _ = evaluate_latest(y, load_config({"unit_label": "weighted reports"}))
    assert ev.alarm and ev.observed == 22.5
    assert ev.reason.startswith("22.5 weighted reports against")
    assert 0.0 <= ev.p_value < 0.005


def test_evaluation_reason_is_one_readable_sentence():
    y = nb_background(2, 330, 1.0, 1.5)
    y[-1] = 12
    ev, _ = evaluate_latest(y, load_config({"unit_label": "seizures"}))
    assert isinstance(ev, Evaluation)
    assert ev.reason.startswith("12 seizures against ")
    assert "Noufaily, 5 years" in ev.reason and "alpha 0.005" in ev.reason
    assert ev.score > 1


# --- caching -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("method", ["noufaily", "nbcusum", "ears_c2"])
def test_cached_evaluations_equal_fresh_ones(method):
    config = load_config({"method": method})
    y = nb_background(9, 340, 3.0, 2.0)
    y[330:] += [0, 3, 6, 9, 12, 15, 18, 21, 24, 27]
    chained = evaluate_series(y, config, start=300)
    for t, ev in zip(range(300, y.size), chained, strict=True):
        fresh, _ = evaluate_latest(y[: t + 1], config, None)
        if method == "nbcusum":  # the statistic carries history beyond the warm-up: compare the baseline
            assert (fresh.expected, fresh.method) == (ev.expected, ev.method)
        else:
            assert fresh == ev


def test_cache_is_reused_within_the_refit_window_and_survives_json(monkeypatch):
    config = load_config()
    y = nb_background(3, 340, 2.0, 2.0)
    fits = []
    real = aberration._fit_baseline
    monkeypatch.setattr(aberration, "_fit_baseline", lambda *a, **k: fits.append(1) or real(*a, **k))
    cache = None
    for t in range(300, 340):
        _, cache = evaluate_latest(y[: t + 1], config, cache)
        cache = json.loads(json.dumps(cache))
    assert len(fits) == 10  # one fit per 4 weeks
    assert Baseline.from_dict(cache["baseline"]).method == "noufaily"


def test_revising_old_data_or_changing_the_config_forces_a_refit():
    config = load_config()
    y = nb_background(3, 341, 2.0, 2.0)
    _, cache = evaluate_latest(y[:341], config)
    revised = y.copy()
    revised[100] += 5  # a late report for an old week
    assert evaluate_latest(revised, config, cache)[1]["checksum"] != cache["checksum"]
    recent = y.copy()
    recent[-2] += 5  # within the guard weeks: the fit does not read it, so the cache stays valid
    assert evaluate_latest(recent, config, cache)[1]["checksum"] == cache["checksum"]
    other = load_config({"alpha": 0.001})
    assert evaluate_latest(y, other, cache)[1]["key"] == other.key


def test_a_stale_or_foreign_cache_is_ignored():
    config = load_config()
    y = nb_background(6, 330, 2.0, 2.0)
    fresh, _ = evaluate_latest(y, config)
    for junk in ({}, {"v": 99}, {"v": 1, "key": "x", "anchor": 0}):
        assert evaluate_latest(y, config, junk)[0] == fresh


# --- NB-CUSUM ----------------------------------------------------------------------------------------


def test_cusum_llr_has_the_poisson_and_negative_binomial_forms():
    assert cusum_llr(3, 1.0, 2.0, 1.0) == pytest.approx(3 * math.log(2) - 1.0)
    r = 2.0 / (1.5 - 1.0)
    expected = 4 * math.log(4.0 * (r + 2.0) / (2.0 * (r + 4.0))) + r * math.log((r + 2.0) / (r + 4.0))
    assert cusum_llr(4, 2.0, 2.0, 1.5) == pytest.approx(expected)


def test_cases_to_alarm_is_where_the_statistic_crosses_h():
    s_prev, mu0, kappa, phi, h = 1.3, 2.5, 2.0, 1.8, 5.0
    y_star = cases_to_alarm(s_prev, mu0, kappa, phi, h)
    assert s_prev + cusum_llr(y_star, mu0, kappa, phi) == pytest.approx(h)


def test_nb_cusum_accumulates_a_sustained_moderate_rise_and_restarts_after_alarm():
    config = load_config({"method": "nbcusum", "alarm_min_cases": 0})
    y = np.full(330, 3.0)
    y[::3] = 2.0
    y[::5] = 4.0  # a steady background around 3 a week
    y[310:] = 6.0  # a doubling that stays, never far above a single-week threshold
    single_week = evaluate_series(y, load_config({"alarm_min_cases": 0}), start=310)
    assert not any(e.alarm for e in single_week)
    cache, statistics, alarms = None, [], []
    for t in range(300, 330):
        ev, cache = evaluate_latest(y[: t + 1], config, cache)
        statistics.append(cache["cusum"]["s"])
        alarms.append(ev.alarm)
        assert ev.method == "nbcusum(noufaily)"
    first = alarms.index(True)
    assert first >= 10  # needs several weeks of evidence
    assert statistics[first] == 0.0  # restarted after the alarm
    assert all(np.diff(statistics[10:first]) > 0)  # accumulating before it


# --- EARS on small constructed series -----------------------------------------------------------------


def test_ears_c1_flags_a_spike_over_a_seven_week_baseline():
    y = np.array([2, 3, 2, 4, 3, 2, 3, 12.0])
    ev, _ = evaluate_latest(y, load_config({"method": "ears_c1"}))
    assert ev.alarm and ev.method == "ears_c1"
    assert ev.expected == pytest.approx(19 / 7)


def test_ears_c2_guard_band_keeps_a_rise_out_of_its_baseline():
    y = np.array([2, 3, 2, 4, 3, 2, 3, 2, 3, 9, 10.0])
    c1, _ = evaluate_latest(y, load_config({"method": "ears_c1"}))
    c2, _ = evaluate_latest(y, load_config({"method": "ears_c2"}))
    assert not c1.alarm  # last week's 9 inflated C1's baseline
    assert c2.alarm


def test_ears_c3_adds_up_three_weeks_of_moderate_excess():
    y = np.array([3, 2, 3, 2, 3, 2, 3, 2, 3, 2, 3, 5, 5, 5.0])
    c2, _ = evaluate_latest(y, load_config({"method": "ears_c2"}))
    c3, _ = evaluate_latest(y, load_config({"method": "ears_c3"}))
    assert not c2.alarm and c3.alarm


def test_ears_on_a_series_too_short_for_its_baseline_uses_the_fallback():
    ev, _ = evaluate_latest(np.array([0.0, 0.0, 9.0]), load_config({"method": "ears_c3"}))
    assert ev.method == "ears_c3(fallback)" and ev.alarm


def test_ears_min_sigma_stops_a_run_of_zeros_from_alarming_on_a_single_count():
    y = np.array([0.0] * 7 + [2.0])
    assert not evaluate_latest(y, load_config({"method": "ears_c1", "alarm_min_cases": 0}))[0].alarm
