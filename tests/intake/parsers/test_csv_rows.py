from __future__ import annotations

import codecs
import io

import pytest

from intake.parsers import FileError
from intake.parsers.csv_rows import iter_csv_rows


def rows(data: bytes):  # type: ignore[no-untyped-def]
    return list(iter_csv_rows(io.BytesIO(data)))


@pytest.mark.parametrize(
    "data",
    [
        b"Sample ID,Seizure-Date\nS1,2021-01-01\n",
        codecs.BOM_UTF8 + b"sample_id,seizure_date\nS1,2021-01-01\n",
        "sample_id,seizure_date\nS1,2021-01-01\n".encode("utf-16"),
        b"sample_id,seizure_date\r\nS1,2021-01-01\r\n",
    ],
    ids=["header-normalised", "utf8-bom", "utf16-bom", "crlf"],
)
def test_encodings_and_headers(data):
    (row,) = rows(data)
    assert row.data == {"sample_id": "S1", "seizure_date": "2021-01-01"} and row.error is None


def test_blank_lines_skipped_and_empty_values_none():
    out = rows(b"a,b\n\n1,\n , \n")
    assert [r.data for r in out] == [{"a": "1", "b": None}]


def test_quoted_newline_and_line_numbers():
    out = rows(b'a,b\n1,"two\nlines"\n3,4\n')
    assert out[0].data["b"] == "two\nlines" and out[1].line == 4


def test_invalid_utf8_row_carries_error_and_raw_text():
    (row,) = rows(b"a,b\nM\xe9t,2\n")
    assert row.error and row.error[0] == "encoding_error" and "\\xe9" in (row.raw or "")


@pytest.mark.parametrize(("data", "message"), [(b"", "empty"), (b"a,a\n1,2\n", "duplicate")], ids=["empty", "dupe"])
def test_file_errors(data, message):
    with pytest.raises(FileError, match=message):
        rows(data)


def test_formula_like_cells_are_kept_verbatim():
    (row,) = rows(b"a\n=cmd|' /C calc'!A0\n")
    assert row.data["a"] == "=cmd|' /C calc'!A0"  # stored as text; neutralised only on CSV export
