"""ISO weeks (Monday-Sunday, Europe/London dates) as consecutive integer indices.

Week index 0 is the ISO week of :data:`ORIGIN`; the index of any date is the number of whole
weeks between the Monday of its week and that origin, so series from different sources line up.
"""

from __future__ import annotations

import datetime as dt

__all__ = ["ORIGIN", "monday", "closing_sunday", "week_index", "week_monday", "week_sunday"]

ORIGIN = dt.date(1990, 1, 1)  # a Monday


def monday(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def closing_sunday(day: dt.date) -> dt.date:
    """The Sunday that closes ``day``'s ISO week (``day`` itself when it is a Sunday)."""
    return day + dt.timedelta(days=6 - day.weekday())


def week_index(day: dt.date) -> int:
    return (monday(day) - ORIGIN).days // 7


def week_monday(index: int) -> dt.date:
    return ORIGIN + dt.timedelta(weeks=index)


def week_sunday(index: int) -> dt.date:
    return week_monday(index) + dt.timedelta(days=6)
