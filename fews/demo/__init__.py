"""Synthetic, deterministic demonstration data for FEWS (``fews demo`` and evaluation replays).

:func:`generate` returns seizure rows (DESIGN.md 5.1), RIDR harm-report rows (5.2),
intelligence rows (drug checking, street surveys, online markets) and psychoactivity results,
as string dictionaries ready for :func:`write_csv` or the intake pipeline. The data are pure
Python and numpy, touch no database, and are additive: a later end date adds rows without
changing earlier ones. :func:`ground_truth` lists the injected waves and one-off substances so
replays can score their signals. The synthetic market itself (substances, products, waves,
places) is data in :mod:`fews.demo.catalogue`.
"""

from fews.demo.generator import (
    DEFAULT_SEED,
    DISPERSION,
    INTEL_COLUMNS,
    PROVIDER,
    PSYCHOACTIVITY_COLUMNS,
    REPORT_COLUMNS,
    SEIZURE_COLUMNS,
    DemoData,
    generate,
    ground_truth,
    write_csv,
)

__all__ = [
    "DEFAULT_SEED",
    "DISPERSION",
    "INTEL_COLUMNS",
    "PROVIDER",
    "PSYCHOACTIVITY_COLUMNS",
    "REPORT_COLUMNS",
    "SEIZURE_COLUMNS",
    "DemoData",
    "generate",
    "ground_truth",
    "write_csv",
]
