"""Reference spectra for the substance page: the shipped library's records of a compound (by the
InChIKey connectivity block) and, for mirror plots, a record by accession."""

from __future__ import annotations

import functools
from typing import Any

from reference_spectra.spectrum import Spectrum
from web.api.services import spectral_library

__all__ = ["library_spectra", "by_accession", "peaks_of"]


def _accession(spec: Spectrum) -> str | None:
    md = spec.metadata
    return md.get("SOURCE") or md.get("ACCESSION") or md.get("DB#")


@functools.cache
def _index() -> tuple[dict[str, list[Spectrum]], dict[str, Spectrum]]:
    by_key: dict[str, list[Spectrum]] = {}
    by_acc: dict[str, Spectrum] = {}
    for spec in spectral_library().spectra:
        by_key.setdefault(spec.compound_key, []).append(spec)
        acc = _accession(spec)
        if acc:
            by_acc[acc] = spec
    return by_key, by_acc


def library_spectra(inchikey: str, *, limit: int = 12) -> list[dict[str, Any]]:
    """The library records of the compound with this InChIKey (first block), as rows for a table."""
    out = []
    for spec in _index()[0].get(inchikey[:14], [])[:limit]:
        md = spec.metadata
        out.append(
            {
                "accession": _accession(spec),
                "name": spec.name,
                "precursor_mz": spec.precursor_mz,
                "instrument": md.get("INSTRUMENT_TYPE") or md.get("INSTRUMENT"),
                "collision_energy": md.get("COLLISION_ENERGY"),
                "peaks": len(spec.peaks),
                "licence": md.get("LICENSE"),
                "authors": md.get("AUTHORS"),
            }
        )
    return out


def by_accession(accession: str | None) -> Spectrum | None:
    return _index()[1].get(accession) if accession else None


def peaks_of(spec: Spectrum) -> list[tuple[float, float]]:
    return [(float(mz), float(i)) for mz, i in spec.peaks]
