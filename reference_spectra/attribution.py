"""Attribution summary of a library file: per-licence and per-contributor record counts with the authors
and copyright lines the records carry, plus the NOTICE text (for the About page and ``fews spectra list``)."""

from __future__ import annotations

import functools
import os
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

from reference_spectra.library import SHIPPED_LIBRARY
from reference_spectra.readers import read_spectra

__all__ = ["NOTICE", "library_attribution"]

NOTICE = Path(__file__).parent / "data" / "NOTICE.md"


@functools.lru_cache(maxsize=4)
def library_attribution(path: str | os.PathLike[str] = SHIPPED_LIBRARY) -> dict[str, Any]:
    """``{"records", "compounds", "licences": {licence: n}, "contributors": [{"name", "records", "licences",
    "authors", "copyright", "accessions": [first, last]}], "notice"}`` for ``path``."""
    recs = list(read_spectra(path))
    licences = Counter(r.metadata.get("LICENSE") or "unstated" for r in recs)
    groups: dict[str, list[Any]] = defaultdict(list)
    for r in recs:
        groups[r.metadata.get("CONTRIBUTOR") or "unstated"].append(r)
    contributors = []
    for name, items in sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0])):
        accessions = sorted(r.metadata.get("SOURCE", "") for r in items if r.metadata.get("SOURCE"))
        contributors.append(
            {
                "name": name,
                "records": len(items),
                "licences": dict(Counter(r.metadata.get("LICENSE") or "unstated" for r in items).most_common()),
                "authors": sorted({r.metadata.get("AUTHORS", "") for r in items if r.metadata.get("AUTHORS")}),
                "copyright": sorted({r.metadata.get("COPYRIGHT", "") for r in items if r.metadata.get("COPYRIGHT")}),
                "accessions": [accessions[0], accessions[-1]] if accessions else [],
            }
        )
    notice = NOTICE.read_text(encoding="utf-8") if Path(path) == SHIPPED_LIBRARY and NOTICE.is_file() else ""
    return {
        "records": len(recs),
        "compounds": len({r.metadata.get("INCHIKEY", "")[:14] or r.name for r in recs}),
        "licences": dict(licences.most_common()),
        "contributors": contributors,
        "notice": notice,
    }
