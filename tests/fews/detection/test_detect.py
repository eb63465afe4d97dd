"""Detection end to end on small constructed series: each signal type, no alert on flat background,
an alert on a doubling series, resumable runs, and one open signal per key."""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

import pytest
from sqlalchemy import func, select

from fews.db import session_scope
from fews.detection.run import Detector
from fews.detection.settings import load_settings
from fews.models import DetectionWeek, Signal
from intake.pipeline import ingest_file
from tests.builders import COCAINE, ReportBuilder, SeizureBuilder

START = dt.date(2021, 1, 4)  # a Monday
CMC = "CNC(C)C(=O)c1ccc(Cl)cc1"  # 4-CMC
MDMB_INACA = "COC(=O)[C@@H](NC(=O)c1n[nH]c2ccccc12)C(C)(C)C"  # escapes the 2019 cannabinoid generic


def monday(week: int) -> dt.date:
    return START + dt.timedelta(weeks=week)


def background(builder: SeizureBuilder, weeks: range, *, seed: int = 7, per_week: tuple[int, int] = (6, 10)) -> None:
    rng = random.Random(seed)
    for w in weeks:
        for i in range(rng.randint(*per_week)):
            day = monday(w) + dt.timedelta(days=rng.randint(0, 6))
            builder.sample(f"BG-{w}-{i}", seizure_date=day.isoformat()).component("cocaine", COCAINE)


def ingest(runtime, tmp_path: Path, builder, kind: str = "seizures") -> None:  # type: ignore[no-untyped-def]
    path = builder.write(tmp_path / f"{kind}-{random.random():.9f}.csv")
    summary = ingest_file(runtime.factory, runtime.config, kind, path, today=dt.date(2030, 1, 1))
    assert summary.quarantined == 0, summary.as_dict()


def run(runtime, as_of: dt.date, **kwargs):  # type: ignore[no-untyped-def]
    return Detector(runtime.factory, **kwargs).run(as_of)


def raised(summary, type_: str | None = None) -> list:  # type: ignore[no-untyped-def]
    return [e.signal for e in summary.events if e.event == "raised" and (type_ is None or e.signal.type == type_)]


@pytest.fixture
def runtime_nopsin(runtime):  # type: ignore[no-untyped-def]
    runtime.config = runtime.config.with_(use_opsin=False)
    return runtime


def test_flat_background_raises_nothing(runtime_nopsin, tmp_path):
    b = SeizureBuilder()
    background(b, range(60))
    ingest(runtime_nopsin, tmp_path, b)
    summary = run(runtime_nopsin, monday(60) - dt.timedelta(days=1))
    assert len(summary.weeks) == 60
    assert raised(summary) == []


def test_doubling_new_substance_raises_novelty_border_and_emerging(runtime_nopsin, tmp_path):
    b = SeizureBuilder()
    background(b, range(40))
    n = 0
    for w in range(24, 40):
        for _ in range(min(2 ** ((w - 24) // 2), 20)):  # 1 a week, doubling every two weeks
            n += 1
            b.sample(
                f"CMC-{n}",
                seizure_date=monday(w).isoformat(),
                seizure_context="border_postal",
                submitting_agency="Border Force",
                local_area="Coventry",
            ).component("4-CMC", CMC)
    ingest(runtime_nopsin, tmp_path, b)
    summary = run(runtime_nopsin, monday(40) - dt.timedelta(days=1))
    new = raised(summary, "new_substance")
    assert [s.key.split(":")[0] for s in new] == ["new_substance"]
    assert new[0].as_of == monday(24) + dt.timedelta(days=6)  # the week it was first seen
    assert new[0].details["members"][0]["smiles"] == CMC
    border = raised(summary, "border_first")
    assert border and border[0].subtype == "border_postal"
    emerging = raised(summary, "emerging_family")
    assert len(emerging) == 1
    # three seizures by week 26 (1 + 1 + 2): flagged within three weeks of the first appearance
    assert emerging[0].first_as_of <= monday(27)
    assert "4-CMC" in emerging[0].reason
    # the signal grew and escalated rather than being raised again
    with session_scope(runtime_nopsin.factory) as s:
        sig = s.scalars(select(Signal).where(Signal.type == "emerging_family")).one()
        assert sig.escalations >= 2 and sig.status == "escalated"


def test_one_off_new_substance_is_novel_but_not_emerging(runtime_nopsin, tmp_path):
    b = SeizureBuilder()
    background(b, range(40))
    b.sample("ONE-1", seizure_date=monday(25).isoformat()).component("4-CMC", CMC)
    b.sample("ONE-2", seizure_date=monday(33).isoformat()).component("4-CMC", CMC)
    ingest(runtime_nopsin, tmp_path, b)
    summary = run(runtime_nopsin, monday(40) - dt.timedelta(days=1))
    assert [s.type for s in raised(summary)] == ["new_substance"]


def test_prison_and_jurisdiction_firsts(runtime_nopsin, tmp_path):
    b = SeizureBuilder()
    background(b, range(30))
    b.sample("P1", seizure_date=monday(20).isoformat()).component("4-CMC", CMC)
    b.sample("P2", seizure_date=monday(22).isoformat(), seizure_context="prison", local_area="HMP Leeds").component(
        "4-CMC", CMC
    )
    b.sample("P3", seizure_date=monday(24).isoformat(), jurisdiction="Scotland", local_area="Glasgow").component(
        "4-CMC", CMC
    )
    ingest(runtime_nopsin, tmp_path, b)
    summary = run(runtime_nopsin, monday(30) - dt.timedelta(days=1))
    subtypes = {(s.type, s.subtype) for s in raised(summary)}
    assert ("new_substance", "prison_first") in subtypes
    assert ("new_substance", "jurisdiction_first") in subtypes
    jur = [s for s in raised(summary) if s.subtype == "jurisdiction_first"][0]
    assert jur.key.startswith("jurisdiction_first:scotland") or "Scotland" in jur.reason or "scotland" in jur.reason


def test_near_miss_for_an_uncontrolled_analogue(runtime_nopsin, tmp_path):
    b = SeizureBuilder()
    background(b, range(30))
    for i, w in enumerate((22, 22, 23)):
        b.sample(f"NM{i}", seizure_date=monday(w).isoformat(), product_as_sold="herbal incense").component(
            "MDMB-INACA", MDMB_INACA
        )
    ingest(runtime_nopsin, tmp_path, b)
    summary = run(runtime_nopsin, monday(30) - dt.timedelta(days=1))
    near = raised(summary, "near_miss")
    assert len(near) == 1
    assert "MDA-S2-P2-1(ca)-2019" in near[0].reason
    assert list(near[0].details["legal_status"].values()) == ["PSA"]


def test_harm_cluster_for_a_new_substance_in_one_region(runtime_nopsin, tmp_path):
    b = SeizureBuilder()
    background(b, range(30))
    b.sample("H1", seizure_date=monday(18).isoformat()).component("4-CMC", CMC)
    ingest(runtime_nopsin, tmp_path, b)
    r = ReportBuilder()
    for i, (w, sev) in enumerate(((24, "severe"), (25, "fatal"), (25, "severe"))):
        r.report(f"R{i}", event_date=monday(w).isoformat(), severity=sev, region="North West").substance("4-CMC")
    for i in range(12):  # mild background harms of cocaine, spread out
        r.report(f"C{i}", event_date=monday(2 * i + 1).isoformat(), severity="mild").substance("cocaine")
    ingest(runtime_nopsin, tmp_path, r, "reports")
    summary = run(runtime_nopsin, monday(30) - dt.timedelta(days=1))
    clusters = raised(summary, "harm_cluster")
    assert len(clusters) == 1
    assert clusters[0].details["counts"]["severe_or_fatal"] == 3
    assert clusters[0].details["counts"]["fatal"] == 1
    assert "North West" in clusters[0].reason


def test_seizure_aberration_on_an_established_series(runtime_nopsin, tmp_path):
    b = SeizureBuilder()
    background(b, range(120), per_week=(4, 7))
    for w in range(116, 120):  # a sudden, sustained rise of an established drug
        for i in range(25):
            b.sample(f"UP-{w}-{i}", seizure_date=monday(w).isoformat()).component("cocaine", COCAINE)
    ingest(runtime_nopsin, tmp_path, b)
    summary = run(runtime_nopsin, monday(120) - dt.timedelta(days=1))
    alarms = [s for s in raised(summary) if s.subtype == "seizure_aberration"]
    assert len(alarms) == 1
    assert alarms[0].first_as_of in (monday(117) + dt.timedelta(days=6), monday(118) + dt.timedelta(days=6))
    assert alarms[0].details["counts"]["observed"] >= 25


def test_resumed_runs_match_one_run_and_never_duplicate(runtime_nopsin, tmp_path):
    b = SeizureBuilder()
    background(b, range(40))
    for w in range(24, 40):
        for i in range(1 + (w - 24) // 2):
            b.sample(f"R-{w}-{i}", seizure_date=monday(w).isoformat()).component("4-CMC", CMC)
    ingest(runtime_nopsin, tmp_path, b)
    first = run(runtime_nopsin, monday(30) - dt.timedelta(days=1))
    second = run(runtime_nopsin, monday(40) - dt.timedelta(days=1))
    again = run(runtime_nopsin, monday(40) - dt.timedelta(days=1))
    assert len(first.weeks) == 30 and len(second.weeks) == 10 and again.weeks == []
    with session_scope(runtime_nopsin.factory) as s:
        assert s.scalar(select(func.count()).select_from(DetectionWeek)) == 40
        keys = s.scalars(select(Signal.key)).all()
    assert len(keys) == len(set(keys))
    assert {k.split(":")[0] for k in keys} == {"new_substance", "emerging_family"}


def test_provisional_partial_week_is_not_recorded(runtime_nopsin, tmp_path):
    b = SeizureBuilder()
    background(b, range(20))
    b.sample("NEW", seizure_date=(monday(20) + dt.timedelta(days=1)).isoformat()).component("4-CMC", CMC)
    ingest(runtime_nopsin, tmp_path, b)
    wednesday = monday(20) + dt.timedelta(days=2)
    summary = run(runtime_nopsin, wednesday)
    assert summary.weeks[-1] == wednesday
    assert [s.type for s in raised(summary)] == ["new_substance"]  # not held back to Sunday
    with session_scope(runtime_nopsin.factory) as s:
        assert s.scalar(select(func.max(DetectionWeek.as_of))) == monday(20) - dt.timedelta(days=1)
    later = run(runtime_nopsin, monday(21) - dt.timedelta(days=1))
    assert raised(later) == []  # the same first detection is not raised twice


def test_settings_refuse_unknown_and_missing_keys():
    with pytest.raises(ValueError, match="unknown keys"):
        load_settings({"emerging_family": {"min_sampels": 3}})
    s = load_settings({"emerging_family": {"min_samples": 5}})
    assert s.emerging_family.min_samples == 5


def test_scheduled_detection_runs_after_intake_and_only_then(runtime_nopsin, tmp_path):
    from fews.scheduler import run_job

    b = SeizureBuilder()
    background(b, range(30))
    b.sample("NEW", seizure_date=monday(24).isoformat()).component("4-CMC", CMC)
    ingest(runtime_nopsin, tmp_path, b)
    first = run_job(runtime_nopsin, "detect_after_intake")
    assert first["status"] == "ok" and "signals raised" in first["detail"], first
    again = run_job(runtime_nopsin, "detect_after_intake")
    assert again["status"] == "ok" and again["detail"] == "no intake since the last detection run"
    with session_scope(runtime_nopsin.factory) as s:
        assert s.scalar(select(func.count()).select_from(Signal).where(Signal.type == "new_substance")) == 1
