"""Soak test: intake and web traffic at a steady rate against a running FEWS, for minutes, on loopback.

Run: ``.venv/bin/python -m benchmarks.soak --minutes 10 [--database-url URL] [--json OUT]``

Not part of the test suite (``tests/reliability/test_soak.py`` runs it for half a minute). It sets
up a fresh instance the way an operator does -- ``fews init``, ``fews demo``, ``fews detect`` and
``fews tokens add`` in a new folder, on a new SQLite file, or on a new database
(``fews_soak_<random>``, dropped at the end) of the PostgreSQL server that ``--database-url`` names
-- then starts the web app under a production server in its own process (``fews serve``: waitress;
``--server gunicorn`` runs ``gunicorn fews.wsgi:app`` as in the README's deployment) and
``fews scheduler`` in another, and drives for the duration:

* web traffic from six users of different roles, each signed in through the login form with its
  own session, over the main pages and ``/api/v1`` (plus an API token client), paced by a
  schedule (``--rate`` requests per second, open loop: a slow server shows as latency and start
  lag, not as fewer requests); pages a role may not see are asked for too and must answer 403;
* intake, one file every ``--intake-every`` seconds, of seizure and RIDR report files made from
  the demo generator with new ids, through the upload form (``/submit/upload``), the JSON API
  (``POST /api/v1/intake/...`` with a token) and ``fews ingest``: some files carry bad records
  (bad dates, unreadable SMILES, missing fields), which must be quarantined, and some files are
  sent again, which must come back as duplicates only.

The RSS of the web server (with its workers) and of the scheduler is read from ``/proc`` every
``--sample-every`` seconds. At the end: requests and latency (p50/p95/p99) per kind, errors (a
status other than the expected one, 5xx, connection errors), memory after the warm-up vs at the
end with the growth per minute (least-squares line over the samples after the warm-up), intake
accounting from the database (rows submitted == stored + quarantined + duplicates; every record
stored or quarantined once, never twice), scheduled job runs, and ``fews audit verify``. The
report is JSON on stdout (and in ``--json OUT``); the exit status is 1 when a check failed or any
request failed unexpectedly. The same-run baseline for latency is ``/healthz`` on the same server.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections import Counter, defaultdict
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from fews.bench.web import NoRedirect, csrf_token, free_port, sign_in, wait_until_up

__all__ = ["main", "soak", "tree_rss_mb", "memory_summary"]

# web users (demo accounts, one per role) and the API token holders
WEB_ROLES = (
    "forensic_chemist",
    "clinical_reporter",
    "clinical_network_reviewer",
    "public_health_analyst",
    "enforcement_subscriber",
    "admin",
)
TOKEN_SCOPES = {
    "forensic_chemist": ("read", "submit"),
    "clinical_reporter": ("read", "submit"),
    "intelligence_analyst": ("read",),
}
SUBMITTER = {"seizures": "forensic_chemist", "reports": "clinical_reporter"}
RECORD_KEY = {"seizures": "sample_id", "reports": "report_id"}
REQUEST_TIMEOUT = 120.0

# Intake ticks, repeated: (kind or "resubmit", channel, bad records?). Every kind meets every channel
# and both outcomes within the first twelve files; a re-submission sends an earlier file again.
INTAKE_PATTERN: tuple[tuple[str, str, bool], ...] = (
    ("seizures", "web", False),
    ("reports", "api", True),
    ("seizures", "api", True),
    ("reports", "web", False),
    ("seizures", "cli", False),
    ("resubmit", "web", False),
    ("reports", "cli", True),
    ("seizures", "web", True),
    ("reports", "api", False),
    ("resubmit", "api", False),
    ("seizures", "api", False),
    ("resubmit", "cli", False),
)


def log(message: str) -> None:
    print(f"[soak {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def fews_argv(*args: str) -> list[str]:
    """``fews ARGS`` in a child process, through the installed entry point's module."""
    return [sys.executable, "-m", "fews.cli", *args]


# ------------------------------------------------------------------------------------------ instance


@dataclass
class Instance:
    folder: Path
    url: str
    env: dict[str, str]
    engine_name: str
    drop: Callable[[], None] | None = None

    def fews(self, *args: str, stdin: str | None = None, check: bool = True) -> subprocess.CompletedProcess[str]:
        done = subprocess.run(fews_argv(*args), env=self.env, input=stdin, capture_output=True, text=True)
        if check and done.returncode != 0:
            raise RuntimeError(f"fews {' '.join(args)} failed ({done.returncode}): {done.stderr[-2000:]}")
        return done


def _fresh_postgres(server_url: str) -> tuple[str, Callable[[], None]]:
    """A new, empty database on the server of ``server_url``; and a function that drops it."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    name = f"fews_soak_{uuid.uuid4().hex[:10]}"
    admin = create_engine(server_url)
    with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()

    def drop() -> None:
        engine = create_engine(server_url)
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        engine.dispose()

    return make_url(server_url).set(database=name).render_as_string(hide_password=False), drop


def make_instance(folder: Path, database_url: str | None) -> Instance:
    if database_url:
        url, drop = _fresh_postgres(database_url)
        engine_name = "postgresql"
    else:
        url, drop, engine_name = f"sqlite:///{folder / 'fews.db'}", None, "sqlite"
    env = {k: v for k, v in os.environ.items() if not k.startswith("FEWS_")}
    env.update(
        FEWS_DATABASE_URL=url,
        FEWS_INSTANCE_PATH=str(folder / "instance"),
        FEWS_SECRET_KEY=secrets.token_urlsafe(32),
        FEWS_USE_OPSIN="0",  # as the benchmarks and tests: names resolve through the synonym table
        FEWS_PUBLIC_URL="http://127.0.0.1",
        PYTHONUNBUFFERED="1",
    )
    return Instance(folder, url, env, engine_name, drop)


def setup_instance(inst: Instance, demo_scale: float) -> tuple[dict[str, str], dict[str, str]]:
    """Migrate, load demo data, run detection once (as a running instance has), create API tokens.

    Returns the demo passwords by username and the API tokens by username."""
    t0 = time.monotonic()
    inst.fews("init")
    demo = json.loads(inst.fews("demo", "--scale", str(demo_scale), "--no-progress").stdout.strip().splitlines()[-1])
    log(f"fews init and fews demo: {time.monotonic() - t0:.0f} s")
    inst.fews("detect")  # the weeks up to today, so that the scheduler starts as on a running instance
    passwords = {}
    for line in Path(demo["credentials_file"]).read_text().splitlines():
        parts = line.split()
        if len(parts) == 3 and not line.startswith("#"):
            passwords[parts[1]] = parts[2]
    tokens = {}
    for user, scopes in TOKEN_SCOPES.items():
        args = [a for s in scopes for a in ("--scope", s)]
        tokens[user] = inst.fews("tokens", "add", user, *args, "--label", "soak").stdout.strip().splitlines()[-1]
    log(
        f"instance ready in {time.monotonic() - t0:.0f} s: {inst.engine_name}, demo scale {demo_scale} "
        f"({demo['seizures']['rows']} seizure rows, {demo['reports']['rows']} report rows)"
    )
    return passwords, tokens


def start_processes(inst: Instance, server: str, port: int, threads: int, workers: int) -> dict[str, subprocess.Popen]:
    if server == "gunicorn":
        prom = inst.folder / "prometheus"
        prom.mkdir(exist_ok=True)
        env = dict(inst.env, PROMETHEUS_MULTIPROC_DIR=str(prom))
        argv = [sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{port}", "--workers", str(workers)]
        argv += ["--threads", str(threads), "--worker-class", "gthread", "fews.wsgi:app"]
    else:
        env = inst.env
        argv = fews_argv("serve", "--host", "127.0.0.1", "--port", str(port), "--threads", str(threads))
    procs = {}
    for name, cmd, cmd_env in (("server", argv, env), ("scheduler", fews_argv("scheduler"), inst.env)):
        logfile = open(inst.folder / f"{name}.log", "wb")  # the child keeps its own descriptor
        procs[name] = subprocess.Popen(cmd, env=cmd_env, stdout=logfile, stderr=subprocess.STDOUT)
        logfile.close()
    return procs


def stop_processes(procs: dict[str, subprocess.Popen]) -> None:
    for proc in procs.values():
        if proc.poll() is None:
            proc.send_signal(signal.SIGINT if proc is procs.get("scheduler") else signal.SIGTERM)
    for proc in procs.values():
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=30)


# ------------------------------------------------------------------------------------------ memory


def _children(pid: int) -> list[int]:
    out: list[int] = []
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children") as fh:
                out += [int(c) for c in fh.read().split()]
    except OSError:
        pass
    return out


def _rss_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status") as fh:
            for line in fh:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def tree_rss_mb(pid: int) -> float:
    """Resident memory of a process and all its descendants (gunicorn's workers), in MB."""
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        total += _rss_kb(p)
        todo += _children(p)
    return total / 1024


def memory_summary(samples: list[tuple[float, float]], warmup: float) -> dict[str, Any]:
    after = [(t, mb) for t, mb in samples if t >= warmup]
    if len(after) < 2:
        return {"samples": len(samples), "note": "too few samples after the warm-up"}
    t = np.array([a for a, _ in after]) / 60.0
    mb = np.array([b for _, b in after])
    slope = float(np.polyfit(t, mb, 1)[0])
    return {
        "samples": len(after),
        "start_mb": round(float(mb[0]), 1),
        "end_mb": round(float(mb[-1]), 1),
        "max_mb": round(float(mb.max()), 1),
        "end_over_start": round(float(mb[-1] / mb[0]), 3) if mb[0] else None,
        "growth_mb_per_min": round(slope, 2),
        "before_warmup_first_mb": round(samples[0][1], 1),
        "series": [[round(t), round(mb, 1)] for t, mb in samples],  # [seconds, MB], warm-up included
    }


# ------------------------------------------------------------------------------------------ traffic


@dataclass
class Outcome:
    kind: str
    label: str
    status: int  # -1: no answer (connection error, timeout)
    seconds: float
    ok: bool
    detail: str = ""
    finished: float = field(default_factory=time.monotonic)


class Recorder:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.outcomes: list[Outcome] = []
        self.max_lag = 0.0

    def add(self, outcome: Outcome) -> None:
        with self.lock:
            self.outcomes.append(outcome)

    def lag(self, seconds: float) -> None:
        with self.lock:
            self.max_lag = max(self.max_lag, seconds)


def _multipart(fields: dict[str, str], file_field: str, filename: str, content: bytes) -> tuple[bytes, str]:
    boundary = f"soak{secrets.token_hex(12)}"
    parts = []
    for name, value in fields.items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="{file_field}"; filename="{filename}"\r\n'
        f"Content-Type: text/csv\r\n\r\n".encode()
        + content
        + b"\r\n"
    )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


class Client:
    """One user: a signed-in browser session, or an API token holder."""

    def __init__(self, base: str, name: str, *, password: str | None = None, token: str | None = None):
        self.base, self.name = base, name
        if password is not None:
            self.opener, _jar = sign_in(base, name, password, user_agent=f"fews-soak-{name}")
        else:
            self.opener = urllib.request.build_opener(NoRedirect())
            self.opener.addheaders = [("User-Agent", f"fews-soak-{name}-api"), ("Authorization", f"Bearer {token}")]

    def call(
        self, method: str, path: str, *, data: bytes | None = None, content_type: str | None = None
    ) -> tuple[int, bytes, str | None, float]:
        """(status, body, Location, seconds); status -1 when no answer came."""
        req = urllib.request.Request(self.base + path, data=data, method=method)
        if content_type:
            req.add_header("Content-Type", content_type)
        t0 = time.perf_counter()
        try:
            with self.opener.open(req, timeout=REQUEST_TIMEOUT) as resp:
                body = resp.read()
                return resp.status, body, resp.headers.get("Location"), time.perf_counter() - t0
        except urllib.error.HTTPError as exc:
            body = exc.read()
            return exc.code, body, exc.headers.get("Location"), time.perf_counter() - t0
        except (OSError, urllib.error.URLError) as exc:
            return -1, repr(exc).encode(), None, time.perf_counter() - t0


@dataclass
class Spec:
    kind: str  # page | api | forbidden | healthz | readyz | classify
    path: str  # may hold {sid} {fid} {sig} {q}
    expected: tuple[int, ...] = (200,)
    method: str = "GET"


def traffic_plan(ids: dict[str, list[Any]]) -> dict[str, list[Spec]]:
    common = [
        Spec("page", "/dashboard"),
        Spec("page", "/substances"),
        Spec("page", "/substances?q={q}", (200, 302)),  # an exact name goes to its page
        Spec("page", "/substances/S{sid}"),
        Spec("page", "/families"),
        Spec("page", "/families/F{fid}"),
        Spec("page", "/signals"),
        Spec("page", "/signals/{sig}"),
        Spec("page", "/alerts"),
        Spec("api", "/api/v1/substances?limit=50"),
        Spec("api", "/api/v1/signals?limit=50"),
        Spec("api", "/api/v1/substances/S{sid}"),
        Spec("healthz", "/healthz"),
    ]
    extra = {
        "forensic_chemist": [Spec("page", "/submit/"), Spec("api", "/api/v1/seizures?limit=50")],
        "clinical_reporter": [Spec("page", "/submit/report"), Spec("api", "/api/v1/harm-reports?limit=20")],
        "clinical_network_reviewer": [Spec("api", "/api/v1/harm-reports?limit=50"), Spec("page", "/search?q={q}")],
        "public_health_analyst": [Spec("api", "/api/v1/harm-reports?limit=50"), Spec("api", "/api/v1/families")],
        "enforcement_subscriber": [
            Spec("api", "/api/v1/seizures?limit=50"),
            Spec("forbidden", "/api/v1/harm-reports", (403,)),
            Spec("forbidden", "/admin/", (403,)),
        ],
        "admin": [
            Spec("page", "/admin/quarantine"),
            Spec("page", "/admin/users"),
            Spec("page", "/admin/audit"),
            Spec("readyz", "/readyz"),
        ],
        "intelligence_analyst": [
            Spec("api", "/api/v1/seizures?limit=100"),
            Spec("api", "/api/v1/families/F{fid}"),
            Spec("classify", "/api/v1/classify", (200,), "POST"),
            Spec("api", "/api/v1/substances?limit=100"),
        ],
    }
    plan = {}
    for user, specs in extra.items():
        plan[user] = specs if user == "intelligence_analyst" else common + specs
    return plan


CLASSIFY_BODY = json.dumps(
    {
        "structures": [
            {"id": "mephedrone", "smiles": "CNC(C)C(=O)c1ccc(C)cc1"},
            {"id": "eutylone", "smiles": "CCC(NCC)C(=O)c1ccc2OCOc2c1"},
            {"id": "caffeine", "smiles": "Cn1cnc2c1c(=O)n(C)c(=O)n2C"},
        ]
    }
).encode()


# ------------------------------------------------------------------------------------------ intake files


@dataclass
class SoakFile:
    number: int
    kind: str
    path: Path
    rows: int
    bad_rows: int
    good_keys: list[str]
    bad_keys: list[str]


@dataclass
class Submission:
    file: SoakFile
    channel: str
    resubmit: bool
    status: int = 0
    batch_id: int | None = None
    summary: dict[str, Any] | None = None
    error: str = ""

    @property
    def expected(self) -> dict[str, int]:
        if self.resubmit:
            return {"rows": self.file.rows, "accepted": 0, "quarantined": 0, "duplicates": self.file.rows}
        good = self.file.rows - self.file.bad_rows
        return {"rows": self.file.rows, "accepted": good, "quarantined": self.file.bad_rows, "duplicates": 0}


class FileMaker:
    """Small intake files of demo-generator records with new ids; some with bad records."""

    def __init__(self, folder: Path, prefix: str, scale: float, records_per_file: int):
        from fews.demo.generator import generate
        from intake.pipeline import london_today

        data = generate(london_today(), scale=scale)
        self.folder, self.prefix, self.per_file = folder, prefix, records_per_file
        self.source = {
            "seizures": self._group(data.seizure_rows, "sample_id"),
            "reports": self._group(data.report_rows, "report_id"),
        }
        self.position = {"seizures": 0, "reports": 0}
        self.count = 0

    @staticmethod
    def _group(rows: list[dict[str, str]], key: str) -> list[list[dict[str, str]]]:
        groups: dict[str, list[dict[str, str]]] = {}
        for r in rows:
            groups.setdefault(r[key], []).append(r)
        return list(groups.values())

    def make(self, kind: str, bad: bool) -> SoakFile:
        from fews.demo.generator import write_csv

        self.count += 1
        n, key = self.count, RECORD_KEY[kind]
        source = self.source[kind]
        rows: list[dict[str, str]] = []
        good_keys: list[str] = []
        bad_keys: list[str] = []
        bad_rows = 0
        for i in range(self.per_file):
            record = source[self.position[kind] % len(source)]
            self.position[kind] += 1
            ident = f"{self.prefix}-{n:05d}-{i:02d}"
            new = [dict(r, **{key: ident}) for r in record]
            if bad and i in (1, 4):  # two bad records: every row of each is quarantined (records are atomic)
                self._spoil(kind, new, variant=(n + i) % 3)
                bad_keys.append(ident)
                bad_rows += len(new)
            else:
                good_keys.append(ident)
            rows += new
        path = self.folder / f"{kind}-{n:05d}.csv"
        write_csv(rows, path)
        return SoakFile(n, kind, path, len(rows), bad_rows, good_keys, bad_keys)

    @staticmethod
    def _spoil(kind: str, rows: list[dict[str, str]], variant: int) -> None:
        for r in rows:
            if kind == "seizures":
                if variant == 0:
                    r["seizure_date"] = "2026-02-30"  # bad_date
                elif variant == 1:
                    r["jurisdiction"] = "Atlantis"  # unknown_jurisdiction
                else:
                    r["submitting_agency"] = ""  # missing_required_field
            elif variant == 0:
                r["event_date"] = "31/31/2026"  # bad_date
            elif variant == 1:
                r["event_date"] = ""  # missing_required_field
            else:
                r["event_date"] = "2099-01-01"  # future_date
        if kind == "seizures" and variant == 0:
            rows[0]["component_smiles"] = "C1CC(N"  # and an unreadable structure


class Intake:
    """Sends one file per tick through the web form, the API or ``fews ingest``."""

    def __init__(self, inst: Instance, web: dict[str, Client], api: dict[str, Client], maker: FileMaker, seed: int):
        self.inst, self.web, self.api, self.maker = inst, web, api, maker
        self.rng = random.Random(seed)
        self.lock = threading.Lock()
        self.submissions: list[Submission] = []
        self.completed: list[SoakFile] = []  # fresh files whose first submission finished (resubmission pool)

    def next_submission(self, tick: int) -> Submission:
        kind, channel, bad = INTAKE_PATTERN[tick % len(INTAKE_PATTERN)]
        with self.lock:
            if kind == "resubmit" and self.completed:
                sub = Submission(self.rng.choice(self.completed), channel, resubmit=True)
            else:
                if kind == "resubmit":
                    kind = "seizures"
                sub = Submission(self.maker.make(kind, bad), channel, resubmit=False)
            self.submissions.append(sub)
        return sub

    def run(self, tick: int, rec: Recorder) -> None:
        sub = self.next_submission(tick)
        t0 = time.perf_counter()
        try:
            getattr(self, f"_via_{sub.channel}")(sub, rec)
        except Exception as exc:  # recorded as an error of this submission; the soak goes on
            sub.error = f"{type(exc).__name__}: {exc}"
        seconds = time.perf_counter() - t0
        ok = not sub.error and sub.batch_id is not None
        if not ok and not sub.error:
            sub.error = f"no batch id (status {sub.status})"
        rec.add(
            Outcome(f"intake_{sub.channel}", f"{sub.file.kind} via {sub.channel}", sub.status, seconds, ok, sub.error)
        )
        if ok and not sub.resubmit:
            with self.lock:
                self.completed.append(sub.file)

    def _via_web(self, sub: Submission, rec: Recorder) -> None:
        client = self.web[SUBMITTER[sub.file.kind]]
        status, body, _, secs = client.call("GET", "/submit/upload")
        rec.add(Outcome("page", "/submit/upload", status, secs, status == 200))
        if status != 200:
            raise RuntimeError(f"upload form answered {status}")
        data, ctype = _multipart(
            {"csrf_token": csrf_token(body.decode()), "kind": sub.file.kind},
            "file",
            sub.file.path.name,
            sub.file.path.read_bytes(),
        )
        sub.status, body, location, _ = client.call("POST", "/submit/upload", data=data, content_type=ctype)
        m = re.search(r"/submit/batches/(\d+)$", location or "")
        if sub.status != 302 or not m:
            raise RuntimeError(f"upload answered {sub.status}: {body[:300]!r}")
        sub.batch_id = int(m.group(1))
        status, _, _, secs = client.call("GET", f"/submit/batches/{sub.batch_id}")  # the result page the user sees
        rec.add(Outcome("page", "/submit/batches/<id>", status, secs, status == 200))

    def _via_api(self, sub: Submission, rec: Recorder) -> None:
        client = self.api[SUBMITTER[sub.file.kind]]
        data, ctype = _multipart({}, "file", sub.file.path.name, sub.file.path.read_bytes())
        sub.status, body, _, _ = client.call("POST", f"/api/v1/intake/{sub.file.kind}", data=data, content_type=ctype)
        if sub.status != 200:
            raise RuntimeError(f"API intake answered {sub.status}: {body[:300]!r}")
        sub.summary = json.loads(body)
        sub.batch_id = int(sub.summary["batch_id"])

    def _via_cli(self, sub: Submission, rec: Recorder) -> None:
        from fews.demo.load import demo_user_settings

        user = SUBMITTER[sub.file.kind]
        args = ["ingest", sub.file.kind, str(sub.file.path), "--as", user, "--no-progress"]
        org = demo_user_settings(user)["organisation"]
        if org:  # the provider of rows without one, as the web form and the API take it from the account
            args += ["--provider", org]
        done = self.inst.fews(*args, check=False)
        sub.status = done.returncode  # 0, or 1 when rows were quarantined
        if done.returncode not in (0, 1):
            raise RuntimeError(f"fews ingest exited {done.returncode}: {done.stderr[-500:]}")
        sub.summary = json.loads(done.stdout.strip().splitlines()[-1])
        sub.batch_id = int(sub.summary["batch_id"])
        if (done.returncode == 1) != bool(sub.summary["quarantined"]):
            raise RuntimeError(f"fews ingest exited {done.returncode} with {sub.summary['quarantined']} quarantined")


# ------------------------------------------------------------------------------------------ pacing


def paced(
    rate: float,
    duration: float,
    task: Callable[[int], None],
    pool: ThreadPoolExecutor,
    rec: Recorder,
    stop: threading.Event,
) -> int:
    """Start ``task(i)`` at t0 + i / rate (open loop) until ``duration`` has passed; returns how many."""
    t0 = time.monotonic()
    i = 0
    while not stop.is_set():
        due = t0 + i / rate
        if due - t0 >= duration:
            break
        wait = due - time.monotonic()
        if wait > 0 and stop.wait(wait):
            break

        def run(i: int = i, due: float = due) -> None:
            rec.lag(time.monotonic() - due)  # > 0 when every worker was busy: the pool fell behind
            task(i)

        pool.submit(run)
        i += 1
    return i


# ------------------------------------------------------------------------------------------ checks


def _walk_ids(url: str) -> dict[str, list[Any]]:
    """Ids the traffic walks over: the busiest substances, some families and signals, names to search."""
    from sqlalchemy import func, select

    from fews.db import make_engine, make_session_factory
    from fews.models import Component, Family, Signal, Substance

    engine = make_engine(url)
    try:
        with make_session_factory(engine)() as s:
            busiest = s.execute(
                select(Component.substance_id, func.count())
                .where(Component.substance_id.is_not(None))
                .group_by(Component.substance_id)
                .order_by(func.count().desc())
                .limit(8)
            ).all()
            sids = [int(r[0] or 0) for r in busiest]
            names = [n for n in s.scalars(select(Substance.preferred_name).where(Substance.id.in_(sids))) if n]
            fids = list(s.scalars(select(Family.id).order_by(Family.id).limit(8)))
            sigs = list(s.scalars(select(Signal.id).order_by(Signal.id.desc()).limit(8)))
    finally:
        engine.dispose()
    return {
        "sid": sids,
        "q": [n.split()[0][:12] for n in names] or ["mephedrone"],
        "fid": fids or [1],
        "sig": sigs or [1],
    }


def _stored(s: Any, key: Any, child_fk: Any, parent_pk: Any, like: str) -> tuple[dict[str, int], set[str]]:
    """Records of one kind whose key matches ``like`` (versions per key) and their child rows (components
    or suspected substances), from the database; and the set of stored keys."""
    from sqlalchemy import func, select

    versions = s.execute(select(key, func.count()).where(key.like(like)).group_by(key)).all()
    rows = (
        s.scalar(
            select(func.count())
            .select_from(child_fk.class_)
            .join(parent_pk.class_, parent_pk == child_fk)
            .where(key.like(like))
        )
        or 0
    )
    counts = {"records": len(versions), "rows": rows, "twice": sum(1 for _, n in versions if n > 1)}
    return counts, {k for k, _ in versions}


def _check(checks: list[dict[str, Any]], name: str, ok: bool, detail: Any = None) -> None:
    checks.append({"check": name, "ok": bool(ok), **({"detail": detail} if detail is not None else {})})


def accounting(url: str, prefix: str, subs: list[Submission], since: dt.datetime) -> tuple[dict[str, Any], list]:
    """Exactly-once accounting from the database, and the scheduled job runs since ``since``."""
    from sqlalchemy import func, select

    from fews.db import make_engine, make_session_factory
    from fews.models import Component, HarmReport, HarmReportSubstance, IntakeBatch, JobRun, QuarantineItem, Sample

    checks: list[dict[str, Any]] = []
    fresh = [s for s in subs if not s.resubmit]
    answered = [s for s in subs if s.batch_id is not None]
    _check(
        checks,
        "every submission answered with a batch",
        len(answered) == len(subs),
        [f"{s.file.path.name} via {s.channel}: {s.error}" for s in subs if s.batch_id is None][:10] or None,
    )
    engine = make_engine(url)
    try:
        with make_session_factory(engine)() as s:
            batches = {
                b.id: b
                for b in s.scalars(select(IntakeBatch).where(IntakeBatch.id.in_([x.batch_id for x in answered])))
            }
            wrong = []
            for sub in answered:
                b = batches.get(sub.batch_id or 0)
                got = (
                    None if b is None else {k: getattr(b, k) for k in ("rows", "accepted", "quarantined", "duplicates")}
                )
                if b is None or b.status != "complete" or got != sub.expected:
                    wrong.append(
                        {
                            "file": sub.file.path.name,
                            "channel": sub.channel,
                            "resubmit": sub.resubmit,
                            "expected": sub.expected,
                            "batch": got,
                            "status": getattr(b, "status", None),
                        }
                    )
                elif sub.summary is not None and any(sub.summary[k] != v for k, v in got.items()):
                    wrong.append(
                        {"file": sub.file.path.name, "channel": sub.channel, "summary": sub.summary, "batch": got}
                    )
            _check(
                checks,
                "each batch: rows = accepted + quarantined + duplicates, as expected for its file",
                not wrong,
                wrong[:10] or None,
            )
            unfinished = s.scalar(select(func.count()).select_from(IntakeBatch).where(IntakeBatch.status != "complete"))
            _check(checks, "no intake batch left running or failed", unfinished == 0, unfinished or None)

            like = f"{prefix}-%"
            # one current version per record, every good row a component / suspected substance
            stored: dict[str, dict[str, int]] = {}
            stored_keys: dict[str, set[str]] = {}
            stored["seizures"], stored_keys["seizures"] = _stored(
                s, Sample.sample_id, Component.sample_pk, Sample.id, like
            )
            stored["reports"], stored_keys["reports"] = _stored(
                s, HarmReport.report_id, HarmReportSubstance.report_pk, HarmReport.id, like
            )
            quarantine = s.execute(
                select(QuarantineItem.kind, QuarantineItem.record_key, QuarantineItem.row_count).where(
                    QuarantineItem.record_key.like(like)
                )
            ).all()
            runs = s.execute(
                select(JobRun.job, JobRun.status, func.count())
                .where(JobRun.started_at >= since)
                .group_by(JobRun.job, JobRun.status)
            ).all()
            failed_details = list(
                s.scalars(select(JobRun.detail).where(JobRun.started_at >= since, JobRun.status == "failed").limit(5))
            )
    finally:
        engine.dispose()

    figures: dict[str, Any] = {"by_kind": {}}
    for kind in ("seizures", "reports"):
        files = [x.file for x in fresh if x.file.kind == kind and x.batch_id is not None]
        want_keys = {k for f in files for k in f.good_keys}
        want_bad = {k for f in files for k in f.bad_keys}
        want_rows = sum(f.rows - f.bad_rows for f in files)
        q = [(key, n) for k, key, n in quarantine if k == kind]
        q_keys = [key for key, _ in q]
        figures["by_kind"][kind] = {
            "files": len(files),
            "records_stored": stored[kind]["records"],
            "rows_stored": stored[kind]["rows"],
            "records_quarantined": len(q),
            "rows_quarantined": sum(n for _, n in q),
        }
        _check(
            checks,
            f"{kind}: every good record stored once, none twice",
            stored_keys[kind] == want_keys and stored[kind]["twice"] == 0 and stored[kind]["rows"] == want_rows,
            {
                "expected_records": len(want_keys),
                "stored_records": len(stored_keys[kind]),
                "expected_rows": want_rows,
                "stored_rows": stored[kind]["rows"],
                "stored_twice": stored[kind]["twice"],
                "missing": sorted(want_keys - stored_keys[kind])[:5],
                "unexpected": sorted(stored_keys[kind] - want_keys)[:5],
            },
        )
        _check(
            checks,
            f"{kind}: every bad record quarantined once, none lost or stored",
            sorted(q_keys) == sorted(want_bad)
            and sum(n for _, n in q) == sum(f.bad_rows for f in files)
            and not (want_bad & stored_keys[kind]),
            {
                "expected_records": len(want_bad),
                "quarantined_records": len(q),
                "expected_rows": sum(f.bad_rows for f in files),
                "quarantined_rows": sum(n for _, n in q),
            },
        )
    submitted = sum(x.file.rows for x in answered)
    rows_stored = sum(v["rows_stored"] for v in figures["by_kind"].values())
    rows_quarantined = sum(v["rows_quarantined"] for v in figures["by_kind"].values())
    rows_duplicate = sum(batches[x.batch_id].duplicates for x in answered if x.batch_id in batches)
    figures.update(
        submissions=len(subs),
        fresh_files=len(fresh),
        resubmissions=len(subs) - len(fresh),
        files_with_bad_records=sum(1 for x in fresh if x.file.bad_rows),
        by_channel=dict(Counter(x.channel for x in subs)),
        rows_submitted=submitted,
        rows_stored=rows_stored,
        rows_quarantined=rows_quarantined,
        rows_duplicate=rows_duplicate,
    )
    _check(
        checks,
        "rows submitted == stored + quarantined + duplicates (from the database)",
        submitted == rows_stored + rows_quarantined + rows_duplicate,
        f"{submitted} == {rows_stored} + {rows_quarantined} + {rows_duplicate}",
    )
    jobs: dict[str, dict[str, int]] = defaultdict(dict)
    for job, status, n in runs:
        jobs[job][status] = int(n)
    figures["scheduler_jobs"] = dict(jobs)
    failed = sum(v.get("failed", 0) for v in jobs.values())
    _check(checks, "no scheduled job run failed", failed == 0, failed_details or None)
    _check(checks, "the scheduler ran its heartbeat", jobs.get("heartbeat", {}).get("ok", 0) >= 1)
    return figures, checks


def _percentiles(items: list[Outcome]) -> dict[str, Any]:
    ms = np.array([o.seconds * 1000 for o in items])
    p50, p95, p99 = (float(np.percentile(ms, p)) for p in (50, 95, 99))
    return {
        "requests": len(items),
        "errors": sum(not o.ok for o in items),
        "p50_ms": round(p50, 1),
        "p95_ms": round(p95, 1),
        "p99_ms": round(p99, 1),
        "max_ms": round(float(ms.max()), 1),
    }


def latency_summary(outcomes: list[Outcome], key: Callable[[Outcome], str]) -> dict[str, Any]:
    groups: dict[str, list[Outcome]] = defaultdict(list)
    for o in outcomes:
        groups[key(o)].append(o)
    return {name: _percentiles(items) for name, items in sorted(groups.items())}


def _log_errors(path: Path) -> int:
    """Lines at ERROR or above, and tracebacks, in a process's log."""
    if not path.is_file():
        return 0
    n = 0
    for line in path.read_text(errors="replace").splitlines():
        if '"level": "ERROR"' in line or '"level": "CRITICAL"' in line or line.startswith("Traceback"):
            n += 1
    return n


def _queue_depths(path: Path) -> list[int]:
    """waitress's "Task queue depth is N" warnings: requests waiting for a free thread."""
    if not path.is_file():
        return []
    return [int(m) for m in re.findall(r"Task queue depth is (\d+)", path.read_text(errors="replace"))]


# ------------------------------------------------------------------------------------------ main


def soak(args: argparse.Namespace) -> dict[str, Any]:
    duration = args.minutes * 60
    warmup = min(args.warmup, duration / 3)
    server = args.server or ("gunicorn" if args.database_url else "waitress")
    if server == "gunicorn" and shutil.which("gunicorn", path=str(Path(sys.executable).parent)) is None:
        raise SystemExit("gunicorn is not installed (pip install '.[deploy]'); use --server waitress")
    folder = Path(tempfile.mkdtemp(prefix="fews-soak-"))
    inst = make_instance(folder, args.database_url)
    procs: dict[str, subprocess.Popen] = {}
    keep = args.keep
    try:
        passwords, tokens = setup_instance(inst, args.demo_scale)
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        since = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1)  # job runs of this scheduler
        procs = start_processes(inst, server, port, args.threads, args.workers)
        wait_until_up(base, timeout=120)
        wait_until_up(base, path="/readyz", timeout=120)  # migrations at head, scheduler heartbeat
        web = {u: Client(base, u, password=passwords[u]) for u in WEB_ROLES}
        api = {u: Client(base, u, token=t) for u, t in tokens.items()}
        clients = {**web, "intelligence_analyst": api["intelligence_analyst"]}
        ids = _walk_ids(inst.url)
        plan = traffic_plan(ids)
        users = list(plan)
        prefix = f"SOAK{secrets.token_hex(3).upper()}"
        (folder / "files").mkdir()
        maker = FileMaker(folder / "files", prefix, args.demo_scale, args.records_per_file)
        intake = Intake(inst, web, api, maker, seed=args.seed)
        rec = Recorder()

        def web_task(i: int) -> None:
            u = i % len(users)
            user, specs = users[u], plan[users[u]]
            j = i // len(users) + 5 * u  # each user starts at another place in its round of pages
            spec = specs[j % len(specs)]
            k = j // len(specs) + u  # and walks the ids (substances, families, signals, names) in turn
            path = spec.path.format(**{name: values[k % len(values)] for name, values in ids.items()})
            if spec.method == "POST":
                status, body, _, secs = clients[user].call(
                    "POST", path, data=CLASSIFY_BODY, content_type="application/json"
                )
            else:
                status, body, _, secs = clients[user].call("GET", path)
            ok = status in spec.expected
            detail = "" if ok else f"{user} {spec.method} {path}: expected {spec.expected}, got {status} {body[:200]!r}"
            rec.add(Outcome(spec.kind, spec.method + " " + spec.path, status, secs, ok, detail))

        mem: dict[str, list[tuple[float, float]]] = {"server": [], "scheduler": []}
        stop = threading.Event()
        died: list[str] = []
        t_start = time.monotonic()

        def sampler() -> None:
            while True:
                t = time.monotonic() - t_start
                for name, proc in procs.items():
                    if proc.poll() is not None and name not in died:
                        died.append(name)
                    mem[name].append((t, tree_rss_mb(proc.pid)))
                if stop.wait(args.sample_every):
                    return

        log(
            f"soak for {args.minutes:g} min: web {args.rate:g} req/s from {len(users)} users, one file every "
            f"{args.intake_every:g} s, {server} on {base}, folder {folder}"
        )
        sampling = threading.Thread(target=sampler, daemon=True)
        sampling.start()
        progress_stop = threading.Event()

        def progress() -> None:
            while not progress_stop.wait(60):
                with rec.lock:
                    n, errs = len(rec.outcomes), sum(not o.ok for o in rec.outcomes)
                srv = mem["server"][-1][1] if mem["server"] else 0
                log(
                    f"{(time.monotonic() - t_start) / 60:.1f} min: {n} requests, {errs} errors, "
                    f"{len(intake.submissions)} files, server RSS {srv:.0f} MB"
                )

        threading.Thread(target=progress, daemon=True).start()
        with ThreadPoolExecutor(max_workers=16) as web_pool, ThreadPoolExecutor(max_workers=4) as intake_pool:
            intake_thread = threading.Thread(
                target=paced,
                args=(
                    1 / args.intake_every,
                    duration,
                    lambda i: intake.run(i, rec),
                    intake_pool,
                    rec,
                    threading.Event(),
                ),
                daemon=True,
            )
            intake_thread.start()
            scheduled = paced(args.rate, duration, web_task, web_pool, rec, threading.Event())
            intake_thread.join()
        progress_stop.set()
        elapsed = time.monotonic() - t_start
        status, body, _, _ = clients["admin"].call("GET", "/readyz")
        stop.set()
        sampling.join()
        stop_processes(procs)

        figures, checks = accounting(inst.url, prefix, intake.submissions, since)
        verify = inst.fews("audit", "verify", check=False)
        audit = json.loads(verify.stdout.strip().splitlines()[-1]) if verify.stdout.strip() else {"ok": False}
        _check(checks, "fews audit verify", verify.returncode == 0 and bool(audit.get("ok")), audit)
        _check(checks, "/readyz at the end", status == 200, body[:300].decode(errors="replace"))
        _check(checks, "web server and scheduler ran throughout", not died, died or None)

        outcomes = rec.outcomes
        unexpected = [o for o in outcomes if not o.ok]
        _check(
            checks,
            "no unexpected answer (5xx, connection error, wrong status)",
            not unexpected,
            [o.detail or f"{o.kind} {o.label}: {o.status}" for o in unexpected[:10]] or None,
        )
        http = [o for o in outcomes if o.kind != "intake_cli"]  # the CLI's "status" is its exit code
        warm = [o for o in outcomes if o.finished - o.seconds >= t_start + warmup]
        kinds = latency_summary(warm, lambda o: o.kind)
        routes = latency_summary([o for o in warm if not o.kind.startswith("intake_")], lambda o: o.label)
        slowest = dict(sorted(routes.items(), key=lambda kv: -kv[1]["p95_ms"])[:8])
        page = kinds.get("page", {}).get("p50_ms")
        floor = kinds.get("healthz", {}).get("p50_ms")
        web_count = sum(1 for o in outcomes if not o.kind.startswith("intake_"))
        report: dict[str, Any] = {
            "benchmark": "soak",
            "date": dt.date.today().isoformat(),
            "database": inst.engine_name,
            "server": f"{server}, {args.threads} threads"
            + (f" x {args.workers} workers" if server == "gunicorn" else ""),
            "minutes": round(elapsed / 60, 2),
            "web_rate_per_s": args.rate,
            "web_requests_scheduled": scheduled,
            "web_rate_achieved_per_s": round(web_count / elapsed, 2),
            "intake_every_s": args.intake_every,
            "demo_scale": args.demo_scale,
            "users": users,
            "requests": {
                "total": len(outcomes),
                "after_warmup": len(warm),
                "by_kind": kinds,  # latency of the requests started after the warm-up
                "slowest_routes": slowest,
                "status_counts": {str(k): v for k, v in sorted(Counter(o.status for o in http).items())},
                "cli_exit_codes": dict(Counter(str(o.status) for o in outcomes if o.kind == "intake_cli")),
                "max_start_lag_s": round(rec.max_lag, 2),
            },
            "errors": {
                "unexpected": len(unexpected),
                "http_5xx": sum(1 for o in http if o.status >= 500),
                "connection": sum(1 for o in http if o.status == -1),
                "expected_4xx": sum(1 for o in http if o.ok and 400 <= o.status < 500),
                "server_log_errors": _log_errors(folder / "server.log"),
                "scheduler_log_errors": _log_errors(folder / "scheduler.log"),
                "waitress_queue_warnings": len(_queue_depths(folder / "server.log")),
                "waitress_max_queue_depth": max(_queue_depths(folder / "server.log"), default=0),
                "examples": [o.detail for o in unexpected[:10]],
            },
            "latency_baseline": {
                "baseline": "/healthz p50 on the same server, same run",
                "baseline_value_ms": floor,
                "page_p50_ms": page,
                "ratio": round(page / floor, 1) if page and floor else None,
            },
            "memory": {
                "warmup_s": round(warmup),
                "sample_every_s": args.sample_every,
                "server": memory_summary(mem["server"], warmup),
                "scheduler": memory_summary(mem["scheduler"], warmup),
            },
            "intake": {k: v for k, v in figures.items() if k != "scheduler_jobs"},
            "scheduler_jobs": figures["scheduler_jobs"],
            "audit_verify": audit,
            "checks": checks,
            "ok": all(c["ok"] for c in checks),
        }
        if not report["ok"]:
            keep = True
        return report
    finally:
        stop_processes(procs)
        if inst.drop is not None:
            try:
                inst.drop()
            except Exception as exc:  # never hide the run's own outcome
                log(f"could not drop the soak database: {exc}")
        if keep:
            log(f"kept {folder} (logs, files, SQLite database)")
        else:
            shutil.rmtree(folder, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.soak", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--minutes", type=float, default=10.0, help="how long to drive traffic (default 10)")
    parser.add_argument(
        "--database-url",
        default=None,
        help="a PostgreSQL server URL: the soak makes (and drops) its own database there; default: a new SQLite file",
    )
    parser.add_argument("--json", dest="json_out", default=None, metavar="OUT", help="also write the report here")
    parser.add_argument("--rate", type=float, default=5.0, help="web requests per second, all users together")
    parser.add_argument("--intake-every", type=float, default=10.0, help="seconds between intake files")
    parser.add_argument("--records-per-file", type=int, default=8, help="samples or reports per file")
    parser.add_argument("--warmup", type=float, default=60.0, help="seconds before the memory baseline")
    parser.add_argument("--sample-every", type=float, default=5.0, help="seconds between RSS samples")
    parser.add_argument("--demo-scale", type=float, default=0.1, help="fews demo --scale (default 0.1)")
    parser.add_argument(
        "--server",
        choices=["waitress", "gunicorn"],
        default=None,
        help="default: waitress (fews serve) on SQLite, gunicorn on PostgreSQL",
    )
    parser.add_argument("--threads", type=int, default=8, help="server threads (per gunicorn worker)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--keep", action="store_true", help="keep the folder (logs, files, SQLite database)")
    args = parser.parse_args(argv)
    report = soak(args)
    text = json.dumps(report, indent=2, default=str)
    print(text)
    if args.json_out:
        Path(args.json_out).write_text(text + "\n")
    for c in report["checks"]:
        log(f"{'ok  ' if c['ok'] else 'FAIL'} {c['check']}")
    return 0 if report["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
