"""Options of select, radio and checkbox fields as WTForms ``SelectChoice`` objects.

WTForms 3.3 deprecates ``(value, label)`` tuples as choices and 3.4 drops them; every form builds its
choices from pairs through :func:`options`, and templates read ``choice.value`` and ``choice.label``.
"""

from __future__ import annotations

from collections.abc import Iterable

from wtforms.fields.choices import SelectChoice

__all__ = ["options"]


def options(pairs: Iterable[tuple[str, str]]) -> list[SelectChoice]:
    """``SelectChoice`` objects from ``(value, label)`` pairs, in order.

    >>> [(c.value, c.label) for c in options([("A", "Class A"), ("", "Any class")])]
    [('A', 'Class A'), ('', 'Any class')]
    """
    return [SelectChoice(value, label) for value, label in pairs]
