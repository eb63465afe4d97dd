"""Spectra that come with seizure results (issue #5 item 5).

A component row may name a spectrum file (``spectrum_file``: MSP, MGF, mzML or JCAMP-DX, relative to
the submitted file's folder). After a batch is stored, :func:`identify_batch_spectra` searches every
query spectrum of those files against the reference library (the shipped MassBank subset plus
imported libraries) and stores each verdict with its top hits and the query peaks
(``spectrum_identification``). A file that is missing, outside the submission folder or unreadable
gives a row with the reason in ``error``: the seizure record itself is valid and stays stored.
``analogue`` and ``unknown`` verdicts feed the detection model (``unidentified_analyte`` signals).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from chem.legal import LegalEngine
from fews.db import session_scope
from fews.models import Component, Sample, SpectrumIdentification
from reference_spectra.identify import identify_queries
from reference_spectra.library import Library
from reference_spectra.readers import read_spectra, spectrum_format

__all__ = ["SpectraSummary", "identify_batch_spectra", "resolve_spectrum_path"]

logger = logging.getLogger(__name__)

MAX_PEAKS_KEPT = 500  # query peaks stored for the mirror plot (the most intense)


@dataclass
class SpectraSummary:
    files: int = 0
    spectra: int = 0
    verdicts: dict[str, int] = field(default_factory=dict)
    errors: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {"files": self.files, "spectra": self.spectra, "verdicts": self.verdicts, "errors": self.errors}


def resolve_spectrum_path(name: str, base_dir: Path | None) -> Path:
    """The file a ``spectrum_file`` value names, refused outside ``base_dir`` (no path traversal)."""
    if base_dir is None:
        raise ValueError("spectrum files can only be read beside a submitted file (none here)")
    base = base_dir.resolve()
    path = (base / name).resolve()
    if not path.is_relative_to(base):
        raise ValueError(f"{name!r} is outside the submission folder")
    if not path.is_file():
        raise ValueError(f"{name!r} was not found beside the submitted file")
    return path


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _peaks(peaks: Any) -> list[list[float]]:
    rows = [[round(float(mz), 5), round(float(i), 5)] for mz, i in peaks]
    rows.sort(key=lambda r: r[1], reverse=True)
    return sorted(rows[:MAX_PEAKS_KEPT])


def identify_batch_spectra(
    factory: sessionmaker[Session],
    batch_id: int,
    *,
    base_dir: Path | None,
    on_date: dt.date,
    library: Library | None = None,
    engine: LegalEngine | None = None,
) -> SpectraSummary:
    """Identify the spectrum files named by the components stored in ``batch_id`` (once per component)."""
    summary = SpectraSummary()
    with session_scope(factory) as s:
        rows = s.execute(
            select(Component.id, Component.sample_pk, Component.spectrum_file)
            .join(Sample, Sample.id == Component.sample_pk)
            .outerjoin(SpectrumIdentification, SpectrumIdentification.component_id == Component.id)
            .where(
                Sample.batch_id == batch_id,
                Component.spectrum_file.is_not(None),
                Component.spectrum_file != "",
                SpectrumIdentification.id.is_(None),
            )
            .order_by(Component.id)
        ).all()
    if not rows:
        return summary
    if library is None:
        from reference_spectra.library import load_library

        library = load_library()
    engine = engine or LegalEngine()
    for component_id, sample_pk, name in rows:
        summary.files += 1
        records: list[SpectrumIdentification] = []
        try:
            path = resolve_spectrum_path(str(name), base_dir)
            spectrum_format(path)
            digest = _digest(path)
            for query, result in identify_queries(read_spectra(path), on_date=on_date, library=library, engine=engine):
                records.append(
                    SpectrumIdentification(
                        component_id=component_id,
                        sample_pk=sample_pk,
                        file_name=str(name),
                        file_sha256=digest,
                        query=str(result.get("query", query.name))[:300],
                        precursor_mz=query.precursor_mz,
                        verdict=result["verdict"],
                        hits=result["hits"],
                        peaks=_peaks(query.peaks) if query.error is None else [],
                        error=result.get("error"),
                        library_version=library.key,
                    )
                )
            if not records:
                raise ValueError(f"{name!r} holds no spectrum")
        except (ValueError, OSError) as exc:
            records = [
                SpectrumIdentification(
                    component_id=component_id,
                    sample_pk=sample_pk,
                    file_name=str(name),
                    verdict="unknown",
                    error=str(exc),
                    library_version=library.key,
                )
            ]
        with session_scope(factory) as s:
            s.add_all(records)
        for r in records:
            summary.spectra += 1
            summary.verdicts[r.verdict] = summary.verdicts.get(r.verdict, 0) + 1
            summary.errors += r.error is not None
    return summary
