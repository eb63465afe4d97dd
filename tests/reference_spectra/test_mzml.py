from __future__ import annotations

import base64
from pathlib import Path

import numpy as np

from reference_spectra.mzml import iter_mzml


def _array(values, accession: str, name: str) -> str:
    data = base64.b64encode(np.asarray(values, dtype="<f8").tobytes()).decode()
    return (
        f'<binaryDataArray encodedLength="{len(data)}">'
        '<cvParam cvRef="MS" accession="MS:1000523" name="64-bit float" value=""/>'
        '<cvParam cvRef="MS" accession="MS:1000576" name="no compression" value=""/>'
        f'<cvParam cvRef="MS" accession="{accession}" name="{name}" value=""/>'
        f"<binary>{data}</binary></binaryDataArray>"
    )


def _spectrum(index: int, level: int, mz, intensity, precursor: float | None) -> str:
    prec = ""
    if precursor is not None:
        prec = (
            '<precursorList count="1"><precursor><selectedIonList count="1"><selectedIon>'
            f'<cvParam cvRef="MS" accession="MS:1000744" name="selected ion m/z" value="{precursor}"/>'
            '<cvParam cvRef="MS" accession="MS:1000041" name="charge state" value="1"/>'
            "</selectedIon></selectedIonList></precursor></precursorList>"
        )
    return (
        f'<spectrum index="{index}" id="scan={index + 1}" defaultArrayLength="{len(mz)}">'
        f'<cvParam cvRef="MS" accession="MS:1000511" name="ms level" value="{level}"/>'
        '<cvParam cvRef="MS" accession="MS:1000130" name="positive scan" value=""/>'
        '<cvParam cvRef="MS" accession="MS:1000127" name="centroid spectrum" value=""/>'
        f"{prec}"
        f'<binaryDataArrayList count="2">{_array(mz, "MS:1000514", "m/z array")}'
        f"{_array(intensity, 'MS:1000515', 'intensity array')}</binaryDataArrayList></spectrum>"
    )


def write_mzml(path: Path, spectra: list[str], *, truncate: bool = False) -> None:
    body = "".join(spectra)
    text = (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<mzML xmlns="http://psi.hupo.org/ms/mzml" version="1.1.0">'
        '<cvList count="1"><cv id="MS" fullName="PSI-MS" URI="https://example.org/psi-ms.obo"/></cvList>'
        f'<run id="r1"><spectrumList count="{len(spectra)}">{body}</spectrumList></run></mzML>\n'
    )
    path.write_text(text[: len(text) // 2] if truncate else text)


MEPHEDRONE = ([145.0886, 160.1121, 144.0808, 119.0730], [40.0, 100.0, 15.0, 8.0])


def test_ms2_spectra_with_precursor_and_polarity(tmp_path):
    path = tmp_path / "run.mzML"
    write_mzml(
        path,
        [
            _spectrum(0, 1, [178.12], [1e6], None),
            _spectrum(1, 2, *MEPHEDRONE, 178.1226),
            _spectrum(2, 2, [], [], 200.0),
        ],
    )
    recs = list(iter_mzml(path))
    assert [r.name for r in recs] == ["scan=2", "scan=3"]  # MS1 scan skipped
    assert recs[0].error is None and recs[0].precursor_mz == 178.1226
    assert recs[0].metadata["IONMODE"] == "positive" and recs[0].peaks.shape == (4, 2)
    assert recs[1].error and "no peaks" in recs[1].error


def test_a_truncated_file_keeps_what_was_read_and_says_why(tmp_path):
    path = tmp_path / "cut.mzML"
    write_mzml(path, [_spectrum(i, 2, *MEPHEDRONE, 178.1226) for i in range(6)], truncate=True)
    recs = list(iter_mzml(path))
    assert recs[-1].error and "could not be read" in recs[-1].error
    assert all(r.error is None for r in recs[:-1])
