"""Server-side sessions (fews.web_sessions): a copied cookie dies with its session."""

from __future__ import annotations

import datetime as dt

import pytest
from click.testing import CliRunner
from sqlalchemy import select, update

from fews import web_sessions
from fews.accounts import get_user
from fews.db import session_scope
from fews.models import AuditEvent, User, WebSession
from tests.web.conftest import PASSWORD, csrf_token, signed_in


@pytest.fixture
def cli_runner(runtime):  # type: ignore[no-untyped-def]
    """``fews`` on the runtime's database (its environment is set by the ``runtime`` fixture)."""
    from fews.cli import cli

    return lambda *args: CliRunner().invoke(cli, list(args))


def _copy_cookie(app, client):  # type: ignore[no-untyped-def]
    """Another browser holding a copy of ``client``'s session cookie (as a thief would)."""
    thief = app.test_client()
    thief.set_cookie("session", client.get_cookie("session").value)
    return thief


def _sessions(runtime, username):  # type: ignore[no-untyped-def]
    with session_scope(runtime.factory) as s:
        user = get_user(s, username)
        assert user is not None
        return [(r.ended_at is not None, r.ended_reason) for r in s.scalars(
            select(WebSession).where(WebSession.user_id == user.id).order_by(WebSession.id)
        )]


def test_signing_out_ends_the_session_for_every_copy_of_the_cookie(app, client, auth, runtime):
    auth.login_as("intelligence_analyst")
    thief = _copy_cookie(app, client)
    assert thief.get("/dashboard").status_code == 200  # a copy works while the session lives
    token = csrf_token(client.get("/dashboard").get_data(as_text=True))
    assert client.post("/auth/logout", data={"csrf_token": token}).status_code == 302
    assert thief.get("/dashboard").status_code == 302  # and stops the moment its owner signs out
    assert thief.get("/api/v1/substances").status_code == 401
    assert _sessions(runtime, "intelligence_analyst") == [(True, "signed_out")]
    with session_scope(runtime.factory) as s:
        ends = s.scalars(select(AuditEvent.action).where(AuditEvent.action == "auth.session.end")).all()
    assert ends == ["auth.session.end"]


def test_the_database_holds_only_a_hash_of_the_cookie_id(client, auth, runtime):
    auth.login_as("forensic_chemist")
    cookie = client.get_cookie("session").value
    with session_scope(runtime.factory) as s:
        row = s.scalars(select(WebSession)).one()
        assert len(row.token_hash) == 64 and row.token_hash not in cookie
        assert row.ip == "127.0.0.1" and row.expires_at - row.created_at == web_sessions.LIFETIME


def test_idle_and_absolute_expiry(app, client, auth, runtime):
    auth.login_as("public_health_analyst")
    assert client.get("/dashboard").status_code == 200
    with session_scope(runtime.factory) as s:  # two hours without a request
        s.execute(update(WebSession).values(last_seen_at=web_sessions.utcnow() - web_sessions.IDLE))
    assert client.get("/dashboard").status_code == 302
    auth.login("public_health_analyst")
    assert client.get("/dashboard").status_code == 200
    with session_scope(runtime.factory) as s:  # busy all day, but past the end of the working day
        s.execute(
            update(WebSession)
            .where(WebSession.ended_at.is_(None))
            .values(expires_at=web_sessions.utcnow() - dt.timedelta(seconds=1))
        )
    assert client.get("/dashboard").status_code == 302


def test_last_seen_is_written_at_most_once_a_minute(client, auth, runtime):
    auth.login_as("forensic_chemist")
    with session_scope(runtime.factory) as s:
        first = s.scalars(select(WebSession.last_seen_at)).one()
    for _ in range(3):
        assert client.get("/dashboard").status_code == 200
    with session_scope(runtime.factory) as s:
        assert s.scalars(select(WebSession.last_seen_at)).one() == first
        s.execute(update(WebSession).values(last_seen_at=first - web_sessions.TOUCH_EVERY))
    assert client.get("/dashboard").status_code == 200
    with session_scope(runtime.factory) as s:
        assert s.scalars(select(WebSession.last_seen_at)).one() > first - web_sessions.TOUCH_EVERY


def test_account_page_lists_sessions_and_signs_out_the_others(app, client, auth, runtime):
    auth.login_as("clinical_network_reviewer")
    laptop = signed_in(app, "clinical_network_reviewer")
    assert laptop.get("/dashboard").status_code == 200
    html = client.get("/auth/account").get_data(as_text=True)
    assert html.count("127.0.0.1") == 2 and "This session" in html
    resp = client.post("/auth/account/sessions/end", data={"csrf_token": csrf_token(html)}, follow_redirects=True)
    assert "Signed out of 1 other session." in resp.get_data(as_text=True)
    assert laptop.get("/dashboard").status_code == 302
    assert client.get("/dashboard").status_code == 200


def test_admin_ends_sessions_and_deactivates(app, client, auth, runtime):
    auth.create("leaver", "intelligence_analyst")
    other = signed_in(app, "leaver")
    assert other.get("/dashboard").status_code == 200
    auth.login_as("admin")
    with session_scope(runtime.factory) as s:
        leaver_id = get_user(s, "leaver").id  # type: ignore[union-attr]
    html = client.get(f"/admin/users/{leaver_id}").get_data(as_text=True)
    assert "End all sessions" in html and "127.0.0.1" in html
    resp = client.post(
        f"/admin/users/{leaver_id}/sessions/end", data={"csrf_token": csrf_token(html)}, follow_redirects=True
    )
    assert "1 session ended." in resp.get_data(as_text=True)
    assert other.get("/dashboard").status_code == 302

    other = signed_in(app, "leaver")
    assert other.get("/dashboard").status_code == 200
    html = client.get(f"/admin/users/{leaver_id}").get_data(as_text=True)
    resp = client.post(
        f"/admin/users/{leaver_id}/active", data={"csrf_token": csrf_token(html), "active": "0"}, follow_redirects=True
    )
    assert "Deactivated" in resp.get_data(as_text=True)
    assert other.get("/dashboard").status_code == 302
    token = csrf_token(other.get("/auth/login").get_data(as_text=True))
    refused = other.post("/auth/login", data={"username": "leaver", "password": PASSWORD, "csrf_token": token})
    assert refused.status_code == 401
    assert _sessions(runtime, "leaver") == [(True, "ended_by_admin"), (True, "deactivated")]

    html = client.get(f"/admin/users/{leaver_id}").get_data(as_text=True)
    client.post(f"/admin/users/{leaver_id}/active", data={"csrf_token": csrf_token(html), "active": "1"})
    with session_scope(runtime.factory) as s:
        assert s.get(User, leaver_id).active  # type: ignore[union-attr]


def test_admin_cannot_deactivate_themselves(client, auth, runtime):
    auth.login_as("admin")
    with session_scope(runtime.factory) as s:
        me = get_user(s, "admin").id  # type: ignore[union-attr]
    html = client.get(f"/admin/users/{me}").get_data(as_text=True)
    resp = client.post(f"/admin/users/{me}/active", data={"csrf_token": csrf_token(html), "active": "0"})
    assert resp.status_code == 302 and client.get("/dashboard").status_code == 200


def test_password_reset_by_admin_ends_sessions_and_forces_a_new_password(app, client, auth, runtime):
    auth.create("chemist", "forensic_chemist")
    user_client = signed_in(app, "chemist")
    assert user_client.get("/dashboard").status_code == 200
    auth.login_as("admin")
    with session_scope(runtime.factory) as s:
        uid = get_user(s, "chemist").id  # type: ignore[union-attr]
    html = client.get(f"/admin/users/{uid}").get_data(as_text=True)
    client.post(f"/admin/users/{uid}/password", data={"csrf_token": csrf_token(html), "password": "temporary-pass-123"})
    assert user_client.get("/dashboard").status_code == 302  # the old session ended

    user_client = signed_in(app, "chemist", "temporary-pass-123")
    resp = user_client.get("/dashboard")  # every page leads to the password change first
    assert resp.status_code == 302 and resp.headers["Location"].endswith("/auth/account/password")
    page = user_client.get("/auth/account/password").get_data(as_text=True)
    assert "An administrator set your password" in page
    form = {"csrf_token": csrf_token(page), "current": "temporary-pass-123"}
    bad = user_client.post("/auth/account/password", data=form | {"password": "short", "confirm": "short"})
    assert bad.status_code == 400 and "at least 12 characters" in bad.get_data(as_text=True)
    mismatch = user_client.post(
        "/auth/account/password", data=form | {"password": "my-own-password-1", "confirm": "my-own-password-2"}
    )
    assert mismatch.status_code == 400 and "The new passwords differ." in mismatch.get_data(as_text=True)
    ok = user_client.post(
        "/auth/account/password", data=form | {"password": "my-own-password-1", "confirm": "my-own-password-1"}
    )
    assert ok.status_code == 302 and ok.headers["Location"].endswith("/dashboard")
    assert user_client.get("/dashboard").status_code == 200  # carries on in a fresh session
    with session_scope(runtime.factory) as s:
        assert not get_user(s, "chemist").must_change_password  # type: ignore[union-attr]


def test_changing_ones_password_needs_the_current_one_and_ends_other_sessions(app, client, auth, runtime):
    auth.login_as("home_office_policy")
    thief = _copy_cookie(app, client)
    page = client.get("/auth/account/password").get_data(as_text=True)
    wrong = client.post(
        "/auth/account/password",
        data={"csrf_token": csrf_token(page), "current": "not-my-password", "password": "x" * 14, "confirm": "x" * 14},
    )
    assert wrong.status_code == 400 and "The current password is not right." in wrong.get_data(as_text=True)
    assert thief.get("/dashboard").status_code == 200
    ok = client.post(
        "/auth/account/password",
        data={"csrf_token": csrf_token(page), "current": PASSWORD, "password": "x" * 14, "confirm": "x" * 14},
    )
    assert ok.status_code == 302
    assert thief.get("/dashboard").status_code == 302 and client.get("/dashboard").status_code == 200


def test_cli_deactivate_activate_and_end_sessions(app, client, auth, runtime, cli_runner):  # type: ignore[no-untyped-def]
    auth.create("boss", "admin")
    auth.login_as("intelligence_analyst")
    result = cli_runner("users", "end-sessions", "intelligence_analyst", "--as", "boss")
    assert result.exit_code == 0 and '"sessions_ended": 1' in result.output
    assert client.get("/dashboard").status_code == 302
    assert cli_runner("users", "deactivate", "intelligence_analyst").exit_code == 2  # needs --as
    assert cli_runner("users", "deactivate", "intelligence_analyst", "--as", "boss").exit_code == 0
    assert auth.login("intelligence_analyst").status_code == 401
    assert cli_runner("users", "activate", "intelligence_analyst", "--as", "boss").exit_code == 0
    assert auth.login("intelligence_analyst").status_code == 302
    assert cli_runner("users", "deactivate", "boss", "--as", "boss").exit_code == 2


def test_prune_deletes_old_sessions_only(runtime):
    with session_scope(runtime.factory) as s:
        from fews.accounts import create_user

        user = create_user(s, "someone", role="clinical_reporter", password=PASSWORD)
        web_sessions.start(s, user, ip="10.0.0.1", user_agent="old", now=web_sessions.utcnow() - dt.timedelta(days=120))
        web_sessions.start(s, user, ip="10.0.0.2", user_agent="new")
    with session_scope(runtime.factory) as s:
        assert web_sessions.prune(s) == 1
        assert s.scalars(select(WebSession.user_agent)).all() == ["new"]
