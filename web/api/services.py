"""Shared, per-process services for API views: the legal engine (rebuilt when the overlay of legal
status events grows), the shipped spectral library, and the audit entry for case-level reads."""

from __future__ import annotations

import functools
import threading
from collections.abc import Sequence

from flask import current_app, request
from sqlalchemy import func, select

from chem.legal import LegalEngine
from fews import audit
from fews.legal_events import load_overlay
from fews.models import LegalStatusEvent
from reference_spectra.search import SHIPPED_LIBRARY, Library, load_library
from web.api.auth import Caller
from web.database import db, write_session

__all__ = ["legal_engine", "spectral_library", "audit_case_read"]

_ENGINE_KEY = "fews_api_legal_engine"
_lock = threading.Lock()


def legal_engine() -> LegalEngine:
    """The engine with the database's overlay; events are append-only, so (count, max id) names the overlay."""
    signature = tuple(db().execute(select(func.count(LegalStatusEvent.id), func.max(LegalStatusEvent.id))).one())
    cached = current_app.extensions.get(_ENGINE_KEY)
    if cached is not None and cached[0] == signature:
        return cached[1]  # type: ignore[no-any-return]
    with _lock:
        cached = current_app.extensions.get(_ENGINE_KEY)
        if cached is None or cached[0] != signature:
            cached = (signature, LegalEngine(overlay=load_overlay(db())))
            current_app.extensions[_ENGINE_KEY] = cached
    return cached[1]  # type: ignore[no-any-return]


@functools.cache
def spectral_library() -> Library:
    """The shipped MassBank subset, loaded once per process (about half a second)."""
    return load_library(str(SHIPPED_LIBRARY))


def audit_case_read(caller: Caller, *, object_type: str, ids: Sequence[int], action: str) -> None:
    """One audit entry per response that shows case-level data (DESIGN.md §4.7): who, which rows, where.

    The entry holds a hash of the ids and path, never the data read.
    """
    if not ids:
        return
    object_id = str(ids[0]) if len(ids) == 1 else f"{ids[0]}..{ids[-1]} ({len(ids)} rows)"
    with write_session() as s:
        audit.record(
            s,
            actor=caller.principal.username,
            via="api",
            action=action,
            object_type=object_type,
            object_id=object_id,
            content={"ids": list(ids), "path": request.path, "token": caller.token_prefix},
        )
