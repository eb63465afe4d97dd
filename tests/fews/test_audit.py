from __future__ import annotations

from sqlalchemy import update

from fews import audit
from fews.db import session_scope
from fews.models import AuditEvent


def test_chain_verifies_and_detects_tampering(runtime):
    with session_scope(runtime.factory) as s:
        for i in range(5):
            audit.record(
                s, actor="alice", via="cli", action="thing.write", object_type="thing", object_id=i, content={"i": i}
            )
    with session_scope(runtime.factory) as s:
        result = audit.verify(s)
        assert result.ok and result.entries == 5
        s.execute(update(AuditEvent).where(AuditEvent.seq == 3).values(actor="mallory"))
    with session_scope(runtime.factory) as s:
        result = audit.verify(s)
        assert not result.ok and result.broken_seq == 3 and result.entries == 2


def test_deleted_entry_is_a_gap(runtime):
    with session_scope(runtime.factory) as s:
        for i in range(3):
            audit.record(s, actor="a", via="cli", action="x", object_type="t", object_id=i)
    with session_scope(runtime.factory) as s:
        s.query(AuditEvent).filter(AuditEvent.seq == 2).delete()
    with session_scope(runtime.factory) as s:
        result = audit.verify(s)
        assert not result.ok and result.broken_seq == 3


def test_content_is_hashed_never_stored(runtime):
    with session_scope(runtime.factory) as s:
        ev = audit.record(
            s,
            actor="a",
            via="web",
            action="read",
            object_type="harm_report",
            object_id=1,
            content={"free_text": "secret clinical note"},
        )
        assert "secret" not in " ".join(str(getattr(ev, c.key)) for c in AuditEvent.__table__.columns)
        assert ev.content_sha256 == audit.content_hash({"free_text": "secret clinical note"})
