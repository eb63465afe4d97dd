"""``/api/v1/alerts``: each role sees the published product of its own audiences (rendered by
``alerts.products.render_product``, with the harm-count suppression and allow-lists of that audience),
and unpublished versions only where it may agree or issue the alert. Reads the alert tables only:
the workflow that writes them lives in ``alerts/``.
"""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from flask_smorest import Blueprint
from marshmallow import fields, validate
from sqlalchemy import or_, select

from alerts.document import alert_document
from alerts.products import render_product
from fews.models import Alert
from web.api.auth import current_caller
from web.api.lookup import not_found
from web.api.pagination import MAX_KEY, keyset_filtered_page
from web.api.policy import PUBLISHED, alert_view, requires
from web.api.schemas import ListArgs, page_schema
from web.api.spec import problem_response
from web.database import db

__all__ = ["blp"]

blp = Blueprint("alerts", __name__, url_prefix="/alerts", description="Alerts for the caller's audiences")

ALERT_STATUSES = ("draft", "agreed", "issued", "withdrawn")


class AlertSchema(ma.Schema):
    id = fields.Integer()
    type = fields.String()
    status = fields.String(metadata={"description": "draft, agreed, issued or withdrawn"})
    level = fields.String(metadata={"description": "info, warning or urgent"})
    lead_audience = fields.String()
    view = fields.String(metadata={"description": "product (published, for the caller's audience) or review"})
    audience = fields.String(metadata={"description": "the audience whose product is shown"})
    version = fields.Integer(metadata={"description": "the version shown (the issued one for products)"})
    product = fields.Dict(
        metadata={"description": "the alert as that audience receives it (alerts/data/products.yaml)"}
    )


class AlertListArgs(ListArgs):
    status = fields.String(load_default=None, validate=validate.OneOf(ALERT_STATUSES))


def _candidates() -> Any:
    return select(Alert).where(or_(Alert.issued_version.is_not(None), Alert.status.in_(("draft", "agreed"))))


def _record(alert: Alert, role: str) -> dict[str, Any]:
    view = alert_view(role, alert)
    if view is None:  # callers filter first; this is the last guard
        raise not_found("alert", alert.id)
    kind, audience = view
    version = alert.issued_version if kind == PUBLISHED and alert.issued_version else alert.current_version
    product = render_product(alert_document(db(), alert, version), audience)
    return {
        "id": alert.id,
        "type": alert.type,
        "status": alert.status,
        "level": alert.level,
        "lead_audience": alert.audience,
        "view": kind,
        "audience": audience,
        "version": version,
        "product": product,
    }


@blp.route("", tags=["alerts"])
@requires(blp, "read_public", scope="read")
@blp.arguments(AlertListArgs, location="query")
@blp.response(200, page_schema(AlertSchema))
@problem_response(blp, 400, "The cursor is not one this API returned")
def list_alerts(args: dict[str, Any]) -> dict[str, Any]:
    """Alerts the caller's role may see, newest first."""
    role = current_caller().principal.role
    stmt = _candidates()
    if args["status"] is not None:
        stmt = stmt.where(Alert.status == args["status"])
    rows, nxt = keyset_filtered_page(
        db(),
        stmt,
        Alert.id,
        limit=args["limit"],
        cursor=args["cursor"],
        keep=lambda a: alert_view(role, a) is not None,
        descending=True,
    )
    return {"items": [_record(a, role) for a in rows], "next": nxt}


@blp.route("/<int:alert_id>", tags=["alerts"])
@requires(blp, "read_public", scope="read")
@blp.response(200, AlertSchema)
@problem_response(blp, 404, "No such alert for the caller's audiences")
def show_alert(alert_id: int) -> dict[str, Any]:
    """One alert by id; 404 when it does not exist or is not for the caller's audiences."""
    role = current_caller().principal.role
    alert = db().get(Alert, alert_id) if 0 < alert_id <= MAX_KEY else None
    if alert is None or alert_view(role, alert) is None:
        raise not_found("alert", alert_id)
    return _record(alert, role)
