from __future__ import annotations

import io

from reference_spectra.msp import iter_msp
from reference_spectra.search import SHIPPED_LIBRARY


def test_shipped_library_reads_whole_with_per_record_licence():
    recs = list(iter_msp(SHIPPED_LIBRARY))
    assert len(recs) == 1039 and not any(r.error for r in recs)
    assert all(r.metadata.get("LICENSE") and r.metadata.get("SOURCE") for r in recs)
    assert sum(1 for r in recs if r.precursor_mz is None) == 11  # PITFALLS: missing or NA precursor


def test_massbank_semicolon_peaks_and_malformed_records_are_kept():
    text = (
        "NAME: a\nPRECURSORMZ: 100.1\nNum Peaks: 2\n50.1 10; 60.2 999\n\n"
        "NAME: b\nPRECURSORMZ: NA\nNum Peaks: 3\n50 1\n\n"
        "NAME: c\nNum Peaks: x\n\n"
        "garbage line without colon\nNum Peaks: 1\n1 1\n"
    )
    recs = list(iter_msp(io.StringIO(text)))
    assert [r.name for r in recs[:3]] == ["a", "b", "c"]
    assert recs[0].error is None and recs[0].peaks.shape == (2, 2)
    assert recs[1].precursor_mz is None and "3" in (recs[1].error or "")
    assert "not a number" in (recs[2].error or "")
    assert recs[3].error and "KEY: value" in recs[3].error
