"""Likely structural modification behind a precursor mass shift (analogue search), from a data table.

``data/modifications.csv`` lists common NPS modifications as formula changes (``add`` minus ``remove``);
their mass differences are computed here from monoisotopic atomic masses, so the table carries no
hand-typed masses. A shift matches a modification within the tolerance, in either direction (a negative
shift is the reverse change, labelled ``−X``).

References
----------
Monoisotopic masses: Wang M, Huang WJ, Kondev FG, Audi G, Naimi S (2021) The AME2020 atomic mass
evaluation (II). Chinese Physics C 45:030003 (as tabulated by NIST, "Atomic Weights and Isotopic
Compositions"). Modification families: UNODC (2013) The challenge of new psychoactive substances, and
EMCDDA/EUDA NPS profiles (homologues, halogenation, beta-keto, methylenedioxy, N-alkyl chains).
"""

from __future__ import annotations

import csv
import functools
import re
from dataclasses import dataclass
from pathlib import Path

__all__ = ["MONOISOTOPIC", "Modification", "formula_mass", "likely_modifications", "load_modifications"]

TABLE = Path(__file__).parent / "data" / "modifications.csv"
#: Monoisotopic masses of the most abundant isotopes (AME2020).
MONOISOTOPIC = {
    "H": 1.00782503207,
    "C": 12.0,
    "N": 14.0030740048,
    "O": 15.99491461956,
    "F": 18.99840322,
    "S": 31.97207100,
    "Cl": 34.96885268,
    "Br": 78.9183371,
    "I": 126.904473,
    "P": 30.97376163,
}
_ELEMENT = re.compile(r"([A-Z][a-z]?)(\d*)")


def formula_mass(formula: str) -> float:
    """Monoisotopic mass of a formula such as ``C2H2O``; raises ``ValueError`` naming an unknown element.

    Examples
    --------
    >>> round(formula_mass("CH2"), 5)
    14.01565
    """
    total = 0.0
    pos = 0
    for m in _ELEMENT.finditer(formula):
        if m.start() != pos:
            raise ValueError(f"cannot read formula {formula!r} at {formula[pos:]!r}")
        element, count = m.group(1), int(m.group(2) or 1)
        if element not in MONOISOTOPIC:
            raise ValueError(f"unknown element {element!r} in formula {formula!r}")
        total += MONOISOTOPIC[element] * count
        pos = m.end()
    if pos != len(formula):
        raise ValueError(f"cannot read formula {formula!r} at {formula[pos:]!r}")
    return total


@dataclass(frozen=True)
class Modification:
    label: str
    mass: float
    description: str


@functools.lru_cache(maxsize=1)
def load_modifications() -> tuple[Modification, ...]:
    with open(TABLE, encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    return tuple(
        Modification(
            r["label"], formula_mass(r["add"]) - (formula_mass(r["remove"]) if r["remove"] else 0.0), r["description"]
        )
        for r in rows
    )


def likely_modifications(shift: float, *, tolerance: float = 0.01) -> list[dict[str, object]]:
    """Modifications whose mass difference is within ``tolerance`` Da of ``shift``, closest first.

    Examples
    --------
    >>> likely_modifications(14.0157)[0]["label"]
    '+CH2'
    >>> likely_modifications(-33.961)[0]["label"]
    '−(Cl-H)'
    """
    out: list[tuple[float, dict[str, object]]] = []
    for mod in load_modifications():
        for sign in (1, -1):
            err = abs(shift - sign * mod.mass)
            if err <= tolerance:
                label = f"+{mod.label}" if sign > 0 else (f"−({mod.label})" if "-" in mod.label else f"−{mod.label}")
                text = mod.description if sign > 0 else f"reverse of: {mod.description}"
                out.append((err, {"label": label, "mass": round(sign * mod.mass, 5), "description": text}))
    return [d for _, d in sorted(out, key=lambda t: t[0])]
