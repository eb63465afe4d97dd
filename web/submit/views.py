from __future__ import annotations

import datetime as dt
import json
import os
import secrets
import tempfile
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from flask import Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.utils import secure_filename

from chem.errors import InvalidStructure
from chem.standardise import standardise_molblock
from fews.access import allowed
from intake.parsers import FileError
from intake.parsers.raw import RawRow
from intake.pipeline import Ingestor, IngestSummary, london_today
from web.api.services import legal_engine
from web.database import db
from web.submit import bp
from web.submit.choices import name_suggestions, vocab_choices
from web.submit.forms import UPLOAD_KINDS, ComponentForm, PsychoactivityForm, ReportForm, SeizureForm, UploadForm
from web.submit.molblock import normalise_pasted_molblock
from web.submit.results import batch_result
from web.ui import requires_page
from web.ui.choices import options
from web.ui.nav import SUBMIT_PERMISSIONS


def _ingestor(kind: str) -> Ingestor:
    return Ingestor(
        current_app.extensions["fews_sessions"],
        current_app.config["FEWS"],
        kind,
        actor=current_user.username,
        via="web",
        user_id=current_user.id,
    )


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, dt.date):
        return value.isoformat()
    text = str(value).strip()
    return text or None


# fields passed on as typed: a MOL block's header lines are positional, so it is never stripped
_RAW_FIELDS = frozenset({"component_molblock"})


def _rows(records: Iterable[dict[str, Any]]) -> list[RawRow]:
    return [
        RawRow(line=i, data={k: v if k in _RAW_FIELDS else _text(v) for k, v in rec.items()})
        for i, rec in enumerate(records, start=1)
    ]


def _done(summary: IngestSummary) -> Any:
    if summary.quarantined:
        flash(
            f"Batch {summary.batch_id}: {summary.quarantined} row(s) were quarantined; the reasons are below.",
            "error",
        )
    elif summary.duplicates and not summary.accepted:
        flash(f"Batch {summary.batch_id}: this was already submitted (counted as a duplicate).", "info")
    else:
        flash(f"Batch {summary.batch_id}: {summary.accepted} row(s) accepted.", "success")
    return redirect(url_for("submit.batch", batch_id=summary.batch_id))


@bp.route("/")
@requires_page(*SUBMIT_PERMISSIONS)
def index():  # type: ignore[no-untyped-def]
    return render_template("submit/index.html")


@bp.route("/seizure", methods=["GET", "POST"])
@requires_page("submit_seizures")
def seizure():  # type: ignore[no-untyped-def]
    form = SeizureForm()
    if request.method == "GET" and not form.seizure_date.data:
        form.seizure_date.data = london_today()
    if form.validate_on_submit():
        header = {
            "sample_id": form.sample_id.data,
            "seizure_date": form.seizure_date.data,
            "submitting_agency": form.submitting_agency.data,
            "seizure_context": form.seizure_context.data,
            "jurisdiction": form.jurisdiction.data,
            "local_area": form.local_area.data,
            "product_form": form.product_form.data,
            "product_as_sold": form.product_as_sold.data,
            "case_reference": form.case_reference.data,
        }
        records = [
            header
            | {k: v for k, v in entry.form.data.items() if k != "csrf_token"}
            | {"component_molblock": normalise_pasted_molblock(entry.form.component_molblock.data)}
            for entry in form.components
            if not entry.form.is_blank
        ]
        summary = _ingestor("seizures").ingest_rows(
            _rows(records), source_name="web form: seizure", fmt="form", provider=current_user.organisation
        )
        return _done(summary)
    status = 400 if request.method == "POST" else 200
    blank = ComponentForm(formdata=None, prefix="components-__index__-")
    return render_template("submit/seizure.html", form=form, blank=blank, names=name_suggestions(db())), status


@bp.route("/structure-preview", methods=["POST"])
@requires_page("submit_seizures")
def structure_preview():  # type: ignore[no-untyped-def]
    """The live legal-status preview for a pasted MOL block: JSON ``{"molblock", "as_of"}`` in, the
    ``/api/v1/classify`` answer out (``as_of``, ``rule_set_version``, ``items``), or 422 with the reason."""
    body = request.get_json(silent=True)
    if not isinstance(body, dict) or not isinstance(body.get("molblock"), str):
        return _json({"detail": 'Send JSON {"molblock": "...", "as_of": "YYYY-MM-DD"}.'}, 400)
    if len(body["molblock"]) > 200_000:
        return _json({"detail": "The MOL block is too long (over 200,000 characters)."}, 413)
    day = london_today()
    if body.get("as_of"):
        try:
            day = dt.date.fromisoformat(str(body["as_of"]))
        except ValueError:
            return _json({"detail": f"as_of must be YYYY-MM-DD, got {str(body['as_of'])[:40]!r}"}, 400)
    block = normalise_pasted_molblock(body["molblock"])
    if block is None:
        return _json({"detail": "The MOL block is empty."}, 422)
    try:
        smiles = standardise_molblock(block).smiles
    except InvalidStructure as exc:
        return _json({"detail": f"This MOL block cannot be read: {exc.reason}", "code": exc.code}, 422)
    engine = legal_engine()
    item = engine.classify(smiles, day, ident=str(body.get("id") or "molblock"))
    return _json({"as_of": day, "rule_set_version": engine.rules.version, "items": [item]}, 200)


def _json(doc: dict[str, Any], status: int) -> Response:
    body = json.dumps(doc, ensure_ascii=False, default=lambda v: v.isoformat() if hasattr(v, "isoformat") else str(v))
    return Response(body, status=status, mimetype="application/json" if status < 400 else "application/problem+json")


@bp.route("/report", methods=["GET", "POST"])
@requires_page("submit_harm_report")
def report():  # type: ignore[no-untyped-def]
    form = ReportForm()
    if request.method == "GET":
        form.event_date.data = form.event_date.data or london_today()
        form.care_setting.data = form.care_setting.data or "emergency_department"
    if form.validate_on_submit():
        report_id = f"web-{current_user.username}-{dt.datetime.now(dt.UTC):%Y%m%d%H%M%S}-{secrets.token_hex(2)}"
        header = {
            "report_id": report_id,
            "event_date": form.event_date.data,
            "reported_date": london_today(),
            "care_setting": form.care_setting.data,
            "severity": form.severity.data,
            "region": form.region.data,
            "effects": "|".join(form.effects.data or []),
            "toxicology_status": form.toxicology_status.data,
            "vulnerable_group": form.vulnerable_group.data,
            "free_text": form.free_text.data,
        }
        names = [f.data for f in (form.substance_1, form.substance_2, form.substance_3) if (f.data or "").strip()]
        summary = _ingestor("reports").ingest_rows(
            _rows(header | {"suspected_substance_name": n} for n in names),
            source_name="web form: RIDR report",
            fmt="form",
            provider=current_user.organisation,
        )
        return _done(summary)
    status = 400 if request.method == "POST" else 200
    return render_template("submit/report.html", form=form, names=name_suggestions(db())), status


@bp.route("/psychoactivity", methods=["GET", "POST"])
@requires_page("submit_psychoactivity")
def psychoactivity():  # type: ignore[no-untyped-def]
    form = PsychoactivityForm()
    if request.method == "GET":
        form.test_date.data = form.test_date.data or london_today()
        form.laboratory.data = form.laboratory.data or current_user.organisation
    if form.validate_on_submit():
        record = {
            name: getattr(form, name).data
            for name in (
                "result_id",
                "substance_name",
                "substance_smiles",
                "assay",
                "result",
                "test_date",
                "laboratory",
                "potency_value",
                "potency_unit",
                "efficacy_percent",
                "reference_compound",
            )
        }
        summary = _ingestor("psychoactivity").ingest_rows(
            _rows([record]), source_name="web form: psychoactivity", fmt="form", provider=current_user.organisation
        )
        return _done(summary)
    status = 400 if request.method == "POST" else 200
    return render_template("submit/psychoactivity.html", form=form, names=name_suggestions(db())), status


def _upload_kinds() -> list[tuple[str, str]]:
    return [(k, label) for k, (label, perm) in UPLOAD_KINDS.items() if allowed(current_user.role, perm)]


@bp.route("/upload", methods=["GET", "POST"])
@requires_page(*SUBMIT_PERMISSIONS)
def upload():  # type: ignore[no-untyped-def]
    form = UploadForm()
    form.kind.choices = options(_upload_kinds())
    if len(form.kind.choices) == 1 and not form.kind.data:
        form.kind.data = form.kind.choices[0].value
    if form.validate_on_submit():
        kind = form.kind.data
        name = secure_filename(form.file.data.filename or "") or f"upload-{kind}.csv"
        with tempfile.TemporaryDirectory(prefix="fews-web-") as tmp:
            path = os.path.join(tmp, name)
            form.file.data.save(path)
            with open(path, "rb") as fh:
                if b"\x00" in fh.read(1 << 20):
                    form.file.errors.append("This is not a CSV, JSON or SDF text file (a spreadsheet or archive?).")  # type: ignore[attr-defined]
                    return render_template("submit/upload.html", form=form), 400
            try:
                summary = _ingestor(kind).ingest_file(path, provider=current_user.organisation)
            except (FileError, UnicodeDecodeError) as exc:
                form.file.errors.append(f"The file cannot be read: {exc}")  # type: ignore[attr-defined]
                return render_template("submit/upload.html", form=form), 400
        return _done(summary)
    status = 400 if request.method == "POST" else 200
    return render_template("submit/upload.html", form=form), status


@bp.route("/batches/<int:batch_id>")
@requires_page(*SUBMIT_PERMISSIONS, "manage_quarantine")
def batch(batch_id: int):  # type: ignore[no-untyped-def]
    result = batch_result(db(), batch_id) if 0 < batch_id < 2**31 else None
    if result is None or (
        result.batch.submitted_by != current_user.username and not allowed(current_user.role, "manage_quarantine")
    ):
        abort(404, description=f"No batch {batch_id} of yours.")
    show_payload = (
        result.batch.kind != "reports"
        or allowed(current_user.role, "read_quarantine_clinical")
        or (result.batch.submitted_by == current_user.username)
    )
    return render_template("submit/batch.html", result=result, show_payload=show_payload)


@bp.app_template_global()
def vocab_label(vocab: str, code: str | None) -> str:
    """The label of a vocabulary code (the code itself when unknown)."""
    return dict(vocab_choices(vocab)).get(code or "", code or "")
