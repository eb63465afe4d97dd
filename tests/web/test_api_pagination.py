"""Keyset pagination: every row exactly once across pages, stable under inserts; limit bounds; bad cursors."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import insert

from fews.db import session_scope
from fews.models import Signal
from tests.builders import SeizureBuilder
from tests.web import api_helpers
from tests.web.api_helpers import add_user, ingest

api_app, api_client, world = api_helpers.api_app, api_helpers.api_client, api_helpers.world  # fixtures

N = 57


def _signals(runtime, n: int, start: int = 0) -> None:
    rows = [
        {
            "type": "new_substance",
            "key": f"k{i}",
            "as_of": dt.date(2021, 1, 3) + dt.timedelta(weeks=i),
            "score": float(i),
            "reason": f"signal {i}",
            "details": {},
        }
        for i in range(start, start + n)
    ]
    with session_scope(runtime.factory) as s:
        s.execute(insert(Signal), rows)


def _walk(client, path: str, headers: dict[str, str], limit: int) -> list[list[int]]:
    pages, url = [], f"{path}?limit={limit}"
    while url:
        body = client.get(url, headers=headers).get_json()
        pages.append([i["id"] for i in body["items"]])
        url = f"{path}?limit={limit}&cursor={body['next']}" if body["next"] else None
    return pages


def test_pages_cover_every_row_once(api_client, runtime):
    _, token = add_user(runtime, "ph", "public_health_analyst")
    _signals(runtime, N)
    pages = _walk(api_client, "/api/v1/signals", {"Authorization": f"Bearer {token}"}, 10)
    ids = [i for p in pages for i in p]
    assert [len(p) for p in pages] == [10, 10, 10, 10, 10, 7]
    assert len(set(ids)) == N and ids == sorted(ids, reverse=True)  # signals: newest first


def test_seizure_pages_are_stable_under_inserts(api_client, runtime, tmp_path):
    _, token = add_user(runtime, "intel", "intelligence_analyst")
    headers = {"Authorization": f"Bearer {token}"}
    b = SeizureBuilder()
    for i in range(25):
        b.sample(f"P{i:03d}").component("caffeine", "Cn1cnc2c1c(=O)n(C)c(=O)n2C")
    ingest(runtime, "seizures", b.write(tmp_path / "p.csv"))
    first = api_client.get("/api/v1/seizures?limit=10", headers=headers).get_json()
    more = SeizureBuilder()
    for i in range(5):
        more.sample(f"NEW{i}").component("caffeine", "Cn1cnc2c1c(=O)n(C)c(=O)n2C")
    ingest(runtime, "seizures", more.write(tmp_path / "new.csv"))  # rows inserted between page requests
    rest = _walk_from(api_client, "/api/v1/seizures", headers, 10, first["next"])
    ids = [i["id"] for i in first["items"]] + rest
    assert len(ids) == len(set(ids)) == 30 and ids == sorted(ids)


def _walk_from(client, path, headers, limit, cursor) -> list[int]:
    out = []
    while cursor:
        body = client.get(f"{path}?limit={limit}&cursor={cursor}", headers=headers).get_json()
        out += [i["id"] for i in body["items"]]
        cursor = body["next"]
    return out


def test_default_and_maximum_limits(api_client, runtime):
    _, token = add_user(runtime, "ph", "public_health_analyst")
    headers = {"Authorization": f"Bearer {token}"}
    _signals(runtime, 1005)
    body = api_client.get("/api/v1/signals", headers=headers).get_json()
    assert len(body["items"]) == 50 and body["next"]
    body = api_client.get("/api/v1/signals?limit=1000", headers=headers).get_json()
    assert len(body["items"]) == 1000 and body["next"]
    last = api_client.get(f"/api/v1/signals?limit=1000&cursor={body['next']}", headers=headers).get_json()
    assert len(last["items"]) == 5 and last["next"] is None


@pytest.mark.parametrize("limit", ["0", "1001", "-5", "many"])
def test_limits_out_of_bounds_are_problems(api_client, runtime, limit):
    _, token = add_user(runtime, "ph", "public_health_analyst")
    resp = api_client.get(f"/api/v1/signals?limit={limit}", headers={"Authorization": f"Bearer {token}"})
    assert resp.status_code == 422 and resp.mimetype == "application/problem+json"
    assert "limit" in resp.get_json()["errors"]["query"]


@pytest.mark.parametrize("cursor", ["nonsense", "eyJ2IjoxLCJrIjoiYSJ9", "eyJ2IjoxLCJrIjo5OTk5OTk5OTk5OTksImQiOjF9"])
def test_foreign_cursors_are_refused(api_client, runtime, cursor):
    _, token = add_user(runtime, "ph", "public_health_analyst")
    resp = api_client.get(f"/api/v1/signals?cursor={cursor}", headers={"Authorization": f"Bearer {token}"})
    assert resp.status_code == 400 and "cursor" in resp.get_json()["detail"]
