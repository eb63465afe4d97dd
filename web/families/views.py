from __future__ import annotations

import datetime as dt
import re
from typing import Any

from flask import abort, render_template, request

from fews.browse import family_list, family_page_data
from fews.models import Signal
from intake.pipeline import london_today
from web import legal_cache as legal
from web.database import db
from web.families import bp
from web.ui import requires_page
from web.ui.charts import ChartPoint, bar_chart, week_range
from web.ui.privacy import harm_table, sees_small_harm_counts
from web.ui.tables import csv_response, wants_csv

ARMED = ("A", "B", "C", "TCDO")


def _family_id(ident: str) -> int:
    m = re.fullmatch(r"[Ff](\d{1,9})", ident)
    if not m:
        abort(404, description=f"No family {ident!r}: families are F<n>.")
    return int(m.group(1))


@bp.route("/families")
@requires_page("read_public")
def index():  # type: ignore[no-untyped-def]
    rows = family_list(db())
    if wants_csv(request.args):
        return csv_response(
            (
                {
                    "id": r.public_id,
                    "name": r.name,
                    "method": r.method,
                    "first_seen": r.first_seen,
                    "members": r.members,
                }
                for r in rows
            ),
            ["id", "name", "method", "first_seen", "members"],
            filename="fews-families.csv",
        )
    return render_template("families/index.html", rows=rows)


def _overlay(signals: list[Signal], subtype: str) -> dict[str, dict[str, Any]]:
    """Week label -> baseline/threshold/alarm from aberration signals' details (``counts``: observed,
    expected, upper, last_12_weeks ending at ``as_of``)."""
    out: dict[str, dict[str, Any]] = {}
    for sig in signals:
        if sig.subtype != subtype:
            continue
        counts = (sig.details or {}).get("counts") or {}
        year, week, _ = sig.as_of.isocalendar()
        label = f"{year}-W{week:02d}"
        out[label] = {"expected": counts.get("expected"), "upper": counts.get("upper"), "alarm": True}
    return out


def _points(
    weekly: dict[str, int], overlay: dict[str, dict[str, Any]], *, weeks: int, end: dt.date
) -> list[ChartPoint]:
    labels = week_range(end - dt.timedelta(weeks=weeks - 1), end)
    return [
        ChartPoint(
            w,
            weekly.get(w, 0),
            expected=overlay.get(w, {}).get("expected"),
            upper=overlay.get(w, {}).get("upper"),
            alarm=bool(overlay.get(w, {}).get("alarm")),
        )
        for w in labels
    ]


def _suppress_points(points: list[ChartPoint]) -> list[ChartPoint]:
    """Weekly harm bars for non-clinical roles: "<5" weeks, plus complementary suppression, because the weeks
    partition the reports and a total is shown on the page."""
    cells = harm_table({p.label: int(p.value) for p in points}, total=True, partition=True).cells
    return [ChartPoint(p.label, cells[p.label], p.expected, p.upper, p.alarm) for p in points]


@bp.route("/families/<ident>")
@requires_page("read_public")
def show(ident: str):  # type: ignore[no-untyped-def]
    data = family_page_data(db(), _family_id(ident))
    if data is None:
        abort(404, description=f"No family {ident}.")
    today = london_today()
    members: list[dict[str, Any]] = []
    for m in data.members:
        now = legal.decision(m.smiles, today, ident=m.public_id)
        members.append({"row": m, "status": now.get("status"), "basis": now.get("basis"), "rule": now.get("rule")})
    escaping = [m for m in members if m["status"] not in ARMED]
    if wants_csv(request.args):
        return csv_response(
            (
                {
                    "id": m["row"].public_id,
                    "name": m["row"].name,
                    "smiles": m["row"].smiles,
                    "first_uk_detection": m["row"].first_uk_detection,
                    "uk_status": m["status"],
                    "basis": m["basis"],
                    "rule": m["rule"],
                }
                for m in members
            ),
            ["id", "name", "smiles", "first_uk_detection", "uk_status", "basis", "rule"],
            filename=f"fews-{data.family.public_id}-members.csv",
        )
    weeks = int(request.args.get("weeks", "52")) if request.args.get("weeks", "52").isdigit() else 52
    weeks = min(max(weeks, 8), 260)
    last = max([*data.weekly_seizures, *data.weekly_harms] or [f"{today.isocalendar()[0]}-W01"])
    end = dt.date.fromisocalendar(int(last[:4]), int(last[6:]), 7)
    seizure_points = _points(data.weekly_seizures, _overlay(data.signals, "seizure_aberration"), weeks=weeks, end=end)
    harm_points = _points(data.weekly_harms, _overlay(data.signals, "harm_aberration"), weeks=weeks, end=end)
    if not sees_small_harm_counts():
        harm_points = _suppress_points(harm_points)
    name = data.family.name
    charts = {
        "seizures": bar_chart(
            seizure_points,
            title=f"Seized samples per week, family {data.family.public_id} ({name})",
            description=f"{weeks} weeks to {end}; dashed grey line: expected (baseline), dashed red: alarm "
            "threshold, red triangles: weeks with an alarm",
            unit_label="samples per week",
        ),
        "harms": bar_chart(
            harm_points,
            title=f"Adverse-reaction reports per week, family {data.family.public_id} ({name})",
            description=f"{weeks} weeks to {end}; baseline and alarms from harm signals",
            unit_label="reports per week",
        ),
    }
    return render_template(
        "families/show.html",
        data=data,
        members=members,
        escaping=escaping,
        charts=charts,
        seizure_points=seizure_points,
        harm_points=harm_points,
        severity=harm_table(data.harm_by_severity),
        weeks=weeks,
    )
