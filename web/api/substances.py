"""``/api/v1/substances``: identity, names, legal status now and over time, family, first detections."""

from __future__ import annotations

import datetime as dt
from typing import Any

import marshmallow as ma
from flask_smorest import Blueprint
from marshmallow import fields
from sqlalchemy import func, select

from fews.models import Component, Family, Sample, Substance, SubstanceLegalStatus
from intake.pipeline import london_today
from web import legal_cache
from web.api.lookup import public_pk, substance_or_404
from web.api.pagination import keyset_page
from web.api.policy import requires
from web.api.schemas import LegalDecisionSchema, ListArgs, TimelineItemSchema, page_schema
from web.database import db

__all__ = ["blp", "substance_summary"]

blp = Blueprint("substances", __name__, url_prefix="/substances", description="Substances and their UK legal status")


class StoredStatusSchema(ma.Schema):
    status = fields.String()
    basis = fields.String()
    rule = fields.String(allow_none=True)
    as_of = fields.Date(metadata={"description": "date of the stored decision (re-decided nightly)"})


class SubstanceSchema(ma.Schema):
    id = fields.String(metadata={"description": "S<n>"})
    name = fields.String(allow_none=True)
    smiles = fields.String()
    inchikey = fields.String()
    inchikey_nostereo = fields.String()
    formula = fields.String()
    exact_mass = fields.Float()
    family = fields.String(allow_none=True, metadata={"description": "F<n>"})
    first_uk_detection = fields.Date(allow_none=True)
    first_uk_detection_level = fields.String(allow_none=True)
    legal_status = fields.Nested(StoredStatusSchema, allow_none=True)


class NameSchema(ma.Schema):
    name = fields.String()
    kind = fields.String()
    source = fields.String(allow_none=True)


class FirstDetectionSchema(ma.Schema):
    context = fields.String(allow_none=True, metadata={"description": "seizure context, or null for unknown"})
    date = fields.Date()
    samples = fields.Integer(metadata={"description": "current samples with this substance in the context"})


class LegalSchema(ma.Schema):
    as_of = fields.Date()
    now = fields.Nested(LegalDecisionSchema)
    timeline = fields.List(fields.Nested(TimelineItemSchema))


class SubstanceDetailSchema(SubstanceSchema):
    names = fields.List(fields.Nested(NameSchema))
    family_name = fields.String(allow_none=True)
    legal = fields.Nested(LegalSchema)
    first_detections = fields.List(fields.Nested(FirstDetectionSchema))


class SubstanceListArgs(ListArgs):
    family = fields.String(load_default=None, metadata={"description": "only members of this family (F<n>)"})


class SubstanceShowArgs(ma.Schema):
    class Meta:
        unknown = ma.EXCLUDE

    as_of = fields.Date(load_default=None, metadata={"description": "date of the legal decision (default today)"})


def substance_summary(sub: Substance, stored: SubstanceLegalStatus | None) -> dict[str, Any]:
    return {
        "id": sub.public_id,
        "name": sub.preferred_name,
        "smiles": sub.smiles,
        "inchikey": sub.inchikey,
        "inchikey_nostereo": sub.inchikey_nostereo,
        "formula": sub.formula,
        "exact_mass": round(sub.exact_mass, 4),
        "family": f"F{sub.family_id}" if sub.family_id else None,
        "first_uk_detection": sub.first_uk_detection_date,
        "first_uk_detection_level": sub.first_uk_detection_level,
        "legal_status": None
        if stored is None
        else {"status": stored.status, "basis": stored.basis, "rule": stored.rule_id, "as_of": stored.as_of},
    }


def _stored(ids: list[int]) -> dict[int, SubstanceLegalStatus]:
    if not ids:
        return {}
    rows = db().scalars(select(SubstanceLegalStatus).where(SubstanceLegalStatus.substance_id.in_(ids)))
    return {r.substance_id: r for r in rows}


@blp.route("", tags=["substances"])
@requires(blp, "read_public", scope="read")
@blp.arguments(SubstanceListArgs, location="query")
@blp.response(200, page_schema(SubstanceSchema))
def list_substances(args: dict[str, Any]) -> dict[str, Any]:
    """Substances in id order, with the stored legal decision."""
    stmt = select(Substance)
    if args["family"] is not None:
        stmt = stmt.where(Substance.family_id == (public_pk(args["family"], "F") or -1))
    rows, nxt = keyset_page(db(), stmt, Substance.id, limit=args["limit"], cursor=args["cursor"])
    stored = _stored([r.id for r in rows])
    return {"items": [substance_summary(r, stored.get(r.id)) for r in rows], "next": nxt}


def _first_detections(substance_id: int) -> list[dict[str, Any]]:
    stmt = (
        select(Sample.seizure_context, func.min(Sample.seizure_date), func.count(func.distinct(Sample.id)))
        .join(Component, Component.sample_pk == Sample.id)
        .where(Component.substance_id == substance_id, Sample.is_current.is_(True))
        .group_by(Sample.seizure_context)
        .order_by(func.min(Sample.seizure_date))
    )
    return [{"context": c, "date": d, "samples": n} for c, d, n in db().execute(stmt)]


@blp.route("/<ident>", tags=["substances"])
@requires(blp, "read_public", scope="read")
@blp.arguments(SubstanceShowArgs, location="query")
@blp.response(200, SubstanceDetailSchema)
def show_substance(args: dict[str, Any], ident: str) -> dict[str, Any]:
    """One substance by S<n> or InChIKey: names, legal status now and its timeline, family, first detections."""
    s = db()
    sub = substance_or_404(s, ident)
    day: dt.date = args["as_of"] or london_today()
    family = s.get(Family, sub.family_id) if sub.family_id else None
    rec = substance_summary(sub, _stored([sub.id]).get(sub.id))
    rec |= {
        "names": [{"name": n.name, "kind": n.kind, "source": n.source} for n in sub.names],
        "family_name": family.name if family is not None else None,
        "legal": {
            "as_of": day,
            # the pages' per-engine cache: a timeline runs the rules at every change date (~1 s)
            "now": legal_cache.decision(sub.smiles, day, ident=sub.public_id),
            "timeline": legal_cache.timeline(sub.smiles, day),
        },
        "first_detections": _first_detections(sub.id),
    }
    return rec
