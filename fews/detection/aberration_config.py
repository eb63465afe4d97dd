"""The aberration methods' settings: ``aberration.yaml`` loaded into one frozen, validated object.

Each parameter in the YAML file carries its value and the source it rests on (paper, R default or
FEWS choice with the reason); :func:`load_config` reads the values, applies overrides and refuses
unknown keys, wrong types and out-of-range values with a message naming the key.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields
from functools import cached_property
from pathlib import Path
from typing import Any

import yaml

__all__ = ["CONFIG_FILE", "METHODS", "THRESHOLD_METHODS", "AberrationConfig", "load_config"]

CONFIG_FILE = Path(__file__).with_name("aberration.yaml")
"""The shipped parameter file."""

METHODS: tuple[str, ...] = ("noufaily", "nbcusum", "ears_c1", "ears_c2", "ears_c3")
"""Methods :func:`fews.detection.aberration.evaluate_latest` can run."""

THRESHOLD_METHODS: tuple[str, ...] = ("nbPlugin", "muan", "delta")
"""Threshold rules of the Farrington family (names as in R ``surveillance``)."""


@dataclass(frozen=True)
class AberrationConfig:
    """Parameters of the aberration methods; see ``aberration.yaml`` for the source of each default.

    Attributes
    ----------
    method : str
        One of :data:`METHODS`.
    alpha : float
        One-sided level of the Noufaily/fallback threshold (``1 - alpha`` quantile).
    b_years, window_w, no_periods, past_weeks_excluded : int
        Noufaily baseline: years back, half-window in weeks, seasonal factor levels, recent weeks left out.
    reweight, reweight_threshold : bool, float
        Down-weight past outbreaks whose Anscombe residual exceeds the threshold.
    trend, trend_p_threshold, trend_min_years : bool, float, int
        Linear trend kept only when significant, not extrapolating above the data and with enough years.
    threshold_method, power_transform : str
        ``nbPlugin`` | ``muan`` | ``delta``; transform for ``delta``.
    refit_weeks : int
        A fitted baseline serves this many consecutive weeks (DESIGN.md §9: refit at most every 4 weeks).
    min_history_weeks, min_positive_weeks : int
        Noufaily runs only when the series has been active this long and its baseline has this many
        positive weeks; otherwise the sparse fallback runs.
    alarm_min_cases, alarm_window_weeks : float, int
        No alarm unless the last ``alarm_window_weeks`` weeks (current included) hold at least
        ``alarm_min_cases`` (Farrington's "5 in 4 weeks" rule).
    min_expected : float
        Floor on the expected weekly count (a never-seen series is not expected to stay at exactly 0).
    fallback_window_weeks, fallback_guard_weeks, fallback_dispersion : int, int, float
        Sparse fallback: mean of the window that ends ``fallback_guard_weeks`` before the current week,
        negative binomial with at least this dispersion.
    cusum_shift, cusum_h, cusum_warmup_weeks : float, float, int
        NB-CUSUM: out-of-control mean = ``cusum_shift`` x in-control mean; alarm when the statistic
        exceeds ``cusum_h``; weeks replayed to rebuild the statistic without a cache.
    ears_baseline_weeks, ears_alpha, ears_min_sigma, ears_c3_threshold : int, float, float, float
        EARS: baseline length, level of C1/C2, floor on the baseline standard deviation, C3 limit.
    unit_label : str
        Noun used in :attr:`Evaluation.reason` ("seizures", "weighted reports").
    """

    method: str = "noufaily"
    alpha: float = 0.005
    b_years: int = 5
    window_w: int = 3
    no_periods: int = 10
    past_weeks_excluded: int = 26
    reweight: bool = True
    reweight_threshold: float = 2.58
    trend: bool = True
    trend_p_threshold: float = 0.05
    trend_min_years: int = 3
    threshold_method: str = "nbPlugin"
    power_transform: str = "2/3"
    refit_weeks: int = 4
    min_history_weeks: int = 56
    min_positive_weeks: int = 8
    alarm_min_cases: float = 5.0
    alarm_window_weeks: int = 4
    min_expected: float = 0.1
    fallback_window_weeks: int = 52
    fallback_guard_weeks: int = 8
    fallback_dispersion: float = 2.0
    cusum_shift: float = 2.0
    cusum_h: float = 5.0
    cusum_warmup_weeks: int = 3
    ears_baseline_weeks: int = 7
    ears_alpha: float = 0.001
    ears_min_sigma: float = 1.0
    ears_c3_threshold: float = 2.0
    unit_label: str = "cases"

    def __post_init__(self) -> None:
        _validate(self)

    @cached_property
    def key(self) -> str:
        """Short fingerprint of every parameter that changes a fit (caches made under another key are refitted)."""
        data = asdict(self)
        data.pop("unit_label")
        raw = json.dumps(data, sort_keys=True).encode()
        return hashlib.sha256(raw).hexdigest()[:16]


_TYPES: dict[str, type | tuple[type, ...]] = {"int": int, "float": (int, float), "bool": bool, "str": str}


def _validate(c: AberrationConfig) -> None:
    def need(ok: bool, name: str, what: str) -> None:
        if not ok:
            raise ValueError(f"aberration config: {name} must be {what}, got {getattr(c, name)!r}")

    for f in fields(c):
        value = getattr(c, f.name)
        expected = _TYPES[str(f.type)]
        if isinstance(value, bool) and f.type != "bool":
            raise ValueError(f"aberration config: {f.name} must be a number, got {value!r}")
        if not isinstance(value, expected):
            raise ValueError(f"aberration config: {f.name} must be of type {f.type}, got {value!r}")
    need(c.method in METHODS, "method", f"one of {', '.join(METHODS)}")
    need(c.threshold_method in THRESHOLD_METHODS, "threshold_method", f"one of {', '.join(THRESHOLD_METHODS)}")
    need(c.power_transform in ("2/3", "1/2", "none"), "power_transform", "'2/3', '1/2' or 'none'")
    for name in ("alpha", "ears_alpha"):
        need(0.0 < getattr(c, name) < 0.5, name, "in (0, 0.5)")
    need(c.b_years >= 1, "b_years", ">= 1")
    need(0 <= c.window_w <= 10, "window_w", "in [0, 10]")
    need(1 <= c.no_periods <= 26, "no_periods", "in [1, 26]")
    need(c.window_w <= c.past_weeks_excluded < 52, "past_weeks_excluded", "in [window_w, 52)")
    need(c.reweight_threshold > 0, "reweight_threshold", "> 0")
    need(0.0 < c.trend_p_threshold <= 1.0, "trend_p_threshold", "in (0, 1]")
    need(c.trend_min_years >= 1, "trend_min_years", ">= 1")
    need(1 <= c.refit_weeks <= c.window_w + 1, "refit_weeks", "in [1, window_w + 1] (the week must stay in the window)")
    need(c.min_history_weeks >= 52 + c.window_w + 1, "min_history_weeks", ">= 52 + window_w + 1")
    need(c.min_positive_weeks >= 2, "min_positive_weeks", ">= 2")
    need(c.alarm_min_cases >= 0, "alarm_min_cases", ">= 0")
    need(c.alarm_window_weeks >= 1, "alarm_window_weeks", ">= 1")
    need(c.min_expected >= 0, "min_expected", ">= 0")
    need(c.fallback_window_weeks >= 4, "fallback_window_weeks", ">= 4")
    need(0 <= c.fallback_guard_weeks <= c.past_weeks_excluded, "fallback_guard_weeks", "in [0, past_weeks_excluded]")
    need(c.fallback_dispersion >= 1.0, "fallback_dispersion", ">= 1")
    need(c.cusum_shift > 1.0, "cusum_shift", "> 1")
    need(c.cusum_h > 0, "cusum_h", "> 0")
    need(0 <= c.cusum_warmup_weeks <= c.window_w, "cusum_warmup_weeks", "in [0, window_w]")
    need(c.ears_baseline_weeks >= 3, "ears_baseline_weeks", ">= 3")
    need(c.ears_min_sigma >= 0, "ears_min_sigma", ">= 0")
    need(c.ears_c3_threshold > 0, "ears_c3_threshold", "> 0")


def load_config(overrides: Mapping[str, Any] | None = None, *, path: Path | None = None) -> AberrationConfig:
    """Read ``aberration.yaml`` (or ``path``) and apply ``overrides``.

    Parameters
    ----------
    overrides : Mapping, optional
        Parameter name to value; names must be fields of :class:`AberrationConfig`.
    path : pathlib.Path, optional
        Another parameter file of the same layout.

    Returns
    -------
    AberrationConfig

    Raises
    ------
    ValueError
        Unknown or missing parameter, a parameter without a source, or an invalid value.

    Examples
    --------
    >>> load_config({"method": "ears_c1"}).method
    'ears_c1'
    """
    source = path or CONFIG_FILE
    data = yaml.safe_load(source.read_text(encoding="utf-8"))
    params = data.get("parameters") if isinstance(data, dict) else None
    if not isinstance(params, dict):
        raise ValueError(f"{source}: expected a 'parameters' mapping")
    names = {f.name for f in fields(AberrationConfig)}
    values: dict[str, Any] = {}
    for name, entry in params.items():
        if name not in names:
            raise ValueError(f"{source}: unknown parameter {name!r}")
        if not isinstance(entry, dict) or "value" not in entry or not str(entry.get("source", "")).strip():
            raise ValueError(f"{source}: parameter {name!r} needs 'value' and a non-empty 'source'")
        values[name] = entry["value"]
    missing = names - set(values)
    if missing:
        raise ValueError(f"{source}: parameters missing: {', '.join(sorted(missing))}")
    for name, value in (overrides or {}).items():
        if name not in names:
            raise ValueError(f"aberration config: unknown parameter {name!r}")
        values[name] = value
    for f in fields(AberrationConfig):  # YAML and callers may write 5 for 5.0
        if f.type == "float" and isinstance(values[f.name], int) and not isinstance(values[f.name], bool):
            values[f.name] = float(values[f.name])
    return AberrationConfig(**values)
