"""One parser per file format; each yields :class:`RawRow` objects (flattened rows)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

from intake.parsers.csv_rows import iter_csv_rows
from intake.parsers.json_rows import iter_json_rows
from intake.parsers.raw import FileError, RawRow
from intake.parsers.sdf_rows import iter_sdf_rows

__all__ = ["FileError", "RawRow", "detect_format", "iter_rows", "FORMATS"]

FORMATS = ("csv", "json", "sdf")


def detect_format(path: str | os.PathLike[str]) -> str:
    suffix = Path(path).suffix.lower()
    if suffix in {".csv", ".txt", ".tsv"}:
        return "csv"
    if suffix in {".json", ".jsn"}:
        return "json"
    if suffix in {".sdf", ".sd", ".mol"}:
        return "sdf"
    with open(path, "rb") as fh:
        head = fh.read(64).lstrip(b"\xef\xbb\xbf \t\r\n")
    return "json" if head.startswith(b"[") else "csv"


# Leading bytes of binary formats people send instead of CSV/JSON/SDF text.
BINARY_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"PK\x03\x04", "a ZIP archive (an Excel .xlsx or Word .docx file is one)"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old Microsoft Office file (.xls/.doc)"),
    (b"%PDF", "a PDF document"),
    (b"\x1f\x8b", "a gzip archive"),
)


def refuse_binary(path: str | os.PathLike[str]) -> None:
    """Raise :class:`FileError` for a spreadsheet, archive or PDF: nothing in it is a row we can read."""
    with open(path, "rb") as fh:
        head = fh.read(8)
    for signature, what in BINARY_SIGNATURES:
        if head.startswith(signature):
            raise FileError(f"this is {what}, not CSV, JSON or SDF text: export the data as CSV and send that")


def iter_rows(path: str | os.PathLike[str], kind: str, fmt: str | None = None) -> Iterator[RawRow]:
    refuse_binary(path)
    fmt = fmt or detect_format(path)
    if fmt == "csv":
        return iter_csv_rows(path)
    if fmt == "json":
        return iter_json_rows(path, kind)
    if fmt == "sdf":
        if kind != "seizures":
            raise FileError(f"SDF is accepted for seizure results, not {kind}: use CSV or JSON")
        return iter_sdf_rows(path)
    raise FileError(f"unknown format {fmt!r}; formats: {', '.join(FORMATS)}")
