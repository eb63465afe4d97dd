"""Web benchmark: latency (p50/p95/p99) and throughput of the main pages and the API under 20
concurrent users, with 100k seizure rows in the database (20k with ``--quick``), measured by ``wrk``
(Debian package ``wrk``) against the app served by waitress in its own process.

The database is filled through the real intake pipeline from demo-generator rows
(``fews.bench.ingest.make_seizure_csv``) and legal status is decided. Twenty accounts sign in through
the login form, each with its own server-side session; requests carry their cookies in turn over 20
connections. Pages: the dashboard, the busiest substance's page (most samples), the substance list
and that substance in the API. Two load shapes: ``users`` (each connection waits 0.5-1.5 s between
requests) and ``saturation`` (no wait). The baseline is the target of issue #10, 300 ms at p99
(``ratio`` > 1 means faster than the target); throughput is compared with ``/healthz`` on the same
server (no database, no templates).
"""

from __future__ import annotations

import datetime as dt
import http.cookiejar
import importlib.util
import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

__all__ = ["bench_web", "TARGET_P99_MS", "NoRedirect", "csrf_token", "free_port", "sign_in", "wait_until_up"]

TARGET_P99_MS = 300.0  # issue #10: p99 at 20 concurrent users
PASSWORD = "bench-password-" + "x" * 12
# Flask-Login's "strong" session protection ties a session to the client's address and User-Agent:
# sign in and load with the same one.
USER_AGENT = "fews-bench-web"
USERS = 20  # concurrent users of issue #10: 20 accounts, each with its own server-side session
THINK_MS = (500, 1500)  # a "user" waits 0.5-1.5 s between pages (uniform): far quicker than a person reads
# One wrk run: requests carry the users' session cookies in turn (each connection is one user at a
# time); ``think`` > 0 makes each connection wait a random time before its next request.
_LUA_HEAD = """
local cookies = {%(cookies)s}
local think_lo, think_hi = %(think_lo)d, %(think_hi)d
local threads = {}
setup = function(thread)
  thread:set("offset", #threads * 7)
  table.insert(threads, thread)
end
init = function(args)
  n = tonumber(offset) or 0
  not_ok = 0
  math.randomseed(n + 1)
end
request = function()
  n = n + 1
  wrk.headers["Cookie"] = cookies[(n %% #cookies) + 1]
  return wrk.format("GET", nil)
end
response = function(status, headers, body)
  if status ~= 200 then not_ok = not_ok + 1 end
end
if think_hi > 0 then
  delay = function() return math.random(think_lo, think_hi) end
end
"""
_LUA = """
done = function(summary, latency, requests)
  local e = summary.errors
  local not_ok = 0
  for _, t in ipairs(threads) do not_ok = not_ok + (t:get("not_ok") or 0) end
  io.write(string.format('{"requests": %d, "duration_us": %d, "errors": %d, "non2xx": %d, "not_200": %d, '
    .. '"p50_us": %d, "p95_us": %d, "p99_us": %d, "bytes": %d}\\n', summary.requests, summary.duration,
    e.connect + e.read + e.write + e.timeout, e.status, not_ok,
    latency:percentile(50), latency:percentile(95), latency:percentile(99), summary.bytes))
end
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_until_up(base: str, *, path: str = "/healthz", timeout: float = 60.0) -> None:
    """Wait until ``base + path`` answers 200 (a server started in another process)."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(base + path, timeout=2) as resp:
                if resp.status == 200:
                    return
        except OSError:
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(f"{base}{path} did not answer 200 within {timeout:.0f} s")
        time.sleep(0.2)


def _build(folder: Path, rows: int) -> tuple[str, int, int]:
    """A migrated SQLite database with ``rows`` seizure rows, legal status and a bench user."""
    from sqlalchemy import func, select

    from fews import migrate
    from fews.accounts import create_user
    from fews.bench.ingest import make_seizure_csv
    from fews.config import load_config
    from fews.db import make_engine, make_session_factory, session_scope
    from fews.legal_status import reevaluate
    from fews.models import Component, Sample
    from intake.pipeline import Ingestor

    url = f"sqlite:///{folder / 'web.db'}"
    engine = make_engine(url)
    migrate.upgrade(engine)
    factory = make_session_factory(engine)
    config = load_config(instance_path=folder / "instance", database_url=url).with_(use_opsin=False)
    csv_path = folder / "seizures.csv"
    written = make_seizure_csv(csv_path, rows)
    Ingestor(factory, config, "seizures", actor="bench").ingest_file(csv_path, provider="bench-lab")
    reevaluate(factory, as_of=dt.date.today(), actor="bench")
    with session_scope(factory) as s:
        for i in range(USERS):
            create_user(s, f"bench{i:02d}", role="public_health_analyst", password=PASSWORD, actor="bench")
        busiest = s.execute(
            select(Component.substance_id, func.count(func.distinct(Component.sample_pk)))
            .join(Sample, Sample.id == Component.sample_pk)
            .where(Component.substance_id.is_not(None), Sample.is_current.is_(True))
            .group_by(Component.substance_id)
            .order_by(func.count(func.distinct(Component.sample_pk)).desc())
            .limit(1)
        ).one()
    engine.dispose()
    return url, int(busiest[0] or 0), written


def csrf_token(html: str) -> str:
    """The CSRF token of the (first) form on a page."""
    m = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html)
    if not m:
        raise RuntimeError("no CSRF token on the page")
    return m.group(1)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    """Answer redirects as they are (urllib raises ``HTTPError`` with the 3xx code) instead of following them."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def sign_in(
    base: str, username: str, password: str, *, user_agent: str = USER_AGENT
) -> tuple[urllib.request.OpenerDirector, http.cookiejar.CookieJar]:
    """Sign in through the login form, as a browser does: an opener holding the session in its cookie jar
    (redirects are not followed; the sign-in answers 302)."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirect())
    opener.addheaders = [("User-Agent", user_agent)]
    token = csrf_token(opener.open(f"{base}/auth/login", timeout=30).read().decode())
    body = urllib.parse.urlencode({"username": username, "password": password, "csrf_token": token}).encode()
    try:
        opener.open(f"{base}/auth/login", data=body, timeout=30).read()
        status, location = 200, None  # the form again: the sign-in failed
    except urllib.error.HTTPError as exc:
        status, location = exc.code, exc.headers.get("Location")
    if status not in (302, 303) or not location:
        raise RuntimeError(f"signing in as {username!r} failed (HTTP {status})")
    # land on the page the sign-in leads to, as a browser does (its forms put the CSRF token in the session)
    with opener.open(urllib.parse.urljoin(base + "/", location), timeout=60) as resp:
        resp.read()
    return opener, jar


def _lua(folder: Path, cookies: list[str], *, think: tuple[int, int] | None) -> Path:
    lo, hi = think or (0, 0)
    quoted = ", ".join(json.dumps(c) for c in cookies)
    path = folder / f"load-{hi}.lua"
    path.write_text(_LUA_HEAD % {"cookies": quoted, "think_lo": lo, "think_hi": hi} + _LUA)
    return path


def _wrk(url: str, cookie: str, *, seconds: int, connections: int, lua: Path) -> dict[str, Any]:
    wrk = shutil.which("wrk")
    if wrk is None:
        raise RuntimeError("wrk is not installed: apt-get install -y wrk")
    proc = subprocess.run(
        [
            wrk,
            "-t2",
            f"-c{connections}",
            f"-d{seconds}s",
            "--timeout",
            "10s",
            "-s",
            str(lua),
            "-H",
            f"Cookie: {cookie}",
            "-H",
            f"User-Agent: {USER_AGENT}",
            url,
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    line = next(ln for ln in reversed(proc.stdout.splitlines()) if ln.startswith("{"))
    out: dict[str, Any] = json.loads(line)
    out["requests_per_second"] = round(out["requests"] / (out["duration_us"] / 1e6), 1)
    return out


def _signed_in_cookies(base: str, n: int) -> list[str]:
    cookies: list[str] = []
    for i in range(n):
        _opener, jar = sign_in(base, f"bench{i:02d}", PASSWORD)
        cookies.extend(f"session={c.value}" for c in jar if c.name == "session")
    if len(cookies) != n:
        raise RuntimeError(f"{n} sign-ins gave {len(cookies)} session cookies")
    return cookies


GUNICORN_THREADS = 4


def _start_server(folder: Path, url: str, env: dict[str, str], server: str, port: int) -> subprocess.Popen[bytes]:
    """``waitress`` (one process, 4 threads: ``fews serve``) or ``gunicorn`` (one worker per CPU, 4 threads each:
    the deployment in the README), serving the bench database; the log goes to a file, never an unread pipe:
    under load waitress logs a "task queue depth" line per queued request, and a full pipe would block the
    server's threads mid-request."""
    if server == "waitress":
        argv = [sys.executable, "-m", "fews.bench.web", "serve", url, str(folder / "instance"), str(port)]
    else:
        if importlib.util.find_spec("gunicorn") is None:
            raise RuntimeError("gunicorn is not installed: pip install '.[bench]'")
        argv = [sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{port}", "--workers", str(_cpus())]
        argv += ["--threads", str(GUNICORN_THREADS), "--worker-class", "gthread", "fews.wsgi:app"]
        env = dict(env, FEWS_DATABASE_URL=url, FEWS_INSTANCE_PATH=str(folder / "instance"))
    with open(folder / f"{server}.log", "ab") as log:
        return subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=log)


def _cpus() -> int:
    return max(os.cpu_count() or 1, 1)


def _stop(server: subprocess.Popen[bytes]) -> None:
    server.terminate()
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


def _warm(base: str, pages: dict[str, str], cookies: list[str]) -> None:
    """A few requests per page (legal engine, templates, caches), as a running server has had; each must be
    the signed-in page."""
    no_redirects = urllib.request.build_opener(NoRedirect())
    for path in pages.values():
        for cookie in cookies[: max(3, 2 * _cpus())]:  # reach every gunicorn worker
            req = urllib.request.Request(base + path, headers={"Cookie": cookie, "User-Agent": USER_AGENT})
            with no_redirects.open(req, timeout=60) as resp:  # a redirect (to sign in) raises HTTPError
                body = resp.read()
                signed = b"Sign out" in body or path.startswith("/api/")
                if resp.status != 200 or not signed:
                    raise RuntimeError(f"{path} did not answer 200 for the signed-in user")


def _figures(
    name: str, label: str, res: dict[str, Any], floor: dict[str, Any], common: dict[str, Any]
) -> Iterator[dict[str, Any]]:
    if res["not_200"] or res["errors"]:  # wrk counts a 3xx as success: count every non-200
        raise RuntimeError(
            f"{name}: {res['not_200']} answers other than 200 (a redirect: sent to sign in), "
            f"{res['errors']} socket errors ({label})"
        )
    common = dict(common, requests=res["requests"], bytes_per_response=res["bytes"] // max(res["requests"], 1))
    for pct in ("p50", "p95", "p99"):
        ms = round(res[f"{pct}_us"] / 1000, 1)
        yield {
            "benchmark": "web",
            "metric": f"{name}_{label}_{pct}_latency",
            "value": ms,
            "unit": "ms",
            "baseline": "issue #10 target: 300 ms at p99",
            "baseline_value": TARGET_P99_MS,
            "ratio": round(TARGET_P99_MS / ms, 3) if ms else None,
            **common,
        }
    yield {
        "benchmark": "web",
        "metric": f"{name}_{label}_throughput",
        "value": res["requests_per_second"],
        "unit": "requests/s",
        "baseline": "/healthz on the same server, saturated",
        "baseline_value": floor["requests_per_second"],
        "ratio": round(res["requests_per_second"] / floor["requests_per_second"], 3),
        **common,
    }


def bench_web(*, quick: bool = False) -> Iterator[dict[str, Any]]:
    """Two load shapes, each with ``USERS`` signed-in users (own accounts, own sessions) on 20 connections:
    ``users`` (each waits ``THINK_MS`` between pages, as people do, only faster) and ``saturation`` (no
    waiting: 20 requests always in flight, the most the server can take), against one waitress process;
    then ``saturation_gunicorn``: the saturation shape against gunicorn with one worker per CPU (the
    several-process deployment of the README) on the same database."""
    rows = 20_000 if quick else 100_000
    seconds = 5 if quick else 20
    with tempfile.TemporaryDirectory(prefix="fews-bench-web-") as tmp:
        folder = Path(tmp)
        url, substance_id, written = _build(folder, rows)
        env = dict(os.environ, FEWS_SECRET_KEY=secrets.token_urlsafe(32), FEWS_USE_OPSIN="0")
        pages = {
            "dashboard": "/dashboard",
            "substance": f"/substances/S{substance_id}",
            "substances": "/substances",
            "api_substance": f"/api/v1/substances/S{substance_id}",
        }
        base_common = {"seizure_rows": written, "users": USERS, "connections": USERS, "seconds": seconds}
        runs = (
            ("waitress", "waitress, 4 threads, SQLite", ("users", "saturation")),
            ("gunicorn", f"gunicorn, {_cpus()} workers x {GUNICORN_THREADS} threads, SQLite", ("saturation",)),
        )
        cookies: list[str] = []
        shapes: dict[str, Path] = {}
        for server_name, server_label, shape_names in runs:
            port = free_port()
            server = _start_server(folder, url, env, server_name, port)
            base = f"http://127.0.0.1:{port}"
            try:
                wait_until_up(base)
                if not cookies:  # server-side sessions: signed in once, valid on both servers
                    cookies = _signed_in_cookies(base, USERS)
                    shapes = {
                        "users": _lua(folder, cookies, think=THINK_MS),
                        "saturation": _lua(folder, cookies, think=None),
                    }
                _warm(base, pages, cookies)
                measured = []
                for shape in shape_names:
                    label = shape if server_name == "waitress" else f"{shape}_{server_name}"
                    think = list(THINK_MS) if shape == "users" else [0, 0]
                    common = dict(base_common, shape=label, think_ms=think, server=server_label)
                    for name, path in pages.items():
                        res = _wrk(base + path, cookies[0], seconds=seconds, connections=USERS, lua=shapes[shape])
                        measured.append((name, label, res, common))
                # the floor last, on the warmed server (measured first it caught the server still settling)
                floor = _wrk(
                    f"{base}/healthz", cookies[0], seconds=seconds, connections=USERS, lua=shapes["saturation"]
                )
                for name, label, res, common in measured:
                    yield from _figures(name, label, res, floor, common)
            finally:
                _stop(server)


def _serve(url: str, instance: str, port: int) -> None:
    from waitress import serve

    from fews.config import load_config
    from web import create_app

    config = load_config(instance_path=instance, database_url=url)
    serve(create_app(config), host="127.0.0.1", port=port, threads=4, _quiet=True)


if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[1] == "serve":
        _serve(sys.argv[2], sys.argv[3], int(sys.argv[4]))
    else:
        raise SystemExit("usage: python -m fews.bench.web serve DATABASE_URL INSTANCE_PATH PORT")
