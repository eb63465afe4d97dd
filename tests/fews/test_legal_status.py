"""Re-evaluating stored substances records what changed (issue #4 item 7)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from chem.legal import LegalEngine
from chem.legal.overlay import OverlayEvent
from fews.legal_status import reevaluate
from fews.models import LegalStatusChange, SubstanceLegalStatus
from fews.scheduler import run_job
from intake.pipeline import Ingestor
from tests.builders import MEPHEDRONE, SeizureBuilder

HHC = "CCCCCc1cc(O)c2c(c1)OC(C)(C)C1CCC(C)CC21"


def test_reevaluation_records_first_decisions_then_changes(runtime, tmp_path):
    path = (
        SeizureBuilder()
        .sample("L1")
        .component("mephedrone", MEPHEDRONE)
        .sample("L2", product_as_sold="vape")
        .component("HHC", HHC)
        .write(tmp_path / "l.csv")
    )
    Ingestor(runtime.factory, runtime.config, "seizures", today=dt.date(2026, 11, 23)).ingest_file(path)
    first = reevaluate(runtime.factory, as_of=dt.date(2026, 1, 1), actor="test")
    assert (first.evaluated, first.first_decisions, first.changed) == (2, 2, 0)
    again = reevaluate(runtime.factory, as_of=dt.date(2026, 1, 1), actor="test")
    assert (again.first_decisions, again.changed) == (0, 0)
    engine = LegalEngine()
    key = engine.structures.get(HHC).inchikey
    amended = LegalEngine(
        overlay=[
            OverlayEvent(
                id=9,
                kind="add_named",
                effective_date=dt.date(2026, 3, 1),
                instrument="test Order 2026",
                citation="c",
                inchikey=key,
                drug_class="B",
            )
        ]
    )
    later = reevaluate(runtime.factory, as_of=dt.date(2026, 3, 1), actor="test", engine=amended)
    assert later.changed == 1
    with runtime.factory() as db:
        change = db.scalars(select(LegalStatusChange)).one()
        assert (change.from_status, change.to_status, change.to_rule, change.event_ids) == ("PSA", "B", "event:9", [9])
        assert {x.status for x in db.scalars(select(SubstanceLegalStatus))} == {"B"}


def test_scheduled_reevaluation_runs(runtime, tmp_path):
    path = SeizureBuilder().sample("L3").component("mephedrone", MEPHEDRONE).write(tmp_path / "m.csv")
    Ingestor(runtime.factory, runtime.config, "seizures", today=dt.date(2026, 11, 23)).ingest_file(path)
    result = run_job(runtime, "legal_reevaluate")
    assert result["status"] == "ok" and "1 substances" in result["detail"]
