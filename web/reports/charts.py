"""A paired before/after bar chart for the PSA review (server-side SVG, presentation attributes only, like
``web.ui.charts``): one row per category, a grey bar for the window before and a blue bar for the window after.
Suppressed cells ("<5") are drawn as a dashed outline without length, so the chart shows no more than the table."""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from html import escape
from typing import Any

from markupsafe import Markup

from web.ui.charts import BLUE, GREY, LIGHT

__all__ = ["before_after_chart"]

_ids = itertools.count(1)


def _nice(value: float) -> float:
    if value <= 4:
        return 4.0
    step = 10 ** (len(str(int(value))) - 1)
    for m in (1, 2, 2.5, 5, 10):
        if value <= m * step:
            return float(m * step)
    return float(10 * step)


def before_after_chart(
    rows: Sequence[Mapping[str, Any]], *, title: str, description: str, width: int = 720, row_height: int = 34
) -> Markup:
    """Horizontal paired bars for rows ``{"key", "before", "after"}`` (ints or suppression markers)."""
    cid = f"pair{next(_ids)}"
    label_w, right, top, legend_h = 240, 48, 8, 26
    plot_w = width - label_w - right
    height = top + legend_h + row_height * max(len(rows), 1) + 20
    numbers = [float(r[k]) for r in rows for k in ("before", "after") if isinstance(r.get(k), (int, float))]
    xmax = _nice(max(numbers + [1.0]))

    def x(v: float) -> float:
        return label_w + v / xmax * plot_w

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="fews-chart" viewBox="0 0 {width} {height}" role="img" '
        f'aria-labelledby="{cid}-t {cid}-d" preserveAspectRatio="xMinYMin meet">',
        f'<title id="{cid}-t">{escape(title)}</title><desc id="{cid}-d">{escape(description)}</desc>',
        f'<rect x="{label_w}" y="{top}" width="14" height="10" fill="{GREY}"/>'
        f'<text x="{label_w + 20}" y="{top + 9}" font-size="12" fill="#0b0c0c">before</text>'
        f'<rect x="{label_w + 80}" y="{top}" width="14" height="10" fill="{BLUE}"/>'
        f'<text x="{label_w + 100}" y="{top + 9}" font-size="12" fill="#0b0c0c">after</text>',
    ]
    base = top + legend_h
    for i in range(5):
        v = xmax * i / 4
        parts.append(
            f'<line x1="{x(v):.1f}" x2="{x(v):.1f}" y1="{base}" y2="{height - 18}" stroke="{LIGHT}" stroke-width="1"/>'
            f'<text x="{x(v):.1f}" y="{height - 4}" text-anchor="middle" font-size="11" fill="{GREY}">{v:g}</text>'
        )
    bar_h = (row_height - 10) / 2
    for n, row in enumerate(rows):
        y0 = base + n * row_height
        label = str(row.get("key", "")).replace("_", " ")
        label = label[:1].upper() + label[1:]
        shown = label if len(label) <= 36 else label[:35] + "…"
        parts.append(
            f'<text x="{label_w - 6}" y="{y0 + row_height / 2 + 4:.1f}" text-anchor="end" font-size="12" '
            f'fill="#0b0c0c">{escape(shown)}</text>'
        )
        for j, (key, colour) in enumerate((("before", GREY), ("after", BLUE))):
            value = row.get(key)
            y = y0 + 4 + j * bar_h
            tip = f"{escape(label)}, {key}: {escape(str(value if value is not None else 'not published'))}"
            if isinstance(value, (int, float)):
                parts.append(
                    f'<rect x="{label_w}" y="{y:.1f}" width="{max(x(float(value)) - label_w, 0):.1f}" '
                    f'height="{bar_h:.1f}" fill="{colour}"><title>{tip}</title></rect>'
                    f'<text x="{x(float(value)) + 4:.1f}" y="{y + bar_h - 2:.1f}" font-size="11" fill="#0b0c0c">'
                    f"{float(value):g}</text>"
                )
            else:
                parts.append(
                    f'<rect x="{label_w}" y="{y:.1f}" width="8" height="{bar_h:.1f}" fill="none" stroke="{colour}" '
                    f'stroke-dasharray="2 2"><title>{tip}</title></rect>'
                )
    parts.append(f'<line x1="{label_w}" x2="{label_w}" y1="{base}" y2="{height - 18}" stroke="{GREY}"/></svg>')
    return Markup("".join(parts))
