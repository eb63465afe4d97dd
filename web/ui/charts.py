"""Server-side SVG charts (no JavaScript, no inline styles: presentation attributes only, so the
Content-Security-Policy ``style-src 'self'`` holds for inline SVG).

Every chart is ``role="img"`` with a ``<title>`` and a ``<desc>`` summarising it; pages put the same
figures in a table beside it for screen-reader and keyboard users. Values may be integers or the
suppression markers of ``alerts.suppression`` (``"<5"``, ``"suppressed"``), drawn as a marker without
height so the chart reveals no more than the table.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from html import escape

from markupsafe import Markup

__all__ = ["ChartPoint", "week_range", "weekly_points", "bar_chart", "mirror_plot"]

BLUE = "#1d70b8"
GREY = "#505a5f"
RED = "#d4351c"
GREEN = "#00703c"
LIGHT = "#b1b4b6"
_ids = itertools.count(1)


@dataclass(frozen=True)
class ChartPoint:
    """One bar: a label (ISO week or month), a value (count or suppression marker), and overlays."""

    label: str
    value: int | float | str
    expected: float | None = None  # baseline (expected count)
    upper: float | None = None  # alarm threshold
    alarm: bool = False


def _monday(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def _iso(day: dt.date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def week_range(first: dt.date, last: dt.date) -> list[str]:
    """Every ISO week label from ``first``'s week to ``last``'s week."""
    out, day = [], _monday(first)
    while day <= last:
        out.append(_iso(day))
        day += dt.timedelta(days=7)
    return out


def _week_start(label: str) -> dt.date:
    return dt.date.fromisocalendar(int(label[:4]), int(label[6:]), 1)


def weekly_points(
    counts: Mapping[str, int], *, max_bars: int = 104, end: dt.date | None = None
) -> tuple[list[ChartPoint], str]:
    """Fill the gaps of a weekly series; longer series are shown by month. Returns points and the unit."""
    if not counts:
        return [], "week"
    weeks = sorted(counts)
    first, last = _week_start(weeks[0]), max(_week_start(weeks[-1]), _monday(end) if end else dt.date.min)
    labels = week_range(first, last)
    if len(labels) <= max_bars:
        return [ChartPoint(w, counts.get(w, 0)) for w in labels], "week"
    months: dict[str, int] = {}
    for w in labels:
        months.setdefault(_week_start(w).strftime("%Y-%m"), 0)
    for w, n in counts.items():
        months[_week_start(w).strftime("%Y-%m")] += n
    return [ChartPoint(m, n) for m, n in months.items()], "month"


def _nice_max(value: float) -> float:
    if value <= 4:
        return 4
    step = 10 ** (len(str(int(value))) - 1)
    for m in (1, 2, 2.5, 5, 10):
        if value <= m * step:
            return m * step
    return 10 * step


def _fmt(value: float) -> str:
    return f"{value:g}"


def bar_chart(
    points: Sequence[ChartPoint],
    *,
    title: str,
    description: str,
    unit_label: str,
    width: int = 720,
    height: int = 240,
) -> Markup:
    """Bars with optional baseline (dashed grey), threshold (dashed red) and alarm markers (red triangles)."""
    cid = f"chart{next(_ids)}"
    left, right, top, bottom = 44, 12, 12, 34
    plot_w, plot_h = width - left - right, height - top - bottom
    numeric = [float(p.value) for p in points if isinstance(p.value, (int, float))]
    overlay = [v for p in points for v in (p.expected, p.upper) if v is not None]
    ymax = _nice_max(max(numeric + overlay + [1.0]))
    n = max(len(points), 1)
    slot = plot_w / n
    bar_w = max(slot * 0.8, 1.0)

    def y(v: float) -> float:
        return top + plot_h - (v / ymax) * plot_h

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="fews-chart" viewBox="0 0 {width} {height}" '
        f'role="img" aria-labelledby="{cid}-t {cid}-d" preserveAspectRatio="xMinYMin meet">',
        f'<title id="{cid}-t">{escape(title)}</title><desc id="{cid}-d">{escape(description)}</desc>',
    ]
    for i in range(5):  # grid and y labels
        v = ymax * i / 4
        parts.append(
            f'<line x1="{left}" x2="{width - right}" y1="{y(v):.1f}" y2="{y(v):.1f}" stroke="{LIGHT}" '
            f'stroke-width="1"/><text x="{left - 6}" y="{y(v) + 4:.1f}" text-anchor="end" font-size="11" '
            f'fill="{GREY}">{_fmt(round(v, 1))}</text>'
        )
    for i, p in enumerate(points):
        x = left + i * slot + (slot - bar_w) / 2
        if isinstance(p.value, (int, float)):
            if p.value > 0:
                parts.append(
                    f'<rect x="{x:.1f}" y="{y(float(p.value)):.1f}" width="{bar_w:.1f}" '
                    f'height="{plot_h - (y(float(p.value)) - top):.1f}" fill="{BLUE}"><title>{escape(p.label)}: '
                    f"{_fmt(float(p.value))}</title></rect>"
                )
        else:  # suppressed: a hollow marker on the axis, no height
            parts.append(
                f'<rect x="{x:.1f}" y="{top + plot_h - 6:.1f}" width="{bar_w:.1f}" height="6" fill="none" '
                f'stroke="{GREY}" stroke-dasharray="2 2">'
                f"<title>{escape(p.label)}: {escape(str(p.value))}</title></rect>"
            )
        if p.alarm:
            cx, cy = x + bar_w / 2, top + 2
            parts.append(
                f'<path d="M{cx - 5:.1f},{cy:.1f} L{cx + 5:.1f},{cy:.1f} L{cx:.1f},{cy + 8:.1f} Z" fill="{RED}">'
                f"<title>alarm in {escape(p.label)}</title></path>"
            )
    for attr, colour, dash in (("expected", GREY, "6 3"), ("upper", RED, "3 3")):
        coords = [
            (left + i * slot + slot / 2, y(float(getattr(p, attr))))
            for i, p in enumerate(points)
            if getattr(p, attr) is not None
        ]
        if len(coords) >= 2:
            d = " ".join(f"{'M' if j == 0 else 'L'}{cx:.1f},{cy:.1f}" for j, (cx, cy) in enumerate(coords))
            parts.append(f'<path d="{d}" fill="none" stroke="{colour}" stroke-width="2" stroke-dasharray="{dash}"/>')
        elif len(coords) == 1:
            px, py = coords[0]
            parts.append(f'<circle cx="{px:.1f}" cy="{py:.1f}" r="3" fill="{colour}"/>')
    parts.append(f'<line x1="{left}" x2="{width - right}" y1="{top + plot_h}" y2="{top + plot_h}" stroke="{GREY}"/>')
    if points:
        ticks = sorted({0, len(points) // 2, len(points) - 1})
        for i in ticks:
            anchor = "start" if i == 0 else "end" if i == len(points) - 1 else "middle"
            x = left + i * slot + slot / 2
            parts.append(
                f'<text x="{x:.1f}" y="{height - 14}" text-anchor="{anchor}" font-size="11" fill="{GREY}">'
                f"{escape(points[i].label)}</text>"
            )
    parts.append(f'<text x="{left}" y="{height - 2}" font-size="11" fill="{GREY}">{escape(unit_label)}</text></svg>')
    return Markup("".join(parts))


def mirror_plot(
    query: Iterable[Sequence[float]],
    reference: Iterable[Sequence[float]],
    *,
    title: str,
    query_label: str = "query",
    reference_label: str = "library",
    width: int = 640,
    height: int = 260,
) -> Markup:
    """Query peaks up (blue), reference peaks down (green), intensities scaled to 100 each."""
    cid = f"chart{next(_ids)}"
    q = [(float(p[0]), float(p[1])) for p in query]
    r = [(float(p[0]), float(p[1])) for p in reference]
    left, right, top, bottom = 40, 12, 14, 24
    plot_w, plot_h = width - left - right, height - top - bottom
    mid = top + plot_h / 2
    mzs = [m for m, _ in q + r] or [0.0, 100.0]
    lo, hi = min(mzs) - 5, max(mzs) + 5
    qmax = max((i for _, i in q), default=1.0) or 1.0
    rmax = max((i for _, i in r), default=1.0) or 1.0

    def x(mz: float) -> float:
        return left + (mz - lo) / (hi - lo) * plot_w

    desc = f"{len(q)} {query_label} peaks above the axis, {len(r)} {reference_label} peaks below, m/z {lo:.0f}-{hi:.0f}"
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="fews-chart" viewBox="0 0 {width} {height}" role="img" '
        f'aria-labelledby="{cid}-t {cid}-d"><title id="{cid}-t">{escape(title)}</title>'
        f'<desc id="{cid}-d">{escape(desc)}</desc>',
        f'<line x1="{left}" x2="{width - right}" y1="{mid:.1f}" y2="{mid:.1f}" stroke="{GREY}"/>',
    ]
    for mz, inten in q:
        h = inten / qmax * (plot_h / 2 - 4)
        parts.append(
            f'<line x1="{x(mz):.1f}" x2="{x(mz):.1f}" y1="{mid:.1f}" y2="{mid - h:.1f}" stroke="{BLUE}" '
            'stroke-width="1.5"/>'
        )
    for mz, inten in r:
        h = inten / rmax * (plot_h / 2 - 4)
        parts.append(
            f'<line x1="{x(mz):.1f}" x2="{x(mz):.1f}" y1="{mid:.1f}" y2="{mid + h:.1f}" stroke="{GREEN}" '
            'stroke-width="1.5"/>'
        )
    parts.append(
        f'<text x="{left}" y="{top}" font-size="11" fill="{BLUE}">{escape(query_label)}</text>'
        f'<text x="{left}" y="{height - 10}" font-size="11" fill="{GREEN}">{escape(reference_label)}</text>'
        f'<text x="{left}" y="{height - 1}" font-size="11" fill="{GREY}">m/z {lo:.0f}</text>'
        f'<text x="{width - right}" y="{height - 1}" text-anchor="end" font-size="11" fill="{GREY}">m/z {hi:.0f}</text>'
        "</svg>"
    )
    return Markup("".join(parts))
