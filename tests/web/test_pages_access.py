"""Every page route x every role (and anonymous): the expected status comes from the permission table.

Views declare their permissions with ``web.ui.requires_page`` (``page_access``); a role holding one of
them gets the page (or, for another user's record, 404), a role without gets 403, and an anonymous
visitor is sent to sign in (302). Routes of other areas are listed below with their own rule; a new
route without an expectation fails the test. The JSON API (/api/v1) and /metrics have their own tests.
"""

from __future__ import annotations

from typing import Any

import pytest

from fews.access import ROLES, allowed, roles_with
from tests.web.pages_world import PagesWorld, build_pages_world
from web import create_app
from web.ui.access import page_access

ANON = None
SKIP_PREFIXES = ("/api/v1", "/metrics")
REVIEWERS_OF_CLINICAL = roles_with("agree_clinical_alert") | roles_with("issue_clinical_alert")

# routes that are not pages of this area: rule -> status for anonymous, and for every signed-in role
OTHER_AREAS: dict[str, tuple[int, Any]] = {
    "/static/<path:filename>": (200, 200),
    "/assets/<path:filename>": (404, 404),  # GOV.UK assets folder ships no fonts or crown (vendor script)
    "/healthz": (200, 200),
    "/readyz": (503, 503),  # no scheduler heartbeat in this world
    "/about": (200, 200),
    "/": (302, 302),
    "/auth/login": (200, 302),
    "/auth/logout": (302, 302),
    "/auth/account": (302, 200),  # one's own account: every signed-in role
    "/auth/account/password": (302, 200),
    "/auth/account/sessions/end": (302, 302),
    "/feeds/<token>.atom": (404, 404),
    "/feeds/<token>.json": (404, 404),
    "/feeds/<token>.cap.xml": (404, 404),
    "/policy/": (302, "read_evidence_packs"),
    "/policy/pack.css": (200, 200),
    "/policy/evidence-pack/<ident>": (302, "read_evidence_packs"),
    "/policy/evidence-pack/<ident>/download/<fmt>": (302, "read_evidence_packs"),
}
# page routes whose record belongs to one user: other roles holding the permission get 404
OWNED_BY = {
    "submit.batch": {"forensic_chemist"} | set(roles_with("manage_quarantine")),
    "subscriptions.edit": {"enforcement_subscriber"},
    "subscriptions.revoke": {"enforcement_subscriber"},
    "subscriptions.test": {"enforcement_subscriber"},
}
# review pages of the clinically led alert: only the roles that agree or issue it
REVIEW_ONLY = {"alerts.diff", "alerts.preview", "alerts.update", "alerts.withdraw", "alerts.issue", "alerts.agree"}


@pytest.fixture
def world_app(runtime, tmp_path):  # type: ignore[no-untyped-def]
    world = build_pages_world(runtime, tmp_path)
    app = create_app(runtime.config, overrides={"WTF_CSRF_ENABLED": False})
    yield world, app
    app.extensions["fews_engine"].dispose()


def _args(world: PagesWorld) -> dict[str, Any]:
    i = world.ids
    return {
        "filename": "css/fews.css",
        "ident": f"S{i['substance']}",
        "alert_id": i["clinical_alert"],
        "signal_id": i["signal"],
        "batch_id": i["batch"],
        "sub_id": i["subscription"],
        "user_id": i["user"],
        "token_id": i["token"],
        "item_id": i["quarantine"],
        "audience": "enforcement",
        "token": "not-a-feed-token",
        "fmt": "pdf",
        "rule_id": "MDA-S2-P2-1(aa)",
    }


def _url(rule: Any, world: PagesWorld) -> str:
    args = _args(world)
    if rule.rule.startswith("/families/"):
        args["ident"] = f"F{world.ids['family']}"
    if rule.rule.startswith("/policy/evidence-pack"):
        args["ident"] = f"F{world.ids['family']}"
    if rule.rule.startswith("/assets/"):
        args["filename"] = "fonts/bold.woff2"
    return rule.build({k: args[k] for k in rule.arguments}, append_unknown=False)[1]


def _expected(app: Any, rule: Any, role: str | None) -> set[int]:
    if rule.rule in OTHER_AREAS:
        anon, signed = OTHER_AREAS[rule.rule]
        if role is ANON:
            return {anon}
        if isinstance(signed, str):
            return {200} if allowed(role, signed) else {403}
        return {signed}
    needs = page_access(app.view_functions[rule.endpoint])
    assert needs is not None, f"{rule.rule} ({rule.endpoint}) declares no page permission and no expectation"
    if role is ANON:
        return {302}
    if not any(allowed(role, p) for p in needs):
        return {403}
    if rule.endpoint in REVIEW_ONLY and role not in REVIEWERS_OF_CLINICAL:
        return {403}
    if rule.endpoint in OWNED_BY and role not in OWNED_BY[rule.endpoint]:
        return {404}
    if "POST" in rule.methods and "GET" not in rule.methods:
        return {302, 400}  # a form post: done and redirected, or refused for its (empty) content
    return {200}


def _login(client: Any, role: str) -> None:
    from tests.web.conftest import PASSWORD

    assert client.post("/auth/login", data={"username": role, "password": PASSWORD}).status_code == 302


def test_every_route_for_every_role(world_app):  # type: ignore[no-untyped-def]
    world, app = world_app
    rules = [r for r in app.url_map.iter_rules() if not r.rule.startswith(SKIP_PREFIXES)]
    assert len(rules) > 40
    failures = []
    for role in (ANON, *ROLES):
        client = app.test_client()
        if role is not ANON:
            _login(client, role)
        for rule in rules:
            method = "GET" if "GET" in rule.methods else "POST"
            url = _url(rule, world)
            if rule.endpoint == "auth.logout" or (
                rule.endpoint == "admin.end_sessions" and role is not ANON and allowed(role, "manage_users")
            ):
                continue  # would end this role's own session (the world's user is the admin): test_sessions
            status = client.open(url, method=method).status_code
            want = _expected(app, rule, role)
            if status not in want:
                failures.append(f"{role or 'anonymous'} {method} {url}: {status}, expected {sorted(want)}")
    assert not failures, "\n".join(failures)


def test_missing_or_hidden_records_are_404(world_app):  # type: ignore[no-untyped-def]
    world, app = world_app
    client = app.test_client()
    _login(client, "admin")
    for url in (
        "/substances/S999999",
        "/substances/not-a-substance-name",
        "/families/F999999",
        "/families/S1",
        "/signals/999999",
        "/alerts/999999",
        "/submit/batches/999999",
        "/subscriptions/999999/edit",
        "/admin/users/999999",
        "/admin/quarantine/999999",
        f"/alerts/{world.ids['draft_alert']}",  # a draft exists, but admin neither reviews nor receives it
    ):
        assert client.get(url).status_code == 404, url
