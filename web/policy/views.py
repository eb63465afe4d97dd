from __future__ import annotations

import datetime as dt

from flask import Response, abort, current_app, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import func, select

from fews.access import allowed
from fews.models import Family, Substance
from fews.policy.evidence_pack import EvidencePackError, build_evidence_pack
from fews.policy.render import css, pack_charts, render_docx, render_pdf
from fews.policy.render import svg_uri as render_svg_uri
from web.database import db
from web.policy import bp

PERMISSION = "read_evidence_packs"


def _require() -> None:
    if not allowed(current_user.role, PERMISSION):
        abort(
            403,
            description="Evidence packs are for Home Office policy staff, ACMD advisors and public-health analysts.",
        )


def _as_of() -> dt.date:
    raw = request.args.get("as_of")
    if not raw:
        return dt.date.today()
    try:
        day = dt.date.fromisoformat(raw)
    except ValueError:
        abort(400, description=f"as_of must be an ISO date (YYYY-MM-DD), got {raw!r}")
    return day


def _pack(ident: str, day: dt.date) -> dict:  # type: ignore[type-arg]
    try:
        return build_evidence_pack(db(), ident, as_of=day, security_marking=current_app.config["FEWS"].security_marking)
    except EvidencePackError as exc:
        abort(404, description=str(exc))


@bp.app_template_filter("svg_uri")
def svg_uri(svg: str) -> str:
    return render_svg_uri(svg)


@bp.route("/")
@login_required
def index():  # type: ignore[no-untyped-def]
    _require()
    rows = (
        db()
        .execute(
            select(Family.id, Family.name, Family.method, func.count(Substance.id))
            .join(Substance, Substance.family_id == Family.id)
            .group_by(Family.id, Family.name, Family.method)
            .order_by(Family.id)
        )
        .all()
    )
    return render_template("policy/index.html", families=rows, today=dt.date.today().isoformat())


@bp.route("/pack.css")
def pack_css():  # type: ignore[no-untyped-def]
    return Response(css(), mimetype="text/css")


@bp.route("/evidence-pack/<ident>")
@login_required
def evidence_pack(ident: str):  # type: ignore[no-untyped-def]
    _require()
    day = _as_of()
    doc = _pack(ident, day)
    return render_template(
        "policy/evidence_pack.html",
        doc=doc,
        charts=pack_charts(doc),
        pdf_url=url_for("policy.download", ident=ident, fmt="pdf", as_of=day.isoformat()),
        docx_url=url_for("policy.download", ident=ident, fmt="docx", as_of=day.isoformat()),
    )


@bp.route("/evidence-pack/<ident>/download/<fmt>")
@login_required
def download(ident: str, fmt: str):  # type: ignore[no-untyped-def]
    _require()
    if fmt not in ("pdf", "docx"):
        abort(404)
    day = _as_of()
    doc = _pack(ident, day)
    data = render_pdf(doc) if fmt == "pdf" else render_docx(doc)
    mimetype = (
        "application/pdf" if fmt == "pdf" else "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    name = f"evidence-pack-{doc['subject']['id']}-{doc['as_of']}.{fmt}"
    return Response(data, mimetype=mimetype, headers={"Content-Disposition": f'attachment; filename="{name}"'})
