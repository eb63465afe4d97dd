"""A per-process cache for aggregate page data, keyed by a *data version* so new data shows at once.

The expensive parts of the dashboard and substance pages are aggregates over every seizure (counts,
weekly series). They change only when intake stores something, legal status is re-decided or detection
runs; :func:`data_version` reads the newest of those in one cheap statement, and an entry is reused only
while that version is unchanged and it is younger than ``ttl`` seconds (a safety net for other writes,
such as family assignment by hand). Cached values must be plain data or fully loaded, detached ORM rows.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

from flask import current_app, g
from sqlalchemy import func, select

from fews.models import DetectionWeek, IntakeBatch, LegalStatusChange, LegalStatusEvent, SubstanceLegalStatus
from web.database import db

__all__ = ["data_version", "page_cached"]

T = TypeVar("T")
_KEY = "fews_page_cache"
_MAX_ENTRIES = 512
_lock = threading.Lock()


def data_version() -> tuple[Any, ...]:
    """The newest completed intake batch, legal change, stored decision, legal event and detection week
    (read once per request)."""
    if "fews_data_version" not in g:
        g.fews_data_version = tuple(
            db()
            .execute(
                select(
                    select(func.max(IntakeBatch.completed_at)).scalar_subquery(),
                    select(func.max(LegalStatusChange.id)).scalar_subquery(),
                    select(func.max(SubstanceLegalStatus.decided_at)).scalar_subquery(),
                    select(func.max(LegalStatusEvent.id)).scalar_subquery(),
                    select(func.max(DetectionWeek.evaluated_at)).scalar_subquery(),
                )
            )
            .one()
        )
    return g.fews_data_version  # type: ignore[no-any-return]


def page_cached(key: Hashable, compute: Callable[[], T], *, ttl: float = 60.0) -> T:
    """``compute()``, or the value computed for ``key`` under the same data version less than ``ttl`` s ago."""
    store: OrderedDict[Hashable, tuple[tuple[Any, ...], float, Any]] = current_app.extensions.setdefault(
        _KEY, OrderedDict()
    )
    version = data_version()
    now = time.monotonic()
    with _lock:
        hit = store.get(key)
        if hit is not None and hit[0] == version and now - hit[1] < ttl:
            store.move_to_end(key)
            return hit[2]  # type: ignore[no-any-return]
    value = compute()
    with _lock:
        store[key] = (version, now, value)
        while len(store) > _MAX_ENTRIES:
            store.popitem(last=False)
    return value
