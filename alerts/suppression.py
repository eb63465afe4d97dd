"""Small-number suppression of harm counts outside clinical roles (DESIGN.md §4 rule 1).

Counts from 1 to ``threshold - 1`` are shown as ``"<5"`` (primary suppression). Where a table's
cells add up to a total that is shown, further cells are hidden (complementary suppression, shown
as ``"suppressed"``) until no difference reveals a suppressed cell: at least two cells are hidden
and the hidden cells together hold at least ``threshold``; when no cell is left to hide, the total
is hidden instead.

References
----------
Office for National Statistics, *Disclosure control guidance for tables produced from surveys*
(primary and secondary suppression). NHS England, *Analysis and Disclosure Control* (counts of 1-4
shown as "<5").
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

__all__ = ["SMALL", "HIDDEN", "SuppressedTable", "suppress_count", "suppress_table", "scrub_small_numbers"]

SMALL = "<5"
HIDDEN = "suppressed"

Cell = int | str


def suppress_count(value: int, *, threshold: int = 5) -> Cell:
    """One count on its own: 1 to ``threshold - 1`` becomes ``"<5"``; 0 and larger counts stay."""
    if value < 0:
        raise ValueError(f"a count cannot be negative, got {value}")
    return SMALL if 0 < value < threshold else value


@dataclass(frozen=True)
class SuppressedTable:
    cells: dict[str, Cell]
    total: Cell | None


def suppress_table(
    cells: Mapping[str, int], *, total: bool = True, threshold: int = 5, partition: bool = True
) -> SuppressedTable:
    """Suppress a table of counts.

    Parameters
    ----------
    cells
        Category -> count.
    total
        Whether the total of the cells is published beside them.
    threshold
        Smallest count shown as it is.
    partition
        True when every case falls in exactly one cell, so that the total minus the other cells
        gives a hidden cell back (severity, care setting). False for multi-valued tables (effects),
        where no difference is exact and only primary suppression applies.

    Returns
    -------
    SuppressedTable
        ``cells`` with ``"<5"``/``"suppressed"`` in place of hidden counts, and ``total`` (``None``
        when not published).

    Examples
    --------
    >>> suppress_table({"severe": 3, "moderate": 9, "mild": 12}).cells
    {'severe': '<5', 'moderate': 'suppressed', 'mild': 12}
    """
    for key, value in cells.items():
        if value < 0:
            raise ValueError(f"a count cannot be negative, got {key}={value}")
    out: dict[str, Cell] = {}
    hidden: set[str] = set()
    for key, value in cells.items():
        if 0 < value < threshold:
            out[key] = SMALL
            hidden.add(key)
        else:
            out[key] = value
    grand = sum(cells.values())
    shown_total: Cell | None = None
    if total:
        shown_total = suppress_count(grand, threshold=threshold)
    if total and partition and hidden and shown_total != SMALL:
        # hide more cells (smallest first) until no hidden 1-4 cell can be worked out from the total
        while _disclosed(cells, hidden, out, threshold):
            candidates = sorted((v, k) for k, v in cells.items() if k not in hidden and v > 0)
            if not candidates:
                shown_total = HIDDEN
                break
            _, key = candidates[0]
            out[key] = HIDDEN
            hidden.add(key)
    return SuppressedTable(out, shown_total)


def _disclosed(cells: Mapping[str, int], hidden: set[str], out: Mapping[str, Cell], threshold: int) -> bool:
    """True when the published total pins some "<5" cell to one value.

    A reader knows each ``"<5"`` cell lies in [1, threshold-1], each ``"suppressed"`` cell in
    [threshold, inf), and that the hidden cells add up to the total minus the shown cells. Under one
    sum and box constraints each cell's feasible values form the interval computed here.
    """
    big = 10**9
    bounds = {k: (1, threshold - 1) if out[k] == SMALL else (threshold, big) for k in hidden}
    hidden_sum = sum(cells[k] for k in hidden)
    low_all = sum(lo for lo, _ in bounds.values())
    high_all = sum(hi for _, hi in bounds.values())
    for key, (lo, hi) in bounds.items():
        if out[key] != SMALL:
            continue
        feasible_lo = max(lo, hidden_sum - (high_all - hi))
        feasible_hi = min(hi, hidden_sum - (low_all - lo))
        if feasible_hi <= feasible_lo:
            return True
    return False


# "3 harm reports", "2 deaths", "4 patients", "1 case"
_COUNT_PHRASE = re.compile(
    r"\b([1-4])(\s+(?:[\w-]+\s+){0,3}?(?:harm\s+reports?|reports?|cases?|deaths?|fatal|fatalit(?:y|ies)|"
    r"patients?|presentations?|admissions?|people|persons?))\b",
    re.IGNORECASE,
)


def scrub_small_numbers(text: str) -> str:
    """Replace small counts of people or harm reports in generated text with ``"<5"``.

    A safety net for free text in suppressed products (titles, summaries, detection reasons).

    Examples
    --------
    >>> scrub_small_numbers("3 severe harm reports in 2 weeks")
    '<5 severe harm reports in 2 weeks'
    """
    return _COUNT_PHRASE.sub(lambda m: SMALL + m.group(2), text)
