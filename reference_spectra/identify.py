"""``fews identify``: search query spectra and add each hit's UK legal status as at a date."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from typing import Any

from chem.legal import LegalEngine
from reference_spectra.mgf import iter_mgf
from reference_spectra.msp import iter_msp
from reference_spectra.search import SHIPPED_LIBRARY, Library, identify_spectrum, load_library

__all__ = ["identify_file", "QUERY_FORMATS"]

QUERY_FORMATS = (".msp", ".mgf")


def identify_file(
    path: str | os.PathLike[str],
    *,
    on_date: dt.date,
    top: int = 5,
    library: Library | None = None,
    engine: LegalEngine | None = None,
) -> Iterator[dict[str, Any]]:
    """One §6 record per query spectrum in ``path`` (MSP or MGF); malformed queries give ``unknown`` + ``error``."""
    suffix = os.path.splitext(str(path))[1].lower()
    if suffix not in QUERY_FORMATS:
        raise ValueError(f"query files must be one of {', '.join(QUERY_FORMATS)} for now, got {suffix or 'no suffix'}")
    lib = library or load_library(str(SHIPPED_LIBRARY))
    engine = engine or LegalEngine()
    reader = iter_mgf if suffix == ".mgf" else iter_msp
    for query in reader(path):
        result = identify_spectrum(lib, query, top=top)
        for hit in result["hits"]:
            smiles = hit.pop("smiles", None)
            hit["status"] = engine.classify(smiles, on_date)["status"] if smiles else "unknown"
        yield result
