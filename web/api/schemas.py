"""Marshmallow schemas shared by several resources: problems, list arguments, list envelopes."""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from marshmallow import fields, validate

__all__ = [
    "ProblemSchema",
    "ListArgs",
    "page_schema",
    "DEFAULT_LIMIT",
    "MAX_LIMIT",
    "SubstanceRefSchema",
    "LegalDecisionSchema",
    "NearMissSchema",
    "TimelineItemSchema",
]

DEFAULT_LIMIT = 50
MAX_LIMIT = 1000


class ProblemSchema(ma.Schema):
    """RFC 9457 problem details (``application/problem+json``)."""

    type = fields.String(metadata={"description": "problem type URI (about:blank)"})
    title = fields.String(metadata={"description": "short summary of the problem (the HTTP reason)"})
    status = fields.Integer(metadata={"description": "HTTP status code"})
    detail = fields.String(metadata={"description": "what went wrong, for people"})
    errors = fields.Dict(metadata={"description": "field -> messages, for invalid parameters or bodies"})


class ListArgs(ma.Schema):
    """``?limit=`` and ``?cursor=`` of every list."""

    class Meta:
        unknown = ma.EXCLUDE

    limit = fields.Integer(
        load_default=DEFAULT_LIMIT,
        validate=validate.Range(min=1, max=MAX_LIMIT),
        metadata={"description": f"page size (default {DEFAULT_LIMIT}, at most {MAX_LIMIT})"},
    )
    cursor = fields.String(
        load_default=None,
        validate=validate.Length(max=200),
        metadata={"description": "opaque cursor: the `next` of the previous page"},
    )


class SubstanceRefSchema(ma.Schema):
    id = fields.String(metadata={"description": "S<n>"})
    name = fields.String(allow_none=True)
    inchikey = fields.String(allow_none=True)


_PAGES: dict[str, type[ma.Schema]] = {}


def page_schema(item: type[ma.Schema]) -> type[ma.Schema]:
    """The ``{"items": [...], "next": cursor|null}`` envelope around ``item`` (one class per item schema)."""
    name = item.__name__.removesuffix("Schema") + "PageSchema"
    if name not in _PAGES:
        attrs: dict[str, Any] = {
            "items": fields.List(fields.Nested(item), required=True),
            "next": fields.String(
                allow_none=True, required=True, metadata={"description": "cursor of the next page, or null"}
            ),
        }
        _PAGES[name] = type(name, (ma.Schema,), attrs)
    return _PAGES[name]


class NearMissSchema(ma.Schema):
    rule = fields.String()
    instrument = fields.String(allow_none=True)
    blocking_modification = fields.String(allow_none=True)
    explanation = fields.String(allow_none=True)


class LegalDecisionSchema(ma.Schema):
    """One ``fews classify`` record (DESIGN.md §6)."""

    id = fields.String(metadata={"description": "the caller's id, else the 1-based position"})
    smiles = fields.String(metadata={"description": "canonical standardised parent (stereo kept)"})
    inchikey = fields.String(allow_none=True)
    status = fields.String(
        metadata={"description": "A, B, C, TCDO, PSA, exempt, not_controlled or invalid"},
    )
    basis = fields.String(metadata={"description": "named, generic, ester_ether, tcdo, psa, exempt or none"})
    rule = fields.String(allow_none=True)
    instrument = fields.String(allow_none=True)
    in_force = fields.String(allow_none=True, metadata={"description": "ISO date the deciding rule came into force"})
    in_force_to = fields.String(allow_none=True)
    offence_scope = fields.List(fields.String())
    matched_atoms = fields.List(fields.Integer())
    explanation = fields.String()
    near_misses = fields.List(fields.Nested(NearMissSchema))
    confidence = fields.String(allow_none=True, metadata={"description": "weakest of V/P/M/I/U among the facts used"})
    caveats = fields.List(fields.String())
    rule_set_version = fields.String()
    event_ids = fields.List(fields.Integer())


class TimelineItemSchema(ma.Schema):
    from_ = fields.String(data_key="from", attribute="from", metadata={"description": "ISO date the status starts"})
    status = fields.String()
    basis = fields.String()
    rule = fields.String(allow_none=True)
    instrument = fields.String(allow_none=True)
