"""The row every parser yields: flattened fields as text plus where it came from."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO

__all__ = ["RawRow", "FileError", "open_binary"]


@contextlib.contextmanager
def open_binary(source: str | os.PathLike[str] | IO[bytes]) -> Iterator[IO[bytes]]:
    """Open a path for reading bytes (and close it after), or pass an open binary stream through."""
    if isinstance(source, (str, os.PathLike)):
        with open(source, "rb") as fh:
            yield fh
    else:
        yield source


class FileError(ValueError):
    """The file as a whole cannot be read (no header, wrong columns, not JSON); nothing is stored."""


@dataclass(slots=True)
class RawRow:
    """One flattened row (a component or suspected substance with its record's fields).

    ``line`` is the 1-based line (CSV), item path (JSON) or record number (SDF). ``error`` holds a
    parser-level problem (``encoding_error``, ``malformed_row``) with a detail; the row is still
    carried to quarantine with its raw text in ``raw``.
    """

    line: int | str
    data: dict[str, str | None]
    error: tuple[str, str] | None = None
    raw: str | None = None
    group: str | None = None  # set by parsers whose input is already grouped (JSON objects, SDF)

    def __post_init__(self) -> None:
        """A NUL character cannot be stored in a text column (PostgreSQL refuses it): replace it with
        U+FFFD everywhere and reject the row (``invalid_character``), so it is kept in quarantine."""
        data = self.data
        if (
            NUL not in "".join(data)
            and NUL not in "".join(filter(None, data.values()))  # one C-level pass: the common case
            and not (self.raw and NUL in self.raw)
            and not (self.group and NUL in self.group)
        ):
            return
        bad = [k for k, v in data.items() if NUL in k or (v is not None and NUL in v)]  # keys: JSONB extra
        self.data = {k.replace(NUL, REPLACEMENT): _clean(v) for k, v in self.data.items()}
        self.raw = _clean(self.raw)
        self.group = _clean(self.group)
        if self.error is None:
            where = f" in field {bad[0]!r}" if bad else ""
            self.error = ("invalid_character", f"NUL (\\x00) character{where}, replaced by U+FFFD")


NUL, REPLACEMENT = "\x00", "\ufffd"


def _clean(value: str | None) -> str | None:
    return value.replace(NUL, REPLACEMENT) if value is not None else None
