"""Legal decisions for pages and the API: the per-process engine (with the database's overlay), with a small
per-engine cache so a busy substance page does not re-run the rules on every view."""

from __future__ import annotations

import datetime as dt
import threading
import weakref
from collections import OrderedDict
from typing import Any

from chem.legal import LegalEngine
from web.api.services import legal_engine

__all__ = ["decision", "timeline"]

_MAX = 4096
_caches: weakref.WeakKeyDictionary[LegalEngine, OrderedDict[tuple[str, str, str], Any]] = weakref.WeakKeyDictionary()
_lock = threading.Lock()


def _cached(kind: str, smiles: str, day: dt.date, compute: Any) -> Any:
    engine = legal_engine()
    key = (kind, smiles, day.isoformat())
    with _lock:
        cache = _caches.setdefault(engine, OrderedDict())
        if key in cache:
            cache.move_to_end(key)
            return cache[key]
    value = compute(engine)
    with _lock:
        cache[key] = value
        while len(cache) > _MAX:
            cache.popitem(last=False)
    return value


def decision(smiles: str, day: dt.date, *, ident: str) -> dict[str, Any]:
    """``fews classify``'s record for ``smiles`` on ``day`` (status, rule, instrument, explanation, near misses)."""
    return dict(_cached("now", smiles, day, lambda e: e.classify(smiles, day, ident=ident)), id=ident)


def timeline(smiles: str, day: dt.date) -> list[dict[str, Any]]:
    """Every change of UK status up to ``day``."""
    return list(_cached("timeline", smiles, day, lambda e: e.timeline(smiles, end=day)))
