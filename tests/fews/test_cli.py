"""The command-line contract of DESIGN.md §6 (run in-process with click's runner)."""

from __future__ import annotations

import json
import os
import stat

import pytest
from click.testing import CliRunner

from fews.cli import cli
from tests.builders import COCAINE, SeizureBuilder


@pytest.fixture
def fews(tmp_path, monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("FEWS_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    monkeypatch.setenv("FEWS_INSTANCE_PATH", str(tmp_path / "instance"))
    monkeypatch.delenv("FEWS_SECRET_KEY", raising=False)
    runner = CliRunner()

    def run(*args: str, input: str | None = None, code: int = 0):  # type: ignore[no-untyped-def]
        result = runner.invoke(cli, list(args), input=input, catch_exceptions=False)
        assert result.exit_code == code, (result.exit_code, result.output)
        return result

    run("init")
    return run


def last_json(result):  # type: ignore[no-untyped-def]
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_init_writes_private_secret_key_and_is_repeatable(fews, tmp_path):
    key = tmp_path / "instance" / "secret_key"
    assert key.is_file() and stat.S_IMODE(os.stat(key).st_mode) == 0o600
    first = key.read_text()
    out = last_json(fews("init"))
    assert out["revision"] and key.read_text() == first


def test_commands_refuse_an_unmigrated_database(tmp_path, monkeypatch):
    monkeypatch.setenv("FEWS_DATABASE_URL", f"sqlite:///{tmp_path / 'empty.db'}")
    result = CliRunner().invoke(cli, ["quarantine", "list"])
    assert result.exit_code == 2 and "fews init" in result.output


def test_ingest_exit_codes_and_summary(fews, tmp_path):
    good = SeizureBuilder().sample("C1").component("cocaine", COCAINE).write(tmp_path / "good.csv")
    s = last_json(fews("ingest", "seizures", str(good), "--no-progress"))
    assert {k: s[k] for k in ("rows", "accepted", "quarantined", "duplicates")} == {
        "rows": 1,
        "accepted": 1,
        "quarantined": 0,
        "duplicates": 0,
    }
    bad = (
        SeizureBuilder().sample("C2", jurisdiction="Atlantis").component("cocaine", COCAINE).write(tmp_path / "bad.csv")
    )
    s = last_json(fews("ingest", "seizures", str(bad), code=1))
    assert s["quarantined"] == 1 and s["reasons"] == {"unknown_jurisdiction": 1}
    fews("ingest", "seizures", str(tmp_path / "missing.csv"), code=2)
    wrong = tmp_path / "wrong.csv"
    wrong.write_text("foo,bar\n1,2\n")
    result = fews("ingest", "seizures", str(wrong), code=2)
    assert "sample_id" in result.output


def test_quarantine_list_show_retry_need_admin(fews, tmp_path):
    bad = (
        SeizureBuilder()
        .sample("Q1", seizure_date="2021-13-01")
        .component("cocaine", COCAINE)
        .write(tmp_path / "bad.csv")
    )
    fews("ingest", "seizures", str(bad), code=1)
    items = [json.loads(x) for x in fews("quarantine", "list").stdout.splitlines()]
    assert len(items) == 1 and items[0]["reasons"] == ["bad_date"]
    shown = last_json(fews("quarantine", "show", str(items[0]["id"])))
    assert shown["payload"][0]["data"]["sample_id"] == "Q1"
    assert "bad_date" in fews("quarantine", "list", "--format", "table").stdout
    fews("quarantine", "retry", str(items[0]["id"]), code=2)  # no --as
    fews("users", "add", "chem", "--role", "forensic_chemist", "--password-stdin", input="a-long-password-1\n")
    fews("quarantine", "retry", str(items[0]["id"]), "--as", "chem", code=2)  # not an admin
    fews("users", "add", "boss", "--role", "admin", "--password-stdin", input="a-long-password-2\n")
    out = last_json(fews("quarantine", "retry", str(items[0]["id"]), "--as", "boss", code=1))
    assert out["status"] == "open"


def test_users_and_tokens(fews):
    out = last_json(
        fews(
            "users",
            "add",
            "enf",
            "--role",
            "enforcement_subscriber",
            "--jurisdiction",
            "england,wales",
            "--password-stdin",
            input="Contract-pass-123!\n",
        )
    )
    assert out["role"] == "enforcement_subscriber"
    fews("users", "add", "enf", "--role", "admin", "--password-stdin", input="another-password-1\n", code=2)
    fews("users", "add", "weak", "--role", "admin", "--password-stdin", input="short\n", code=2)
    token = fews("tokens", "add", "enf", "--scope", "feeds").stdout.split()[-1]
    assert token.startswith("fews_") and len(token) >= 20
    listed = [json.loads(x) for x in fews("tokens", "list").stdout.splitlines()]
    assert listed[0]["prefix"] == token[:12] and token not in json.dumps(listed)


def test_audit_verify_and_substances(fews, tmp_path):
    good = SeizureBuilder().sample("C1").component("cocaine", COCAINE).write(tmp_path / "good.csv")
    fews("ingest", "seizures", str(good))
    out = last_json(fews("audit", "verify"))
    assert out["ok"] is True and out["entries"] >= 3
    subs = [json.loads(x) for x in fews("substances", "list").stdout.splitlines()]
    assert subs[0]["id"] == "S1" and subs[0]["formula"] == "C17H21NO4"
    shown = last_json(fews("substances", "show", "cocaine"))
    assert shown["inchikey_nostereo"] == subs[0]["inchikey_nostereo"]


def test_backup_and_restore_round_trip(fews, tmp_path, monkeypatch):
    good = SeizureBuilder().sample("C1").component("cocaine", COCAINE).write(tmp_path / "good.csv")
    fews("ingest", "seizures", str(good))
    dump = tmp_path / "fews.backup.gz"
    out = last_json(fews("backup", str(dump)))
    assert out["tables"]["sample"] == 1
    monkeypatch.setenv("FEWS_DATABASE_URL", f"sqlite:///{tmp_path / 'restored.db'}")
    fews("init")
    restored = last_json(fews("restore", str(dump)))
    assert restored["rows"] == out["rows"]
    assert last_json(fews("audit", "verify"))["ok"] is True
    fews("restore", str(dump), code=2)  # not empty any more
