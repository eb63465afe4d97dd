"""FEWS web application: ``create_app(config=None)`` builds the Flask app (one blueprint per area).

Views stay thin: they check the permission table (``fews.access``), call service functions and
render templates. Each request gets one database session (``web.database``).
"""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from flask import Flask, g, request

from fews.config import Config, load_config
from fews.db import make_engine, make_session_factory

__all__ = ["create_app"]


def create_app(config: Config | None = None, *, overrides: dict[str, Any] | None = None) -> Flask:
    config = config or load_config()
    app = Flask(__name__, instance_path=str(config.instance_path), instance_relative_config=False)
    secret = config.secret_key if config.secret_key else (secrets.token_urlsafe(32) if config.testing else None)
    if not secret:
        config.require_secret_key()
    app.config.update(
        SECRET_KEY=secret,
        FEWS=config,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=config.extra.get("secure_cookies", "0") == "1",
        REMEMBER_COOKIE_HTTPONLY=True,
        PERMANENT_SESSION_LIFETIME=dt.timedelta(hours=8),
        MAX_CONTENT_LENGTH=64 * 1024 * 1024,
        WTF_CSRF_TIME_LIMIT=None,
        TESTING=config.testing,
    )
    if overrides:
        app.config.update(overrides)
    proxies = int(config.extra.get("trusted_proxies", "0") or 0)
    if proxies > 0:  # a reverse proxy terminates TLS: trust its X-Forwarded-For/-Proto/-Host
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies)  # type: ignore[method-assign]
    engine = make_engine(config.database_url)
    app.extensions["fews_engine"] = engine
    app.extensions["fews_sessions"] = make_session_factory(engine)

    from web.auth.ratelimit import FailureLimiter
    from web.extensions import csrf, login_manager

    app.extensions["fews_login_limiter"] = FailureLimiter()

    csrf.init_app(app)
    login_manager.init_app(app)

    from web import database

    database.init_app(app)

    from web.about import bp as about_bp
    from web.auth import bp as auth_bp
    from web.errors import bp as errors_bp
    from web.health import bp as health_bp
    from web.main import bp as main_bp

    app.register_blueprint(errors_bp)
    app.register_blueprint(health_bp)
    app.register_blueprint(auth_bp, url_prefix="/auth")
    app.register_blueprint(main_bp)
    app.register_blueprint(about_bp)
    from web.feeds import bp as feeds_bp

    app.register_blueprint(feeds_bp)

    from web import ui
    from web.admin import bp as admin_bp
    from web.families import bp as families_bp
    from web.review import alerts_bp, signals_bp
    from web.submit import bp as submit_bp
    from web.subscriptions import bp as subscriptions_bp
    from web.substances import bp as substances_bp

    ui.init_app(app)  # GOV.UK Frontend templates, /assets, page helpers
    for page_bp in (substances_bp, families_bp, signals_bp, alerts_bp, submit_bp, subscriptions_bp, admin_bp):
        app.register_blueprint(page_bp)
    from web.policy import bp as policy_bp

    app.register_blueprint(policy_bp, url_prefix="/policy")  # evidence packs (issue #9)
    from web.reports import bp as reports_bp
    from web.rules import bp as rules_bp
    from web.search import bp as search_bp

    for extra_bp in (search_bp, reports_bp, rules_bp):  # search, lead times and PSA review, legal rules
        app.register_blueprint(extra_bp)

    from web.api import init_app as init_api

    init_api(app)  # JSON API at /api/v1 with its OpenAPI document

    from web.metrics import init_app as init_metrics

    init_metrics(app)  # /metrics (Prometheus) and request counters

    @app.context_processor
    def _globals() -> dict[str, Any]:
        return {"security_marking": config.security_marking, "csp_nonce": g.get("csp_nonce", "")}

    @app.before_request
    def _nonce() -> None:
        g.csp_nonce = secrets.token_urlsafe(16)

    @app.after_request
    def _security_headers(response):  # type: ignore[no-untyped-def]
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault(
            "Content-Security-Policy",
            f"default-src 'self'; script-src 'self' 'nonce-{g.get('csp_nonce', '')}'; style-src 'self'; "
            "img-src 'self' data:; object-src 'none'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'",
        )
        if request.is_secure:  # behind TLS (directly, or a trusted proxy's X-Forwarded-Proto)
            response.headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
        if request.path.startswith(("/auth", "/api")):
            response.headers.setdefault("Cache-Control", "no-store")
        return response

    return app
