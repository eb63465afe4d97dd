from __future__ import annotations

from tests.web.conftest import csrf_token


def test_login_dashboard_logout(client, auth):
    assert client.get("/dashboard").status_code == 302
    resp = auth.login_as("forensic_chemist")
    assert resp.status_code == 302 and resp.headers["Location"].endswith("/dashboard")
    page = client.get("/dashboard")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "What FEWS holds" in html and "OFFICIAL-SENSITIVE" in html
    token = csrf_token(html)
    assert client.post("/auth/logout", data={"csrf_token": token}).status_code == 302
    assert client.get("/dashboard").status_code == 302


def test_wrong_password_then_rate_limited(client, auth):
    auth.create("victim", "admin")
    for _ in range(5):
        assert auth.login("victim", "wrong-password-xx").status_code == 401
    assert auth.login("victim").status_code == 429  # even the right password, for a while


def test_csrf_required(client, auth):
    auth.create("u1", "admin")
    resp = client.post("/auth/login", data={"username": "u1", "password": "a-long-test-password"})
    assert resp.status_code == 400


def test_open_redirect_refused(client, auth):
    auth.create("u2", "admin")
    page = client.get("/auth/login?next=https://evil.example/")
    token = csrf_token(page.get_data(as_text=True))
    resp = client.post(
        "/auth/login?next=https://evil.example/",
        data={"username": "u2", "password": "a-long-test-password", "csrf_token": token},
    )
    assert resp.headers["Location"].endswith("/dashboard")


def test_security_headers_and_cookie_flags(client, auth):
    resp = client.get("/auth/login")
    assert resp.headers["X-Frame-Options"] == "DENY" and "default-src 'self'" in resp.headers["Content-Security-Policy"]
    resp = auth.login_as("admin")
    cookie = resp.headers.get("Set-Cookie", "")
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_health_and_readiness(client, runtime):
    assert client.get("/healthz").get_json() == {"status": "ok"}
    resp = client.get("/readyz")
    assert resp.status_code == 503 and resp.get_json()["checks"]["scheduler"].startswith("no heartbeat")
    from fews.scheduler import run_job

    assert run_job(runtime, "heartbeat")["status"] == "ok"
    resp = client.get("/readyz")
    assert resp.status_code == 200 and resp.get_json()["status"] == "ready"


def test_errors_are_html_or_problem_json(client):
    assert "Not Found" in client.get("/nowhere").get_data(as_text=True)
    resp = client.get("/nowhere", headers={"Accept": "application/json"})
    assert resp.status_code == 404 and resp.mimetype == "application/problem+json"


def test_dashboard_lists_first_detections_with_legal_status(client, auth, runtime, tmp_path):
    import datetime as dt

    from fews.legal_status import reevaluate
    from intake.pipeline import Ingestor
    from tests.builders import MEPHEDRONE, SeizureBuilder

    path = SeizureBuilder().sample("D1").component("mephedrone", MEPHEDRONE).write(tmp_path / "d.csv")
    Ingestor(runtime.factory, runtime.config, "seizures", today=dt.date(2026, 11, 23)).ingest_file(path)
    auth.login_as("public_health_analyst")
    assert "not yet decided" in client.get("/dashboard").get_data(as_text=True)
    reevaluate(runtime.factory, as_of=dt.date(2026, 11, 23), actor="test")
    html = client.get("/dashboard").get_data(as_text=True)
    assert "mephedrone" in html and "Class B" in html


def test_hsts_only_over_tls_and_behind_a_trusted_proxy(runtime, monkeypatch):
    from web import create_app as _create

    plain = _create(runtime.config).test_client()
    assert "Strict-Transport-Security" not in plain.get("/healthz").headers
    assert "Strict-Transport-Security" in plain.get("/healthz", base_url="https://fews.example").headers
    # a forwarded https request counts only when the proxy is trusted
    forwarded = {"X-Forwarded-Proto": "https"}
    assert "Strict-Transport-Security" not in plain.get("/healthz", headers=forwarded).headers
    proxied = _create(runtime.config.with_(extra={"trusted_proxies": "1"})).test_client()
    resp = proxied.get("/healthz", headers=forwarded)
    assert resp.headers["Strict-Transport-Security"].startswith("max-age=31536000")
