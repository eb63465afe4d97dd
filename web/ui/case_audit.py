"""One audit entry per page that shows case-level data (DESIGN.md §4.7): who, which rows, which page;
a hash of the ids and path, never the data read."""

from __future__ import annotations

from collections.abc import Sequence

from flask import request
from flask_login import current_user

from fews import audit
from web.database import write_session

__all__ = ["audit_case_read"]


def audit_case_read(*, object_type: str, ids: Sequence[int], action: str) -> None:
    if not ids:
        return
    object_id = str(ids[0]) if len(ids) == 1 else f"{ids[0]}..{ids[-1]} ({len(ids)} rows)"
    with write_session() as s:
        audit.record(
            s,
            actor=current_user.username,
            via="web",
            action=action,
            object_type=object_type,
            object_id=object_id,
            content={"ids": list(ids), "path": request.path},
        )
