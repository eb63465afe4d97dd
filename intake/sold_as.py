"""Compare what a product was sold as with what the laboratory found.

A label is assessed only when the synonym table maps it to one substance (e.g. "MDMA", "Xanax");
classes and products ("spice", "research chemical") are reported as not assessed rather than
guessed. Common form words ("tablet", "pills", "powder") are ignored when looking the label up.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

from chem.errors import InvalidStructure
from chem.names import NameResolution
from chem.standardise import StandardStructure

__all__ = ["SoldAsVerdict", "StructureSource", "assess_sold_as"]

_FORM_WORDS = re.compile(
    r"\b(tablets?|pills?|powder|crystals?|capsules?|caps|liquid|paper|blotters?|vape|e-liquid|resin|bags?|wraps?)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class SoldAsVerdict:
    mismatch: bool | None  # None = not assessed
    detail: str


def _lookup(label: str, lookup: Callable[[str], NameResolution | None]) -> NameResolution | None:
    res = lookup(label)
    if res is None:
        stripped = " ".join(_FORM_WORDS.sub(" ", label).split())
        if stripped and stripped != label:
            res = lookup(stripped)
    return res


class StructureSource(Protocol):
    """Where standardised structures come from: a :class:`StandardiseCache` or anything with its
    ``get`` (intake's validation context)."""

    def get(self, smiles: str) -> StandardStructure: ...


def assess_sold_as(
    label: str | None,
    found: Sequence[tuple[str, StandardStructure | None]],
    lookup: Callable[[str], NameResolution | None],
    cache: StructureSource,
) -> SoldAsVerdict:
    """``found`` holds (display name, structure or None) of the active/unknown components."""
    if not label:
        return SoldAsVerdict(None, "no sold-as label")
    res = _lookup(label, lookup)
    if res is None or res.status != "substance" or not res.smiles:
        what = f"a {res.status}" if res is not None and res.status != "unidentified" else "not a single substance"
        return SoldAsVerdict(None, f"sold-as label {label!r} is {what}; not assessed")
    try:
        expected = cache.get(res.smiles)
    except InvalidStructure:
        return SoldAsVerdict(None, f"sold-as label {label!r} has no usable structure; not assessed")
    keys = {s.inchikey_nostereo for _, s in found if s is not None}
    names = ", ".join(n for n, _ in found) or "no active component"
    expected_name = res.preferred_name or label
    if expected.inchikey_nostereo in keys:
        return SoldAsVerdict(False, f"sold as {expected_name}; found {names}")
    return SoldAsVerdict(True, f"sold as {expected_name}; found {names}")
