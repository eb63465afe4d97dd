"""Operating characteristics of an aberration configuration on synthetic series (single series, no database).

False alarms are counted on seasonal negative-binomial backgrounds (DESIGN.md §9: dispersion 1.5-3);
detection delay is measured on waves that start at about one count a week and double every 4, 8 or
12 weeks, either on top of such a background or as a brand-new series. The whole-system replay
harness (issue #6 item 8) measures signals end to end; this module isolates the statistics so that
``docs/detection-methods.md`` can show a sensitivity-versus-false-alarm table for the thresholds.

Run ``python -m fews.detection.aberration_evaluate`` to print the table.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from fews.detection.aberration import evaluate_series, load_config

__all__ = ["OperatingCharacteristics", "nb_background", "operating_characteristics"]

WEEKS_PER_YEAR = 52.1775
BACKGROUNDS: tuple[tuple[float, float], ...] = ((0.5, 1.5), (2.0, 2.0), (6.0, 3.0))
"""(mean weekly count, dispersion) of the background series."""
DOUBLING_WEEKS: tuple[int, ...] = (4, 8, 12)


@dataclass(frozen=True)
class OperatingCharacteristics:
    """False alarms per series-year on background; detection on waves (within 16 weeks of the start)."""

    false_alarms_per_series_year: float
    detected_on_background: float
    median_delay_on_background: float
    detected_new_series: float
    median_delay_new_series: float
    within_4_weeks_new_series: float


def nb_background(rng: np.random.Generator, weeks: int, mean: float, phi: float, amplitude: float = 0.4) -> np.ndarray:
    """Seasonal negative-binomial counts with mean ``mean * exp(amplitude * sin(2 pi t / 52.18))``."""
    t = np.arange(weeks)
    mu = mean * np.exp(amplitude * np.sin(2 * np.pi * t / WEEKS_PER_YEAR))
    return rng.negative_binomial(mu / (phi - 1.0), 1.0 / phi).astype(float)


def _first_alarm(counts: np.ndarray, config: Any, start: int) -> int | None:
    for i, ev in enumerate(evaluate_series(counts, config, start=start)):
        if ev.alarm:
            return i
    return None


def operating_characteristics(
    overrides: Mapping[str, Any] | None = None, *, seeds: int = 10
) -> OperatingCharacteristics:
    """Measure false alarms and detection delays of the configuration ``load_config(overrides)``.

    Backgrounds run 7 years; years 4 to 7 are evaluated (the first three are history). Waves start in
    week 330 of a background, or in week 0 of an otherwise empty series, and are followed for 16 weeks;
    a delay counts weeks from the wave's first positive week.
    """
    config = load_config(overrides)
    alarms, years = 0, 0.0
    delays_bg: list[int] = []
    delays_new: list[int] = []
    trials_bg = trials_new = 0
    for seed in range(seeds):
        for b, (mean, phi) in enumerate(BACKGROUNDS):
            rng = np.random.default_rng(1000 * seed + b)
            background = nb_background(rng, 365, mean, phi)
            evs = evaluate_series(background, config, start=156)
            alarms += sum(e.alarm for e in evs)
            years += len(evs) / WEEKS_PER_YEAR
            for doubling in DOUBLING_WEEKS:
                wave = rng.poisson(2.0 ** (np.arange(16) / doubling)).astype(float)
                with_wave = background[:346].copy()
                with_wave[330:] += wave
                trials_bg += 1
                hit = _first_alarm(with_wave, config, 330)
                if hit is not None:
                    delays_bg.append(hit)
                trials_new += 1
                first = int(np.flatnonzero(wave)[0]) if wave.any() else 0
                hit = _first_alarm(wave, config, 0)
                if hit is not None:
                    delays_new.append(hit - first)
    bg, new = np.array(delays_bg), np.array(delays_new)
    return OperatingCharacteristics(
        false_alarms_per_series_year=alarms / years,
        detected_on_background=bg.size / trials_bg,
        median_delay_on_background=float(np.median(bg)) if bg.size else float("nan"),
        detected_new_series=new.size / trials_new,
        median_delay_new_series=float(np.median(new)) if new.size else float("nan"),
        within_4_weeks_new_series=float(np.mean(new <= 4)) * new.size / trials_new if new.size else 0.0,
    )


SCENARIOS: tuple[tuple[str, dict[str, Any]], ...] = (
    ("noufaily (default: nbPlugin, alpha 0.005)", {}),
    ("noufaily alpha 0.01", {"alpha": 0.01}),
    ("noufaily alpha 0.001", {"alpha": 0.001}),
    ("noufaily muan, alpha 0.005", {"threshold_method": "muan"}),
    ("noufaily, no 5-in-4-weeks rule", {"alarm_min_cases": 0}),
    ("nbcusum h 5 (default)", {"method": "nbcusum"}),
    ("nbcusum h 3", {"method": "nbcusum", "cusum_h": 3.0}),
    ("ears_c1", {"method": "ears_c1"}),
    ("ears_c2", {"method": "ears_c2"}),
    ("ears_c3", {"method": "ears_c3"}),
)


def main() -> None:
    """Print the sensitivity-versus-false-alarm table as Markdown."""
    out = sys.stdout
    out.write(
        "| configuration | false alarms / series-year | wave on background: detected, median delay | "
        "new series: detected, median delay, within 4 weeks |\n|---|---|---|---|\n"
    )
    for label, overrides in SCENARIOS:
        oc = operating_characteristics(overrides)
        out.write(
            f"| {label} | {oc.false_alarms_per_series_year:.2f} | {oc.detected_on_background:.0%}, "
            f"{oc.median_delay_on_background:g} w | {oc.detected_new_series:.0%}, {oc.median_delay_new_series:g} w, "
            f"{oc.within_4_weeks_new_series:.0%} |\n"
        )


if __name__ == "__main__":
    main()
