"""``fews replay`` (DESIGN.md §6) and the evaluation scoring of replays."""

from __future__ import annotations

import csv
import datetime as dt
import json
import random
from pathlib import Path

from click.testing import CliRunner

from fews.cli import cli
from fews.detection.evaluation import score_replay, summarise

START = dt.date(2020, 1, 6)
CMC = "CNC(C)C(=O)c1ccc(Cl)cc1"
COCAINE = "COC(=O)C1C(OC(=O)c2ccccc2)CC2CCC1N2C"
SEIZURE_HEADER = (
    "sample_id,seizure_date,received_date,submitting_agency,seizure_context,jurisdiction,local_area,"
    "product_as_sold,component_name,component_smiles,role"
).split(",")


def write_files(folder: Path, *, bad_rows: bool = False) -> None:
    """A year of cocaine background and a cathinone appearing in week 20 and growing (with lags)."""
    rng = random.Random(3)
    rows, n = [], 0
    for week in range(52):
        day = START + dt.timedelta(weeks=week)
        for _ in range(rng.randint(8, 12)):
            n += 1
            rows.append(
                [
                    f"T{n:05d}",
                    day.isoformat(),
                    (day + dt.timedelta(days=rng.randint(3, 20))).isoformat(),
                    "Metropolitan Police Service",
                    "inland",
                    "England",
                    "London",
                    "cocaine",
                    "cocaine",
                    COCAINE,
                    "active",
                ]
            )
        if week >= 20:
            for _ in range(1 + (week - 20) // 2):
                n += 1
                rows.append(
                    [
                        f"T{n:05d}",
                        day.isoformat(),
                        "",
                        "Border Force",
                        "border_postal",
                        "England",
                        "Coventry",
                        "plant food",
                        "4-CMC",
                        CMC,
                        "active",
                    ]
                )
    if bad_rows:
        rows.append(
            ["BAD1", "2020-13-45", "", "Border Force", "inland", "England", "London", "x", "cocaine", COCAINE, "active"]
        )
    with open(folder / "s.csv", "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(SEIZURE_HEADER)
        w.writerows(rows)
    with open(folder / "r.csv", "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow("report_id,event_date,care_setting,suspected_substance_name,severity,region".split(","))
        for week in range(30, 52):
            day = START + dt.timedelta(weeks=week)
            w.writerow([f"TR{week}", day.isoformat(), "emergency_department", "4-CMC", "severe", "London"])


def test_replay_writes_contract_lines_and_never_touches_the_configured_database(tmp_path, monkeypatch):
    configured = tmp_path / "configured.db"
    monkeypatch.setenv("FEWS_DATABASE_URL", f"sqlite:///{configured}")
    monkeypatch.setenv("FEWS_INSTANCE_PATH", str(tmp_path / "instance"))
    monkeypatch.setenv("FEWS_USE_OPSIN", "0")
    write_files(tmp_path, bad_rows=True)
    out = tmp_path / "out"
    result = CliRunner().invoke(
        cli, ["replay", "--seizures", str(tmp_path / "s.csv"), "--reports", str(tmp_path / "r.csv"), "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert not configured.exists()
    summary = json.loads(result.stdout.strip().splitlines()[-1])
    assert summary["weeks"] >= 52
    assert summary["quarantined"]["seizures"] == 1  # the impossible date is kept in quarantine, not lost
    assert summary["accepted"]["reports"] == 22
    lines = [json.loads(x) for x in (out / "alerts.jsonl").read_text().splitlines()]
    assert lines
    for line in lines:
        assert {"as_of", "type", "family_id", "members", "score", "reason"} <= set(line)
        assert line["type"] in {"new_substance", "emerging_family", "near_miss", "border_first", "harm_cluster"}
        assert dt.date.fromisoformat(line["as_of"]).weekday() == 6  # closing Sundays
        assert all({"name", "smiles"} <= set(m) for m in line["members"])
    cmc = [x for x in lines if any(m["smiles"] == CMC for m in x["members"])]
    assert {x["type"] for x in cmc} >= {"new_substance", "border_first", "emerging_family", "harm_cluster"}
    first = min(dt.date.fromisoformat(x["as_of"]) for x in cmc)
    assert first == START + dt.timedelta(weeks=20, days=6)
    assert not any(
        x["type"] in {"emerging_family", "harm_cluster", "near_miss"}
        and all(m["smiles"] == COCAINE for m in x["members"])
        for x in lines
    )


def test_replay_refuses_a_work_database_with_data(tmp_path, monkeypatch, runtime):
    from intake.pipeline import ingest_file
    from tests.builders import SeizureBuilder

    path = SeizureBuilder().sample("X1").component("cocaine", COCAINE).write(tmp_path / "x.csv")
    ingest_file(runtime.factory, runtime.config, "seizures", path)
    write_files(tmp_path)
    result = CliRunner().invoke(
        cli,
        [
            "replay",
            "--seizures",
            str(tmp_path / "s.csv"),
            "--out",
            str(tmp_path / "o"),
            "--work-db",
            runtime.config.database_url,
        ],
    )
    assert result.exit_code == 2
    assert "not empty" in result.output


def test_score_replay_links_signals_to_waves_and_counts_false_alarms():
    truth = {
        "waves": [
            {
                "family": "cathinone",
                "start": "2024-06-17",
                "doubling_weeks": 6.0,
                "members": [{"name": "4-CMC", "smiles": CMC, "precursor": False}],
            },
        ],
        "one_offs": [],
    }
    lines = [
        {"as_of": "2024-06-30", "type": "new_substance", "members": [{"name": "4-CMC", "smiles": CMC}], "reason": "r"},
        {"as_of": "2024-07-14", "type": "emerging_family", "members": [{"name": "x", "smiles": CMC}], "reason": "r"},
        {
            "as_of": "2024-08-04",
            "type": "emerging_family",
            "event": "escalated",
            "members": [{"name": "x", "smiles": CMC}],
            "reason": "r",
        },
        {
            "as_of": "2024-09-01",
            "type": "harm_cluster",
            "members": [{"name": "cocaine", "smiles": COCAINE}],
            "reason": "background",
        },
    ]
    scored = score_replay(lines, truth, end=dt.date(2024, 12, 31))
    wave = scored["waves"][0]
    assert wave["delay_weeks"] == 1.9 and wave["alarm_delay_weeks"] == 3.9
    assert scored["false_alarms"] == 1 and scored["new_substance"] == 1
    pooled = summarise([scored | {"waves_injected": True, "years": 1.0}])
    assert pooled["waves_flagged_within_4_weeks"] == 1
    assert pooled["false_alarms_per_year_with_waves"] == 1.0
