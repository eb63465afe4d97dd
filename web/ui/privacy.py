"""Harm figures on pages: clinical roles see counts as they are; every other role sees counts of 1-4
as "<5" with complementary suppression (DESIGN.md §4.1, ``alerts.suppression``), and small counts
scrubbed from generated text such as signal reasons."""

from __future__ import annotations

from collections.abc import Mapping

from flask_login import current_user

from alerts.suppression import Cell, SuppressedTable, scrub_small_numbers, suppress_count, suppress_table
from fews.access import allowed

__all__ = ["sees_small_harm_counts", "harm_count", "harm_table", "harm_text"]


def sees_small_harm_counts(role: str | None = None) -> bool:
    """True for clinical roles (those that may read case-level harm reports, or their own)."""
    role = role if role is not None else getattr(current_user, "role", None)
    return allowed(role, "read_harm_reports") or allowed(role, "read_own_harm_reports")


def harm_count(value: int) -> Cell:
    """One harm count as the signed-in role may see it."""
    return value if sees_small_harm_counts() else suppress_count(value)


def harm_table(cells: Mapping[str, int], *, total: bool = True, partition: bool = True) -> SuppressedTable:
    """A table of harm counts (and its total) as the signed-in role may see it."""
    if sees_small_harm_counts():
        return SuppressedTable(dict(cells), sum(cells.values()) if total else None)
    return suppress_table(cells, total=total, partition=partition)


def harm_text(text: str | None) -> str:
    """Generated text (signal reasons, alert summaries) with small counts scrubbed for non-clinical roles."""
    if not text:
        return ""
    return text if sees_small_harm_counts() else scrub_small_numbers(text)
