"""Streaming SDF reader that never drops a record.

:func:`iter_sdf` reads an MDL SD file record by record (memory stays at one
record) and yields one :class:`SdfRecord` per ``$$$$``-terminated block.  Each
record keeps its raw MOL block and its data items; the structure is
standardised with :func:`chem.standardise.standardise_molblock`.  A malformed
block becomes a record whose ``error`` says why; it is never skipped and never
stops the file.

Examples
--------
>>> import io
>>> from rdkit import Chem
>>> block = Chem.MolToMolBlock(Chem.MolFromSmiles("CNC(C)C(=O)c1ccc(C)cc1"))
>>> text = "mephedrone" + block[block.index("\\n"):] + "> <CASE>\\nX-1\\n\\n$$$$\\n" + "junk\\n$$$$\\n"
>>> for r in iter_sdf(io.StringIO(text)):
...     print(r.index, r.properties, r.error.code if r.error else r.structure.formula)
1 {'_Name': 'mephedrone', 'CASE': 'X-1'} C11H15NO
2 {'_Name': 'junk'} unparsable
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import IO

from chem.errors import InvalidStructure
from chem.standardise import StandardStructure, standardise_molblock

__all__ = ["SdfRecord", "iter_sdf"]

_DATA_HEADER = re.compile(r"^>.*?<([^>]*)>")
_RECORD_END = "$$$$"
_MOL_END = "M  END"


@dataclass(frozen=True)
class SdfRecord:
    """One record of an SD file.

    Attributes
    ----------
    index : int
        1-based position of the record in the file.
    properties : dict of str to str
        The ``> <NAME>`` data items (multi-line values joined with ``"\\n"``),
        plus ``"_Name"`` for a non-empty title line.
    molblock : str
        The MOL block text up to and including ``M  END`` (the whole record
        when there is no ``M  END``).
    structure : StandardStructure or None
        The standardised structure, or ``None`` when ``error`` is set.
    error : InvalidStructure or None
        Why the record could not be used, or ``None``.
    line : int
        1-based line number where the record starts in the source.
    """

    index: int
    properties: dict[str, str]
    molblock: str
    structure: StandardStructure | None
    error: InvalidStructure | None
    line: int = field(default=0)

    @property
    def ok(self) -> bool:
        """Whether the record has a structure."""
        return self.error is None


def _decode(raw: bytes) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        # SD files from Windows lab systems are often cp1252; never fail a whole file on one byte
        return raw.decode("cp1252", errors="replace")


def _lines_from_path(path: str | os.PathLike[str]) -> Iterator[str]:
    with open(path, "rb") as handle:
        for raw in handle:
            yield _decode(raw)


def _text_lines(stream: IO[str]) -> Iterator[str]:
    for line in stream:
        if not isinstance(line, str):
            raise TypeError(
                f"iter_sdf needs a text stream, got {type(line).__name__} lines; open the file in text mode"
            )
        yield line


def _blocks(lines: Iterable[str]) -> Iterator[tuple[int, list[str]]]:
    """Yield ``(first line number, lines)`` per ``$$$$``-terminated block."""
    block: list[str] = []
    start = 1
    number = 0
    for number, raw in enumerate(lines, start=1):
        line = raw.rstrip("\r\n")
        if line.rstrip() == _RECORD_END:
            yield start, block
            block = []
            start = number + 1
        else:
            block.append(line)
    # a last record without "$$$$" still counts; trailing blank lines are not a record
    if any(line.strip() for line in block):
        yield start, block


def _properties(lines: list[str]) -> dict[str, str]:
    properties: dict[str, str] = {}
    name: str | None = None
    values: list[str] = []
    for line in lines + [""]:
        if name is None:
            if line.startswith(">"):
                match = _DATA_HEADER.match(line)
                name = match.group(1) if match else line[1:].strip()
                values = []
            continue
        if line.strip():
            values.append(line)
        else:
            properties[name] = "\n".join(values)
            name = None
    return properties


def _record(index: int, start: int, lines: list[str], *, tautomer: bool) -> SdfRecord:
    title = lines[0].strip() if lines else ""
    properties: dict[str, str] = {"_Name": title} if title else {}
    end = next((i for i, line in enumerate(lines) if line.rstrip() == _MOL_END), None)
    if end is None:
        molblock = "\n".join(lines) + "\n"
        if not molblock.strip():
            error = InvalidStructure(molblock, reason=f"record {index} (line {start}) is empty", code="empty")
        else:
            error = InvalidStructure(
                molblock,
                reason=f"record {index} (line {start}) has no 'M  END' line",
                code="unparsable",
            )
        return SdfRecord(index, properties, molblock, None, error, start)
    molblock = "\n".join(lines[: end + 1]) + "\n"
    properties.update(_properties(lines[end + 1 :]))
    try:
        structure = standardise_molblock(molblock, tautomer=tautomer)
    except InvalidStructure as exc:
        return SdfRecord(index, properties, molblock, None, exc, start)
    return SdfRecord(index, properties, molblock, structure, None, start)


def iter_sdf(source: str | os.PathLike[str] | IO[str], *, tautomer: bool = True) -> Iterator[SdfRecord]:
    """Stream the records of an SD file.

    Parameters
    ----------
    source : str, path-like or text stream
        A file path (``str`` is always a path; wrap SDF text in
        :class:`io.StringIO`) or an open text stream.  Files are read as
        UTF-8, falling back to cp1252 line by line.
    tautomer : bool, default True
        Passed to :func:`chem.standardise.standardise_molblock`.

    Yields
    ------
    SdfRecord
        One per record, in file order, including malformed ones (with
        ``error`` set: ``unparsable`` for a block without ``M  END`` or one
        RDKit cannot read, ``empty`` for an empty block, and the other
        :class:`InvalidStructure` codes for bad chemistry).

    Raises
    ------
    OSError
        If the path cannot be opened.
    TypeError
        If ``source`` is a binary stream or another type.

    Examples
    --------
    >>> import io
    >>> list(iter_sdf(io.StringIO("")))
    []
    """
    if isinstance(source, str | os.PathLike):
        lines: Iterable[str] = _lines_from_path(source)
    elif hasattr(source, "read"):
        lines = _text_lines(source)
    else:
        raise TypeError(f"source must be a path or a text stream, got {type(source).__name__}")
    for index, (start, block) in enumerate(_blocks(lines), start=1):
        yield _record(index, start, block, tautomer=tautomer)
