"""The signal rules' settings (``signals.yaml``), loaded once into typed, read-only objects.

Every threshold is data: change the YAML (or pass ``overrides``), never the code. Unknown or
missing keys are refused so a typo cannot silently fall back to a default.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any, TypeVar

import yaml

__all__ = [
    "DetectionSettings",
    "EmergingSettings",
    "SeizureAberrationSettings",
    "NearMissSettings",
    "HarmClusterSettings",
    "load_settings",
    "SETTINGS_FILE",
]

SETTINGS_FILE = Path(__file__).with_name("signals.yaml")


@dataclass(frozen=True)
class Switch:
    enabled: bool


@dataclass(frozen=True)
class EmergingSettings:
    young_weeks: int
    min_samples: int
    span_weeks: int
    min_weeks: int
    window_weeks: int
    escalate_factor: float


@dataclass(frozen=True)
class SeizureAberrationSettings:
    enabled: bool
    min_history_weeks: int
    min_count_52w: int
    min_observed: int
    consecutive_weeks: int
    min_score: float


@dataclass(frozen=True)
class NearMissSettings:
    min_samples: int
    span_weeks: int
    window_weeks: int


@dataclass(frozen=True)
class HarmClusterSettings:
    min_severity_rank: int
    window_weeks: int
    baseline_weeks: int
    min_reports: int
    max_p_value: float
    min_ratio: float
    prior_rate_per_week: float


@dataclass(frozen=True)
class DetectionSettings:
    burn_in_weeks: int
    new_substance: Switch
    border_first: Switch
    prison_first: Switch
    jurisdiction_first: Switch
    emerging_family: EmergingSettings
    seizure_aberration: SeizureAberrationSettings
    near_miss: NearMissSettings
    harm_cluster: HarmClusterSettings
    close_after_quiet_weeks: int


T = TypeVar("T")


def _build(cls: type[T], data: Any, where: str) -> T:
    if not isinstance(data, Mapping):
        raise ValueError(f"{where}: expected a mapping, got {type(data).__name__}")
    names = {f.name: f for f in fields(cls)}  # type: ignore[arg-type]
    unknown = set(data) - set(names)
    missing = set(names) - set(data)
    if unknown or missing:
        raise ValueError(f"{where}: unknown keys {sorted(unknown)}, missing keys {sorted(missing)}")
    values: dict[str, Any] = {}
    for name, f in names.items():
        sub = SUBSECTIONS.get(f.type if isinstance(f.type, str) else f.type.__name__)
        value = data[name]
        if sub is not None:
            value = _build(sub, value, f"{where}.{name}")
        elif isinstance(value, bool) and f.type not in ("bool", bool):
            raise ValueError(f"{where}.{name}: expected a number, got {value!r}")
        values[name] = value
    return cls(**values)


SUBSECTIONS: dict[str, type] = {
    "Switch": Switch,
    "EmergingSettings": EmergingSettings,
    "SeizureAberrationSettings": SeizureAberrationSettings,
    "NearMissSettings": NearMissSettings,
    "HarmClusterSettings": HarmClusterSettings,
}


def _merge(base: dict[str, Any], overrides: Mapping[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for k, v in overrides.items():
        if isinstance(v, Mapping) and isinstance(out.get(k), dict):
            out[k] = _merge(out[k], v)
        else:
            out[k] = v
    return out


def load_settings(overrides: Mapping[str, Any] | None = None, *, path: Path = SETTINGS_FILE) -> DetectionSettings:
    """Read ``signals.yaml``; ``overrides`` (nested mapping) replaces individual values."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if overrides:
        data = _merge(data, overrides)
    return _build(DetectionSettings, data, path.name)
