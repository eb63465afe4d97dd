"""Choices for the submit forms, from the controlled vocabularies (``fews/vocab/data``) and names."""

from __future__ import annotations

import functools

from sqlalchemy import select
from sqlalchemy.orm import Session

from chem.names import SynonymTable
from fews.models import Substance

__all__ = ["vocab_choices", "name_suggestions"]


@functools.cache
def vocab_choices(name: str) -> tuple[tuple[str, str], ...]:
    """(code, label) pairs of a vocabulary, in file order."""
    from fews.vocab import load

    return tuple((t.code, t.label) for t in load(name).terms)


@functools.cache
def _synonym_names() -> tuple[str, ...]:
    return tuple(sorted({s.name for s in SynonymTable.default()} | {s.preferred_name for s in SynonymTable.default()}))


def name_suggestions(session: Session, *, limit: int = 1500) -> list[str]:
    """Names and street names for type-ahead: the curated synonym table plus stored substances' names."""
    stored = session.scalars(
        select(Substance.preferred_name)
        .where(Substance.preferred_name.is_not(None))
        .order_by(Substance.id)
        .limit(limit)
    )
    return sorted(set(_synonym_names()) | {n for n in stored if n}, key=str.casefold)
