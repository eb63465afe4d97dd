"""Streaming CSV reader: UTF-8 (with or without BOM) or UTF-16 with BOM, line by line.

A line that is not valid UTF-8 does not stop the file: its row is yielded with an
``encoding_error`` and the raw text (undecodable bytes shown as ``\\xNN``) so it can be quarantined.
Header names are normalised (trimmed, lower case, spaces to underscores).
"""

from __future__ import annotations

import codecs
import csv
import io
import os
from collections.abc import Iterator
from typing import IO

from intake.parsers.raw import FileError, RawRow, open_binary

__all__ = ["iter_csv_rows", "normalise_header", "MAX_FIELD_CHARS"]

MAX_FIELD_CHARS = 1_000_000


def normalise_header(name: str) -> str:
    return "_".join(name.strip().lower().replace("-", "_").split())


def _decoded_lines(raw: IO[bytes]) -> IO[str]:
    """A text stream over ``raw``: UTF-16 when it starts with a UTF-16 BOM, else UTF-8 (BOM dropped).

    Bytes that are not UTF-8 are kept as lone surrogates (``surrogateescape``), so the row that
    holds them can be quarantined with its raw text while the rest of the file is read.
    """
    head = raw.read(4)
    stream = io.BufferedReader(_Prefixed(head, raw), buffer_size=1 << 16)
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return io.TextIOWrapper(stream, encoding="utf-16", newline="")
    return io.TextIOWrapper(stream, encoding="utf-8-sig", errors="surrogateescape", newline="")


class _Prefixed(io.RawIOBase):
    def __init__(self, prefix: bytes, rest: IO[bytes]):
        self._prefix = prefix
        self._rest = rest

    def readable(self) -> bool:
        return True

    def readinto(self, b):  # type: ignore[no-untyped-def]
        if self._prefix:
            n = min(len(b), len(self._prefix))
            b[:n] = self._prefix[:n]
            self._prefix = self._prefix[n:]
            return n
        data = self._rest.read(len(b))
        b[: len(data)] = data
        return len(data)


def _has_surrogates(text: str) -> bool:
    """True when ``text`` (a row's values joined) holds bytes that were not UTF-8 (kept as lone
    surrogates)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def _visible(text: str) -> str:
    return text.encode("utf-8", errors="surrogateescape").decode("utf-8", errors="backslashreplace")


def iter_csv_rows(source: str | os.PathLike[str] | IO[bytes]) -> Iterator[RawRow]:
    """Yield one :class:`RawRow` per data row; raise :class:`FileError` if there is no header."""
    csv.field_size_limit(MAX_FIELD_CHARS)
    with open_binary(source) as fh:
        lines = _decoded_lines(fh)
        reader = csv.reader(lines)
        try:
            header_row = next(reader)
        except StopIteration:
            raise FileError("the file is empty: expected a header row") from None
        except (csv.Error, UnicodeDecodeError) as exc:
            raise FileError(f"cannot read the header row: {exc}") from None
        header = [normalise_header(_visible(h)) for h in header_row]
        if not any(header):
            raise FileError("the header row is empty")
        dupes = {h for h in header if h and header.count(h) > 1}
        if dupes:
            raise FileError(f"duplicate column names in header: {', '.join(sorted(dupes))}")
        width = len(header)
        while True:
            try:
                values = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                yield RawRow(line=reader.line_num, data={}, error=("malformed_row", f"CSV error: {exc}"))
                continue
            except UnicodeDecodeError as exc:  # UTF-16 (UTF-8 bytes are kept as surrogates instead)
                detail = f"the file cannot be decoded after line {reader.line_num} ({exc.reason}); the rest is unread"
                yield RawRow(line=reader.line_num + 1, data={}, error=("encoding_error", detail))
                return
            joined = "".join(values)
            if not joined.strip():
                continue  # blank line (no value holds anything but white space)
            line = reader.line_num
            error: tuple[str, str] | None = None
            bad_bytes = _has_surrogates(joined)
            raw_text = ",".join(_visible(v) for v in values) if bad_bytes or len(values) != width else None
            if bad_bytes:
                error = ("encoding_error", "the row is not valid UTF-8: save the file as UTF-8 and resubmit")
                values = [_visible(v) for v in values]
            elif len(values) != width:
                error = ("malformed_row", f"the row has {len(values)} fields, the header has {width}")
            data: dict[str, str | None] = {
                name: value or None for name, value in zip(header, map(str.strip, values), strict=False)
            }
            yield RawRow(line=line, data=data, error=error, raw=raw_text if error else None)
