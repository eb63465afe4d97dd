from __future__ import annotations

from typing import Any

from flask import Response, abort, current_app, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import and_, or_, select

from chem.depict import depict_svg
from chem.errors import InvalidStructure
from fews.access import allowed, can_read_case_reference, can_read_harm_report
from fews.browse import SUBSTANCE_SORTS, substance_list
from fews.case_reads import recent_harm_reports, recent_samples
from fews.lookup import find_substance
from fews.models import Component, PsychoactivityResult, Sample, Signal, SpectrumIdentification, Substance
from fews.pages import substance_page_data
from intake.pipeline import london_today
from web import legal_cache as legal
from web.database import db
from web.substances import bp, spectra
from web.ui import requires_page, signed_in_principal
from web.ui.cache import page_cached
from web.ui.case_audit import audit_case_read
from web.ui.charts import bar_chart, mirror_plot, weekly_points
from web.ui.privacy import harm_table
from web.ui.tables import csv_response, wants_csv

PER_PAGE = 50
CSV_LIMIT = 5000
SVG_CSP = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'self'"


def _substance_or_404(ident: str) -> Substance:
    sub = find_substance(db(), ident) if len(ident) <= 300 else None
    if sub is None:
        abort(404, description=f"No substance {ident!r}: use S<n>, an InChIKey or a name.")
    return sub


def _int_arg(name: str, default: int) -> int:
    raw = request.args.get(name, "")
    return int(raw) if raw.isdigit() and 0 < int(raw) < 1_000_000 else default


@bp.route("/substances")
@requires_page("read_public")
def index():  # type: ignore[no-untyped-def]
    q = request.args.get("q", "").strip()[:200]
    sort = request.args.get("sort", "name")
    if sort not in SUBSTANCE_SORTS:
        sort = "name"
    if wants_csv(request.args):
        rows, _ = substance_list(db(), query=q, sort=sort, per_page=CSV_LIMIT)
        cols = ["id", "name", "formula", "smiles", "inchikey", "family", "first_uk_detection", "uk_status"]
        return csv_response(
            (
                {
                    "id": r.public_id,
                    "name": r.name,
                    "formula": r.formula,
                    "smiles": r.smiles,
                    "inchikey": r.inchikey,
                    "family": f"F{r.family_id}" if r.family_id else None,
                    "first_uk_detection": r.first_uk_detection,
                    "uk_status": r.legal_status,
                }
                for r in rows
            ),
            cols,
            filename="fews-substances.csv",
        )
    page = _int_arg("page", 1)
    rows, total = substance_list(db(), query=q, sort=sort, page=page, per_page=PER_PAGE)
    if len(rows) == 1 and page == 1 and total == 1 and q:
        return redirect(url_for("substances.show", ident=rows[0].public_id))
    pages = max(1, -(-total // PER_PAGE))
    return render_template(
        "substances/index.html", rows=rows, total=total, q=q, sort=sort, page=page, pages=pages, sorts=SUBSTANCE_SORTS
    )


def _signals(sub: Substance) -> list[Signal]:
    cond = [Signal.substance_id == sub.id]
    if sub.family_id:
        cond.append(and_(Signal.family_id == sub.family_id, Signal.substance_id.is_(None)))
    return list(db().scalars(select(Signal).where(or_(*cond)).order_by(Signal.as_of.desc()).limit(10)))


def _identifications(sub: Substance) -> list[dict[str, Any]]:
    rows = db().scalars(
        select(SpectrumIdentification)
        .join(Component, Component.id == SpectrumIdentification.component_id)
        .where(Component.substance_id == sub.id, SpectrumIdentification.error.is_(None))
        .order_by(SpectrumIdentification.id.desc())
        .limit(3)
    )
    out = []
    for ident in rows:
        top = (ident.hits or [{}])[0] if ident.hits else {}
        ref = spectra.by_accession(top.get("accession"))
        plot = None
        if ident.peaks and ref is not None:
            plot = mirror_plot(
                ident.peaks,
                spectra.peaks_of(ref),
                title=f"Mirror plot: submitted spectrum against {top.get('name')} ({top.get('accession')})",
                query_label="submitted spectrum",
                reference_label=f"library {top.get('accession')}",
            )
        out.append({"row": ident, "top": top, "plot": plot})
    return out


def _case_level(sub: Substance) -> tuple[list[Any], list[Any]]:
    """Recent samples with case references and harm reports, only for roles that may read them (audited)."""
    principal = signed_in_principal()
    samples: list[Any] = []
    if allowed(principal.role, "read_case_references"):
        scope = None
        if principal.role == "enforcement_subscriber":
            scope = principal.jurisdictions or current_app.config["FEWS"].enforcement_jurisdictions
        for sample in recent_samples(db(), sub.id, jurisdictions=scope):
            ref = (
                sample.case_reference
                if can_read_case_reference(principal, provider=sample.provider, jurisdiction=sample.jurisdiction)
                else None
            )
            samples.append((sample, ref))
        audit_case_read(object_type="sample", ids=[s.id for s, ref in samples if ref], action="web.read.case_reference")
    reports: list[Any] = []
    if allowed(principal.role, "read_harm_reports") or allowed(principal.role, "read_own_harm_reports"):
        own = None if allowed(principal.role, "read_harm_reports") else current_user.id
        for r in recent_harm_reports(db(), sub.id, reporter_user_id=own):
            mine = r.reporter_user_id == current_user.id
            if can_read_harm_report(principal, reporter_username=principal.username if mine else None):
                reports.append(r)
        audit_case_read(object_type="harm_report", ids=[r.id for r in reports], action="web.read.harm_report")
    return samples, reports


@bp.route("/substances/<ident>")
@requires_page("read_public")
def show(ident: str):  # type: ignore[no-untyped-def]
    sub = _substance_or_404(ident)
    if ident != sub.public_id:
        return redirect(url_for("substances.show", ident=sub.public_id))
    data = page_cached(("substance", sub.id), lambda: substance_page_data(db(), sub.id))
    if data is None:
        abort(404)
    today = london_today()
    now = legal.decision(sub.smiles, today, ident=sub.public_id)
    points, unit = weekly_points(dict(data.weekly_seizures))
    chart = None
    if points:
        chart = bar_chart(
            points,
            title=f"Seized samples containing {sub.preferred_name or sub.public_id}, per {unit}",
            description=f"{data.samples} samples from {points[0].label} to {points[-1].label}",
            unit_label=f"samples per {unit}",
        )
    severity = harm_table({k or "not stated": v for k, v in data.harm_by_severity.items()})
    harm_places = harm_table(dict(data.harm_by_jurisdiction))
    samples, reports = _case_level(sub)
    psycho = list(
        db().scalars(
            select(PsychoactivityResult)
            .where(PsychoactivityResult.substance_id == sub.id, PsychoactivityResult.is_current.is_(True))
            .order_by(PsychoactivityResult.test_date.desc())
            .limit(20)
        )
    )
    return render_template(
        "substances/show.html",
        sub=sub,
        data=data,
        now=now,
        timeline=legal.timeline(sub.smiles, today),
        today=today,
        chart=chart,
        points=points,
        unit=unit,
        severity=severity,
        harm_places=harm_places,
        signals=_signals(sub),
        library=spectra.library_spectra(sub.inchikey),
        identifications=_identifications(sub),
        samples=samples,
        reports=reports,
        psycho=psycho,
        sample_type=Sample,
    )


@bp.route("/substances/<ident>/structure.svg")
@requires_page("read_public")
def structure(ident: str) -> Response:
    """The structure as SVG, with the atoms today's legal rule matched shaded."""
    sub = _substance_or_404(ident)
    now = legal.decision(sub.smiles, london_today(), ident=sub.public_id)
    highlight = now.get("matched_atoms") or [] if now.get("basis") == "generic" else []
    try:
        svg = depict_svg(now.get("smiles") or sub.smiles, highlight=highlight, width=420, height=300)
    except InvalidStructure:
        abort(404, description="This structure cannot be drawn.")
    resp = Response(svg, mimetype="image/svg+xml")
    resp.headers["Content-Security-Policy"] = SVG_CSP
    resp.headers["Cache-Control"] = "private, max-age=3600"
    return resp
