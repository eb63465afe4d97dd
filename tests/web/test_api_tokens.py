"""API credentials: wrong, revoked and expired tokens are refused; scopes limit tokens; repeated failures
are rate-limited; cookie sessions need the CSRF token for unsafe requests, bearer tokens do not."""

from __future__ import annotations

import datetime as dt

from flask import session
from flask_wtf.csrf import generate_csrf
from sqlalchemy import select

from fews.accounts import create_token, get_user, revoke_token
from fews.db import session_scope
from fews.models import ApiToken
from tests.builders import MEPHEDRONE
from tests.web import api_helpers
from tests.web.api_helpers import add_user, seizure_json
from tests.web.conftest import csrf_token

api_app, api_client, world = api_helpers.api_app, api_helpers.api_client, api_helpers.world  # fixtures

CLASSIFY = {"structures": [{"id": "m", "smiles": MEPHEDRONE}]}


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_unknown_and_malformed_credentials_get_401_problem(api_client, runtime):
    for headers in ({}, _bearer("fews_not-a-real-token"), {"Authorization": "Basic dXNlcjpwYXNz"}, _bearer("")):
        resp = api_client.get("/api/v1/substances", headers=headers)
        assert resp.status_code == 401, headers
        assert resp.mimetype == "application/problem+json" and resp.get_json()["status"] == 401
        assert resp.headers["WWW-Authenticate"].startswith("Bearer")


def test_revoked_and_expired_tokens_are_refused(api_client, runtime):
    _, token = add_user(runtime, "chem", "forensic_chemist")
    assert api_client.get("/api/v1/substances", headers=_bearer(token)).status_code == 200
    with session_scope(runtime.factory) as s:
        row = s.scalar(select(ApiToken).where(ApiToken.prefix == token[:12]))
        revoke_token(s, row, actor="admin")
    assert api_client.get("/api/v1/substances", headers=_bearer(token)).status_code == 401
    with session_scope(runtime.factory) as s:
        user = get_user(s, "chem")
        expired = create_token(s, user, expires_at=dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1))
    assert api_client.get("/api/v1/substances", headers=_bearer(expired)).status_code == 401


def test_token_use_is_recorded(api_client, runtime):
    _, token = add_user(runtime, "chem", "forensic_chemist")
    api_client.get("/api/v1/families", headers=_bearer(token))
    with session_scope(runtime.factory) as s:
        assert s.scalar(select(ApiToken.last_used_at).where(ApiToken.prefix == token[:12])) is not None


def test_scopes_are_enforced(api_client, runtime):
    _, read_only = add_user(runtime, "chem", "forensic_chemist", scopes=["read"])
    _, submit_only = add_user(runtime, "chem2", "forensic_chemist", scopes=["submit"])
    body = seizure_json("SCOPE-1")
    resp = api_client.post(
        "/api/v1/intake/seizures", data=body, content_type="application/json", headers=_bearer(read_only)
    )
    assert resp.status_code == 403 and "submit" in resp.get_json()["detail"]
    assert api_client.post("/api/v1/classify", json=CLASSIFY, headers=_bearer(read_only)).status_code == 200
    assert api_client.get("/api/v1/substances", headers=_bearer(submit_only)).status_code == 403
    assert api_client.post("/api/v1/classify", json=CLASSIFY, headers=_bearer(submit_only)).status_code == 403
    resp = api_client.post(
        "/api/v1/intake/seizures", data=body, content_type="application/json", headers=_bearer(submit_only)
    )
    assert resp.status_code == 200 and resp.get_json()["accepted"] == 1


def test_a_token_never_gives_more_than_its_role(api_client, runtime):
    _, token = add_user(runtime, "policy", "home_office_policy", scopes=["read", "submit", "admin"])
    body = seizure_json("ROLE-1")
    resp = api_client.post(
        "/api/v1/intake/seizures", data=body, content_type="application/json", headers=_bearer(token)
    )
    assert resp.status_code == 403 and "home_office_policy" in resp.get_json()["detail"]
    assert api_client.get("/api/v1/harm-reports", headers=_bearer(token)).status_code == 403


def test_repeated_token_failures_are_rate_limited(api_client, runtime):
    _, good = add_user(runtime, "chem", "forensic_chemist")
    for i in range(10):
        assert api_client.get("/api/v1/substances", headers=_bearer(f"fews_guess{i}")).status_code == 401
    resp = api_client.get("/api/v1/substances", headers=_bearer(good))
    assert resp.status_code == 429 and resp.headers["Retry-After"] == "900"  # even the right token, for a while
    assert resp.mimetype == "application/problem+json"


def _login(client, app, username: str) -> str:
    """Sign in through the form; returns a CSRF token valid for the new session (as a page would embed)."""
    page = client.get("/auth/login")
    client.post(
        "/auth/login",
        data={
            "username": username,
            "password": "a-long-test-password",
            "csrf_token": csrf_token(page.get_data(as_text=True)),
        },
    )
    with client.session_transaction() as sess:
        stored = dict(sess)
    with app.test_request_context():
        session.update(stored)
        token = generate_csrf()
        raw = session["csrf_token"]
    with client.session_transaction() as sess:
        sess["csrf_token"] = raw
    return token


def test_cookie_session_reads_and_needs_csrf_for_posts(api_app, api_client, runtime):
    add_user(runtime, "chem", "forensic_chemist")
    token = _login(api_client, api_app, "chem")
    assert api_client.get("/api/v1/substances").status_code == 200
    resp = api_client.post("/api/v1/classify", json=CLASSIFY)
    assert resp.status_code == 400 and resp.mimetype == "application/problem+json"
    assert "CSRF" in resp.get_json()["detail"]
    resp = api_client.post("/api/v1/classify", json=CLASSIFY, headers={"X-CSRFToken": token})
    assert resp.status_code == 200 and resp.get_json()["items"][0]["inchikey"] == "YELGFTGWJGBAQU-UHFFFAOYSA-N"


def test_bearer_posts_need_no_csrf_token(api_client, runtime):
    _, token = add_user(runtime, "chem", "forensic_chemist")
    assert api_client.post("/api/v1/classify", json=CLASSIFY, headers=_bearer(token)).status_code == 200


def test_no_redirect_to_the_sign_in_page(api_client):
    for path in ("/api/v1/harm-reports", "/api/v1/seizures/1", "/api/v1/alerts"):
        resp = api_client.get(path)
        assert resp.status_code == 401 and "Location" not in resp.headers
    assert api_client.post("/api/v1/classify", json=CLASSIFY).status_code == 401
