from __future__ import annotations

from dataclasses import replace
from typing import Any

from flask import Response, abort, render_template, request

from chem.depict import depict_svg
from chem.errors import InvalidStructure
from fews.browse import substance_list
from fews.lookup import find_substance
from fews.structure_search import SubstanceHit, match_atoms, structure_search, substance_hits
from intake.pipeline import london_today
from web import legal_cache as legal
from web.database import db
from web.search import bp
from web.search.forms import SEARCH_BY, SearchForm
from web.search.index import substance_index
from web.ui import requires_page
from web.ui.tables import csv_response, wants_csv

SVG_CSP = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'self'"
CSV_COLUMNS = [
    "id",
    "name",
    "formula",
    "smiles",
    "inchikey",
    "family",
    "first_uk_detection",
    "uk_status",
    "rule",
    "score",
]


def _with_status(hits: list[SubstanceHit]) -> list[SubstanceHit]:
    """Today's decision of the legal engine (with the database's events) for each hit; the stored status
    may predate new events or be missing for a substance stored since the last re-evaluation."""
    today = london_today()
    out = []
    for h in hits:
        now = legal.decision(h.smiles, today, ident=h.public_id)
        out.append(replace(h, legal_status=now.get("status") or h.legal_status, legal_rule=now.get("rule")))
    return out


def _run(form: SearchForm) -> dict[str, Any]:
    """Name search through ``fews.browse.substance_list``; structure searches through the index."""
    by, q, limit = form.by.data, form.q.data.strip(), int(form.limit.data)
    if by == "name":
        rows, total = substance_list(db(), query=q, sort="name", per_page=limit)
        hits = substance_hits(db(), [r.id for r in rows])
        return {"rows": _with_status(hits), "total": total, "truncated": total > len(rows), "scored": False}
    index = substance_index()
    threshold = float(form.threshold.data) if form.threshold.data is not None else 0.4
    result = structure_search(db(), index, q, mode=by, threshold=threshold, limit=limit)
    return {
        "rows": _with_status(result.hits),
        "total": len(result.hits),
        "truncated": result.truncated,
        "scored": by == "similarity",
        "searched": result.searched,
    }


@bp.route("/search")
@requires_page("read_public")
def index():  # type: ignore[no-untyped-def]
    form = SearchForm(formdata=request.args if request.args.get("q") is not None else None)
    results = None
    status = 200
    if request.args.get("q") is not None:
        if form.validate():
            try:
                results = _run(form)
            except InvalidStructure as exc:
                kind = "SMARTS" if form.by.data == "smarts" else "SMILES"
                form.q.errors.append(f"This is not a readable {kind}: {exc.reason}")  # type: ignore[attr-defined]
                status = 400
        else:
            status = 400
    if results is not None and wants_csv(request.args):
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
                    "rule": r.legal_rule,
                    "score": getattr(r, "score", None) if results["scored"] else None,
                }
                for r in results["rows"]
            ),
            CSV_COLUMNS,
            filename="fews-search.csv",
        )
    return render_template("search/index.html", form=form, results=results, search_by=SEARCH_BY), status


@bp.route("/search/depict/<ident>.svg")
@requires_page("read_public")
def depict(ident: str) -> Response:
    """A substance's structure with the atoms of a substructure query (``?q=&by=substructure|smarts``) shaded."""
    sub = find_substance(db(), ident) if len(ident) <= 300 else None
    if sub is None:
        abort(404, description=f"No substance {ident!r}.")
    by, q = request.args.get("by", ""), request.args.get("q", "")[:2000]
    highlight: list[int] = []
    if q and by in ("substructure", "smarts"):
        try:
            highlight = match_atoms(sub.smiles, q, smarts=by == "smarts")
        except InvalidStructure:
            highlight = []
    try:
        svg = depict_svg(sub.smiles, highlight=highlight, width=240, height=180)
    except InvalidStructure:
        abort(404, description="This structure cannot be drawn.")
    resp = Response(svg, mimetype="image/svg+xml")
    resp.headers["Content-Security-Policy"] = SVG_CSP
    resp.headers["Cache-Control"] = "private, max-age=3600"
    return resp
