"""PSA s.58-style review (issue #9 item 5): seizures, availability contexts, harm reports and displacement
(to online and postal supply) in equal windows before and after the Psychoactive Substances Act 2016 came
into force (26 May 2016), nationally and by local area.

Section 58 of the Act requires a review of its operation; the Home Office's 2018 review compared the
market, harms and enforcement before and after commencement. This report does the same on FEWS data:
counts per window with the change, a Poisson rate ratio with its 95% confidence interval (equal window
lengths), and for displacement the share of seizures in postal and online contexts with a
two-proportion z-test. *PSA-scope* substances are those the legal engine finds uncaptured by the 1971
Act on the commencement date (status ``PSA``). Harm counts are suppressed as for the policy audience.

References
----------
Psychoactive Substances Act 2016, s.58 (review) and s.2-3; Home Office, *Review of the Psychoactive
Substances Act 2016* (November 2018).
Rothman K. J., Greenland S., Lash T. L. *Modern Epidemiology*, 3rd ed., 2008, ch. 14 (rate ratio CI).
Altman D. G. *Practical Statistics for Medical Research*, 1991, §10.7.2 (comparing two proportions).
"""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter
from collections.abc import Collection
from typing import Any

from sqlalchemy import select, true
from sqlalchemy.orm import Session

from alerts.suppression import suppress_count, suppress_table
from alerts.tables import product_tables
from chem.legal import PSA_IN_FORCE, LegalEngine
from fews.models import Component, HarmReport, HarmReportSubstance, IntelFinding, IntelReport, Sample, Substance

__all__ = ["DISPLACEMENT_CONTEXTS", "psa_review", "rate_ratio", "two_proportion_z"]

DISPLACEMENT_CONTEXTS = ("border_postal", "online")  # supply by post and online (Home Office 2018 review)


def rate_ratio(after: int, before: int) -> dict[str, float | None]:
    """Poisson rate ratio after/before over equal windows, with a 95% CI on the log scale (None if a count is 0)."""
    if after == 0 or before == 0:
        return {"ratio": None, "low": None, "high": None}
    ratio = after / before
    se = math.sqrt(1 / after + 1 / before)
    return {
        "ratio": round(ratio, 3),
        "low": round(math.exp(math.log(ratio) - 1.96 * se), 3),
        "high": round(math.exp(math.log(ratio) + 1.96 * se), 3),
    }


def two_proportion_z(x1: int, n1: int, x2: int, n2: int) -> dict[str, float | None]:
    """Shares x1/n1 (before) and x2/n2 (after), their difference and the pooled two-sided z-test p-value."""
    if n1 == 0 or n2 == 0:
        return {"before": None, "after": None, "difference": None, "p_value": None}
    p1, p2 = x1 / n1, x2 / n2
    pooled = (x1 + x2) / (n1 + n2)
    se = math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
    p = math.erfc(abs(p2 - p1) / se / math.sqrt(2)) if se > 0 else None
    return {
        "before": round(p1, 4),
        "after": round(p2, 4),
        "difference": round(p2 - p1, 4),
        "p_value": round(p, 6) if p is not None else None,
    }


def _compare(before: Counter[str], after: Counter[str], keys: list[str]) -> list[dict[str, Any]]:
    return [
        {
            "key": k,
            "before": before.get(k, 0),
            "after": after.get(k, 0),
            **rate_ratio(after.get(k, 0), before.get(k, 0)),
        }
        for k in keys
    ]


def _harm_column(counts: Counter[str], keys: list[str], threshold: int) -> tuple[dict[str, Any], Any]:
    table = suppress_table({k: counts.get(k, 0) for k in keys}, total=True, threshold=threshold)
    return table.cells, table.total


def psa_review(
    session: Session,
    *,
    date: dt.date = PSA_IN_FORCE,
    window_weeks: int = 52,
    local_top: int = 15,
    engine: LegalEngine | None = None,
    harm_jurisdictions: Collection[str] | None = None,
) -> dict[str, Any]:
    """The before/after review document (JSON-ready); see the module docstring.

    ``harm_jurisdictions`` keeps only harm reports from those nations (e.g. ``Config.clinical_jurisdictions``,
    England by default in the web pages: Welsh clinical records are excluded unless asked for); None keeps all.

    Raises
    ------
    ValueError
        For a window shorter than one week.
    """
    if window_weeks < 1:
        raise ValueError(f"window_weeks must be at least 1, got {window_weeks}")
    engine = engine or LegalEngine()
    span = dt.timedelta(weeks=window_weeks)
    before = (date - span, date - dt.timedelta(days=1))
    after = (date, date + span - dt.timedelta(days=1))
    threshold = product_tables().threshold

    def period(day: dt.date) -> str | None:
        if before[0] <= day <= before[1]:
            return "before"
        if after[0] <= day <= after[1]:
            return "after"
        return None

    rows = session.execute(
        select(
            Sample.id,
            Sample.seizure_date,
            Sample.seizure_context,
            Sample.jurisdiction,
            Sample.local_area,
            Component.substance_id,
        )
        .join(Component, Component.sample_pk == Sample.id)
        .where(Sample.is_current.is_(True), Sample.seizure_date >= before[0], Sample.seizure_date <= after[1])
    ).all()
    sub_ids = sorted({r.substance_id for r in rows if r.substance_id is not None})
    smiles = (
        dict(session.execute(select(Substance.id, Substance.smiles).where(Substance.id.in_(sub_ids))).all())
        if sub_ids
        else {}
    )
    status = {sid: engine.classify(smi, date)["status"] for sid, smi in smiles.items()}
    psa_scope = {sid for sid, st in status.items() if st == "PSA"}

    samples: dict[int, dict[str, Any]] = {}
    for r in rows:
        s = samples.setdefault(
            r.id,
            {
                "period": period(r.seizure_date),
                "context": r.seizure_context or "unknown",
                "nation": r.jurisdiction,
                "area": r.local_area or "not recorded",
                "psa": False,
            },
        )
        s["psa"] = s["psa"] or r.substance_id in psa_scope
    counts: dict[str, dict[str, Counter[str]]] = {
        p: {
            "all": Counter(),
            "psa": Counter(),
            "context": Counter(),
            "nation": Counter(),
            "area": Counter(),
            "psa_context": Counter(),
        }
        for p in ("before", "after")
    }
    for s in samples.values():
        if s["period"] is None:
            continue
        c = counts[s["period"]]
        c["all"]["samples"] += 1
        c["context"][s["context"]] += 1
        c["nation"][s["nation"]] += 1
        c["area"][s["area"]] += 1
        if s["psa"]:
            c["psa"]["samples"] += 1
            c["psa_context"][s["context"]] += 1
    b, a = counts["before"], counts["after"]
    contexts = sorted(set(b["context"]) | set(a["context"]))
    nations = sorted(set(b["nation"]) | set(a["nation"]))
    areas = [k for k, _ in (b["area"] + a["area"]).most_common(local_top)]

    intel = session.execute(
        select(IntelReport.id, IntelReport.observed_date, IntelReport.stream, IntelFinding.substance_id)
        .join(IntelFinding, IntelFinding.report_pk == IntelReport.id)
        .where(
            IntelReport.is_current.is_(True),
            IntelReport.observed_date >= before[0],
            IntelReport.observed_date <= after[1],
        )
    ).all()
    streams: dict[str, Counter[str]] = {"before": Counter(), "after": Counter()}
    seen: set[int] = set()
    for row in intel:
        p = period(row.observed_date)
        if p and row.id not in seen:
            seen.add(row.id)
            streams[p][row.stream] += 1
    stream_keys = sorted(set(streams["before"]) | set(streams["after"]))

    harms = session.execute(
        select(
            HarmReport.id,
            HarmReport.event_date,
            HarmReport.severity,
            HarmReport.jurisdiction,
            HarmReportSubstance.substance_id,
        )
        .join(HarmReportSubstance, HarmReportSubstance.report_pk == HarmReport.id)
        .where(HarmReport.is_current.is_(True), HarmReport.event_date >= before[0], HarmReport.event_date <= after[1])
        .where(HarmReport.jurisdiction.in_(list(harm_jurisdictions)) if harm_jurisdictions is not None else true())
    ).all()
    reports: dict[int, dict[str, Any]] = {}
    for hrow in harms:
        rep = reports.setdefault(
            hrow.id,
            {
                "period": period(hrow.event_date),
                "severity": hrow.severity or "not recorded",
                "nation": hrow.jurisdiction,
                "psa": False,
            },
        )
        rep["psa"] = rep["psa"] or hrow.substance_id in psa_scope
    hc: dict[str, dict[str, Counter[str]]] = {
        p: {"all": Counter(), "severity": Counter(), "nation": Counter()} for p in ("before", "after")
    }
    for rep in reports.values():
        if rep["period"] is None:
            continue
        h = hc[rep["period"]]
        h["all"]["all reports"] += 1
        if rep["psa"]:
            h["all"]["PSA-scope substances"] += 1
        h["severity"][rep["severity"]] += 1
        h["nation"][rep["nation"]] += 1

    def harm_table(name: str, keys: list[str]) -> list[dict[str, Any]]:
        if name == "all":  # overlapping rows (all reports, and those naming PSA-scope substances): no partition
            return [
                {
                    "key": k,
                    "before": suppress_count(hc["before"][name].get(k, 0), threshold=threshold),
                    "after": suppress_count(hc["after"][name].get(k, 0), threshold=threshold),
                }
                for k in keys
            ]
        bc, bt = _harm_column(hc["before"][name], keys, threshold)
        ac, at = _harm_column(hc["after"][name], keys, threshold)
        return [{"key": k, "before": bc[k], "after": ac[k]} for k in keys] + [
            {"key": "total", "before": bt, "after": at}
        ]

    disp_b = sum(b["context"].get(k, 0) for k in DISPLACEMENT_CONTEXTS)
    disp_a = sum(a["context"].get(k, 0) for k in DISPLACEMENT_CONTEXTS)
    pdisp_b = sum(b["psa_context"].get(k, 0) for k in DISPLACEMENT_CONTEXTS)
    pdisp_a = sum(a["psa_context"].get(k, 0) for k in DISPLACEMENT_CONTEXTS)
    return {
        "title": "Psychoactive Substances Act 2016: before and after review (s.58-style)",
        "commencement": date.isoformat(),
        "windows": {
            "before": {"from": before[0].isoformat(), "to": before[1].isoformat()},
            "after": {"from": after[0].isoformat(), "to": after[1].isoformat()},
            "weeks": window_weeks,
        },
        "rule_set_version": engine.rules.version,
        "psa_scope_substances": len(psa_scope),
        "harm_jurisdictions": sorted(harm_jurisdictions) if harm_jurisdictions is not None else "all",
        "sources": {
            "seizures": "FEWS seizure records (current versions) by seizure date, one count per seized sample",
            "availability": "FEWS intelligence records by observation date, one count per record",
            "harms": "RIDR-style reports by event date, one count per report; counts 1-4 shown as '<5' with "
            "complementary suppression",
            "psa_scope": "substances the legal engine finds uncaptured by the Misuse of Drugs Act 1971 on the "
            "commencement date",
        },
        "seizures": {
            "national": [
                {**_compare(b["all"], a["all"], ["samples"])[0], "key": "all samples"},
                {**_compare(b["psa"], a["psa"], ["samples"])[0], "key": "samples with PSA-scope substances"},
            ],
            "by_context": _compare(b["context"], a["context"], contexts),
            "by_nation": _compare(b["nation"], a["nation"], nations),
            "by_local_area": _compare(b["area"], a["area"], areas),
        },
        "availability": {"by_stream": _compare(streams["before"], streams["after"], stream_keys)},
        "harms": {
            "national": harm_table("all", ["all reports", "PSA-scope substances"]),
            "by_severity": harm_table("severity", sorted(set(hc["before"]["severity"]) | set(hc["after"]["severity"]))),
            "by_nation": harm_table("nation", sorted(set(hc["before"]["nation"]) | set(hc["after"]["nation"]))),
        },
        "displacement": {
            "contexts": list(DISPLACEMENT_CONTEXTS),
            "all_seizures": two_proportion_z(disp_b, b["all"]["samples"], disp_a, a["all"]["samples"]),
            "psa_scope_seizures": two_proportion_z(pdisp_b, b["psa"]["samples"], pdisp_a, a["psa"]["samples"]),
            "online_market_intel": two_proportion_z(
                streams["before"].get("online_market", 0),
                sum(streams["before"].values()),
                streams["after"].get("online_market", 0),
                sum(streams["after"].values()),
            ),
        },
    }
