from __future__ import annotations

import json
from typing import Any

from flask import Response, current_app, render_template, request
from flask_login import current_user

from alerts.metrics import INTERVALS
from fews.policy.render import render_psa_html
from web.database import db
from web.reports import bp
from web.reports.charts import before_after_chart
from web.reports.lead_times import (
    SUBJECT_LEAD_TIMES,
    by_quarter,
    csv_columns,
    csv_rows,
    histogram,
    lead_time_document,
)
from web.reports.psa import PSA_CSV_COLUMNS, WINDOW_WEEKS, psa_csv_rows, psa_document, psa_options
from web.ui import requires_page
from web.ui.charts import ChartPoint, bar_chart
from web.ui.tables import csv_response, wants_csv


def _json_download(doc: dict[str, Any], filename: str) -> Response:
    body = json.dumps(
        doc, ensure_ascii=False, indent=1, default=lambda v: v.isoformat() if hasattr(v, "isoformat") else str(v)
    )
    resp = Response(body, mimetype="application/json")
    resp.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    resp.headers["X-Security-Marking"] = current_app.config["FEWS"].security_marking
    resp.headers["Cache-Control"] = "no-store"
    return resp


def _marking() -> str:
    return str(current_app.config["FEWS"].security_marking)


@bp.route("/reports")
@requires_page("read_public")
def index():  # type: ignore[no-untyped-def]
    return render_template("reports/index.html")


@bp.route("/reports/lead-times")
@requires_page("read_public")
def lead_times():  # type: ignore[no-untyped-def]
    doc = lead_time_document(db(), current_user.role, marking=_marking())
    rows = doc["alerts"]
    fmt = request.args.get("format")
    if fmt == "json":
        return _json_download(doc, "fews-lead-times.json")
    if wants_csv(request.args):
        return csv_response(csv_rows(rows), csv_columns(rows), filename="fews-lead-times.csv")
    chosen = request.args.get("interval", "identification_to_first_alert")
    if chosen not in SUBJECT_LEAD_TIMES:
        chosen = "identification_to_first_alert"
    label, alert_interval = SUBJECT_LEAD_TIMES[chosen]
    quarters = by_quarter(rows, alert_interval)
    bins = histogram(rows, alert_interval)
    charts = {}
    if quarters:
        charts["quarters"] = bar_chart(
            [ChartPoint(q["quarter"], q["median"] if q["median"] is not None else 0) for q in quarters],
            title=f"Median days, {label.lower()}, by quarter",
            description=f"Median per alert of {label.lower()}, by the calendar quarter the interval ended, "
            f"{quarters[0]['quarter']} to {quarters[-1]['quarter']}; quarters without an alert show no bar",
            unit_label="median days",
        )
    if any(b["alerts"] for b in bins):
        charts["bins"] = bar_chart(
            [ChartPoint(b["bin"], b["alerts"]) for b in bins],
            title=f"Alerts by days, {label.lower()}",
            description="Number of alerts in each band of days: "
            + ", ".join(f"{b['bin']} {b['alerts']}" for b in bins),
            unit_label="alerts",
        )
    return render_template(
        "reports/lead_times.html",
        doc=doc,
        summary=doc["summary"],
        intervals=INTERVALS,
        subject_lead_times=SUBJECT_LEAD_TIMES,
        chosen=chosen,
        chosen_label=label,
        quarters=quarters,
        bins=bins,
        charts=charts,
    )


@bp.route("/reports/psa-review")
@requires_page("read_evidence_packs")
def psa_review():  # type: ignore[no-untyped-def]
    options, problems = psa_options(request.args)
    config = current_app.config["FEWS"]
    doc = psa_document(options, clinical_jurisdictions=config.clinical_jurisdictions, marking=_marking())
    fmt = request.args.get("format")
    stem = f"fews-psa-review-{options.date.isoformat()}-{options.weeks}w"
    if fmt == "json":
        return _json_download(doc, f"{stem}.json")
    if wants_csv(request.args):
        return csv_response(psa_csv_rows(doc), PSA_CSV_COLUMNS, filename=f"{stem}.csv")
    if fmt == "html":  # the standalone report of `fews report psa-review` (its own inline styles: a download)
        resp = Response(render_psa_html(doc, marking=_marking()), mimetype="text/html")
        resp.headers["Content-Disposition"] = f'attachment; filename="{stem}.html"'
        resp.headers["Cache-Control"] = "no-store"
        return resp
    window = f"{doc['windows']['weeks']} weeks before and after {doc['commencement']}"
    charts = {
        "national": before_after_chart(
            doc["seizures"]["national"],
            title="Seized samples before and after commencement",
            description=f"All samples and samples with PSA-scope substances, {window}",
        ),
        "context": before_after_chart(
            doc["seizures"]["by_context"],
            title="Seized samples by seizure context",
            description=f"Samples per seizure context, {window}",
        ),
        "harms": before_after_chart(
            [r for r in doc["harms"]["by_severity"] if r["key"] != "total"],
            title="Harm reports by severity",
            description=f"Harm reports per severity, {window}; counts of 1 to 4 are shown as a dashed outline",
        ),
    }
    return render_template(
        "reports/psa_review.html",
        doc=doc,
        options=options,
        problems=problems,
        charts=charts,
        window_weeks=WINDOW_WEEKS,
        clinical_jurisdictions=config.clinical_jurisdictions,
    )
