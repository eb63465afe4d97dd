"""``POST /api/v1/intake/{seizures,reports,intel,psychoactivity}``: submit a file (multipart ``file``:
CSV, JSON or SDF) or a §5.3 JSON body; the answer is the ``fews ingest`` summary.

The same ``intake.pipeline.Ingestor`` runs as for ``fews ingest``, with the caller as actor (audited,
``via=api``) and, for RIDR reports, as reporter. Rows that fail validation are quarantined with
their reasons, never dropped; ``accepted + quarantined + duplicates == rows``.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from typing import Any

import marshmallow as ma
from flask import current_app, request
from flask_smorest import Blueprint
from marshmallow import fields, validate
from werkzeug.utils import secure_filename

from intake.parsers import FORMATS, FileError
from intake.pipeline import Ingestor
from web.api.auth import current_caller
from web.api.policy import requires
from web.api.problems import ApiProblem
from web.api.spec import problem_response

__all__ = ["blp", "INTAKE_KINDS"]

blp = Blueprint("intake", __name__, url_prefix="/intake", description="Submit seizures, reports and intelligence")

# kind -> permission (DESIGN.md §4), as `fews ingest --as` checks it
INTAKE_KINDS: dict[str, str] = {
    "seizures": "submit_seizures",
    "reports": "submit_harm_report",
    "intel": "submit_intel",
    "psychoactivity": "submit_psychoactivity",
}


class IntakeArgs(ma.Schema):
    class Meta:
        unknown = ma.EXCLUDE

    provider = fields.String(
        load_default=None,
        validate=validate.Length(min=1, max=200),
        metadata={"description": "provider for rows without one (default: the caller's organisation)"},
    )
    format = fields.String(
        load_default=None,
        validate=validate.OneOf(FORMATS),
        metadata={"description": "file format (default: from the file name, else sniffed)"},
    )


class IngestSummarySchema(ma.Schema):
    batch_id = fields.Integer()
    rows = fields.Integer()
    accepted = fields.Integer()
    quarantined = fields.Integer()
    duplicates = fields.Integer()
    amended = fields.Integer()
    warnings = fields.Integer()
    reasons = fields.Dict(keys=fields.String(), values=fields.Integer())


_BODY_DOC = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["file"],
                    "properties": {"file": {"type": "string", "format": "binary", "description": "CSV, JSON or SDF"}},
                }
            },
            "application/json": {
                "schema": {
                    "type": "array",
                    "description": "DESIGN.md §5.3: samples with components, reports with substances",
                    "items": {"type": "object", "additionalProperties": True},
                }
            },
        },
    }
}


def _ingest(kind: str, args: dict[str, Any]) -> dict[str, Any]:
    caller = current_caller()
    provider = args["provider"] or caller.principal.organisation
    with tempfile.TemporaryDirectory(prefix="fews-intake-") as tmp:
        if request.mimetype == "multipart/form-data":
            upload = request.files.get("file")
            if upload is None:
                raise ApiProblem(422, "Send the data as the multipart field 'file'.")
            name = secure_filename(upload.filename or "") or f"upload-{kind}"
            path = os.path.join(tmp, name)
            upload.save(path)
        elif request.mimetype == "application/json":
            path = os.path.join(tmp, f"api-{kind}.json")
            with open(path, "wb") as fh:
                fh.write(request.get_data())
        else:
            raise ApiProblem(415, "Send multipart/form-data with a 'file', or a JSON array (application/json).")
        fmt = args["format"] or ("json" if request.mimetype == "application/json" else None)
        ing = Ingestor(
            current_app.extensions["fews_sessions"],
            current_app.config["FEWS"],
            kind,
            actor=caller.principal.username,
            via="api",
            user_id=caller.user_id,
        )
        try:
            summary = ing.ingest_file(path, provider=provider, fmt=fmt, progress=False)
        except FileError as exc:
            raise ApiProblem(422, f"The file cannot be read: {exc}") from None
        except UnicodeDecodeError as exc:
            raise ApiProblem(422, f"The file is not readable as text: {exc.reason}") from None
    return summary.as_dict()


def _route(kind: str) -> Callable[..., Any]:
    def view(args: dict[str, Any]) -> dict[str, Any]:
        return _ingest(kind, args)

    view.__name__ = f"ingest_{kind}"
    view.__doc__ = f"Ingest {kind} (file or JSON); answers the `fews ingest` summary."
    decorated = problem_response(blp, 422, "The file cannot be read, or invalid parameters")(
        problem_response(blp, 415, "Neither multipart nor JSON")(
            problem_response(blp, 413, "Larger than the upload limit")(
                blp.response(200, IngestSummarySchema)(blp.doc(**_BODY_DOC)(view))
            )
        )
    )
    decorated = blp.arguments(IntakeArgs, location="query")(decorated)
    decorated = requires(blp, INTAKE_KINDS[kind], scope="submit")(decorated)
    blp.route(f"/{kind}", methods=["POST"], tags=["intake"], endpoint=f"ingest_{kind}")(decorated)
    return decorated


for _kind in INTAKE_KINDS:
    _route(_kind)
