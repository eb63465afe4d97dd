"""``/api/v1/subscriptions``: the caller's own alert subscriptions (issue #8 item 5, issue #7 item 3).

Every role receives some audience product (``alerts/data/audiences.yaml``), so every role may
subscribe. A created subscription answers once with its feed token (and webhook secret) and the feed
URLs; afterwards only the token's prefix is shown. Revoking cancels queued deliveries. Writes are
audited by :mod:`alerts.subscriptions`.
"""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from flask import current_app
from flask_smorest import Blueprint
from marshmallow import fields, validate
from sqlalchemy import select

from alerts.settings import DeliverySettings
from alerts.subscriptions import (
    CHANNELS,
    SubscriptionError,
    create_subscription,
    revoke_subscription,
    subscription_record,
)
from fews.models import Subscription, User
from web.api.auth import current_caller
from web.api.pagination import keyset_page
from web.api.policy import requires
from web.api.problems import ApiProblem
from web.api.schemas import ListArgs, page_schema
from web.database import db, write_session

__all__ = ["blp"]

blp = Blueprint("subscriptions", __name__, url_prefix="/subscriptions", description="Alert subscriptions")


class SubscriptionSchema(ma.Schema):
    id = fields.Integer()
    name = fields.String()
    channel = fields.String(metadata={"description": "feed, email or webhook"})
    audience = fields.String(allow_none=True)
    target = fields.String(allow_none=True, metadata={"description": "e-mail address or webhook URL"})
    filters = fields.Dict(keys=fields.String(), values=fields.List(fields.String()))
    token_prefix = fields.String(allow_none=True)
    created_at = fields.DateTime()
    revoked_at = fields.DateTime(allow_none=True)
    status = fields.String()


class CreatedSubscriptionSchema(SubscriptionSchema):
    feed_token = fields.String(metadata={"description": "shown only now; only its hash is kept"})
    webhook_secret = fields.String(allow_none=True, metadata={"description": "HMAC key, shown only now"})
    feeds = fields.Dict(keys=fields.String(), values=fields.String())


class NewSubscriptionSchema(ma.Schema):
    class Meta:
        unknown = ma.RAISE

    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    channel = fields.String(required=True, validate=validate.OneOf(CHANNELS))
    target = fields.String(load_default=None, validate=validate.Length(max=500))
    audience = fields.String(load_default=None, validate=validate.Length(max=30))
    filters = fields.Dict(
        keys=fields.String(), values=fields.Raw(), load_default=dict, metadata={"description": "see DESIGN.md §7"}
    )


class SubscriptionListArgs(ListArgs):
    status = fields.String(load_default=None, validate=validate.OneOf(("active", "revoked")))


def _record(sub: Subscription) -> dict[str, Any]:
    rec = subscription_record(sub)
    rec.pop("user", None)
    return rec


@blp.route("", methods=["GET"], tags=["subscriptions"])
@requires(blp, "read_public", scope="read")
@blp.arguments(SubscriptionListArgs, location="query")
@blp.response(200, page_schema(SubscriptionSchema))
def list_subscriptions(args: dict[str, Any]) -> dict[str, Any]:
    """The caller's subscriptions, newest first."""
    stmt = select(Subscription).where(Subscription.user_id == current_caller().user_id)
    if args["status"] == "active":
        stmt = stmt.where(Subscription.revoked_at.is_(None))
    elif args["status"] == "revoked":
        stmt = stmt.where(Subscription.revoked_at.is_not(None))
    rows, nxt = keyset_page(db(), stmt, Subscription.id, limit=args["limit"], cursor=args["cursor"], descending=True)
    return {"items": [_record(r) for r in rows], "next": nxt}


@blp.route("", methods=["POST"], tags=["subscriptions"])
@requires(blp, "read_public", scope="submit")
@blp.arguments(NewSubscriptionSchema)
@blp.response(201, CreatedSubscriptionSchema)
def create(args: dict[str, Any]) -> dict[str, Any]:
    """Subscribe to alerts by feed, e-mail or webhook; the feed token and webhook secret are shown once."""
    caller = current_caller()
    with write_session() as s:
        user = s.get(User, caller.user_id)
        if user is None:
            raise ApiProblem(404, "No such user.")
        try:
            created = create_subscription(
                s,
                user,
                name=args["name"],
                channel=args["channel"],
                target=args["target"],
                filters=args["filters"],
                audience=args["audience"],
                actor=caller.principal.username,
                via="api",
            )
        except SubscriptionError as exc:
            raise ApiProblem(422, str(exc)) from None
        rec = _record(created.subscription)
    base = DeliverySettings.from_config(current_app.config["FEWS"]).public_url
    rec["feed_token"] = created.feed_token
    rec["webhook_secret"] = created.webhook_secret
    rec["feeds"] = {
        kind: f"{base}/feeds/{created.feed_token}.{ext}"
        for kind, ext in (("atom", "atom"), ("json", "json"), ("cap", "cap.xml"))
    }
    return rec


@blp.route("/<int:subscription_id>", methods=["DELETE"], tags=["subscriptions"])
@requires(blp, "read_public", scope="submit")
@blp.response(200, SubscriptionSchema)
def revoke(subscription_id: int) -> dict[str, Any]:
    """Revoke one of the caller's subscriptions (its feed token stops working; queued deliveries cancel)."""
    caller = current_caller()
    with write_session() as s:
        sub = s.get(Subscription, subscription_id)
        if sub is None or sub.user_id != caller.user_id:
            raise ApiProblem(404, f"No subscription {subscription_id} of yours.")
        try:
            revoke_subscription(s, sub, actor=caller.principal.username, via="api")
        except SubscriptionError as exc:
            raise ApiProblem(409, str(exc)) from None
        return _record(sub)
