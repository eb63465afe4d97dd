from __future__ import annotations

import dataclasses

import pytest

from reference_spectra.cleaning import clean
from reference_spectra.library import SHIPPED_LIBRARY, build_library
from reference_spectra.msp import iter_msp
from reference_spectra.search import Tolerance, identify_spectrum


@pytest.fixture(scope="module")
def records():  # type: ignore[no-untyped-def]
    return [clean(r) for r in iter_msp(SHIPPED_LIBRARY)]


@pytest.mark.parametrize(
    ("text", "mz", "da"),
    [("10ppm", 200.0, 0.002), ("0.01Da", 500.0, 0.01), ("5 mDa", 300.0, 0.005), ("0.02", 100.0, 0.02)],
    ids=["ppm", "da", "mda", "bare-number-is-da"],
)
def test_tolerance_in_ppm_or_da(text, mz, da):
    assert Tolerance.parse(text).da(mz) == pytest.approx(da)


@pytest.mark.parametrize("text", ["", "ten ppm", "-1ppm", "0"])
def test_bad_tolerance_is_rejected(text):
    with pytest.raises(ValueError, match="tolerance"):
        Tolerance.parse(text)


def test_ppm_tolerance_too_tight_for_a_shifted_precursor_finds_no_identity_match(records):
    lib = build_library(records)
    q = next(r for r in records if r.name == "Mephedrone" and r.error is None and r.precursor_mz)
    shifted = dataclasses.replace(q, metadata=q.metadata | {"PRECURSORMZ": f"{q.precursor_mz + 0.004:.4f}"})
    assert identify_spectrum(lib, shifted, ms1_tolerance=Tolerance.parse("50ppm"))["verdict"] == "match"
    assert identify_spectrum(lib, shifted, ms1_tolerance=Tolerance.parse("5ppm"))["verdict"] != "match"


def test_issue_5_homologue_is_an_analogue_with_ch2_shift(records):
    """Methamphetamine held out (with its isomer phentermine): the N-methyl homologue of amphetamine."""
    held = {"MYWUZJCMWCOHBA", "DHHVAGZRUROJKS"}  # methamphetamine, phentermine
    lib = build_library(r for r in records if r.compound_key not in held)
    queries = [r for r in records if r.name == "Methamphetamine" and r.error is None and r.precursor_mz]
    results = [identify_spectrum(lib, q, top=3) for q in queries]
    analogues = [r for r in results if r["verdict"] == "analogue"]
    assert all(r["verdict"] != "match" for r in results) and analogues
    amph = [h for r in analogues for h in r["hits"] if h["name"] == "Amphetamine"]
    assert amph and amph[0]["mass_shift"] == pytest.approx(14.0157, abs=0.01)
    assert amph[0]["modification"].startswith("+CH2")
    formyl = [h for r in analogues for h in r["hits"] if h["name"] == "N-Formylmethamphetamine"]
    assert not formyl or formyl[0]["modification"].startswith("−CO")  # query = formyl compound minus CO


def test_cosine_scorer_matches_a_library_spectrum(records):
    lib = build_library(records)
    q = next(r for r in records if r.name == "Mephedrone" and r.error is None and r.precursor_mz)
    res = identify_spectrum(lib, q, score="cosine", top=2)
    assert res["verdict"] == "match" and res["hits"][0]["name"] == "Mephedrone" and "cosine" in res["search"]


def test_isomers_are_flagged_on_a_match(records):
    lib = build_library(records)
    q = next(r for r in records if r.name.startswith("1-(3-Chlorophenyl)piperazine") and r.precursor_mz)
    res = identify_spectrum(lib, q, top=3)
    assert res["verdict"] == "match" and "oCPP" in res["caveats"][0]


def test_unknown_score_name_is_rejected(records):
    with pytest.raises(ValueError, match="score"):
        identify_spectrum(build_library(records[:20]), records[0], score="dot")  # type: ignore[arg-type]
