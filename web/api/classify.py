"""``POST /api/v1/classify``: UK legal status of structures as at a date (the ``fews classify`` records).

Body: JSON ``{"as_of": "YYYY-MM-DD", "structures": [{"id", "smiles"}]}``, or ``text/plain`` lines
``SMILES[<whitespace>ID]`` as ``fews classify`` reads them (blank and ``#`` lines skipped; the id
defaults to the 1-based line number; ``?as_of=`` gives the date). The decision is the legal
engine's, with the database's legal-status events as overlay.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import marshmallow as ma
from flask import request
from flask_smorest import Blueprint
from marshmallow import fields, validate

from intake.pipeline import london_today
from web.api.policy import requires
from web.api.problems import ApiProblem
from web.api.schemas import LegalDecisionSchema
from web.api.services import legal_engine
from web.api.spec import problem_response

__all__ = ["blp", "parse_lines", "MAX_STRUCTURES"]

blp = Blueprint("classify", __name__, url_prefix="/classify", description="Legal status of structures")

MAX_STRUCTURES = 5000  # per request (about 10 s of standardisation); larger sets: `fews classify` or `fews screen`


class StructureSchema(ma.Schema):
    id = fields.String(load_default=None, validate=validate.Length(max=200), allow_none=True)
    smiles = fields.String(required=True, validate=validate.Length(max=10000))


class ClassifyRequestSchema(ma.Schema):
    as_of = fields.Date(load_default=None, allow_none=True, metadata={"description": "default today (Europe/London)"})
    structures = fields.List(
        fields.Nested(StructureSchema), required=True, validate=validate.Length(max=MAX_STRUCTURES)
    )


class AsOfArgs(ma.Schema):
    class Meta:
        unknown = ma.EXCLUDE

    as_of = fields.Date(load_default=None, metadata={"description": "for text/plain bodies; default today"})


class ClassifyResponseSchema(ma.Schema):
    as_of = fields.Date()
    rule_set_version = fields.String()
    items = fields.List(fields.Nested(LegalDecisionSchema))


def parse_lines(text: str) -> list[tuple[str, str]]:
    """``fews classify`` input lines -> [(smiles, id)]; the id is the rest of the line, else the line number."""
    out = []
    for n, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        smiles, *rest = stripped.split(None, 1)
        out.append((smiles, rest[0].strip() if rest else str(n)))
    return out


def _structures(as_of_query: dt.date | None) -> tuple[dt.date, list[tuple[str, str]]]:
    if request.mimetype == "text/plain":
        text = request.get_data(as_text=True)
        pairs = parse_lines(text)
        if len(pairs) > MAX_STRUCTURES:
            raise ApiProblem(413, f"At most {MAX_STRUCTURES} structures per request, got {len(pairs)}.")
        return as_of_query or london_today(), pairs
    body = request.get_json(silent=True)
    if body is None:
        raise ApiProblem(415 if request.mimetype != "application/json" else 400, "Send JSON or text/plain lines.")
    try:
        data = ClassifyRequestSchema().load(body)
    except ma.ValidationError as exc:
        raise ApiProblem(422, "The request body is not valid; see errors.", errors=exc.messages) from None
    pairs = [(s["smiles"], s["id"] if s["id"] is not None else str(n)) for n, s in enumerate(data["structures"], 1)]
    return data["as_of"] or as_of_query or london_today(), pairs


_BODY_DOC = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {"schema": ClassifyRequestSchema},
            "text/plain": {
                "schema": {"type": "string", "description": "lines: SMILES [ID]"},
                "example": "CNC(C)C(=O)c1ccc(C)cc1 mephedrone\n",
            },
        },
    }
}


@blp.route("", methods=["POST"], tags=["classify"])
@requires(blp, "read_public", scope="read")
@blp.arguments(AsOfArgs, location="query")
@blp.doc(**_BODY_DOC)
@blp.response(200, ClassifyResponseSchema)
@problem_response(blp, 400, "Malformed JSON")
@problem_response(blp, 413, "Too many structures")
@problem_response(blp, 415, "Neither JSON nor text/plain")
@problem_response(blp, 422, "Invalid body")
def classify(args: dict[str, Any]) -> dict[str, Any]:
    """Decide the UK legal status of each structure (``fews classify`` records, in input order)."""
    day, pairs = _structures(args["as_of"])
    engine = legal_engine()
    return {
        "as_of": day,
        "rule_set_version": engine.rules.version,
        "items": [engine.classify(smiles, day, ident=ident) for smiles, ident in pairs],
    }
