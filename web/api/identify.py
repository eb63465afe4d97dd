"""``POST /api/v1/identify``: identify the spectra of an uploaded query file against the shipped
MassBank subset, as ``fews identify`` does (``reference_spectra.identify.identify_file``)."""

from __future__ import annotations

import os
import tempfile
from typing import Any

import marshmallow as ma
from flask_smorest import Blueprint
from flask_smorest.fields import Upload
from marshmallow import fields, validate

from intake.pipeline import london_today
from reference_spectra.identify import QUERY_FORMATS, identify_file
from web.api.policy import requires
from web.api.problems import ApiProblem
from web.api.services import legal_engine, spectral_library
from web.api.spec import problem_response

__all__ = ["blp"]

blp = Blueprint("identify", __name__, url_prefix="/identify", description="Spectral identification")


class IdentifyFiles(ma.Schema):
    file = Upload(required=True, metadata={"description": f"query spectra ({', '.join(QUERY_FORMATS)})"})


class IdentifyArgs(ma.Schema):
    class Meta:
        unknown = ma.EXCLUDE

    top = fields.Integer(load_default=5, validate=validate.Range(min=1, max=100))
    as_of = fields.Date(load_default=None, metadata={"description": "date of the hits' legal status (default today)"})


class HitSchema(ma.Schema):
    name = fields.String(allow_none=True)
    inchikey = fields.String(allow_none=True)
    score = fields.Float(metadata={"description": "0-1"})
    status = fields.String(metadata={"description": "legal status of the hit's structure as at as_of"})
    mass_shift = fields.Float(allow_none=True)
    modification = fields.String(allow_none=True)
    accession = fields.String(allow_none=True)
    licence = fields.String(allow_none=True)


class QueryResultSchema(ma.Schema):
    query = fields.String(allow_none=True, metadata={"description": "the spectrum's NAME/TITLE/id"})
    verdict = fields.String(metadata={"description": "match, analogue or unknown"})
    hits = fields.List(fields.Nested(HitSchema))
    error = fields.String(allow_none=True, metadata={"description": "why a malformed query gave no hits"})


class IdentifyResponseSchema(ma.Schema):
    as_of = fields.Date()
    items = fields.List(fields.Nested(QueryResultSchema))


@blp.route("", methods=["POST"], tags=["identify"])
@requires(blp, "read_public", scope="read")
@blp.arguments(IdentifyArgs, location="query")
@blp.arguments(IdentifyFiles, location="files")
@blp.response(200, IdentifyResponseSchema)
@problem_response(blp, 422, "No file, a file of another format, or invalid parameters")
def identify(args: dict[str, Any], files: dict[str, Any]) -> dict[str, Any]:
    """Match, analogue or unknown for each query spectrum, with the legal status and licence of each hit."""
    upload = files["file"]
    suffix = os.path.splitext(upload.filename or "")[1].lower()
    if suffix not in QUERY_FORMATS:
        raise ApiProblem(422, f"Query files must be {' or '.join(QUERY_FORMATS)}, got {suffix or 'no extension'!r}.")
    day = args["as_of"] or london_today()
    engine, library = legal_engine(), spectral_library()
    with tempfile.TemporaryDirectory(prefix="fews-identify-") as tmp:
        path = os.path.join(tmp, "query" + suffix)
        upload.save(path)
        try:
            items = list(identify_file(path, on_date=day, top=args["top"], library=library, engine=engine))
        except ValueError as exc:
            raise ApiProblem(422, f"The query file cannot be read: {exc}") from None
        except UnicodeDecodeError as exc:
            raise ApiProblem(422, f"The query file is not text: {exc.reason}") from None
    return {"as_of": day, "items": items}
