"""Find records by the identifiers people and URLs use (S<n>, InChIKey, name)."""

from __future__ import annotations

import re

from sqlalchemy import select
from sqlalchemy.orm import Session

from chem.names import normalise_name
from fews.models import Substance, SubstanceName

__all__ = ["find_substance"]

_INCHIKEY = re.compile(r"^[A-Z]{14}-[A-Z]{10}-[A-Z]$")


def find_substance(session: Session, ident: str) -> Substance | None:
    ident = ident.strip()
    m = re.fullmatch(r"[Ss](\d+)", ident)
    if m:
        return session.get(Substance, int(m.group(1)))
    if _INCHIKEY.match(ident.upper()):
        key = ident.upper()
        sub = session.scalar(select(Substance).where(Substance.inchikey == key))
        if sub is None:
            sub = session.scalar(select(Substance).where(Substance.inchikey_nostereo == key))
        if sub is None:  # any stereoisomer of the same connectivity
            sub = session.scalar(select(Substance).where(Substance.inchikey_nostereo.like(key[:14] + "-%")))
        return sub
    return session.scalar(
        select(Substance).join(SubstanceName).where(SubstanceName.name_norm == normalise_name(ident)).limit(1)
    )
