"""``/api/v1/families``: substance families found by detection, with their members."""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from flask_smorest import Blueprint
from marshmallow import fields
from sqlalchemy import func, select

from fews.models import Family, Substance
from web.api.lookup import get_or_404, public_pk
from web.api.pagination import keyset_page
from web.api.policy import requires
from web.api.schemas import ListArgs, page_schema
from web.database import db

__all__ = ["blp"]

blp = Blueprint("families", __name__, url_prefix="/families", description="Families of related substances")


class FamilySchema(ma.Schema):
    id = fields.String(metadata={"description": "F<n>"})
    name = fields.String()
    method = fields.String(metadata={"description": "legal_generic, scaffold, cluster or manual"})
    first_seen = fields.Date(allow_none=True)
    core_smarts = fields.String(allow_none=True)
    members = fields.Integer(metadata={"description": "number of member substances"})


class MemberSchema(ma.Schema):
    id = fields.String()
    name = fields.String(allow_none=True)
    inchikey = fields.String()
    smiles = fields.String()
    first_uk_detection = fields.Date(allow_none=True)


class FamilyDetailSchema(FamilySchema):
    basis = fields.Dict(metadata={"description": "how the family was formed (rule, scaffold, cluster parameters)"})
    member_substances = fields.List(fields.Nested(MemberSchema))


def _summary(f: Family, members: int) -> dict[str, Any]:
    return {
        "id": f.public_id,
        "name": f.name,
        "method": f.method,
        "first_seen": f.first_seen,
        "core_smarts": f.core_smarts,
        "members": members,
    }


@blp.route("", tags=["families"])
@requires(blp, "read_public", scope="read")
@blp.arguments(ListArgs, location="query")
@blp.response(200, page_schema(FamilySchema))
def list_families(args: dict[str, Any]) -> dict[str, Any]:
    """Families in id order with their member counts."""
    s = db()
    rows, nxt = keyset_page(s, select(Family), Family.id, limit=args["limit"], cursor=args["cursor"])
    counts: dict[int, int] = {}
    if rows:
        stmt = (
            select(Substance.family_id, func.count())
            .where(Substance.family_id.in_([f.id for f in rows]))
            .group_by(Substance.family_id)
        )
        counts = {int(fid): int(n) for fid, n in s.execute(stmt) if fid is not None}
    return {"items": [_summary(f, counts.get(f.id, 0)) for f in rows], "next": nxt}


@blp.route("/<ident>", tags=["families"])
@requires(blp, "read_public", scope="read")
@blp.response(200, FamilyDetailSchema)
def show_family(ident: str) -> dict[str, Any]:
    """One family (F<n>) with its members."""
    s = db()
    fam = get_or_404(s, Family, public_pk(ident, "F"), "family")
    members = s.scalars(select(Substance).where(Substance.family_id == fam.id).order_by(Substance.id)).all()
    return _summary(fam, len(members)) | {
        "basis": fam.basis or {},
        "member_substances": [
            {
                "id": m.public_id,
                "name": m.preferred_name,
                "inchikey": m.inchikey,
                "smiles": m.smiles,
                "first_uk_detection": m.first_uk_detection_date,
            }
            for m in members
        ],
    }
