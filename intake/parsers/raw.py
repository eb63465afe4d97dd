"""The row every parser yields: flattened fields as text plus where it came from."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["RawRow", "FileError"]


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
