"""Tamper evidence: the audit hash chain names the first broken link (through ``fews audit verify``),
and legal status history refuses UPDATE and DELETE at the database level on both engines."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from click.testing import CliRunner
from sqlalchemy import exc as sa_exc
from sqlalchemy import select, text

from fews import audit
from fews.access import Principal
from fews.cli import cli
from fews.db import session_scope
from fews.legal_events import record_event
from fews.legal_status import reevaluate
from fews.models import AuditEvent, LegalStatusChange, LegalStatusEvent, SubstanceLegalStatus
from intake.pipeline import Ingestor
from tests.builders import SeizureBuilder

TODAY = dt.date(2026, 11, 23)
# 4-chloro-alpha-PVP: a cathinone not named in the shipped lists' baseline of this test
NEW_CATHINONE = "CCCC(N1CCCC1)C(=O)c1ccc(Cl)cc1"


def _verify_cli(runtime) -> tuple[int, dict]:  # type: ignore[no-untyped-def]
    result = CliRunner().invoke(cli, ["audit", "verify", "--db", runtime.config.database_url])
    return result.exit_code, json.loads(result.stdout.strip().splitlines()[-1])


def _ingest_some(runtime, tmp_path) -> None:  # type: ignore[no-untyped-def]
    b = SeizureBuilder()
    for i in range(6):
        b.sample(f"T{i}").component("mephedrone", "CNC(C)C(=O)c1ccc(C)cc1")
    path = b.write(tmp_path / "t.csv")
    config = runtime.config.with_(intake_chunk_rows=2, use_opsin=False)
    Ingestor(runtime.factory, config, "seizures", today=TODAY).ingest_file(path)


@pytest.mark.parametrize(
    "column, value",
    [("actor", "mallory"), ("content_sha256", "0" * 64), ("object_id", "T9"), ("action", "intake.nothing")],
    ids=["actor", "content-hash", "object", "action"],
)
def test_audit_verify_names_the_edited_row(runtime, tmp_path, column, value):
    _ingest_some(runtime, tmp_path)  # batch start + 3 chunks + batch finish = 5 entries
    code, out = _verify_cli(runtime)
    assert code == 0 and out == {"ok": True, "entries": 5}
    with runtime.engine.begin() as conn:  # a direct edit, as someone with database access would make
        conn.execute(text(f"UPDATE audit_event SET {column} = :v WHERE seq = 3"), {"v": value})
    code, out = _verify_cli(runtime)
    assert code == 1
    assert out["ok"] is False and out["broken_seq"] == 3 and out["entries"] == 2
    assert "entry_hash" in out["detail"]


def test_audit_verify_names_a_rehashed_row_by_its_successor(runtime, tmp_path):
    """A forger who also recomputes the edited entry's own hash breaks the link to the next entry."""
    _ingest_some(runtime, tmp_path)
    with session_scope(runtime.factory) as s:
        ev = s.scalars(select(AuditEvent).where(AuditEvent.seq == 2)).one()
        ev.actor = "mallory"
        ev.entry_hash = audit._entry_hash(  # noqa: SLF001 (forging on purpose)
            ev.prev_hash, ev.seq, ev.at, ev.actor, ev.via, ev.action, ev.object_type, ev.object_id, ev.content_sha256
        )
    code, out = _verify_cli(runtime)
    assert code == 1 and out["broken_seq"] == 3 and "prev_hash" in out["detail"]


def test_audit_verify_names_a_deleted_row(runtime, tmp_path):
    _ingest_some(runtime, tmp_path)
    with runtime.engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_event WHERE seq = 4"))
    code, out = _verify_cli(runtime)
    assert code == 1 and out["broken_seq"] == 5 and "sequence gap" in out["detail"]


def _legal_history(runtime, tmp_path) -> tuple[int, int]:  # type: ignore[no-untyped-def]
    """One recorded event and one re-evaluation change (PSA -> Class B when the event applies)."""
    path = SeizureBuilder().sample("L1").component("4-Cl-PVP", NEW_CATHINONE).write(tmp_path / "l.csv")
    Ingestor(runtime.factory, runtime.config.with_(use_opsin=False), "seizures", today=TODAY).ingest_file(path)
    reevaluate(runtime.factory, as_of=TODAY, actor="test")
    with session_scope(runtime.factory) as s:
        status = s.scalars(select(SubstanceLegalStatus)).one()
        inchikey = s.scalar(text("SELECT inchikey FROM substance"))
        ev = record_event(
            s,
            Principal("ho", "home_office_policy"),
            kind="add_named",
            inchikey=inchikey,
            drug_class="B",
            effective_date=dt.date(2026, 6, 1),
            instrument="The Misuse of Drugs Act 1971 (Amendment) Order 2026 (test)",
            citation="SI 2026/999 (test)",
        )
        event_id = ev.id
    before = status.status
    reevaluate(runtime.factory, as_of=TODAY, actor="test")
    with runtime.factory() as s:
        change = s.scalars(select(LegalStatusChange)).one()
        assert (change.from_status, change.to_status) == (before, "B")
        return event_id, change.id


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE legal_status_event SET drug_class = 'C' WHERE id = :event",
        "UPDATE legal_status_event SET effective_date = '2020-01-01' WHERE id = :event",
        "DELETE FROM legal_status_event WHERE id = :event",
        "UPDATE legal_status_change SET to_status = 'not_controlled' WHERE id = :change",
        "DELETE FROM legal_status_change WHERE id = :change",
    ],
    ids=["event-class", "event-date", "event-delete", "change-status", "change-delete"],
)
def test_legal_history_refuses_update_and_delete_in_the_database(runtime, tmp_path, statement):
    event_id, change_id = _legal_history(runtime, tmp_path)
    with pytest.raises(sa_exc.DatabaseError, match="append-only"):
        with runtime.engine.begin() as conn:
            conn.execute(text(statement), {"event": event_id, "change": change_id})
    with runtime.factory() as s:  # nothing changed
        ev = s.get(LegalStatusEvent, event_id)
        ch = s.get(LegalStatusChange, change_id)
        assert ev is not None and ev.drug_class == "B" and ev.effective_date == dt.date(2026, 6, 1)
        assert ch is not None and ch.to_status == "B"


def test_legal_history_refuses_orm_edits_and_still_accepts_new_events(runtime, tmp_path):
    event_id, _ = _legal_history(runtime, tmp_path)
    with pytest.raises(sa_exc.DatabaseError, match="append-only"):
        with session_scope(runtime.factory) as s:
            ev = s.get(LegalStatusEvent, event_id)
            assert ev is not None
            ev.note = "quietly corrected"
    with session_scope(runtime.factory) as s:  # a correction is a new event: still allowed
        inchikey = s.scalar(text("SELECT inchikey FROM substance"))
        record_event(
            s,
            Principal("admin", "admin"),
            kind="end_named",
            inchikey=inchikey,
            effective_date=dt.date(2026, 10, 1),
            instrument="correction (test)",
            citation="SI 2026/999 was revoked (test)",
        )
    with runtime.factory() as s:
        assert s.scalar(select(text("count(*)")).select_from(LegalStatusEvent)) == 2
