"""``/api/v1/harm-reports``: case-level RIDR-style reports, for clinical roles only (DESIGN.md §4.1).

clinical_network_reviewer and public_health_analyst read every report; a clinical_reporter reads
their own; every other role gets 403 (aggregates are on substance and signal pages). Every response
that shows reports is audited.
"""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from flask_smorest import Blueprint
from marshmallow import fields
from sqlalchemy import Select, select
from sqlalchemy.orm import selectinload

from fews.access import Principal, allowed, can_read_harm_report
from fews.models import HarmReport, User
from web.api.auth import Caller, current_caller
from web.api.lookup import not_found
from web.api.pagination import MAX_KEY, keyset_page
from web.api.policy import requires
from web.api.schemas import ListArgs, page_schema
from web.api.services import audit_case_read
from web.database import db

__all__ = ["blp"]

blp = Blueprint("harm_reports", __name__, url_prefix="/harm-reports", description="Adverse-reaction reports (clinical)")


class SuspectedSubstanceSchema(ma.Schema):
    name_reported = fields.String()
    substance = fields.String(allow_none=True, metadata={"description": "S<n> when the name maps to a structure"})
    resolution = fields.String(metadata={"description": "structure, synonym, opsin, class, family or unidentified"})
    resolution_label = fields.String(allow_none=True)


class HarmReportSchema(ma.Schema):
    id = fields.Integer()
    report_id = fields.String()
    provider = fields.String()
    version = fields.Integer()
    reporter = fields.String(allow_none=True, metadata={"description": "username of the reporting clinician"})
    reporter_role = fields.String(allow_none=True)
    care_setting = fields.String(allow_none=True)
    event_date = fields.Date()
    reported_date = fields.Date(allow_none=True)
    region = fields.String(allow_none=True)
    jurisdiction = fields.String()
    severity = fields.String(allow_none=True)
    effects = fields.List(fields.String())
    vulnerable_group = fields.String(allow_none=True)
    toxicology_status = fields.String(allow_none=True)
    free_text = fields.String(allow_none=True, metadata={"description": "clinical free text"})
    sample_ref = fields.String(allow_none=True)
    security_marking = fields.String()
    substances = fields.List(fields.Nested(SuspectedSubstanceSchema))


def _visible(caller: Caller) -> Select[Any]:
    stmt = select(HarmReport).where(HarmReport.is_current.is_(True)).options(selectinload(HarmReport.substances))
    if not allowed(caller.principal.role, "read_harm_reports"):  # own reports only (read_own_harm_reports)
        stmt = stmt.where(HarmReport.reporter_user_id == caller.user_id)
    return stmt


def _record(r: HarmReport, reporter: str | None) -> dict[str, Any]:
    return {
        "id": r.id,
        "report_id": r.report_id,
        "provider": r.provider,
        "version": r.version,
        "reporter": reporter,
        "reporter_role": r.reporter_role,
        "care_setting": r.care_setting,
        "event_date": r.event_date,
        "reported_date": r.reported_date,
        "region": r.region,
        "jurisdiction": r.jurisdiction,
        "severity": r.severity,
        "effects": [str(e) for e in r.effects or ()],
        "vulnerable_group": r.vulnerable_group,
        "toxicology_status": r.toxicology_status,
        "free_text": r.free_text,
        "sample_ref": r.sample_ref,
        "security_marking": r.security_marking,
        "substances": [
            {
                "name_reported": x.name_reported,
                "substance": f"S{x.substance_id}" if x.substance_id else None,
                "resolution": x.resolution,
                "resolution_label": x.resolution_label,
            }
            for x in r.substances
        ],
    }


def _records(reports: list[HarmReport], principal: Principal) -> list[dict[str, Any]]:
    caller = current_caller()
    ids = {r.reporter_user_id for r in reports if r.reporter_user_id}
    users = dict(db().execute(select(User.id, User.username).where(User.id.in_(ids))).all()) if ids else {}
    out = []
    for r in reports:
        reporter = users.get(r.reporter_user_id) if r.reporter_user_id else None
        if can_read_harm_report(principal, reporter_username=reporter):  # the record-level rule, checked per row
            out.append(_record(r, reporter))
    audit_case_read(caller, object_type="harm_report", ids=[r["id"] for r in out], action="api.read.harm_report")
    return out


@blp.route("", tags=["harm-reports"])
@requires(blp, "read_harm_reports", "read_own_harm_reports", scope="read")
@blp.arguments(ListArgs, location="query")
@blp.response(200, page_schema(HarmReportSchema))
def list_harm_reports(args: dict[str, Any]) -> dict[str, Any]:
    """Current versions of the reports the caller may read, in id order (audited)."""
    caller = current_caller()
    rows, nxt = keyset_page(db(), _visible(caller), HarmReport.id, limit=args["limit"], cursor=args["cursor"])
    return {"items": _records(list(rows), caller.principal), "next": nxt}


@blp.route("/<int:report_id>", tags=["harm-reports"])
@requires(blp, "read_harm_reports", "read_own_harm_reports", scope="read")
@blp.response(200, HarmReportSchema)
def show_harm_report(report_id: int) -> dict[str, Any]:
    """One report by id (audited); 404 when it does not exist or is not the caller's to read."""
    caller = current_caller()
    if not 0 < report_id <= MAX_KEY:
        raise not_found("harm report", report_id)
    stmt = select(HarmReport).where(HarmReport.id == report_id).options(selectinload(HarmReport.substances))
    if not allowed(caller.principal.role, "read_harm_reports"):
        stmt = stmt.where(HarmReport.reporter_user_id == caller.user_id)
    report = db().scalar(stmt)
    records = _records([report], caller.principal) if report is not None else []
    if not records:
        raise not_found("harm report", report_id)
    return records[0]
