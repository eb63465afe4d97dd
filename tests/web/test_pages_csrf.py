"""CSRF on every form: each POST route outside the JSON API refuses a post without the token (400),
for a role that may use it; the same form with the token from its page is accepted."""

from __future__ import annotations

from typing import Any

import pytest

from fews.access import ROLES, allowed
from tests.web.conftest import csrf_token, signed_in
from tests.web.pages_world import build_pages_world
from web import create_app
from web.ui.access import page_access


@pytest.fixture
def world_app(runtime, tmp_path):  # type: ignore[no-untyped-def]
    world = build_pages_world(runtime, tmp_path)
    app = create_app(runtime.config)
    yield world, app
    app.extensions["fews_engine"].dispose()


def _role_for(app: Any, rule: Any) -> str | None:
    needs = page_access(app.view_functions[rule.endpoint])
    if needs is None:
        return None
    for preferred in ("enforcement_subscriber", "clinical_network_reviewer", "admin", "forensic_chemist"):
        if any(allowed(preferred, p) for p in needs):
            return preferred
    return next(r for r in ROLES if any(allowed(r, p) for p in needs))


def _signed_in(app: Any, role: str | None) -> Any:
    return app.test_client() if role is None else signed_in(app, role)


def test_every_form_post_needs_the_csrf_token(world_app):  # type: ignore[no-untyped-def]
    world, app = world_app
    i = world.ids
    args = {
        "alert_id": i["clinical_alert"],
        "sub_id": i["subscription"],
        "user_id": i["user"],
        "token_id": i["token"],
        "item_id": i["quarantine"],
    }
    posts = [r for r in app.url_map.iter_rules() if "POST" in r.methods and not r.rule.startswith("/api/")]
    assert len(posts) >= 15
    for rule in posts:
        role = "admin" if rule.endpoint == "auth.logout" else _role_for(app, rule)
        if rule.endpoint == "auth.login":
            role = None
        client = _signed_in(app, role)
        url = rule.build({k: args[k] for k in rule.arguments}, append_unknown=False)[1]
        resp = client.post(url, data={"name": "x", "reason": "x", "password": "x" * 20})
        assert resp.status_code == 400, f"{rule.endpoint} accepted a post without a CSRF token ({resp.status_code})"
        assert b"CSRF" in resp.data or b"Bad Request" in resp.data


def test_form_with_its_token_is_accepted(world_app):  # type: ignore[no-untyped-def]
    world, app = world_app
    client = _signed_in(app, "enforcement_subscriber")
    page = client.get(f"/subscriptions/{world.ids['subscription']}/edit").get_data(as_text=True)
    resp = client.post(
        f"/subscriptions/{world.ids['subscription']}/edit",
        data={"csrf_token": csrf_token(page), "name": "Wales only", "jurisdiction": ["wales"]},
    )
    assert resp.status_code == 302
    listing = client.get("/subscriptions").get_data(as_text=True)
    assert "Wales only" in listing and "jurisdiction: wales" in listing
