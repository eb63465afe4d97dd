"""Public identifiers in URLs (``S12``, ``F3``, plain integers) -> rows, or a 404 problem."""

from __future__ import annotations

import re
from typing import Any, TypeVar

from sqlalchemy.orm import Session

from fews.lookup import find_substance
from fews.models import Substance
from web.api.pagination import MAX_KEY
from web.api.problems import ApiProblem

__all__ = ["public_pk", "get_or_404", "substance_or_404", "not_found"]

T = TypeVar("T")


def not_found(what: str, ident: Any) -> ApiProblem:
    return ApiProblem(404, f"No {what} {str(ident)[:80]!r}.")


def public_pk(ident: str, prefix: str) -> int | None:
    """``F12`` (prefix ``F``) -> 12; None when it is not of that form or out of range."""
    m = re.fullmatch(rf"[{prefix.upper()}{prefix.lower()}]?(\d{{1,10}})", ident.strip())
    if not m:
        return None
    pk = int(m.group(1))
    return pk if 0 < pk <= MAX_KEY else None


def get_or_404(session: Session, model: type[T], pk: int | None, what: str) -> T:
    row = session.get(model, pk) if pk is not None and 0 < pk <= MAX_KEY else None
    if row is None:
        raise not_found(what, pk)
    return row


def substance_or_404(session: Session, ident: str) -> Substance:
    """By ``S<n>``, InChIKey (stereo or not) or name (as ``fews substances show``)."""
    text = ident.strip()
    if re.fullmatch(r"[Ss]\d+", text) and public_pk(text, "S") is None:
        raise not_found("substance", ident)
    sub = find_substance(session, text) if text else None
    if sub is None:
        raise not_found("substance", ident)
    return sub
