from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from reference_spectra.identify import identify_file
from reference_spectra.library import SHIPPED_LIBRARY, build_library, load_library
from reference_spectra.msp import iter_msp
from reference_spectra.search import identify_spectrum

EXAMPLES = Path(__file__).resolve().parents[3] / "shared" / "examples"


@pytest.fixture(scope="module")
def library():  # type: ignore[no-untyped-def]
    return load_library()


def test_library_spectra_match_themselves_with_legal_status(library, tmp_path):
    recs = [r for r in iter_msp(SHIPPED_LIBRARY) if r.metadata.get("NAME") == "Mephedrone"][:1]
    path = tmp_path / "q.msp"
    peaks = "\n".join(f"{m} {i}" for m, i in recs[0].peaks)
    head = f"NAME: q1\nPRECURSORMZ: {recs[0].metadata['PRECURSORMZ']}\nNum Peaks: {len(recs[0].peaks)}\n"
    path.write_text(head + peaks + "\n")
    (res,) = identify_file(path, on_date=dt.date(2021, 6, 1), top=3, library=library)
    assert res["verdict"] == "match" and res["hits"][0]["name"] == "Mephedrone"
    assert res["hits"][0]["status"] == "B"  # cathinone generic (SI 2010/1207)
    assert res["hits"][0]["licence"] and res["hits"][0]["accession"].startswith("MassBank")
    (early,) = identify_file(path, on_date=dt.date(2009, 1, 1), top=1, library=library)
    assert early["hits"][0]["status"] == "not_controlled"


def test_absent_compound_is_not_called_a_match():
    recs = [r for r in iter_msp(SHIPPED_LIBRARY) if r.error is None and r.precursor_mz]
    target = next(r for r in recs if r.metadata.get("NAME") == "Mephedrone")
    lib = build_library(r for r in recs if r.metadata.get("INCHIKEY") != target.metadata["INCHIKEY"])
    res = identify_spectrum(lib, target, top=3)
    assert res["verdict"] in {"analogue", "unknown"}
    assert all(h["inchikey"] != target.metadata["INCHIKEY"] for h in res["hits"])


def test_malformed_query_gives_unknown_with_error(library, tmp_path):
    path = tmp_path / "bad.msp"
    path.write_text("NAME: broken\nPRECURSORMZ: 200\nNum Peaks: 3\n10 1\n")
    (res,) = identify_file(path, on_date=dt.date(2021, 6, 1), library=library)
    assert res == {"query": "broken", "verdict": "unknown", "hits": [], "error": res["error"]} and res["error"]


def test_mgf_queries_including_a_malformed_block(library, tmp_path):
    rec = next(r for r in iter_msp(SHIPPED_LIBRARY) if r.metadata.get("NAME") == "Mephedrone")
    peaks = "\n".join(f"{m} {i}" for m, i in rec.peaks)
    path = tmp_path / "q.mgf"
    path.write_text(
        f"BEGIN IONS\nTITLE=meph\nPEPMASS={rec.metadata['PRECURSORMZ']}\nCHARGE=1+\n{peaks}\nEND IONS\n"
        "BEGIN IONS\nTITLE=empty\nPEPMASS=200\nEND IONS\nBEGIN IONS\nTITLE=cut\n10 1\n"
    )
    out = list(identify_file(path, on_date=dt.date(2021, 6, 1), top=1, library=library))
    assert [r["query"] for r in out] == ["meph", "empty", "cut"]
    assert out[0]["verdict"] == "match" and out[0]["hits"][0]["name"] == "Mephedrone"
    assert out[1]["verdict"] == out[2]["verdict"] == "unknown" and out[1]["error"] and out[2]["error"]


def test_unsupported_query_format(library, tmp_path):
    path = tmp_path / "q.txt"
    path.write_text("NAME: x\n")
    with pytest.raises(ValueError, match="msp"):
        list(identify_file(path, on_date=dt.date(2021, 6, 1), library=library))


def test_mzml_query_matches_with_legal_status(library, tmp_path):
    from tests.reference_spectra.test_mzml import _spectrum, write_mzml

    rec = next(r for r in iter_msp(SHIPPED_LIBRARY) if r.metadata.get("NAME") == "Mephedrone")
    path = tmp_path / "run.mzML"
    write_mzml(path, [_spectrum(0, 2, rec.peaks[:, 0], rec.peaks[:, 1], float(rec.metadata["PRECURSORMZ"]))])
    (res,) = identify_file(
        path, on_date=dt.date(2021, 6, 1), top=1, library=library, substance_ids={"YELGFTGWJGBAQU": "S7"}
    )
    assert res["query"] == "scan=1" and res["verdict"] == "match"
    assert res["hits"][0]["status"] == "B" and res["hits"][0]["fews_id"] == "S7"


@pytest.mark.skipif(not EXAMPLES.is_dir(), reason="../shared/examples not beside the checkout")
def test_public_example_queries_match(library):
    out = list(identify_file(EXAMPLES / "queries.msp", on_date=dt.date(2021, 6, 1), top=3, library=library))
    assert [r["verdict"] for r in out] == ["match", "match", "match"]
