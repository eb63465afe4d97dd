"""Fluent builders for intake files (in the style of matchms' SpectrumBuilder)."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

SEIZURE_COLUMNS = [
    "sample_id",
    "seizure_date",
    "submitting_agency",
    "seizure_context",
    "jurisdiction",
    "local_area",
    "product_as_sold",
    "component_name",
    "component_smiles",
    "role",
]
REPORT_COLUMNS = ["report_id", "event_date", "care_setting", "suspected_substance_name", "severity", "region"]

MEPHEDRONE = "CNC(C)C(=O)c1ccc(C)cc1"
COCAINE = "COC(=O)C1C(OC(=O)c2ccccc2)CC2CCC1N2C"
EUTYLONE = "CCC(NCC)C(=O)c1ccc2OCOc2c1"
CAFFEINE = "Cn1cnc2c1c(=O)n(C)c(=O)n2C"
ISOTONITAZENE = "CCN(CC)CCn1c(Cc2ccc(OC(C)C)cc2)nc2cc([N+](=O)[O-])ccc21"


class SeizureBuilder:
    """``SeizureBuilder().sample("S1").component("cocaine", COCAINE).write(path)``"""

    def __init__(self) -> None:
        self.rows: list[dict[str, Any]] = []
        self._sample: dict[str, Any] = {}

    def sample(self, sample_id: str, **fields: Any) -> SeizureBuilder:
        self._sample = {
            "sample_id": sample_id,
            "seizure_date": "2021-03-02",
            "submitting_agency": "Metropolitan Police Service",
            "seizure_context": "inland",
            "jurisdiction": "England",
            "local_area": "Westminster",
            "product_as_sold": "cocaine",
        } | fields
        return self

    def component(self, name: str, smiles: str = "", role: str = "active", **fields: Any) -> SeizureBuilder:
        self.rows.append(dict(self._sample, component_name=name, component_smiles=smiles, role=role, **fields))
        return self

    def columns(self) -> list[str]:
        cols = list(SEIZURE_COLUMNS)
        for r in self.rows:
            cols.extend(k for k in r if k not in cols)
        return cols

    def write(self, path: Path, *, encoding: str = "utf-8") -> Path:
        with open(path, "w", newline="", encoding=encoding) as fh:
            w = csv.DictWriter(fh, fieldnames=self.columns())
            w.writeheader()
            w.writerows(self.rows)
        return path

    def write_json(self, path: Path) -> Path:
        samples: dict[str, dict[str, Any]] = {}
        comp_fields = {
            "component_name",
            "component_smiles",
            "role",
            "purity",
            "quantity",
            "method",
            "identification_level",
        }
        for r in self.rows:
            head = {k: v for k, v in r.items() if k not in comp_fields}
            s = samples.setdefault(r["sample_id"], dict(head, components=[]))
            s["components"].append({k: v for k, v in r.items() if k in comp_fields})
        path.write_text(json.dumps(list(samples.values())))
        return path


class ReportBuilder:
    def __init__(self) -> None:
        self.rows: list[dict[str, Any]] = []
        self._report: dict[str, Any] = {}

    def report(self, report_id: str, **fields: Any) -> ReportBuilder:
        self._report = {
            "report_id": report_id,
            "event_date": "2021-03-04",
            "care_setting": "emergency_department",
            "severity": "severe",
            "region": "North West",
        } | fields
        return self

    def substance(self, name: str, **fields: Any) -> ReportBuilder:
        self.rows.append(dict(self._report, suspected_substance_name=name, **fields))
        return self

    def write(self, path: Path) -> Path:
        cols = list(REPORT_COLUMNS)
        for r in self.rows:
            cols.extend(k for k in r if k not in cols)
        with open(path, "w", newline="", encoding="utf-8") as fh:
            w = csv.DictWriter(fh, fieldnames=cols)
            w.writeheader()
            w.writerows(self.rows)
        return path
