"""The control-order support commands: exit codes, outputs and the --as permission check."""

from __future__ import annotations

import io
import json
from pathlib import Path

import yaml
from click.testing import CliRunner
from pypdf import PdfReader

from fews.cli import cli
from tests.policy.conftest import World


def run(*args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def test_evidence_pack_html_pdf_docx(world: World, tmp_path: Path) -> None:
    for fmt in ("html", "pdf", "docx"):
        out = tmp_path / f"pack.{fmt}"
        r = run("evidence-pack", world.cathinone_family, "--as-of", "2026-11-23", "--format", fmt, "--out", str(out))
        assert r.exit_code == 0, r.output
        summary = json.loads(r.stdout.strip().splitlines()[-1])
        assert summary["format"] == fmt and summary["bytes"] == out.stat().st_size > 5000
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO((tmp_path / "pack.pdf").read_bytes())).pages)
    assert "Evidence pack" in text


def test_evidence_pack_usage_errors_exit_2(world: World, tmp_path: Path) -> None:
    assert run("evidence-pack", "F9999", "--out", str(tmp_path / "x.html")).exit_code == 2
    assert run("evidence-pack", world.cathinone_family, "--as-of", "23/11/2026").exit_code == 2
    assert run("evidence-pack", world.cathinone_family, "--format", "pdf").exit_code == 2  # pdf needs --out
    denied = run("evidence-pack", world.cathinone_family, "--as", "forensic_chemist", "--out", str(tmp_path / "d.html"))
    assert denied.exit_code == 2 and "may not read evidence packs" in denied.output
    ok = run("evidence-pack", world.cathinone_family, "--as", "acmd_advisor", "--out", str(tmp_path / "a.html"))
    assert ok.exit_code == 0


def test_draft_generic_write_edit_and_check(world: World, tmp_path: Path) -> None:
    out = tmp_path / "draft.yaml"
    r = run("draft-generic", world.cathinone_family, "--out", str(out), "--as-of", "2026-11-23")
    assert r.exit_code == 0, r.output
    result = json.loads(r.stdout)
    assert result["members"] == 4 and result["members_captured"] == 4
    assert result["medicines"] == [] and result["substances"] == []  # MDAI is not captured
    assert result["text"].startswith("Any compound")
    rule = yaml.safe_load(out.read_text())
    assert rule["id"] == f"DRAFT-{world.cathinone_family}" and rule["generic"]["core"]
    # the drafter narrows the ring limb to halides only: 3-MMC (methyl) falls out
    for p in rule["generic"]["positions"]:
        if p["name"] == "phenyl ring":
            p["qualifying"] = ["halide"]
            p.pop("carbon_caps", None)
    out.write_text(yaml.safe_dump(rule, sort_keys=False))
    checked = json.loads(run("draft-generic", "--check", str(out)).stdout)
    assert checked["members_captured"] == 3 and checked["members_missed"] == ["3-MMC"]


def test_draft_generic_errors(world: World, tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: X\nkind: generic\n")
    r = run("draft-generic", "--check", str(bad))
    assert r.exit_code == 2 and "bad.yaml" in r.output
    assert run("draft-generic").exit_code == 2
    assert run("draft-generic", f"S{world.substances['MDAI']}").exit_code == 2  # not a family
    assert run("draft-generic", world.cathinone_family).stdout.startswith("# FEWS DRAFT generic definition")


def test_gap_forecast(world: World) -> None:
    r = run("gap-forecast", world.cathinone_family, "--as-of", "2010-05-01", "--summary")
    assert r.exit_code == 0, r.output
    summary = json.loads(r.stdout)["summary"]
    assert summary["ring_isostere"]["escape"] == summary["ring_isostere"]["analogues"] > 0
    rows = [
        json.loads(x) for x in run("gap-forecast", world.cathinone_family, "--kind", "halogen_walk").stdout.splitlines()
    ]
    assert rows and {r["kind"] for r in rows} == {"halogen_walk"}
    assert run("gap-forecast", world.cathinone_family, "--kind", "teleport").exit_code == 2


def test_report_psa_review(world: World, tmp_path: Path) -> None:
    r = run("report", "psa-review", "--format", "json")
    assert r.exit_code == 0
    doc = json.loads(r.stdout)
    assert doc["commencement"] == "2016-05-26" and doc["security_marking"]
    out = tmp_path / "psa.html"
    assert run("report", "psa-review", "--out", str(out), "--as", "home_office_policy").exit_code == 0
    assert "before and after review" in out.read_text()
    assert run("report", "psa-review", "--as", "forensic_chemist").exit_code == 2
