from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from reference_spectra.library import SHIPPED_LIBRARY, load_library
from reference_spectra.search import identify_spectrum
from reference_spectra.spectrum import Spectrum

DATA = Path(__file__).parent / "data"


def test_persisted_index_is_reused_and_gives_the_same_answers(tmp_path):
    built = load_library(SHIPPED_LIBRARY, cache_dir=tmp_path)
    assert not built.from_cache and len(built.ms2) == 1012
    again = load_library(SHIPPED_LIBRARY, cache_dir=tmp_path)
    assert again.from_cache and again.key == built.key and len(again.ms2) == len(built.ms2)
    assert len(again.quarantined) == len(built.quarantined) == 27
    assert all(r.error for r in again.quarantined)
    query = built.ms2.spectra[100]
    for score in ("entropy", "cosine"):
        assert identify_spectrum(built, query, score=score) == identify_spectrum(again, query, score=score)


def test_a_changed_library_file_gets_a_new_index(tmp_path):
    lib_file = tmp_path / "lib.msp"
    shutil.copyfile(SHIPPED_LIBRARY, lib_file)
    first = load_library(lib_file, cache_dir=tmp_path / "cache")
    with open(lib_file, "a") as fh:
        fh.write("\nNAME: extra\nPRECURSORMZ: 300.1\nNum Peaks: 2\n100.05 50\n150.07 100\n")
    second = load_library(lib_file, cache_dir=tmp_path / "cache")
    assert second.key != first.key and not second.from_cache and len(second.ms2) == len(first.ms2) + 1
    assert len(list((tmp_path / "cache").iterdir())) == 2


def test_missing_inchikeys_are_derived_from_smiles():
    lib = load_library(SHIPPED_LIBRARY)
    aces = [s for s in lib.ms2.spectra if s.metadata.get("CONTRIBUTOR") == "ACES_SU"]
    assert aces and all(s.inchikey for s in aces)
    caffeine = next(s for s in aces if s.name == "Caffeine")
    assert caffeine.inchikey == "RYYVLZVUVIJVGH-UHFFFAOYSA-N"


def test_ei_library_from_jcamp_is_searched_at_nominal_mass(tmp_path):
    lib = load_library([DATA / "ei_small.jdx"], cache_dir=tmp_path)
    assert len(lib.ei) == 2 and len(lib.ms2) == 0
    assert [r.name for r in lib.quarantined] == ["Truncated block"]
    # a high-resolution EI query of methamphetamine (GC-Orbitrap-like masses), no precursor
    peaks = np.array([[58.0651, 999], [91.0542, 130], [65.0386, 35], [134.0964, 25], [119.0730, 22], [42.0338, 55]])
    query = Spectrum(1, 1, {"NAME": "seized powder", "MSLEVEL": "1"}, peaks.astype(np.float32))
    res = identify_spectrum(lib, query, top=2)
    assert res["verdict"] == "match" and res["hits"][0]["name"] == "Methamphetamine"
    assert res["search"].startswith("EI")
    reloaded = load_library([DATA / "ei_small.jdx"], cache_dir=tmp_path)
    assert reloaded.from_cache and identify_spectrum(reloaded, query, top=2) == res


def test_ei_query_without_an_ei_library_is_unknown_with_a_reason():
    lib = load_library(SHIPPED_LIBRARY)
    query = Spectrum(1, 1, {"NAME": "gc", "MSLEVEL": "1"}, np.array([[58.0, 999.0], [91.0, 120.0]], np.float32))
    res = identify_spectrum(lib, query)
    assert res["verdict"] == "unknown" and res["hits"] == [] and "EI" in res["error"]


def test_unsupported_library_suffix_is_a_value_error(tmp_path):
    path = tmp_path / "lib.txt"
    path.write_text("x")
    with pytest.raises(ValueError, match="must end in one of"):
        load_library(path)
