"""Server-side charts for evidence packs and reports: matplotlib (Agg, no GUI) to SVG for HTML/PDF and
PNG for DOCX. Output is deterministic (fixed SVG id salt, no creation date), so a pack rebuilt from the
same data as at the same date is byte-identical. Suppressed harm counts ("<5") are drawn as an empty
bar with the marker written above it, never as a number."""

from __future__ import annotations

import base64
import io
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, cast

import matplotlib

matplotlib.use("Agg")  # no display on servers; must precede pyplot-free Figure use  # noqa: E402
from matplotlib import rc_context  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

__all__ = ["Chart", "bar_chart", "grouped_bar_chart"]

_STYLE = {"svg.hashsalt": "fews", "svg.fonttype": "none", "font.size": 8, "font.family": "DejaVu Sans"}
COLOURS = ("#1d70b8", "#f47738", "#00703c", "#912b88", "#505a5f")  # readable in greyscale print


@dataclass(frozen=True)
class Chart:
    """One chart in two encodings, with the title and alt text screen readers and DOCX captions use."""

    title: str
    alt: str
    svg: str
    png: bytes

    @property
    def svg_data_uri(self) -> str:
        return "data:image/svg+xml;base64," + base64.b64encode(self.svg.encode()).decode()


def _render(fig: Figure, title: str, alt: str) -> Chart:
    with rc_context(cast(Any, _STYLE)):
        svg = io.StringIO()
        fig.savefig(svg, format="svg", metadata={"Date": None}, bbox_inches="tight")
        png = io.BytesIO()
        fig.savefig(png, format="png", dpi=150, metadata={"Software": None}, bbox_inches="tight")
    return Chart(title, alt, svg.getvalue(), png.getvalue())


def _numeric(value: int | str) -> int:
    return value if isinstance(value, int) else 0


def bar_chart(
    labels: Sequence[str], values: Sequence[int | str], *, title: str, ylabel: str, rotate: bool = True
) -> Chart:
    """A bar chart; a string value (a suppression marker) is drawn as an empty bar labelled with it."""
    with rc_context(cast(Any, _STYLE)):
        fig = Figure(figsize=(6.4, 2.6))
        ax = fig.subplots()
        heights = [_numeric(v) for v in values]
        ax.bar(range(len(labels)), heights, color=COLOURS[0])
        top = max(heights, default=0) or 1
        for i, v in enumerate(values):
            if isinstance(v, str):
                ax.text(i, top * 0.02, v, ha="center", va="bottom", fontsize=7)
        ax.set_xticks(range(len(labels)))
        ax.set_xticklabels(labels, rotation=60 if rotate else 0, ha="right" if rotate else "center", fontsize=7)
        ax.set_ylabel(ylabel)
        ax.set_title(title, fontsize=9)
        ax.spines[["top", "right"]].set_visible(False)
    alt = f"{title}: " + "; ".join(f"{label} {value}" for label, value in zip(labels, values, strict=True))
    return _render(fig, title, alt)


def grouped_bar_chart(
    labels: Sequence[str], series: dict[str, Sequence[int | str]], *, title: str, ylabel: str
) -> Chart:
    """Bars for several series side by side (e.g. before and after a date)."""
    with rc_context(cast(Any, _STYLE)):
        fig = Figure(figsize=(6.4, 2.8))
        ax = fig.subplots()
        n = max(len(series), 1)
        width = 0.8 / n
        for k, (name, values) in enumerate(series.items()):
            xs = [i - 0.4 + width * (k + 0.5) for i in range(len(labels))]
            ax.bar(xs, [_numeric(v) for v in values], width=width, label=name, color=COLOURS[k % len(COLOURS)])
            for x, v in zip(xs, values, strict=True):
                if isinstance(v, str):
                    ax.text(x, 0, v, ha="center", va="bottom", fontsize=6)
        ax.set_xticks(range(len(labels)))
        ax.set_xticklabels(labels, rotation=45, ha="right", fontsize=7)
        ax.set_ylabel(ylabel)
        ax.set_title(title, fontsize=9)
        ax.legend(fontsize=7, frameon=False)
        ax.spines[["top", "right"]].set_visible(False)
    alt = f"{title}: " + "; ".join(
        f"{name}: " + ", ".join(f"{label} {v}" for label, v in zip(labels, values, strict=True))
        for name, values in series.items()
    )
    return _render(fig, title, alt)
