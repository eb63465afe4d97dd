"""Evaluation of detection on synthetic replays (issue #6 item 8; DESIGN.md §9).

The demo market generator (:mod:`fews.demo.generator`) writes realistic traffic: a
negative-binomial established market with seasonality and trend, about 30 one-off new substances a
year that never take off, wave families that start near one seizure a week and double every 4-12
weeks, and reporting lags. Its :func:`~fews.demo.generator.ground_truth` lists what was injected.
:func:`run_scenario` replays such data through the real pipeline and :func:`score_replay` measures,
per injected family, the delay from its first appearance to the first signal linked to it, and the
false alarms (``emerging_family``, ``harm_cluster`` or ``near_miss`` signals not linked to any
wave); ``new_substance`` and ``border_first`` signals are counted separately.
"""

from __future__ import annotations

import datetime as dt
import json
import statistics
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rdkit import Chem

from fews.config import Config
from fews.detection.replay import replay
from fews.detection.settings import DetectionSettings

__all__ = ["ALARM_TYPES", "Scenario", "run_scenario", "score_replay", "summarise"]

ALARM_TYPES = frozenset({"emerging_family", "harm_cluster", "near_miss"})


def _key(smiles: str | None) -> str | None:
    if not smiles:
        return None
    mol = Chem.MolFromSmiles(smiles)
    return Chem.MolToInchiKey(mol).split("-")[0] if mol is not None else None


def _weeks_between(start: dt.date, day: str | None) -> float | None:
    """Weeks from a wave's first appearance (its start Monday) to the closing Sunday of a signal."""
    if day is None:
        return None
    return round(max(0, (dt.date.fromisoformat(day) - start).days) / 7, 1)


@dataclass(frozen=True)
class Scenario:
    seed: int
    start: dt.date
    end: dt.date
    waves: bool = True
    scale: float = 1.0

    @property
    def years(self) -> float:
        return (self.end - self.start).days / 365.25


def score_replay(lines: list[dict[str, Any]], truth: Mapping[str, Any], *, end: dt.date) -> dict[str, Any]:
    """Detection delay per injected wave and false alarms, from ``alerts.jsonl`` lines."""
    wave_keys = {
        w["family"]: {_key(m["smiles"]) for m in w["members"] if not m.get("precursor")} for w in truth["waves"]
    }
    raised = [x for x in lines if x.get("event", "raised") == "raised"]
    waves = []
    linked_ids: set[int] = set()
    for w in truth["waves"]:
        start = dt.date.fromisoformat(w["start"])
        if start > end:
            continue
        keys = wave_keys[w["family"]]
        first_by_type: dict[str, str] = {}
        for x in raised:
            if {_key(m.get("smiles")) for m in x["members"]} & keys:
                linked_ids.add(id(x))
                first_by_type.setdefault(x["type"], x["as_of"])
        first = min(first_by_type.values()) if first_by_type else None
        alarm_dates = [d for t, d in first_by_type.items() if t in ALARM_TYPES]
        first_alarm = min(alarm_dates) if alarm_dates else None
        waves.append(
            {
                "family": w["family"],
                "start": w["start"],
                "doubling_weeks": w["doubling_weeks"],
                "first_signal": first,
                "delay_weeks": _weeks_between(start, first),
                "first_alarm": first_alarm,
                "alarm_delay_weeks": _weeks_between(start, first_alarm),
                "first_by_type": first_by_type,
            }
        )
    false_alarms = [x for x in raised if x["type"] in ALARM_TYPES and id(x) not in linked_ids]
    return {
        "waves": waves,
        "false_alarms": len(false_alarms),
        "false_alarm_details": [
            {"as_of": x["as_of"], "type": x["type"], "subtype": x.get("subtype"), "reason": x["reason"][:200]}
            for x in false_alarms
        ],
        "new_substance": sum(x["type"] == "new_substance" for x in raised),
        "border_first": sum(x["type"] == "border_first" for x in raised),
    }


def run_scenario(
    config: Config, scenario: Scenario, *, settings: DetectionSettings | None = None, keep: Path | None = None
) -> dict[str, Any]:
    """Generate the scenario's data, replay it, and score the signals."""
    from fews.demo import generator

    data = generator.generate(
        scenario.end, start=scenario.start, seed=scenario.seed, scale=scenario.scale, waves=scenario.waves
    )
    truth = generator.ground_truth(scenario.end, start=scenario.start, seed=scenario.seed, waves=scenario.waves)
    with tempfile.TemporaryDirectory(prefix="fews-eval-") as tmp:
        folder = keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        generator.write_csv(data.seizure_rows, folder / "seizures.csv")
        generator.write_csv(data.report_rows, folder / "reports.csv")
        summary = replay(
            config,
            seizures=folder / "seizures.csv",
            reports=folder / "reports.csv",
            out_dir=folder / "out",
            settings=settings,
        )
        lines = [json.loads(x) for x in (folder / "out" / "alerts.jsonl").read_text().splitlines() if x.strip()]
    result = score_replay(lines, truth, end=scenario.end)
    result |= {
        "seed": scenario.seed,
        "start": scenario.start.isoformat(),
        "end": scenario.end.isoformat(),
        "waves_injected": scenario.waves,
        "years": round(scenario.years, 2),
        "replay": summary.as_dict(),
    }
    return result


def summarise(results: list[dict[str, Any]]) -> dict[str, Any]:
    """Pool scenario results: delay statistics over waves, false alarms per year on background-only runs."""
    delays = [w["delay_weeks"] for r in results for w in r["waves"]]
    found = [d for d in delays if d is not None]
    alarm = [w["alarm_delay_weeks"] for r in results for w in r["waves"] if w["alarm_delay_weeks"] is not None]
    background = [r for r in results if not r["waves_injected"]]
    bg_years = sum(r["years"] for r in background)
    with_waves = [r for r in results if r["waves_injected"]]
    ww_years = sum(r["years"] for r in with_waves)
    return {
        "waves": len(delays),
        "waves_flagged": len(found),
        "waves_flagged_within_4_weeks": sum(d <= 4 for d in found),
        "delay_median_weeks": statistics.median(found) if found else None,
        "delay_max_weeks": max(found) if found else None,
        "waves_alarmed": len(alarm),
        "alarm_within_4_weeks": sum(d <= 4 for d in alarm),
        "alarm_delay_median_weeks": statistics.median(alarm) if alarm else None,
        "alarm_delay_max_weeks": max(alarm) if alarm else None,
        "false_alarms_per_year_background": round(sum(r["false_alarms"] for r in background) / bg_years, 2)
        if bg_years
        else None,
        "false_alarms_per_year_with_waves": round(sum(r["false_alarms"] for r in with_waves) / ww_years, 2)
        if ww_years
        else None,
        "new_substance_per_year": round(sum(r["new_substance"] for r in results) / (bg_years + ww_years), 1)
        if results
        else None,
    }
