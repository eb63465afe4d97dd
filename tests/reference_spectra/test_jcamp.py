from __future__ import annotations

import io
from pathlib import Path

import pytest

from reference_spectra.jcamp import JcampError, decode_asdf_line, iter_jcamp

DATA = Path(__file__).parent / "data"


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("10 1 2 3", [10, 1, 2, 3]),  # AFFN
        ("10 A0B1c2", [10, 10, 21, -32]),  # SQZ
        ("10 A0J%J", [10, 10, 11, 11, 12]),  # DIF
        ("1 @T", [1, 0, 0]),  # DUP of a value
        ("1 A0JT", [1, 10, 11, 12]),  # DUP of a difference
        ("1 -5+6", [1, -5, 6]),  # signs separate AFFN values
    ],
    ids=["affn", "sqz", "dif", "dup-value", "dup-dif", "affn-signs"],
)
def test_asdf_forms_decode(line, expected):
    assert decode_asdf_line(line) == [float(v) for v in expected]


def test_asdf_rejects_dif_without_a_value():
    with pytest.raises(JcampError, match="DIF"):
        decode_asdf_line("J")


def test_link_file_peak_table_and_compressed_blocks_with_a_malformed_one_kept():
    recs = list(iter_jcamp(DATA / "ei_small.jdx"))
    assert [r.name for r in recs] == ["Methamphetamine", "Amphetamine", "Truncated block"]
    meth, amph, bad = recs
    assert meth.error is None and meth.peaks.shape == (7, 2) and meth.is_ei
    assert meth.metadata["FORMULA"] == "C10 H15 N" and meth.metadata["SMILES"] == "CNC(C)Cc1ccccc1"
    assert amph.error is None
    # 40..49: 0,10,11,11 | (check 11),12,12,14,0,0,0 -> zero ordinates dropped
    assert amph.peaks[:, 0].tolist() == [41, 42, 43, 44, 45, 46]
    assert amph.peaks[:, 1].tolist() == [10, 11, 11, 12, 12, 14]
    assert bad.error and "not numeric" in bad.error


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("##TITLE=ir\n##DATA TYPE=INFRARED SPECTRUM\n##PEAK TABLE=(XY..XY)\n1,2\n##END=\n", "not a mass spectrum"),
        ("##TITLE=n\n##NPOINTS=3\n##PEAK TABLE=(XY..XY)\n50,1 60,2\n##END=\n", "NPOINTS=3 but 2"),
        ("##TITLE=open\n##PEAK TABLE=(XY..XY)\n50,1\n", "no ##END="),
        ("##TITLE=empty\n##DATA TYPE=MASS SPECTRUM\n##END=\n", "no ##PEAK TABLE"),
        (
            "##TITLE=chk\n##FIRSTX=1\n##LASTX=4\n##NPOINTS=4\n##XYDATA=(X++(Y..Y))\n1 A0J\n3 A5J\n##END=\n",
            "Y-value check",
        ),
        ("just text\n", "not a JCAMP-DX file"),
    ],
    ids=["not-ms", "npoints", "no-end", "no-data", "dif-check", "not-jcamp"],
)
def test_malformed_blocks_are_kept_with_a_reason(text, reason):
    (rec,) = list(iter_jcamp(io.StringIO(text)))
    assert rec.error and reason in rec.error
