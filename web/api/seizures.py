"""``/api/v1/seizures``: seized samples and what was found in them.

Every role sees the substances found, the coarse place (nation, local area) and the ISO week
(DESIGN.md §4.2). Roles that may read case references (fews.access ``read_case_references``) see
the full record; the case reference itself only where ``can_read_case_reference`` allows (own lab,
own jurisdiction), and each response that shows one is audited. Enforcement subscribers see only
the seizures of their jurisdictions.
"""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from flask import current_app
from flask_smorest import Blueprint
from marshmallow import fields
from sqlalchemy import Select, select
from sqlalchemy.orm import selectinload

from fews.access import Principal, can_read_case_reference
from fews.models import Component, Sample, Substance
from web.api.auth import current_caller
from web.api.lookup import not_found, public_pk
from web.api.pagination import MAX_KEY, keyset_page
from web.api.policy import requires, sees_case_level_seizures, seizure_jurisdictions
from web.api.schemas import ListArgs, page_schema
from web.api.services import audit_case_read
from web.database import db

__all__ = ["blp", "seizure_record"]

blp = Blueprint("seizures", __name__, url_prefix="/seizures", description="Seized samples and their components")


class ComponentSchema(ma.Schema):
    substance = fields.String(allow_none=True, metadata={"description": "S<n>, or null when unidentified"})
    substance_name = fields.String(allow_none=True)
    name_reported = fields.String(allow_none=True)
    role = fields.String(allow_none=True)
    identification_level = fields.String(allow_none=True)
    purity = fields.Float(allow_none=True)
    quantity = fields.String(allow_none=True, metadata={"description": "case-level roles only"})
    method = fields.String(allow_none=True, metadata={"description": "case-level roles only"})


class SeizureSchema(ma.Schema):
    id = fields.Integer()
    seizure_week = fields.String(metadata={"description": "ISO week of the seizure, e.g. 2021-W09"})
    jurisdiction = fields.String()
    local_area = fields.String(allow_none=True)
    seizure_context = fields.String(allow_none=True)
    product_form = fields.String(allow_none=True)
    product_as_sold = fields.String(allow_none=True)
    sold_as_mismatch = fields.Boolean(allow_none=True)
    security_marking = fields.String()
    components = fields.List(fields.Nested(ComponentSchema))
    # the fields below only for roles with read_case_references
    sample_id = fields.String(metadata={"description": "case-level roles only"})
    provider = fields.String(metadata={"description": "case-level roles only"})
    version = fields.Integer(metadata={"description": "case-level roles only"})
    submitting_agency = fields.String(metadata={"description": "case-level roles only"})
    seizure_date = fields.Date(metadata={"description": "case-level roles only"})
    received_date = fields.Date(allow_none=True, metadata={"description": "case-level roles only"})
    local_area_code = fields.String(allow_none=True, metadata={"description": "case-level roles only"})
    origin_country = fields.String(allow_none=True, metadata={"description": "case-level roles only"})
    case_reference = fields.String(
        allow_none=True, metadata={"description": "own lab (forensic chemists) or own jurisdiction (enforcement)"}
    )


class SeizureListArgs(ListArgs):
    substance = fields.String(load_default=None, metadata={"description": "only samples containing S<n>"})
    jurisdiction = fields.String(load_default=None, metadata={"description": "nation code, e.g. england"})
    context = fields.String(load_default=None, metadata={"description": "seizure context, e.g. border_postal"})


def _visible(principal: Principal) -> Select[Any]:
    stmt = select(Sample).where(Sample.is_current.is_(True)).options(selectinload(Sample.components))
    scope = seizure_jurisdictions(principal, current_app.config["FEWS"].enforcement_jurisdictions)
    if scope is not None:
        stmt = stmt.where(Sample.jurisdiction.in_(scope))
    return stmt


def seizure_record(sample: Sample, principal: Principal, names: dict[int, str | None]) -> dict[str, Any]:
    """The sample as ``principal`` may see it (coarse for most roles, full for case-level roles)."""
    year, week, _ = sample.seizure_date.isocalendar()
    full = sees_case_level_seizures(principal)
    comps = []
    for c in sample.components:
        comp: dict[str, Any] = {
            "substance": f"S{c.substance_id}" if c.substance_id else None,
            "substance_name": names.get(c.substance_id) if c.substance_id else None,
            "name_reported": c.name_reported,
            "role": c.role,
            "identification_level": c.identification_level,
            "purity": c.purity,
        }
        if full:
            comp |= {"quantity": c.quantity, "method": c.method}
        comps.append(comp)
    rec: dict[str, Any] = {
        "id": sample.id,
        "seizure_week": f"{year}-W{week:02d}",
        "jurisdiction": sample.jurisdiction,
        "local_area": sample.local_area,
        "seizure_context": sample.seizure_context,
        "product_form": sample.product_form,
        "product_as_sold": sample.product_as_sold,
        "sold_as_mismatch": sample.sold_as_mismatch,
        "security_marking": sample.security_marking,
        "components": comps,
    }
    if full:
        rec |= {
            "sample_id": sample.sample_id,
            "provider": sample.provider,
            "version": sample.version,
            "submitting_agency": sample.submitting_agency,
            "seizure_date": sample.seizure_date,
            "received_date": sample.received_date,
            "local_area_code": sample.local_area_code,
            "origin_country": sample.origin_country,
        }
    if can_read_case_reference(principal, provider=sample.provider, jurisdiction=sample.jurisdiction):
        rec["case_reference"] = sample.case_reference
    return rec


def _names(samples: list[Sample]) -> dict[int, str | None]:
    ids = {c.substance_id for s in samples for c in s.components if c.substance_id}
    if not ids:
        return {}
    return dict(db().execute(select(Substance.id, Substance.preferred_name).where(Substance.id.in_(ids))).all())


def _records(samples: list[Sample]) -> list[dict[str, Any]]:
    caller = current_caller()
    names = _names(samples)
    out = [seizure_record(s, caller.principal, names) for s in samples]
    shown = [r["id"] for r in out if r.get("case_reference")]
    audit_case_read(caller, object_type="sample", ids=shown, action="api.read.case_reference")
    return out


@blp.route("", tags=["seizures"])
@requires(blp, "read_public", scope="read")
@blp.arguments(SeizureListArgs, location="query")
@blp.response(200, page_schema(SeizureSchema))
def list_seizures(args: dict[str, Any]) -> dict[str, Any]:
    """Current versions of seized samples in id order, as the caller's role may see them."""
    stmt = _visible(current_caller().principal)
    if args["substance"] is not None:
        sid = public_pk(args["substance"], "S") or -1
        stmt = stmt.where(Sample.id.in_(select(Component.sample_pk).where(Component.substance_id == sid)))
    if args["jurisdiction"] is not None:
        stmt = stmt.where(Sample.jurisdiction == args["jurisdiction"])
    if args["context"] is not None:
        stmt = stmt.where(Sample.seizure_context == args["context"])
    rows, nxt = keyset_page(db(), stmt, Sample.id, limit=args["limit"], cursor=args["cursor"])
    return {"items": _records(list(rows)), "next": nxt}


@blp.route("/<int:seizure_id>", tags=["seizures"])
@requires(blp, "read_public", scope="read")
@blp.response(200, SeizureSchema)
def show_seizure(seizure_id: int) -> dict[str, Any]:
    """One sample (current or earlier version) by id; 404 when outside the caller's jurisdictions."""
    if not 0 < seizure_id <= MAX_KEY:
        raise not_found("seizure", seizure_id)
    sample = db().scalar(select(Sample).where(Sample.id == seizure_id).options(selectinload(Sample.components)))
    scope = seizure_jurisdictions(current_caller().principal, current_app.config["FEWS"].enforcement_jurisdictions)
    if sample is None or (scope is not None and sample.jurisdiction not in scope):
        raise not_found("seizure", seizure_id)
    return _records([sample])[0]
