from __future__ import annotations

import re

import pytest

from fews.accounts import create_user
from fews.db import session_scope
from web import create_app

PASSWORD = "a-long-test-password"


@pytest.fixture
def app(runtime):  # type: ignore[no-untyped-def]
    app = create_app(runtime.config)
    yield app
    app.extensions["fews_engine"].dispose()


@pytest.fixture
def client(app):  # type: ignore[no-untyped-def]
    return app.test_client()


def csrf_token(html: str) -> str:
    m = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html) or re.search(
        r'name="csrf_token" value="([^"]+)"', html
    )
    assert m, "no CSRF token in the form"
    return m.group(1)


def signed_in(app, username: str, password: str = PASSWORD):  # type: ignore[no-untyped-def]
    """A new test client (a browser of its own) signed in through the login form as ``username``."""
    client = app.test_client()
    token = csrf_token(client.get("/auth/login").get_data(as_text=True))
    resp = client.post("/auth/login", data={"username": username, "password": password, "csrf_token": token})
    assert resp.status_code == 302, resp.get_data(as_text=True)[:500]
    return client


class AuthActions:
    def __init__(self, client, runtime):  # type: ignore[no-untyped-def]
        self.client = client
        self.runtime = runtime

    def create(self, username: str, role: str) -> None:
        with session_scope(self.runtime.factory) as s:
            create_user(s, username, role=role, password=PASSWORD)

    def login(self, username: str, password: str = PASSWORD):  # type: ignore[no-untyped-def]
        page = self.client.get("/auth/login")
        token = csrf_token(page.get_data(as_text=True))
        return self.client.post("/auth/login", data={"username": username, "password": password, "csrf_token": token})

    def login_as(self, role: str):  # type: ignore[no-untyped-def]
        self.create(role, role)
        return self.login(role)


@pytest.fixture
def auth(client, runtime):  # type: ignore[no-untyped-def]
    return AuthActions(client, runtime)
