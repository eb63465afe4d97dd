"""Web security for every route the app has (walked from ``app.url_map``, so new pages and API
paths are covered when they land): security headers on every response, no 5xx on GET, CSRF on
every state-changing form and session POST, a new session at sign-in, rate limits on sign-in and
API tokens, and the upload size limit."""

from __future__ import annotations

import io
import re

import pytest
from werkzeug.routing import Rule

from tests.alerts.conftest import PASSWORD, build_world
from tests.web.conftest import csrf_token
from web import create_app

HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
}
ARG_VALUES = {"integer": "1", "default": "S1", "path": "x"}
FORMATS = {"fmt": "html"}


def _url(rule: Rule) -> str:
    values = {}
    for name in rule.arguments:
        converter = type(rule._converters[name]).__name__.lower().replace("converter", "")  # noqa: SLF001
        values[name] = FORMATS.get(name) or ARG_VALUES.get(converter, ARG_VALUES["default"])
    if rule.endpoint == "static":
        values = {"filename": "css/fews.css"}
    url = rule.rule
    for name, value in values.items():
        url = re.sub(rf"<(?:[^:<>]+:)?{name}>", value, url)
    return url


def _rules(app, method: str) -> list[Rule]:  # type: ignore[no-untyped-def]
    return [r for r in app.url_map.iter_rules() if method in (r.methods or set())]


@pytest.fixture
def web_world(runtime, tmp_path):  # type: ignore[no-untyped-def]
    from fews.scheduler import run_job

    build_world(runtime, tmp_path)
    run_job(runtime, "heartbeat")  # so /readyz is ready
    app = create_app(runtime.config)
    yield app
    app.extensions["fews_engine"].dispose()


def _login(client, username: str):  # type: ignore[no-untyped-def]
    token = csrf_token(client.get("/auth/login").get_data(as_text=True))
    resp = client.post("/auth/login", data={"username": username, "password": PASSWORD, "csrf_token": token})
    assert resp.status_code == 302, resp.get_data(as_text=True)[:500]
    return resp


def _assert_headers(resp, where: str) -> None:  # type: ignore[no-untyped-def]
    for name, value in HEADERS.items():
        assert resp.headers.get(name) == value, f"{where}: {name} is {resp.headers.get(name)!r}"
    csp = resp.headers.get("Content-Security-Policy", "")
    strictest = "default-src 'none'" in csp  # e.g. a structure drawing: nothing may load from it
    assert strictest or "default-src 'self'" in csp, f"{where}: CSP {csp!r}"
    assert "frame-ancestors" in csp and (strictest or "object-src 'none'" in csp), f"{where}: CSP {csp!r}"
    assert "unsafe-inline" not in csp.split("script-src")[-1].split(";")[0] or "script-src" not in csp, where


@pytest.mark.parametrize("who", [None, "clinical_network_reviewer", "intelligence_analyst"])
def test_every_get_route_sends_security_headers_and_never_a_5xx(web_world, who):
    client = web_world.test_client()
    if who:
        _login(client, who)
    for rule in _rules(web_world, "GET"):
        url = _url(rule)
        resp = client.get(url)
        where = f"GET {url} as {who or 'anonymous'} ({resp.status_code})"
        _assert_headers(resp, where)
        assert resp.status_code < 500, where
        if url.startswith(("/auth", "/api")) and resp.status_code != 304:
            assert "no-store" in resp.headers.get("Cache-Control", ""), where


def test_error_responses_carry_the_headers_too(web_world):
    client = web_world.test_client()
    for resp in (client.get("/no-such-page"), client.post("/auth/login"), client.get("/api/v1/substances")):
        _assert_headers(resp, f"{resp.request.path} {resp.status_code}")


def test_every_post_route_refuses_a_session_request_without_a_csrf_token(web_world):
    """Signed in as admin (who may do most things), a POST without the token must never act."""
    client = web_world.test_client()
    _login(client, "clinical_network_reviewer")
    from fews.accounts import create_user
    from fews.db import session_scope

    with session_scope(web_world.extensions["fews_sessions"]) as s:
        create_user(s, "root", role="admin", password=PASSWORD)
    admin = web_world.test_client()
    _login(admin, "root")
    posts = _rules(web_world, "POST")
    assert posts, "no POST routes?"
    for rule in posts:
        url = _url(rule)
        for c in (client, admin):
            if url.startswith("/api/"):
                resp = c.post(url, json={"structures": [{"id": "1", "smiles": "CCO"}]})
            else:
                resp = c.post(url, data={"anything": "1"})
            assert resp.status_code in (400, 403), f"POST {url} without CSRF token answered {resp.status_code}"


def test_every_form_on_every_page_carries_a_csrf_token(web_world):
    from fews.accounts import create_user
    from fews.db import session_scope

    with session_scope(web_world.extensions["fews_sessions"]) as s:
        create_user(s, "root", role="admin", password=PASSWORD)
    seen = 0
    for who in ("root", "clinical_network_reviewer", "home_office_policy", None):
        client = web_world.test_client()
        if who:
            _login(client, who)
        for rule in _rules(web_world, "GET"):
            resp = client.get(_url(rule))
            if resp.mimetype != "text/html":
                continue
            for form in re.findall(r"<form\b[^>]*>.*?</form>", resp.get_data(as_text=True), flags=re.S | re.I):
                if re.search(r'method=["\']?post', form, re.I):
                    seen += 1
                    assert 'name="csrf_token"' in form, f"{rule.rule}: a POST form without a CSRF token"
    assert seen >= 2  # at least sign-in and sign-out


def test_session_is_renewed_at_sign_in(web_world):
    """Session fixation: a cookie set before sign-in (e.g. planted by an attacker) never becomes signed in."""
    victim = web_world.test_client()
    victim.get("/auth/login")
    before = victim.get_cookie("session").value
    _login(victim, "intelligence_analyst")
    after = victim.get_cookie("session").value
    assert after != before
    assert victim.get("/dashboard").status_code == 200
    attacker = web_world.test_client()
    attacker.set_cookie("session", before)
    assert attacker.get("/dashboard").status_code == 302  # the planted session is still anonymous
    cookie = victim.get("/dashboard").headers.get("Set-Cookie") or ""
    assert "Domain" not in cookie


def test_sign_in_rate_limit_counts_per_address_across_usernames(web_world):
    client = web_world.test_client()
    for i in range(5):
        token = csrf_token(client.get("/auth/login").get_data(as_text=True))
        resp = client.post("/auth/login", data={"username": f"guess{i}", "password": "x" * 12, "csrf_token": token})
        assert resp.status_code == 401
    token = csrf_token(client.get("/auth/login").get_data(as_text=True))
    resp = client.post(
        "/auth/login", data={"username": "intelligence_analyst", "password": PASSWORD, "csrf_token": token}
    )
    assert resp.status_code == 429  # credential stuffing from one address stops, even with a right password


def test_api_token_guessing_is_rate_limited(web_world):
    client = web_world.test_client()
    codes = [
        client.get("/api/v1/substances", headers={"Authorization": f"Bearer fews_guess_{i:04d}"}).status_code
        for i in range(12)
    ]
    assert codes[:10] == [401] * 10 and codes[10:] == [429, 429]
    resp = client.get("/api/v1/substances", headers={"Authorization": "Bearer another"})
    assert resp.status_code == 429 and resp.mimetype == "application/problem+json"


def test_uploads_over_the_size_limit_are_refused_before_they_are_read(web_world, runtime):
    limit = web_world.config["MAX_CONTENT_LENGTH"]
    assert limit and limit <= 64 * 1024 * 1024
    from fews.accounts import create_token, get_user
    from fews.db import session_scope

    with session_scope(runtime.factory) as s:
        raw = create_token(s, get_user(s, "forensic_chemist"), scopes=["read", "submit"], actor="test")
    client = web_world.test_client()
    body = b"sample_id\n" + b"x" * (limit + 1)
    resp = client.post(
        "/api/v1/intake/seizures",
        data={"file": (io.BytesIO(body), "big.csv")},
        headers={"Authorization": f"Bearer {raw}"},
    )
    assert resp.status_code == 413
    page = client.post("/auth/login", data=b"x" * (limit + 1), content_type="application/x-www-form-urlencoded")
    assert page.status_code == 413
