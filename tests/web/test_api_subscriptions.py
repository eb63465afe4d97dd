"""``/api/v1/subscriptions``: create (token shown once), list own, revoke; the feed follows."""

from __future__ import annotations

from tests.web import api_helpers

api_app, api_client, world = api_helpers.api_app, api_helpers.api_client, api_helpers.world  # fixtures


def test_create_list_revoke_and_the_feed(api_client, world):
    headers = world.headers("enforcement_subscriber")
    resp = api_client.post(
        "/api/v1/subscriptions",
        json={"name": "postal cathinones", "channel": "feed", "filters": {"alert_type": ["new_substance"]}},
        headers=headers,
    )
    assert resp.status_code == 201, resp.get_json()
    created = resp.get_json()
    token = created["feed_token"]
    assert created["feeds"]["atom"].endswith(f"/feeds/{token}.atom") and created["token_prefix"] == token[:8]
    assert created["audience"] in ("enforcement", "prisons")
    listed = api_client.get("/api/v1/subscriptions", headers=headers).get_json()["items"]
    assert [x["id"] for x in listed] == [created["id"]] and "feed_token" not in listed[0]
    # another user neither sees nor revokes it
    other = world.headers("forensic_chemist")
    assert api_client.get("/api/v1/subscriptions", headers=other).get_json()["items"] == []
    assert api_client.delete(f"/api/v1/subscriptions/{created['id']}", headers=other).status_code == 404
    assert api_client.get(f"/feeds/{token}.atom").status_code == 200
    gone = api_client.delete(f"/api/v1/subscriptions/{created['id']}", headers=headers)
    assert gone.status_code == 200 and gone.get_json()["status"] == "revoked"
    assert api_client.get(f"/feeds/{token}.atom").status_code == 404
    assert api_client.delete(f"/api/v1/subscriptions/{created['id']}", headers=headers).status_code == 409


def test_bad_subscriptions_are_refused_with_reasons(api_client, world):
    headers = world.headers("clinical_reporter")
    bad = api_client.post(
        "/api/v1/subscriptions", json={"name": "x", "channel": "webhook", "target": "ftp://nope"}, headers=headers
    )
    assert bad.status_code == 422 and "http(s) URL" in bad.get_json()["detail"]
    wrong = api_client.post(
        "/api/v1/subscriptions", json={"name": "x", "channel": "feed", "audience": "enforcement"}, headers=headers
    )
    assert wrong.status_code == 422 and "may receive" in wrong.get_json()["detail"]
