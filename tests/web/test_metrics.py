"""/metrics: Prometheus text for an admin or the scrape token; database-backed intake, detection,
delivery and job figures; request counters that add up across worker processes."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest
from prometheus_client.parser import text_string_to_metric_families

from intake.pipeline import Ingestor
from tests.builders import MEPHEDRONE, SeizureBuilder
from tests.conftest import TODAY
from web import create_app

TOKEN = "scrape-token-for-tests-0123456789"


def _samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    out = {}
    for family in text_string_to_metric_families(text):
        for s in family.samples:
            out[(s.name, tuple(sorted(s.labels.items())))] = s.value
    return out


@pytest.fixture
def token_client(runtime):
    app = create_app(runtime.config, overrides={"FEWS_METRICS_TOKEN": TOKEN})
    yield app.test_client()
    app.extensions["fews_engine"].dispose()


def test_metrics_need_admin_or_the_scrape_token(client, auth, token_client):
    assert client.get("/metrics").status_code == 401
    assert token_client.get("/metrics").status_code == 401
    assert token_client.get("/metrics", headers={"Authorization": "Bearer wrong"}).status_code == 401
    auth.login_as("public_health_analyst")
    assert client.get("/metrics").status_code == 403
    ok = token_client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
    assert ok.status_code == 200 and ok.mimetype == "text/plain"


def test_admin_sees_intake_counts_from_the_database(client, auth, runtime, tmp_path):
    rows = SeizureBuilder().sample("S-1").component("mephedrone", MEPHEDRONE).sample("S-2", seizure_date="bad")
    path = rows.component("mephedrone", MEPHEDRONE).write(tmp_path / "s.csv")
    config = runtime.config.with_(use_opsin=False)
    Ingestor(runtime.factory, config, "seizures", today=TODAY).ingest_file(path)
    Ingestor(runtime.factory, config, "seizures", today=TODAY).ingest_file(path)  # all duplicates
    auth.login_as("admin")
    found = _samples(client.get("/metrics").get_data(as_text=True))
    assert found[("fews_intake_rows_total", (("kind", "seizures"), ("outcome", "accepted")))] == 1
    assert found[("fews_intake_rows_total", (("kind", "seizures"), ("outcome", "quarantined")))] == 1
    assert found[("fews_intake_rows_total", (("kind", "seizures"), ("outcome", "duplicates")))] == 2
    assert found[("fews_intake_batches_total", (("kind", "seizures"), ("status", "complete")))] == 2
    assert found[("fews_quarantine_open_items", (("kind", "seizures"),))] == 1


def test_requests_are_counted_by_route_template_not_path(client, auth):
    auth.login_as("admin")
    for _ in range(3):
        client.get("/healthz")
    client.get("/feeds/secret-feed-token.atom")  # a token in the path must never become a label
    text = client.get("/metrics").get_data(as_text=True)
    found = _samples(text)
    key = ("fews_http_requests_total", (("method", "GET"), ("route", "/healthz"), ("status", "200")))
    assert found[key] == 3
    assert "secret-feed-token" not in text


def test_request_counts_add_up_across_worker_processes(runtime, tmp_path):
    """Two processes serve requests with PROMETHEUS_MULTIPROC_DIR set; a scrape sums both."""
    shared = tmp_path / "prom"
    shared.mkdir()
    script = textwrap.dedent(
        """
        import sys
        from fews.config import load_config
        from web import create_app
        app = create_app(load_config().with_(testing=True))
        client = app.test_client()
        for _ in range(int(sys.argv[1])):
            assert client.get("/healthz").status_code == 200
        """
    )
    env = {
        **__import__("os").environ,
        "PROMETHEUS_MULTIPROC_DIR": str(shared),
        "FEWS_DATABASE_URL": runtime.config.database_url,
        "FEWS_INSTANCE_PATH": str(tmp_path / "instance"),
    }
    procs = [subprocess.Popen([sys.executable, "-c", script, str(n)], env=env) for n in (4, 7)]
    assert [p.wait(timeout=120) for p in procs] == [0, 0]
    reader = subprocess.run(
        [
            sys.executable,
            "-c",
            "from prometheus_client import CollectorRegistry, generate_latest\n"
            "from prometheus_client.multiprocess import MultiProcessCollector\n"
            "r = CollectorRegistry(); MultiProcessCollector(r); print(generate_latest(r).decode())",
        ],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    found = _samples(reader.stdout)
    key = ("fews_http_requests_total", (("method", "GET"), ("route", "/healthz"), ("status", "200")))
    assert found[key] == 11
