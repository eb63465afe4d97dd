"""`fews classify` and `fews legal add-event` (DESIGN.md §4.5, §6)."""

from __future__ import annotations

import json

from click.testing import CliRunner

from fews.cli import cli

HHC = "CCCCCc1cc(O)c2c(c1)OC(C)(C)C1CCC(C)CC21"


def run(*args, input=None, code=0):  # type: ignore[no-untyped-def]
    result = CliRunner().invoke(cli, list(args), input=input, catch_exceptions=False)
    assert result.exit_code == code, result.output
    return result


def lines(result):  # type: ignore[no-untyped-def]
    return [json.loads(x) for x in result.stdout.splitlines() if x.startswith("{")]


def test_classify_file_ids_blank_and_comment_lines(tmp_path, monkeypatch):
    monkeypatch.setenv("FEWS_DATABASE_URL", f"sqlite:///{tmp_path / 'none.db'}")
    path = tmp_path / "s.smi"
    path.write_text("CNC(C)C(=O)c1ccc(C)cc1 mephedrone HCl salt\n\n# a comment\nC1CC(\nCC(N)Cc1ccccc1\tamph\n")
    out = lines(run("classify", "--as-of", "2021-06-01", str(path)))
    assert [r["id"] for r in out] == ["mephedrone HCl salt", "4", "amph"]
    assert [r["status"] for r in out] == ["B", "invalid", "B"]
    table = run("classify", "--as-of", "2021-06-01", "--format", "table", str(path)).stdout
    assert "mephedrone" in table and "invalid" in table
    run("classify", "--as-of", "01/06/2021", str(path), code=2)


def test_legal_event_needs_home_office_role_and_changes_decisions_from_its_date(tmp_path, monkeypatch):
    monkeypatch.setenv("FEWS_DATABASE_URL", f"sqlite:///{tmp_path / 'l.db'}")
    monkeypatch.setenv("FEWS_INSTANCE_PATH", str(tmp_path / "instance"))
    run("init")
    run("users", "add", "ho", "--role", "home_office_policy", "--password-stdin", input="a-long-password-1\n")
    run("users", "add", "chem", "--role", "forensic_chemist", "--password-stdin", input="a-long-password-2\n")
    args = [
        "legal",
        "add-event",
        "--kind",
        "add_named",
        "--effective",
        "2026-03-01",
        "--smiles",
        HHC,
        "--class",
        "B",
        "--instrument",
        "test Order 2026",
        "--citation",
        "Sch 2 Pt II 1(a)",
        "--name",
        "HHC",
    ]
    run(*args, "--as", "chem", code=2)
    event = lines(run(*args, "--as", "ho"))[0]
    before = lines(run("classify", "--as-of", "2026-02-28", "-", input=f"{HHC} hhc\n"))[0]
    after = lines(run("classify", "--as-of", "2026-03-01", "-", input=f"{HHC} hhc\n"))[0]
    assert before["status"] == "PSA" and before["event_ids"] == []
    assert after["status"] == "B" and after["event_ids"] == [event["event_id"]]
    assert lines(run("audit", "verify"))[0]["ok"] is True
