"""Resolve reported names to structures for a chunk of records, in one batch.

Order: in-process memo -> the curated synonym table -> the database cache of earlier OPSIN
results -> one OPSIN call (Java) for everything still unknown. OPSIN outcomes are cached in the
``name_resolution`` table so Java starts only for names never seen before.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from chem.names import NameResolution, SynonymTable, normalise_name, resolve_names
from fews.db import session_scope
from fews.models import NameResolutionCache

__all__ = ["NameResolver"]

logger = logging.getLogger(__name__)


class NameResolver:
    def __init__(
        self, factory: sessionmaker[Session] | None, *, use_opsin: bool = True, table: SynonymTable | None = None
    ):
        self.factory = factory
        self.use_opsin = use_opsin
        self.table = table or SynonymTable.default()
        self._memo: dict[str, NameResolution] = {}
        self._labels: dict[str, NameResolution | None] = {}
        self.opsin_calls = 0

    def synonym_only(self, name: str) -> NameResolution | None:
        """Resolve from the synonym table alone (for labels such as 'product_as_sold'); memoised."""
        if name in self._labels:
            return self._labels[name]
        res = None
        if self.table.lookup(name) is not None:
            res = resolve_names([name], table=self.table, use_opsin=False)[name]
        if len(self._labels) < 100_000:
            self._labels[name] = res
        return res

    def resolve(self, names: Iterable[str]) -> dict[str, NameResolution]:
        wanted = {n for n in names if n}
        out: dict[str, NameResolution] = {}
        todo: dict[str, str] = {}
        for name in wanted:
            norm = normalise_name(name)
            hit = self._memo.get(norm)
            if hit is not None:
                out[name] = hit
            else:
                todo[name] = norm
        if not todo:
            return out
        # synonym table (no Java)
        local = resolve_names(list(todo), table=self.table, use_opsin=False)
        rest: dict[str, str] = {}
        for name, norm in todo.items():
            res = local[name]
            if res.status != "unidentified":
                self._memo[norm] = res
                out[name] = res
            else:
                rest[name] = norm
        if not rest:
            return out
        cached = self._from_db(set(rest.values()))
        remaining = {}
        for name, norm in rest.items():
            if norm in cached:
                self._memo[norm] = cached[norm]
                out[name] = cached[norm]
            else:
                remaining[name] = norm
        if remaining and self.use_opsin:
            self.opsin_calls += 1
            found = resolve_names(list(remaining), table=self.table, use_opsin=True)
            self._to_db(
                {
                    remaining[n]: r
                    for n, r in found.items()
                    if r.source == "opsin" or (r.status == "unidentified" and not _opsin_unavailable(r))
                }
            )
            for name, res in found.items():
                self._memo[remaining[name]] = res
                out[name] = res
        else:
            for name, norm in remaining.items():
                res = local[name]
                self._memo[norm] = res
                out[name] = res
        return out

    def _from_db(self, norms: set[str]) -> dict[str, NameResolution]:
        if self.factory is None or not norms:
            return {}
        with session_scope(self.factory) as s:
            rows = s.scalars(select(NameResolutionCache).where(NameResolutionCache.name_norm.in_(norms))).all()
            return {
                r.name_norm: NameResolution(
                    name=r.name_norm,
                    status=r.status,
                    smiles=r.smiles,
                    label=r.label,
                    preferred_name=r.preferred_name,
                    source=r.source,
                    reason=r.reason,
                )
                for r in rows
            }

    def _to_db(self, results: dict[str, NameResolution]) -> None:
        if self.factory is None or not results:
            return
        with session_scope(self.factory) as s:
            existing = set(
                s.scalars(
                    select(NameResolutionCache.name_norm).where(NameResolutionCache.name_norm.in_(set(results)))
                ).all()
            )
            for norm, r in results.items():
                if norm in existing:
                    continue
                s.add(
                    NameResolutionCache(
                        name_norm=norm[:300],
                        status=r.status,
                        smiles=r.smiles,
                        label=r.label,
                        preferred_name=r.preferred_name,
                        source=r.source,
                        reason=(r.reason or None) and r.reason[:300],
                    )
                )


def _opsin_unavailable(res: NameResolution) -> bool:
    return bool(res.reason) and "unavailable" in (res.reason or "").lower()
