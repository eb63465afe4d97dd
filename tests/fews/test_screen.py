"""fews screen: every input structure gives one Parquet row with the classify fields, in order, on
the local and the Dask engine alike; invalid structures are kept with their reason."""

from __future__ import annotations

import datetime as dt
import json

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner
from rdkit import Chem

from chem.legal import LegalEngine
from fews.cli import cli
from fews.screen import SCREEN_SCHEMA, screen
from fews.screen_input import iter_catalogue
from tests.builders import EUTYLONE, ISOTONITAZENE, MEPHEDRONE

AS_OF = dt.date(2021, 6, 1)
LINES = f"# catalogue\n{MEPHEDRONE} mephedrone\n{EUTYLONE}\nnot_a_smiles broken one\n\n{ISOTONITAZENE} iso\nCCO\n"


@pytest.fixture
def smi(tmp_path):
    path = tmp_path / "catalogue.smi"
    path.write_text(LINES)
    return path


def test_local_screen_writes_one_classify_row_per_structure(smi, tmp_path):
    out = tmp_path / "out.parquet"
    summary = screen(iter_catalogue(smi), out, as_of=AS_OF, chunk_size=2)
    table = pq.read_table(out)
    assert table.schema.equals(SCREEN_SCHEMA)
    assert table.column("id").to_pylist() == ["mephedrone", "3", "broken one", "iso", "7"]
    engine = LegalEngine()
    for row, (smiles, ident) in zip(
        table.to_pylist(),
        [(MEPHEDRONE, "mephedrone"), (EUTYLONE, "3"), ("not_a_smiles", "broken one"), (ISOTONITAZENE, "iso")],
        strict=False,
    ):
        expected = engine.classify(smiles, AS_OF, ident=ident)
        assert (row["status"], row["rule"], row["inchikey"]) == (
            expected["status"],
            expected["rule"],
            expected["inchikey"],
        )
    broken = table.to_pylist()[2]
    assert broken["status"] == "invalid" and broken["explanation"].startswith("Not a valid structure")
    assert summary.structures == 5 and summary.invalid == 1 and summary.chunks == 3
    assert table.to_pylist()[0]["in_force"] == dt.date(2010, 4, 16)


def test_sdf_records_are_read_and_a_broken_block_is_kept(tmp_path):
    block = Chem.MolToMolBlock(Chem.MolFromSmiles(MEPHEDRONE))
    text = "4-MMC" + block[block.index("\n") :] + "> <CODE>\nX-1\n\n$$$$\nbroken\n  no atoms here\nM  END\n$$$$\n"
    path = tmp_path / "c.sdf"
    path.write_text(text)
    out = tmp_path / "out.parquet"
    screen(iter_catalogue(path, id_column="CODE"), out, as_of=AS_OF)
    rows = pq.read_table(out).to_pylist()
    assert [(r["id"], r["status"]) for r in rows] == [("X-1", "B"), ("broken", "invalid")]
    assert rows[1]["explanation"].startswith("Not a valid structure")


def test_parquet_catalogue_input(tmp_path):
    src = tmp_path / "in.parquet"
    pq.write_table(pa.table({"smiles": [MEPHEDRONE, "CCO"], "id": ["a", "b"]}), src)
    out = tmp_path / "out.parquet"
    screen(iter_catalogue(src), out, as_of=AS_OF)
    assert pq.read_table(out).column("id").to_pylist() == ["a", "b"]


@pytest.mark.slow
def test_dask_engine_gives_the_same_table_as_local(smi, tmp_path):
    local, dask = tmp_path / "local.parquet", tmp_path / "dask.parquet"
    screen(iter_catalogue(smi), local, as_of=AS_OF, chunk_size=2)
    summary = screen(iter_catalogue(smi), dask, as_of=AS_OF, chunk_size=2, engine="dask", workers=1)
    assert summary.workers == 1 and summary.chunks == 3
    assert pq.read_table(dask).equals(pq.read_table(local))


def test_cli_prints_a_summary_and_refuses_bad_usage(smi, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # no database here: the shipped rules alone
    runner = CliRunner()
    out = tmp_path / "o.parquet"
    ok = runner.invoke(cli, ["screen", str(smi), "--out", str(out), "--as-of", "2021-06-01"])
    assert ok.exit_code == 0, ok.output
    assert json.loads(ok.stdout.strip().splitlines()[-1])["statuses"]["invalid"] == 1
    bad = runner.invoke(cli, ["screen", str(smi), "--out", str(out), "--scheduler", "tcp://127.0.0.1:8786"])
    assert bad.exit_code == 2 and "--engine dask" in bad.output
    src = tmp_path / "in.parquet"
    pq.write_table(pa.table({"structure": ["CCO"]}), src)
    missing = runner.invoke(cli, ["screen", str(src), "--out", str(out)])
    assert missing.exit_code == 2 and "no column 'smiles'" in missing.output
    unknown = runner.invoke(cli, ["screen", str(tmp_path / "c.xyz"), "--out", str(out)])
    assert unknown.exit_code == 2
