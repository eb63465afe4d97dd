"""Spectra named by seizure components: identified at intake, kept with reasons when unreadable, and
unidentified analytes raised by detection (issue #5 item 5)."""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

from sqlalchemy import select

from fews.db import session_scope
from fews.detection.run import Detector
from fews.models import Signal, SpectrumIdentification
from intake.pipeline import ingest_file
from reference_spectra.library import SHIPPED_LIBRARY
from reference_spectra.msp import iter_msp
from tests.builders import COCAINE, MEPHEDRONE, SeizureBuilder

START = dt.date(2021, 1, 4)


def write_msp(path: Path, name: str, precursor: float, peaks: list[tuple[float, float]]) -> Path:
    lines = [
        f"NAME: {name}",
        f"PRECURSORMZ: {precursor:.4f}",
        "PRECURSORTYPE: [M+H]+",
        "IONMODE: positive",
        f"Num Peaks: {len(peaks)}",
    ]
    lines += [f"{mz:.4f}\t{i:.1f}" for mz, i in peaks]
    path.write_text("\n".join(lines) + "\n\n")
    return path


def library_spectrum(name_part: str):  # type: ignore[no-untyped-def]
    for s in iter_msp(SHIPPED_LIBRARY):
        if name_part.lower() in s.name.lower() and s.precursor_mz and len(s.peaks) >= 5:
            return s
    raise AssertionError(name_part)


def test_component_spectra_are_identified_and_bad_files_kept_with_reasons(runtime, tmp_path):
    runtime.config = runtime.config.with_(use_opsin=False)
    ref = library_spectrum("mephedrone")
    peaks = [(float(mz), float(i)) for mz, i in ref.peaks]
    write_msp(tmp_path / "same.msp", "seized-1", ref.precursor_mz, peaks)
    # a homologue: precursor +CH2, fragments that keep the ring shifted too
    write_msp(tmp_path / "homologue.msp", "seized-2", ref.precursor_mz + 14.01565, peaks)
    b = SeizureBuilder()
    b.sample("SP1").component("mephedrone", MEPHEDRONE, spectrum_file="same.msp")
    b.sample("SP2").component("unknown white powder", "", role="unknown", spectrum_file="homologue.msp")
    b.sample("SP3").component("cocaine", COCAINE, spectrum_file="missing.msp")
    b.sample("SP4").component("cocaine", COCAINE, spectrum_file="../../etc/passwd")
    summary = ingest_file(runtime.factory, runtime.config, "seizures", b.write(tmp_path / "seizures.csv"))
    assert summary.accepted == 4 and summary.quarantined == 0
    assert summary.spectra == {"files": 4, "spectra": 4, "verdicts": summary.spectra["verdicts"], "errors": 2}
    with session_scope(runtime.factory) as s:
        rows = {r.file_name: r for r in s.scalars(select(SpectrumIdentification))}
    assert rows["same.msp"].verdict == "match"
    assert "ephedrone" in rows["same.msp"].hits[0]["name"]
    assert rows["same.msp"].hits[0]["status"] == "B"
    assert rows["same.msp"].peaks and rows["same.msp"].error is None
    assert rows["homologue.msp"].verdict == "analogue"
    assert abs(rows["homologue.msp"].hits[0]["mass_shift"] - 14.0157) < 0.01
    assert "not found" in rows["missing.msp"].error
    assert "outside the submission folder" in rows["../../etc/passwd"].error
    # re-ingesting the same file adds nothing (duplicates are not identified again)
    again = ingest_file(runtime.factory, runtime.config, "seizures", tmp_path / "seizures.csv")
    assert again.duplicates == 4 and again.spectra is None
    with session_scope(runtime.factory) as s:
        assert len(s.scalars(select(SpectrumIdentification)).all()) == 4


def test_an_analogue_spectrum_raises_an_unidentified_analyte_signal(runtime, tmp_path):
    runtime.config = runtime.config.with_(use_opsin=False)
    ref = library_spectrum("mephedrone")
    peaks = [(float(mz), float(i)) for mz, i in ref.peaks]
    write_msp(tmp_path / "homologue.msp", "seized", ref.precursor_mz + 14.01565, peaks)
    rng = random.Random(5)
    b = SeizureBuilder()
    for w in range(24):
        for i in range(rng.randint(5, 8)):
            b.sample(f"BG{w}-{i}", seizure_date=(START + dt.timedelta(weeks=w)).isoformat()).component(
                "cocaine", COCAINE
            )
    for i, w in enumerate((20, 21)):
        b.sample(f"UA{i}", seizure_date=(START + dt.timedelta(weeks=w)).isoformat(), product_as_sold="bath salts")
        b.component("unknown white powder", "", role="unknown", spectrum_file="homologue.msp")
    ingest_file(runtime.factory, runtime.config, "seizures", b.write(tmp_path / "s.csv"), today=dt.date(2030, 1, 1))
    summary = Detector(runtime.factory).run(START + dt.timedelta(weeks=24, days=-1))
    raised = [e.signal for e in summary.events if e.event == "raised" and e.signal.subtype == "unidentified_analyte"]
    assert len(raised) == 1
    sig = raised[0]
    assert sig.type == "new_substance" and sig.score == 1.0
    assert "analogue of" in sig.details["members"][0]["name"] and "+14.0" in sig.reason
    with session_scope(runtime.factory) as s:
        stored = s.scalars(select(Signal).where(Signal.subtype == "unidentified_analyte")).one()
        assert stored.score == 2.0  # the second sample updated the same signal
