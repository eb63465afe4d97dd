"""``fews identify``: search each query spectrum of a file (MSP, MGF, mzML, JCAMP-DX) and add each hit's UK
legal status as at a date (and its FEWS substance id when the caller passes the mapping)."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from chem.legal import LegalEngine
from reference_spectra.library import SHIPPED_LIBRARY, Library, load_library
from reference_spectra.readers import FORMATS, read_spectra, spectrum_format
from reference_spectra.search import Score, Tolerance, identify_spectrum
from reference_spectra.spectrum import Spectrum

__all__ = ["QUERY_FORMATS", "identify_file", "identify_queries"]

QUERY_FORMATS = tuple(FORMATS)


def identify_file(
    path: str | os.PathLike[str],
    *,
    on_date: dt.date,
    top: int = 5,
    library: Library | None = None,
    engine: LegalEngine | None = None,
    score: Score = "entropy",
    ms1_tolerance: Tolerance | None = None,
    substance_ids: Mapping[str, str] | None = None,
) -> Iterator[dict[str, Any]]:
    """One §6 record per query spectrum in ``path``; malformed queries give ``unknown`` + ``error``.

    ``substance_ids`` maps an InChIKey's first block to a FEWS id (``S<n>``), added to hits as ``fews_id``.
    Raises ``ValueError`` for an unsupported suffix (before anything is searched).
    """
    spectrum_format(path)
    for _query, result in identify_queries(
        read_spectra(path),
        on_date=on_date,
        top=top,
        library=library,
        engine=engine,
        score=score,
        ms1_tolerance=ms1_tolerance,
        substance_ids=substance_ids,
    ):
        yield result


def identify_queries(
    queries: Iterable[Spectrum],
    *,
    on_date: dt.date,
    top: int = 5,
    library: Library | None = None,
    engine: LegalEngine | None = None,
    score: Score = "entropy",
    ms1_tolerance: Tolerance | None = None,
    substance_ids: Mapping[str, str] | None = None,
) -> Iterator[tuple[Spectrum, dict[str, Any]]]:
    """``(query, record)`` for each query: the §6 record with each hit's legal status as at ``on_date``."""
    lib = library or load_library(SHIPPED_LIBRARY)
    engine = engine or LegalEngine()
    status_memo: dict[str, str] = {}
    for query in queries:
        result = identify_spectrum(lib, query, top=top, score=score, ms1_tolerance=ms1_tolerance)
        for hit in result["hits"]:
            smiles = hit.pop("smiles", None)
            if smiles and smiles not in status_memo:
                status_memo[smiles] = engine.classify(smiles, on_date)["status"]
            hit["status"] = status_memo[smiles] if smiles else "unknown"
            key = (hit.get("inchikey") or "")[:14]
            if substance_ids and key in substance_ids:
                hit["fews_id"] = substance_ids[key]
        yield query, result
