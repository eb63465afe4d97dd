"""The evidence-pack pages: the same HTML as the pack, for roles holding read_evidence_packs."""

from __future__ import annotations

import pytest

from tests.policy.conftest import SENTINELS, World
from tests.web.conftest import PASSWORD, AuthActions  # noqa: F401


@pytest.fixture
def app(world: World):  # type: ignore[no-untyped-def]
    from web import create_app

    app = create_app(world.runtime.config)
    yield app
    app.extensions["fews_engine"].dispose()


@pytest.fixture
def client(app):  # type: ignore[no-untyped-def]
    return app.test_client()


@pytest.fixture
def auth(client, world: World) -> AuthActions:  # type: ignore[no-untyped-def]
    return AuthActions(client, world.runtime)


@pytest.mark.parametrize("role", ["acmd_advisor", "home_office_policy", "public_health_analyst"])
def test_policy_roles_see_the_pack(client, auth, world: World, role: str) -> None:  # type: ignore[no-untyped-def]
    auth.login(role)
    page = client.get(f"/policy/evidence-pack/{world.cathinone_family}?as_of=2026-11-23")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Identity, structures and legal status" in html and "data:image/svg+xml;base64," in html
    for sentinel in SENTINELS:
        assert sentinel not in html
    assert client.get("/policy/").status_code == 200
    pdf = client.get(f"/policy/evidence-pack/{world.cathinone_family}/download/pdf?as_of=2026-11-23")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")


def test_other_roles_are_refused(client, auth, world: World) -> None:  # type: ignore[no-untyped-def]
    auth.login("forensic_chemist")
    assert client.get(f"/policy/evidence-pack/{world.cathinone_family}").status_code == 403
    assert client.get("/policy/").status_code == 403


def test_anonymous_is_sent_to_sign_in_and_bad_input_gets_4xx(client, auth, world: World) -> None:  # type: ignore[no-untyped-def]
    assert client.get(f"/policy/evidence-pack/{world.cathinone_family}").status_code == 302
    auth.login("acmd_advisor")
    assert client.get("/policy/evidence-pack/F9999").status_code == 404
    assert client.get(f"/policy/evidence-pack/{world.cathinone_family}?as_of=tomorrow").status_code == 400
    assert client.get("/policy/pack.css").mimetype == "text/css"
