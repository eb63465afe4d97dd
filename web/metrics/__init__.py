"""``/metrics`` in Prometheus text format (DESIGN.md §11), for an admin or a scrape token.

Two sources, so the figures are right however many processes serve the app:

- **From the database, read at scrape time** (:mod:`web.metrics.database`): intake batches and
  rows by kind and outcome, detection signals and evaluated weeks, alert deliveries by channel and
  status, scheduled job runs and the last success of each job. Every web process gives the same
  answer, so scraping any one of them is enough.
- **Requests, counted in the process** (:mod:`web.metrics.requests`): requests by method, route and
  status, and their latency. With several worker processes (gunicorn) set ``PROMETHEUS_MULTIPROC_DIR``
  to an empty directory shared by the workers; prometheus-client then sums the workers' files.

Access: a signed-in user with ``read_metrics`` (admin), or ``Authorization: Bearer <token>`` where
the token equals ``FEWS_METRICS_TOKEN`` (compared in constant time, never logged). Without either
the answer is 401; a signed-in user without the permission gets 403.
"""

from __future__ import annotations

import hmac
import os

from flask import Blueprint, Flask, Response, current_app, request
from flask_login import current_user
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest

from fews.access import allowed
from web.metrics.database import DatabaseCollector
from web.metrics.requests import RequestMetrics

__all__ = ["bp", "init_app", "METRICS_TOKEN_KEY"]

bp = Blueprint("metrics", __name__)

METRICS_TOKEN_KEY = "FEWS_METRICS_TOKEN"
_REQUESTS_KEY = "fews_request_metrics"


def init_app(app: Flask) -> None:
    """Register ``/metrics`` and the request counters on ``app``."""
    app.config.setdefault(METRICS_TOKEN_KEY, os.environ.get(METRICS_TOKEN_KEY) or None)
    metrics = RequestMetrics()
    metrics.install(app)
    app.extensions[_REQUESTS_KEY] = metrics
    app.register_blueprint(bp)


def _refusal() -> Response | None:
    """``None`` when the caller may read the metrics, else a plain-text 401/403 (scrapers read text)."""
    token = current_app.config.get(METRICS_TOKEN_KEY)
    scheme, _, raw = request.headers.get("Authorization", "").strip().partition(" ")
    if token and scheme.lower() == "bearer" and raw:
        if hmac.compare_digest(raw.strip().encode(), str(token).encode()):
            return None
    elif current_user.is_authenticated:
        if allowed(current_user.role, "read_metrics"):
            return None
        return Response("forbidden: /metrics needs the admin role\n", 403, mimetype="text/plain")
    return Response(
        "unauthorised: sign in as an admin or send 'Authorization: Bearer <FEWS_METRICS_TOKEN>'\n",
        401,
        mimetype="text/plain",
        headers={"WWW-Authenticate": 'Bearer realm="fews-metrics"'},
    )


@bp.route("/metrics")
def metrics() -> Response:
    refused = _refusal()
    if refused is not None:
        return refused
    registry = CollectorRegistry(auto_describe=False)
    registry.register(DatabaseCollector(current_app.extensions["fews_sessions"]))
    current_app.extensions[_REQUESTS_KEY].collect_into(registry)
    response = Response(generate_latest(registry), mimetype=CONTENT_TYPE_LATEST)
    response.headers["Cache-Control"] = "no-store"
    return response
