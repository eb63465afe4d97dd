"""The spectrum cleaning pipeline: named steps with parameters, as data (matchms-style).

Two parts, both documented in docs/spectra.md:

- :data:`PIPELINE` runs once per record when a library is imported or indexed, and on every query:
  metadata harmonisation (key and value synonyms), InChIKey derived from SMILES when missing, peak
  sanitation (non-finite, non-positive and duplicate m/z) and intensity normalisation (base peak = 1).
- :data:`SEARCH_CLEANING` is applied by ms-entropy to library and query alike just before indexing and
  searching: peaks above ``precursor m/z - 1.6 Da`` are removed (precursor peak handling), peaks below 1%
  of the base peak are noise, peaks closer than 0.05 Da are merged, intensities sum to 1.

Each step is a pure function ``step(spectrum, **params) -> Spectrum`` that returns a new record (inputs
are not mutated) and sets ``error`` rather than raising when the record becomes unusable.
:data:`MATCHMS_EQUIVALENTS` names the matchms filter each step stands in for; matchms itself is not
imported on the query path (its first import takes ~40 s), see :func:`clean_with_matchms`.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import numpy as np

from reference_spectra.spectrum import Spectrum

__all__ = [
    "MATCHMS_EQUIVALENTS",
    "PIPELINE",
    "PIPELINE_VERSION",
    "SEARCH_CLEANING",
    "STEPS",
    "clean",
    "clean_all",
    "clean_with_matchms",
    "nominal_mass",
]

logger = logging.getLogger(__name__)

#: Metadata keys of other dialects (MSP, MGF, MassBank, GNPS, JCAMP) mapped onto the ones FEWS reads.
KEY_SYNONYMS = {
    "TITLE": "NAME",
    "COMPOUND_NAME": "NAME",
    "PEPMASS": "PRECURSORMZ",
    "PRECURSOR_MZ": "PRECURSORMZ",
    "PRECURSOR M/Z": "PRECURSORMZ",
    "SELECTED ION M/Z": "PRECURSORMZ",
    "ION_MODE": "IONMODE",
    "POLARITY": "IONMODE",
    "PRECURSOR_TYPE": "PRECURSORTYPE",
    "ADDUCT": "PRECURSORTYPE",
    "INCHI_KEY": "INCHIKEY",
    "INCHIKEY_": "INCHIKEY",
    "MOLFORM": "FORMULA",
    "MS_LEVEL": "MSLEVEL",
    "SPECTRUMTYPE": "MSLEVEL",
    "IONIZATION MODE": "IONIZATION",
    "ION_SOURCE": "IONIZATION",
}
_ION_MODES = {
    "positive": "positive",
    "pos": "positive",
    "p": "positive",
    "+": "positive",
    "1+": "positive",
    "negative": "negative",
    "neg": "negative",
    "n": "negative",
    "-": "negative",
    "1-": "negative",
}


def harmonise_metadata(spectrum: Spectrum) -> Spectrum:
    """Map key synonyms onto FEWS names (first value wins) and normalise IONMODE and MSLEVEL values."""
    meta: dict[str, str] = {}
    for key, value in spectrum.metadata.items():
        target = KEY_SYNONYMS.get(key.upper(), key.upper())
        if target not in meta or not meta[target]:
            meta[target] = value
    if "IONMODE" in meta:
        meta["IONMODE"] = _ION_MODES.get(meta["IONMODE"].strip().lower(), meta["IONMODE"].strip().lower())
    if "MSLEVEL" in meta:
        level = meta["MSLEVEL"].strip().upper().removeprefix("MS") or "1"
        meta["MSLEVEL"] = level if level.isdigit() else meta["MSLEVEL"]
    return dataclasses.replace(spectrum, metadata=meta)


def derive_inchikey_from_smiles(spectrum: Spectrum) -> Spectrum:
    """Fill INCHIKEY from SMILES with RDKit when it is missing (records of some MassBank contributors lack
    it); an unparsable SMILES leaves the key missing and notes why in ``INCHIKEY_NOTE``."""
    if spectrum.inchikey or not spectrum.metadata.get("SMILES"):
        return spectrum
    from rdkit import Chem, RDLogger

    RDLogger.DisableLog("rdApp.*")  # type: ignore[attr-defined]  # scoped: re-enabled below
    try:
        mol = Chem.MolFromSmiles(spectrum.metadata["SMILES"])
        key = Chem.MolToInchiKey(mol) if mol is not None else ""
    finally:
        RDLogger.EnableLog("rdApp.*")  # type: ignore[attr-defined]
    meta = dict(spectrum.metadata)
    if key:
        meta["INCHIKEY"] = key
    else:
        meta["INCHIKEY_NOTE"] = "SMILES could not be parsed; no InChIKey derived"
    return dataclasses.replace(spectrum, metadata=meta)


def sanitise_peaks(spectrum: Spectrum) -> Spectrum:
    """Drop non-finite and non-positive peaks, sort by m/z and sum intensities of repeated m/z values."""
    if spectrum.error is not None:
        return spectrum
    peaks = np.asarray(spectrum.peaks, dtype=np.float64).reshape(-1, 2)
    ok = np.isfinite(peaks).all(axis=1) & (peaks[:, 0] > 0) & (peaks[:, 1] > 0)
    peaks = peaks[ok]
    if len(peaks) == 0:
        return dataclasses.replace(spectrum, error="no peaks with positive m/z and intensity")
    mz, inverse = np.unique(peaks[:, 0], return_inverse=True)
    intensity = np.bincount(inverse, weights=peaks[:, 1])
    return dataclasses.replace(spectrum, peaks=np.column_stack([mz, intensity]).astype(np.float32))


def normalise_intensities(spectrum: Spectrum) -> Spectrum:
    """Scale intensities so that the base peak is 1 (matchms ``normalize_intensities``)."""
    if spectrum.error is not None or len(spectrum.peaks) == 0:
        return spectrum
    peaks = np.array(spectrum.peaks, dtype=np.float32)
    peaks[:, 1] /= peaks[:, 1].max()
    return dataclasses.replace(spectrum, peaks=peaks)


def nominal_mass(peaks: np.ndarray) -> np.ndarray:
    """Unit-mass (nominal) spectrum for EI search: m/z rounded to the nearest integer, intensities of a
    nominal mass summed. Lets a high-resolution GC-MS query meet a unit-mass library such as SWGDRUG's."""
    peaks = np.asarray(peaks, dtype=np.float64).reshape(-1, 2)
    if len(peaks) == 0:
        return np.zeros((0, 2), dtype=np.float32)
    mz, inverse = np.unique(np.rint(peaks[:, 0]), return_inverse=True)
    return np.column_stack([mz, np.bincount(inverse, weights=peaks[:, 1])]).astype(np.float32)


Step = Callable[..., Spectrum]
STEPS: dict[str, Step] = {
    "harmonise_metadata": harmonise_metadata,
    "derive_inchikey_from_smiles": derive_inchikey_from_smiles,
    "sanitise_peaks": sanitise_peaks,
    "normalise_intensities": normalise_intensities,
}
#: The import/query pipeline; the order matters (harmonised keys first, peaks last).
PIPELINE: tuple[tuple[str, dict[str, Any]], ...] = (
    ("harmonise_metadata", {}),
    ("derive_inchikey_from_smiles", {}),
    ("sanitise_peaks", {}),
    ("normalise_intensities", {}),
)
#: Parameters of ms-entropy's ``clean_spectrum_for_search`` used for library and queries (Li et al. 2021,
#: Nat. Methods 18:1524 — the defaults of the entropy-similarity paper).
SEARCH_CLEANING: dict[str, float] = {
    "precursor_ions_removal_da": 1.6,
    "noise_threshold": 0.01,
    "min_ms2_difference_in_da": 0.05,
}
#: The matchms filter each FEWS step stands in for (for the docs, and for :func:`clean_with_matchms`).
MATCHMS_EQUIVALENTS = {
    "harmonise_metadata": "default_filters (harmonize_undefined_*, make_charge_int, derive_ionmode, …)",
    "derive_inchikey_from_smiles": "derive_inchikey_from_smiles",
    "sanitise_peaks": "Fragments validation (sorted, non-negative m/z)",
    "normalise_intensities": "normalize_intensities",
    "noise_threshold": "select_by_relative_intensity(intensity_from=0.01)",
    "precursor_ions_removal_da": "select_by_mz(mz_to=precursor_mz - 1.6)",
}
PIPELINE_VERSION = (
    "clean-" + hashlib.sha256(json.dumps([PIPELINE, SEARCH_CLEANING], sort_keys=True).encode()).hexdigest()[:12]
)


def clean(spectrum: Spectrum, pipeline: Iterable[tuple[str, dict[str, Any]]] = PIPELINE) -> Spectrum:
    """Run the pipeline on one record; a record that already carries an error passes through unchanged.

    Examples
    --------
    >>> import numpy as np
    >>> s = clean(Spectrum(1, 1, {"TITLE": "x", "PEPMASS": "200.1"}, np.array([[50.0, 20.0], [60.0, 40.0]])))
    >>> s.name, s.precursor_mz, s.peaks[:, 1].tolist()
    ('x', 200.1, [0.5, 1.0])
    """
    for name, params in pipeline:
        if name not in STEPS:
            raise ValueError(f"unknown cleaning step {name!r}; known: {', '.join(STEPS)}")
        if spectrum.error is not None and name in ("sanitise_peaks", "normalise_intensities"):
            continue
        spectrum = STEPS[name](spectrum, **params)
    return spectrum


def clean_all(spectra: Iterable[Spectrum]) -> Iterator[Spectrum]:
    """:func:`clean` over an iterable."""
    for spectrum in spectra:
        yield clean(spectrum)


def clean_with_matchms(spectra: Iterable[Spectrum]) -> Iterator[Spectrum]:
    """Harmonise metadata with matchms's own ``default_filters`` (plus ``derive_inchikey_from_smiles``,
    ``normalize_intensities``) before the FEWS pipeline, for imports where the fuller harmonisation is worth
    matchms's start-up cost (~40 s the first time, numba compiling). Needs the ``bench`` extra."""
    from matchms import Spectrum as MatchmsSpectrum
    from matchms.filtering import default_filters, derive_inchikey_from_smiles, normalize_intensities

    for spectrum in spectra:
        if spectrum.error is not None or len(spectrum.peaks) == 0:
            yield clean(spectrum)
            continue
        base = clean(spectrum, PIPELINE[:1] + PIPELINE[2:3])  # harmonised keys, sane peaks for matchms
        if base.error is not None:
            yield base
            continue
        peaks = np.asarray(base.peaks, dtype=np.float64)
        meta: dict[str, Any] = {k.lower(): v for k, v in base.metadata.items()}
        if base.precursor_mz is not None:
            meta["precursor_mz"] = base.precursor_mz
        ms = MatchmsSpectrum(mz=peaks[:, 0], intensities=peaks[:, 1], metadata=meta, metadata_harmonization=True)
        ms = normalize_intensities(derive_inchikey_from_smiles(default_filters(ms)))
        if ms is None:
            yield dataclasses.replace(base, error="matchms filters removed the spectrum")
            continue
        out = {k.upper(): str(v) for k, v in ms.metadata.items() if v not in (None, "")}
        out = {KEY_SYNONYMS.get(k, k): v for k, v in out.items()}
        new_peaks = np.column_stack([ms.peaks.mz, ms.peaks.intensities]).astype(np.float32)
        yield clean(dataclasses.replace(base, metadata=base.metadata | out, peaks=new_peaks))
