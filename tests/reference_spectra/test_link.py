from __future__ import annotations

import json

from click.testing import CliRunner
from sqlalchemy import func, select

from fews.cli import cli
from fews.db import session_scope
from fews.models import Substance
from fews.spectra_link import link_library, substance_ids
from reference_spectra.library import SHIPPED_LIBRARY, load_library


def test_library_compounds_become_substances_once(runtime):
    lib = load_library(SHIPPED_LIBRARY)
    with session_scope(runtime.factory) as s:
        first = link_library(s, lib.spectra)
    assert first.compounds == 72 and first.linked == first.created and not first.failed
    with session_scope(runtime.factory) as s:
        second = link_library(s, lib.spectra)
        count = s.scalar(select(func.count()).select_from(Substance))
        ids = substance_ids(s, [sp.inchikey or "" for sp in lib.ms2.spectra])
    assert second.created == 0 and count == first.created
    meph = ids["YELGFTGWJGBAQU"]
    assert meph.startswith("S")


def test_identify_carries_fews_ids_after_link(runtime, tmp_path):
    runner = CliRunner()
    out = runner.invoke(cli, ["spectra", "link"])
    assert out.exit_code == 0, out.output
    rec = next(r for r in load_library(SHIPPED_LIBRARY).ms2.spectra if r.name == "Mephedrone")
    path = tmp_path / "q.mgf"
    peaks = "\n".join(f"{m} {i}" for m, i in rec.peaks)
    path.write_text(f"BEGIN IONS\nTITLE=q\nPEPMASS={rec.precursor_mz}\n{peaks}\nEND IONS\n")
    res = runner.invoke(cli, ["identify", "--top", "1", "--as-of", "2021-06-01", str(path)])
    assert res.exit_code == 0, res.output
    row = json.loads([line for line in res.output.splitlines() if line.startswith("{")][0])
    assert row["verdict"] == "match" and row["hits"][0]["fews_id"].startswith("S")


def test_spectra_import_reports_malformed_records_and_is_searched(runtime, tmp_path):
    lib_file = tmp_path / "lab.msp"
    lib_file.write_text(
        "NAME: lab compound\nPRECURSORMZ: 250.1\nSMILES: CCN(CC)C(=O)c1ccccc1\nNum Peaks: 3\n"
        "100.05 30\n105.03 100\n177.10 60\n\nNAME: broken\nPRECURSORMZ: 200\nNum Peaks: 4\n10 1\n\n"
    )
    runner = CliRunner()
    res = runner.invoke(cli, ["spectra", "import", str(lib_file)])
    assert res.exit_code == 1  # completed with a quarantined record
    report = json.loads(res.output.strip().splitlines()[-1])
    assert report["searchable"] == 1 and report["quarantined"] == 1 and "Num Peaks" in report["reasons"][0]["reason"]
    listed = runner.invoke(cli, ["spectra", "list"])
    rows = [json.loads(line) for line in listed.output.splitlines() if line.startswith("{")]
    assert [r["shipped"] for r in rows] == [True, False] and rows[1]["malformed"] == 1
    query = tmp_path / "q.msp"
    query.write_text("NAME: q\nPRECURSORMZ: 250.1\nNum Peaks: 3\n100.05 30\n105.03 100\n177.10 60\n")
    out = runner.invoke(cli, ["identify", "--top", "1", str(query)])
    row = json.loads([line for line in out.output.splitlines() if line.startswith("{")][0])
    assert row["verdict"] == "match" and row["hits"][0]["name"] == "lab compound"
