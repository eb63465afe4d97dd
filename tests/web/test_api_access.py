"""Every /api/v1 route x every role (and anonymous): 200, 401, 403 or 404 as the permission table says.

The expected answer is computed from ``fews.access.PERMISSIONS`` (through each view's declared
``@requires``) and the alert-audience table, never written out per role, so the test follows the
table; a route without a request recipe here fails the test.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import pytest

from fews.access import ROLES
from fews.models import Alert
from tests.builders import MEPHEDRONE
from tests.web import api_helpers
from tests.web.api_helpers import World, first_library_spectrum, seizure_json
from web.api.policy import alert_view, route_access

api_app, api_client, world = api_helpers.api_app, api_helpers.api_client, api_helpers.world  # fixtures

Recipe = Callable[[World, str | None], tuple[str, str, dict[str, Any]]]


def _alert_for(w: World, role: str | None) -> int:
    """An alert the role may see, if it may see any (else one it may not: expect 404)."""
    for alert_id, fields in w.alerts.items():
        if role is not None and alert_view(role, Alert(**fields)) is not None:
            return alert_id
    return next(iter(w.alerts))


RECIPES: dict[str, Recipe] = {
    "api.openapi_json": lambda w, r: ("GET", "/api/v1/openapi.json", {}),
    "api.substances.list_substances": lambda w, r: ("GET", "/api/v1/substances", {}),
    "api.substances.show_substance": lambda w, r: ("GET", f"/api/v1/substances/{w.substance}", {}),
    "api.families.list_families": lambda w, r: ("GET", "/api/v1/families", {}),
    "api.families.show_family": lambda w, r: ("GET", f"/api/v1/families/{w.family}", {}),
    "api.seizures.list_seizures": lambda w, r: ("GET", "/api/v1/seizures", {}),
    "api.seizures.show_seizure": lambda w, r: ("GET", f"/api/v1/seizures/{w.sample_wales}", {}),
    "api.harm_reports.list_harm_reports": lambda w, r: ("GET", "/api/v1/harm-reports", {}),
    "api.harm_reports.show_harm_report": lambda w, r: ("GET", f"/api/v1/harm-reports/{w.report_own}", {}),
    "api.signals.list_signals": lambda w, r: ("GET", "/api/v1/signals", {}),
    "api.signals.show_signal": lambda w, r: ("GET", f"/api/v1/signals/{w.signal}", {}),
    "api.subscriptions.list_subscriptions": lambda w, r: ("GET", "/api/v1/subscriptions", {}),
    "api.subscriptions.create": lambda w, r: (
        "POST",
        "/api/v1/subscriptions",
        {"json": {"name": f"matrix {r}", "channel": "feed", "filters": {}}},
    ),
    # nobody owns subscription 999999: an allowed caller gets 404 (see expected)
    "api.subscriptions.revoke": lambda w, r: ("DELETE", "/api/v1/subscriptions/999999", {}),
    "api.alerts.list_alerts": lambda w, r: ("GET", "/api/v1/alerts", {}),
    "api.alerts.show_alert": lambda w, r: ("GET", f"/api/v1/alerts/{_alert_for(w, r)}", {}),
    "api.classify.classify": lambda w, r: (
        "POST",
        "/api/v1/classify",
        {"json": {"as_of": "2021-06-01", "structures": [{"id": "m", "smiles": MEPHEDRONE}]}},
    ),
    "api.identify.identify": lambda w, r: (
        "POST",
        "/api/v1/identify",
        {"data": {"file": (io.BytesIO(first_library_spectrum().encode()), "q.msp")}},
    ),
    "api.intake.ingest_seizures": lambda w, r: (
        "POST",
        "/api/v1/intake/seizures",
        {"data": seizure_json(f"M-{r}"), "content_type": "application/json"},
    ),
    "api.intake.ingest_reports": lambda w, r: (
        "POST",
        "/api/v1/intake/reports",
        {
            "data": {
                "file": (
                    io.BytesIO(
                        b"report_id,event_date,care_setting,suspected_substance_name,severity,region\n"
                        + f"M-{r},2021-03-04,emergency_department,mephedrone,mild,North West\n".encode()
                    ),
                    "r.csv",
                )
            }
        },
    ),
    "api.intake.ingest_intel": lambda w, r: (
        "POST",
        "/api/v1/intake/intel",
        {
            "data": {
                "file": (
                    io.BytesIO(
                        b"record_id,stream,observed_date,source,jurisdiction,found_name,found_smiles\n"
                        + f"M-{r},drug_checking,2021-03-05,The Loop,England,mephedrone,{MEPHEDRONE}\n".encode()
                    ),
                    "i.csv",
                )
            }
        },
    ),
    "api.intake.ingest_psychoactivity": lambda w, r: (
        "POST",
        "/api/v1/intake/psychoactivity",
        {
            "data": {
                "file": (
                    io.BytesIO(
                        b"result_id,substance_name,substance_smiles,assay,result,test_date,laboratory\n"
                        + f"M-{r},mephedrone,{MEPHEDRONE},DAT uptake,active,2021-04-01,Lab A\n".encode()
                    ),
                    "p.csv",
                )
            }
        },
    ),
}


def expected(app: Any, world: World, endpoint: str, role: str | None) -> int:
    access = route_access(app.view_functions[endpoint])
    if access is None:  # the public OpenAPI document
        return 200
    if role is None:
        return 401
    if not access.role_allowed(role):
        return 403
    if endpoint == "api.subscriptions.revoke":
        return 404
    if endpoint == "api.subscriptions.create":
        return 201
    if endpoint == "api.alerts.show_alert":
        return 200 if any(alert_view(role, Alert(**f)) for f in world.alerts.values()) else 404
    return 200


def test_every_api_route_has_a_recipe(api_app):
    endpoints = {r.endpoint for r in api_app.url_map.iter_rules() if r.endpoint.startswith("api.")}
    assert endpoints == set(RECIPES)


def test_route_role_matrix(api_app, api_client, world):
    failures = []
    for endpoint, recipe in sorted(RECIPES.items()):
        for role in (None, *ROLES):
            method, path, kwargs = recipe(world, role)
            resp = api_client.open(path, method=method, headers=world.headers(role), **kwargs)
            want = expected(api_app, world, endpoint, role)
            if resp.status_code != want:
                failures.append(f"{role or 'anonymous'} {method} {path}: {resp.status_code}, expected {want}")
            if resp.status_code >= 400:
                assert resp.mimetype == "application/problem+json", f"{path}: {resp.mimetype}"
                assert "Location" not in resp.headers
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("role", ["forensic_chemist", "clinical_reporter", "admin"])
def test_matrix_holds_for_session_cookies(api_app, api_client, world, role):
    """The same answers with the browser session instead of a token (GET routes)."""
    from tests.web.conftest import csrf_token

    page = api_client.get("/auth/login")
    api_client.post(
        "/auth/login",
        data={
            "username": role,
            "password": "a-long-test-password",
            "csrf_token": csrf_token(page.get_data(as_text=True)),
        },
    )
    for endpoint, recipe in sorted(RECIPES.items()):
        method, path, kwargs = recipe(world, role)
        if method != "GET":
            continue
        assert api_client.get(path).status_code == expected(api_app, world, endpoint, role), path
