"""The OpenAPI document: public, valid OpenAPI 3, and in step with the routes the app serves."""

from __future__ import annotations

import re

from openapi_spec_validator import validate

from tests.web import api_helpers
from web.api.policy import route_access

api_app, api_client, world = api_helpers.api_app, api_helpers.api_client, api_helpers.world  # fixtures

HTTP_METHODS = {"GET", "POST", "PUT", "PATCH", "DELETE"}


def _flask_to_openapi(rule: str) -> str:
    return re.sub(r"<(?:[a-z_]+:)?([a-z_]+)>", r"{\1}", rule)


def test_openapi_is_public_and_valid_openapi_3(api_client):
    resp = api_client.get("/api/v1/openapi.json")
    assert resp.status_code == 200 and resp.mimetype == "application/json"
    doc = resp.get_json()
    assert doc["openapi"].startswith("3.")
    validate(doc)  # raises on an invalid document


def test_every_api_route_is_documented_and_nothing_else(api_app, api_client):
    doc = api_client.get("/api/v1/openapi.json").get_json()
    served = set()
    for rule in api_app.url_map.iter_rules():
        if rule.endpoint.startswith("api."):
            for method in rule.methods & HTTP_METHODS:
                served.add((_flask_to_openapi(rule.rule), method.lower()))
    documented = {(path, method) for path, ops in doc["paths"].items() for method in ops if method != "parameters"}
    assert served == documented
    assert ("/api/v1/substances/{ident}", "get") in documented and ("/api/v1/intake/reports", "post") in documented


def test_security_schemes_and_error_responses_are_documented(api_app, api_client):
    doc = api_client.get("/api/v1/openapi.json").get_json()
    schemes = doc["components"]["securitySchemes"]
    assert schemes["bearerAuth"] == schemes["bearerAuth"] | {"type": "http", "scheme": "bearer"}
    assert schemes["cookieAuth"]["in"] == "cookie"
    assert doc["security"] == [{"bearerAuth": []}, {"cookieAuth": []}]
    assert doc["paths"]["/api/v1/openapi.json"]["get"]["security"] == []
    for path, ops in doc["paths"].items():
        for method, op in ops.items():
            if path.endswith("openapi.json") or method == "parameters":
                continue
            assert {"200", "201"} & set(op["responses"]), f"{method} {path} documents no success response"
            for status in ("401", "403"):
                assert status in op["responses"], f"{method} {path} does not document {status}"
            assert "application/problem+json" in op["responses"]["401"]["content"]
            assert op.get("summary"), f"{method} {path} has no summary"


def test_every_api_view_declares_its_access(api_app):
    for rule in api_app.url_map.iter_rules():
        if not rule.endpoint.startswith("api.") or rule.endpoint == "api.openapi_json":
            continue
        access = route_access(api_app.view_functions[rule.endpoint])
        assert access is not None, f"{rule.endpoint} has no @requires"
        assert access.scope in ("read", "submit")


def test_request_bodies_are_documented(api_client):
    doc = api_client.get("/api/v1/openapi.json").get_json()
    paths = doc["paths"]
    classify = paths["/api/v1/classify"]["post"]["requestBody"]["content"]
    assert {"application/json", "text/plain"} <= set(classify)
    identify = paths["/api/v1/identify"]["post"]["requestBody"]["content"]["multipart/form-data"]
    schema = identify["schema"]
    if "$ref" in schema:
        schema = doc["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    assert schema["properties"]["file"]["format"] == "binary" and schema["required"] == ["file"]
    intake = paths["/api/v1/intake/seizures"]["post"]["requestBody"]["content"]
    assert {"multipart/form-data", "application/json"} <= set(intake)
