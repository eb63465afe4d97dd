"""One check per parser: feed it arbitrary bytes and assert its contract. Shared by the atheris
harnesses (``python -m fuzz.run``) and the hypothesis tests (``tests/reliability``).

The contract, for every parser: it never raises anything but its documented refusal (``FileError``
for intake files), it yields a record for every unit of input it was given (row, record, block,
spectrum) rather than skipping it, and each record is either usable or carries the reason it is
not. Anything else (another exception, a crash, a hang) is a bug.
"""

from __future__ import annotations

import io
import os
import tempfile
from collections.abc import Callable

__all__ = [
    "TARGETS",
    "check_csv",
    "check_json",
    "check_sdf",
    "check_msp",
    "check_mgf",
    "check_jcamp",
    "check_mzml",
    "check_smiles",
    "text_of",
]


def text_of(data: bytes) -> str:
    """Bytes as a text file reader would see them (UTF-8, undecodable bytes replaced)."""
    return data.decode("utf-8", errors="replace")


def check_csv(data: bytes) -> None:
    from intake.parsers.csv_rows import iter_csv_rows
    from intake.parsers.raw import FileError

    try:
        rows = list(iter_csv_rows(io.BytesIO(data)))
    except FileError:
        return
    for row in rows:
        assert isinstance(row.data, dict)
        assert row.error is None or (row.error[0] and row.error[1]), row.error
        assert all("\x00" not in k and (v is None or "\x00" not in v) for k, v in row.data.items())


def check_json(data: bytes) -> None:
    from intake.parsers.json_rows import iter_json_rows
    from intake.parsers.raw import FileError

    for kind in ("seizures", "reports", "intel"):
        try:
            rows = list(iter_json_rows(io.BytesIO(data), kind))
        except FileError:
            return
        for row in rows:
            assert row.error is None or (row.error[0] and row.error[1]), row.error
            assert row.group is not None


def check_sdf(data: bytes) -> None:
    from chem.sdf import iter_sdf

    text = text_of(data)
    records = list(iter_sdf(io.StringIO(text), tautomer=False))
    expected, pending = 0, False  # one record per "$$$$" line, plus a last unterminated non-blank block
    for line in io.StringIO(text):
        if line.rstrip() == "$$$$":
            expected, pending = expected + 1, False
        elif line.strip():
            pending = True
    assert len(records) == expected + pending, (len(records), expected, pending)
    for rec in records:
        assert (rec.structure is None) != (rec.error is None)


def _check_spectra(records: list) -> None:  # type: ignore[type-arg]
    for spec in records:
        assert spec.peaks.ndim == 2 and spec.peaks.shape[1] == 2
        assert spec.error is None or spec.error.strip()


def check_msp(data: bytes) -> None:
    from reference_spectra.msp import iter_msp

    text = text_of(data)
    records = list(iter_msp(io.StringIO(text)))
    _check_spectra(records)
    blocks, current = 0, False  # records are runs of lines that are not blank (as the reader sees lines)
    for line in io.StringIO(text):
        if line.strip():
            blocks, current = blocks + (not current), True
        else:
            current = False
    assert len(records) == blocks, (len(records), blocks)


def check_mgf(data: bytes) -> None:
    from reference_spectra.mgf import iter_mgf

    text = text_of(data)
    records = list(iter_mgf(io.StringIO(text)))
    _check_spectra(records)
    begins = sum(1 for line in io.StringIO(text) if line.strip().upper() == "BEGIN IONS")
    assert len(records) >= begins


def check_jcamp(data: bytes) -> None:
    from reference_spectra.jcamp import iter_jcamp

    _check_spectra(list(iter_jcamp(io.StringIO(text_of(data)))))


def check_mzml(data: bytes) -> None:
    from reference_spectra.mzml import iter_mzml

    fd, path = tempfile.mkstemp(suffix=".mzML")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        _check_spectra(list(iter_mzml(path)))
    finally:
        os.unlink(path)


def check_smiles(data: bytes) -> None:
    from chem.errors import InvalidStructure
    from chem.standardise import standardise_smiles

    try:
        result = standardise_smiles(text_of(data))
    except InvalidStructure as exc:
        assert exc.code and exc.reason
        return
    assert result.inchikey and len(result.inchikey) == 27


TARGETS: dict[str, Callable[[bytes], None]] = {
    "csv": check_csv,
    "json": check_json,
    "sdf": check_sdf,
    "msp": check_msp,
    "mgf": check_mgf,
    "jcamp": check_jcamp,
    "mzml": check_mzml,
    "smiles": check_smiles,
}
