"""Subscription feeds (DESIGN.md §7): ``/feeds/<feed-token>.atom``, ``.json`` and ``.cap.xml``.

The feed token in the URL is the credential (each subscription has its own, shown once, stored
hashed, revocable); it is never logged. Responses carry an ETag and answer ``If-None-Match`` with
304. Unknown or revoked tokens get a problem+json 404, the same for both, so a revoked token
reveals nothing.
"""

from __future__ import annotations

from flask import Blueprint, Response, current_app, jsonify, request

from alerts.feeds import render_feed
from alerts.settings import DeliverySettings
from alerts.subscriptions import find_by_feed_token
from web.database import db

bp = Blueprint("feeds", __name__)

__all__ = ["bp"]


def _not_found() -> Response:
    resp = jsonify(
        {"type": "about:blank", "title": "Not Found", "status": 404, "detail": "unknown or revoked feed token"}
    )
    resp.status_code = 404
    resp.mimetype = "application/problem+json"
    resp.headers["Cache-Control"] = "no-store"
    return resp


def _serve(token: str, kind: str) -> Response:
    session = db()
    sub = find_by_feed_token(session, token)
    if sub is None:
        return _not_found()
    config = current_app.config["FEWS"]
    feed = render_feed(
        session, sub, kind, marking=config.security_marking, sender=DeliverySettings.from_config(config).cap_sender
    )
    headers = {
        "ETag": feed.etag,
        "Cache-Control": "private, no-cache",
        "X-Robots-Tag": "noindex",
        "X-Security-Marking": config.security_marking,
    }
    if feed.etag in request.if_none_match or request.if_none_match.contains_weak(feed.etag.strip('"')):
        return Response(status=304, headers=headers)
    return Response(feed.body, status=200, content_type=feed.content_type, headers=headers)


@bp.route("/feeds/<token>.atom")
def atom(token: str) -> Response:
    return _serve(token, "atom")


@bp.route("/feeds/<token>.json")
def json_feed(token: str) -> Response:
    return _serve(token, "json")


@bp.route("/feeds/<token>.cap.xml")
def cap(token: str) -> Response:
    return _serve(token, "cap")
