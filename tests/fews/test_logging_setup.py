"""JSON logs with request ids; tokens, free text and case references never reach the log."""

from __future__ import annotations

import io
import json
import logging

import pytest

from fews.logging_setup import JsonFormatter, configure_json_logging, install_request_ids, redact
from web import create_app


@pytest.fixture
def log_stream():
    root = logging.getLogger()
    saved_handlers, saved_level = list(root.handlers), root.level
    stream = io.StringIO()
    configure_json_logging(stream=stream)
    yield stream
    for h in list(root.handlers):
        root.removeHandler(h)
    for h in saved_handlers:
        root.addHandler(h)
    root.setLevel(saved_level)


def _lines(stream: io.StringIO) -> list[dict]:
    return [json.loads(line) for line in stream.getvalue().splitlines() if line.strip()]


def test_each_request_gets_an_id_on_its_log_lines_and_response(runtime, log_stream):
    app = create_app(runtime.config)
    install_request_ids(app)
    client = app.test_client()
    first = client.get("/healthz")
    given = client.get("/healthz", headers={"X-Request-ID": "lb-1234.abc"})
    hostile = client.get("/healthz", headers={"X-Request-ID": 'x" injected=1'})
    app.extensions["fews_engine"].dispose()

    assert given.headers["X-Request-ID"] == "lb-1234.abc"
    assert len(first.headers["X-Request-ID"]) == 32 and hostile.headers["X-Request-ID"] != 'x" injected=1'
    access = [r for r in _lines(log_stream) if r["logger"] == "fews.access_log"]
    assert [r["request_id"] for r in access] == [
        first.headers["X-Request-ID"],
        "lb-1234.abc",
        hostile.headers["X-Request-ID"],
    ]
    assert access[0]["route"] == "/healthz" and access[0]["status"] == 200 and access[0]["duration_ms"] >= 0


def test_a_request_refused_by_the_csrf_check_has_an_id_and_an_access_line(runtime, log_stream):
    app = create_app(runtime.config)  # CSRF protection on, as in production
    install_request_ids(app)
    refused = app.test_client().post("/auth/login", data={"username": "someone", "password": "x"})
    app.extensions["fews_engine"].dispose()

    assert refused.status_code == 400
    rid = refused.headers["X-Request-ID"]
    access = [r for r in _lines(log_stream) if r["logger"] == "fews.access_log"]
    assert [(r["request_id"], r["route"], r["status"]) for r in access] == [(rid, "/auth/login", 400)]


def test_feed_tokens_in_urls_are_not_logged(runtime, log_stream):
    app = create_app(runtime.config)
    install_request_ids(app)
    app.test_client().get("/feeds/very-secret-feed-token.atom", headers={"Authorization": "Bearer abc.def"})
    app.extensions["fews_engine"].dispose()
    text = log_stream.getvalue()
    assert "very-secret-feed-token" not in text and "abc.def" not in text
    assert any(r.get("route", "").startswith("/feeds/") for r in _lines(log_stream))


def test_forbidden_extra_fields_and_secrets_in_messages_are_dropped():
    record = logging.LogRecord("fews.t", logging.WARNING, __file__, 1, "retry with token=%s", ("abc123",), None)
    record.free_text = "patient collapsed at home"
    record.case_reference = "MPS/2024/001"
    record.batch_id = 7
    line = json.loads(JsonFormatter().format(record))
    assert line["message"] == "retry with token=[redacted]"
    assert line["batch_id"] == 7
    assert "free_text" not in line and "case_reference" not in line
    assert "patient" not in json.dumps(line) and "MPS/2024" not in json.dumps(line)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Authorization: Bearer abc.DEF-123", "Authorization: Bearer [redacted]"),
        ("GET /feeds/Zx9_token.json", "GET /feeds/[redacted].json"),
        ("login password=hunter2&next=/", "login password=[redacted]&next=/"),
        ("nothing secret here", "nothing secret here"),
    ],
    ids=["bearer", "feed-token", "password-param", "plain"],
)
def test_redact(text, expected):
    assert redact(text) == expected
