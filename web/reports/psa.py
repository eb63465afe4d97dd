"""The PSA before/after review for the page: options read from the query string, the document computed once
per data version (``web.ui.cache``), and flattened to CSV rows."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from chem.legal import PSA_IN_FORCE
from fews.policy.psa_review import psa_review
from web.api.services import legal_engine
from web.database import db
from web.ui.cache import page_cached

__all__ = ["WINDOW_WEEKS", "PsaOptions", "psa_options", "psa_document", "psa_csv_rows", "PSA_CSV_COLUMNS"]

WINDOW_WEEKS = (13, 26, 52, 104)
PSA_CSV_COLUMNS = ["section", "breakdown", "key", "before", "after", "ratio", "low", "high"]


@dataclass(frozen=True)
class PsaOptions:
    date: dt.date
    weeks: int
    local_top: int
    include_all_nations: bool


def psa_options(args: Mapping[str, str]) -> tuple[PsaOptions, list[str]]:
    """Options from the query string, and the problems found (each bad value falls back to its default)."""
    problems = []
    date = PSA_IN_FORCE
    raw = (args.get("date") or "").strip()
    if raw:
        try:
            date = dt.date.fromisoformat(raw)
        except ValueError:
            problems.append(f"The date must be YYYY-MM-DD, got {raw[:40]!r}; showing {PSA_IN_FORCE}.")
    weeks_raw = args.get("weeks", "52")
    weeks = int(weeks_raw) if weeks_raw.isdigit() and int(weeks_raw) in WINDOW_WEEKS else 52
    if weeks_raw and weeks_raw != str(weeks):
        problems.append(f"The window must be one of {', '.join(map(str, WINDOW_WEEKS))} weeks; showing 52.")
    top_raw = args.get("local_top", "15")
    top = min(max(int(top_raw), 1), 100) if top_raw.isdigit() else 15
    return PsaOptions(date, weeks, top, args.get("all_nations") == "1"), problems


def psa_document(options: PsaOptions, *, clinical_jurisdictions: tuple[str, ...], marking: str) -> dict[str, Any]:
    """The review for ``options``; harm reports from ``clinical_jurisdictions`` only unless all nations were asked."""
    harm = None if options.include_all_nations else clinical_jurisdictions
    key = ("psa_review", options, harm)

    def compute() -> dict[str, Any]:
        return psa_review(
            db(),
            date=options.date,
            window_weeks=options.weeks,
            local_top=options.local_top,
            engine=legal_engine(),
            harm_jurisdictions=harm,
        )

    doc = dict(page_cached(key, compute, ttl=300.0))
    doc["security_marking"] = marking
    return doc


def psa_csv_rows(doc: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Every comparison table of the review as rows (section, breakdown, key, before, after, rate ratio)."""
    out: list[dict[str, Any]] = []
    for section in ("seizures", "availability", "harms"):
        for breakdown, rows in doc[section].items():
            for r in rows:
                out.append({"section": section, "breakdown": breakdown, **{k: r.get(k) for k in PSA_CSV_COLUMNS[2:]}})
    for name, d in doc["displacement"].items():
        if isinstance(d, Mapping):
            out.append(
                {
                    "section": "displacement",
                    "breakdown": "share postal or online" if name != "online_market_intel" else "share online market",
                    "key": name,
                    "before": d.get("before"),
                    "after": d.get("after"),
                    "ratio": None,
                    "low": None,
                    "high": None,
                }
            )
    return out
