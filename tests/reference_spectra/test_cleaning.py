from __future__ import annotations

import numpy as np
import pytest

from reference_spectra.cleaning import PIPELINE, STEPS, clean, nominal_mass
from reference_spectra.spectrum import Spectrum


def test_pipeline_steps_are_known_and_metadata_comes_before_peaks():
    names = [n for n, _ in PIPELINE]
    assert set(names) <= set(STEPS)
    assert names.index("harmonise_metadata") < names.index("derive_inchikey_from_smiles")
    assert names.index("sanitise_peaks") < names.index("normalise_intensities")


def test_metadata_synonyms_and_ion_mode_are_harmonised():
    s = clean(
        Spectrum(
            1,
            1,
            {"TITLE": "q", "PEPMASS": "178.12 5000", "ION_MODE": "Pos", "ADDUCT": "[M+H]+"},
            np.array([[50.0, 1.0]], np.float32),
        )
    )
    assert s.name == "q" and s.precursor_mz == 178.12
    assert s.metadata["IONMODE"] == "positive" and s.metadata["PRECURSORTYPE"] == "[M+H]+"


@pytest.mark.parametrize(
    ("smiles", "key"),
    [("CNC(C)C(=O)c1ccc(C)cc1", "YELGFTGWJGBAQU-UHFFFAOYSA-N"), ("not a smiles", None)],
    ids=["mephedrone", "invalid"],
)
def test_inchikey_derived_from_smiles(smiles, key):
    s = clean(Spectrum(1, 1, {"NAME": "x", "SMILES": smiles}, np.array([[50.0, 1.0]], np.float32)))
    assert s.inchikey == key
    if key is None:
        assert "could not be parsed" in s.metadata["INCHIKEY_NOTE"]


def test_bad_peaks_are_dropped_and_an_empty_spectrum_gets_a_reason():
    peaks = np.array([[50.0, 2.0], [50.0, 2.0], [np.nan, 1.0], [-3.0, 1.0], [60.0, 0.0], [70.0, 8.0]])
    s = clean(Spectrum(1, 1, {"NAME": "x"}, peaks))
    assert s.peaks.tolist() == [[50.0, 0.5], [70.0, 1.0]]
    empty = clean(Spectrum(2, 1, {"NAME": "y"}, np.array([[60.0, 0.0]])))
    assert empty.error == "no peaks with positive m/z and intensity"


def test_input_is_not_mutated():
    peaks = np.array([[50.0, 2.0], [60.0, 4.0]], np.float32)
    meta = {"TITLE": "x"}
    clean(Spectrum(1, 1, meta, peaks))
    assert meta == {"TITLE": "x"} and peaks[:, 1].tolist() == [2.0, 4.0]


def test_nominal_mass_sums_intensities_per_unit_mass():
    out = nominal_mass(np.array([[58.065, 10.0], [57.96, 5.0], [91.054, 3.0]]))
    assert out.tolist() == [[58.0, 15.0], [91.0, 3.0]]
