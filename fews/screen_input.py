"""Streaming readers for bulk screening catalogues: SMILES lines, SD files and Parquet tables.

Each reader yields :class:`CatalogueItem` values one at a time, so a catalogue of millions of
structures is never held in memory. Nothing is dropped: an SD record without a MOL block still
becomes an item (its ``text`` is what was there) and the classifier reports it as ``invalid`` with
the reason.

Examples
--------
>>> import io
>>> [(i.ident, i.kind, i.text) for i in iter_smiles_lines(io.StringIO("# header\\nCCO ethanol\\n\\nCCN\\n"))]
[('ethanol', 'smiles', 'CCO'), ('4', 'smiles', 'CCN')]
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

__all__ = [
    "CATALOGUE_FORMATS",
    "CatalogueItem",
    "detect_catalogue_format",
    "iter_catalogue",
    "iter_parquet",
    "iter_sdf_blocks",
    "iter_smiles_lines",
]

CATALOGUE_FORMATS = ("smi", "sdf", "parquet")
_SUFFIXES = {
    ".smi": "smi",
    ".smiles": "smi",
    ".txt": "smi",
    ".ism": "smi",
    ".sdf": "sdf",
    ".sd": "sdf",
    ".mol": "sdf",
    ".parquet": "parquet",
    ".pq": "parquet",
}


@dataclass(frozen=True, slots=True)
class CatalogueItem:
    """One structure to screen: its id, ``kind`` (``smiles`` or ``molblock``) and the text."""

    ident: str
    kind: str
    text: str


def detect_catalogue_format(path: str | os.PathLike[str]) -> str:
    """The catalogue format from the file name (``.smi``/``.txt`` SMILES, ``.sdf``, ``.parquet``).

    Raises
    ------
    ValueError
        If the extension is not one FEWS reads.

    Examples
    --------
    >>> detect_catalogue_format("catalogue.parquet"), detect_catalogue_format("ChEMBL.smi")
    ('parquet', 'smi')
    """
    suffix = Path(path).suffix.lower()
    if suffix not in _SUFFIXES:
        raise ValueError(
            f"cannot tell the catalogue format of {os.fspath(path)!r} from its extension {suffix!r}; "
            f"give --input-format ({', '.join(CATALOGUE_FORMATS)})"
        )
    return _SUFFIXES[suffix]


def iter_smiles_lines(stream: Iterable[str]) -> Iterator[CatalogueItem]:
    """``SMILES[<whitespace>ID]`` lines, as ``fews classify`` reads them (DESIGN.md §6).

    The id is the rest of the line, else the 1-based line number; blank and ``#`` lines are skipped.
    """
    for n, line in enumerate(stream, start=1):
        text = line.strip()
        if not text or text.startswith("#"):
            continue
        parts = text.split(maxsplit=1)
        ident = parts[1].strip() if len(parts) > 1 else str(n)
        yield CatalogueItem(ident, "smiles", parts[0])


def iter_sdf_blocks(stream: IO[str], *, id_field: str | None = None) -> Iterator[CatalogueItem]:
    """The MOL blocks of an SD file, one per ``$$$$``-terminated record (parsed later, by the worker).

    The id is the data item ``id_field`` when given and present, else the title line, else the
    1-based record number.
    """
    lines: list[str] = []
    index = 0
    for raw in stream:
        line = raw.rstrip("\r\n")
        if line.strip() != "$$$$":
            lines.append(line)
            continue
        index += 1
        yield _sdf_item(index, lines, id_field)
        lines = []
    if any(line.strip() for line in lines):  # a last record without its terminator is still a record
        index += 1
        yield _sdf_item(index, lines, id_field)


def _sdf_item(index: int, lines: list[str], id_field: str | None) -> CatalogueItem:
    end = next((i for i, line in enumerate(lines) if line.rstrip() == "M  END"), None)
    title = lines[0].strip() if lines else ""
    ident = title or str(index)
    if id_field and end is not None:
        for i in range(end + 1, len(lines) - 1):
            if lines[i].startswith(">") and f"<{id_field}>" in lines[i] and lines[i + 1].strip():
                ident = lines[i + 1].strip()
                break
    block = "\n".join(lines[: end + 1] if end is not None else lines) + "\n"
    return CatalogueItem(ident, "molblock", block)


def iter_parquet(
    path: str | os.PathLike[str],
    *,
    smiles_column: str = "smiles",
    id_column: str | None = "id",
    batch_rows: int = 65_536,
) -> Iterator[CatalogueItem]:
    """Rows of a Parquet table, read one record batch at a time.

    Raises
    ------
    ValueError
        If the SMILES column is missing.
    """
    import pyarrow.parquet as pq

    pf = pq.ParquetFile(path)
    names = set(pf.schema_arrow.names)
    if smiles_column not in names:
        raise ValueError(f"{os.fspath(path)!r} has no column {smiles_column!r}; columns: {', '.join(sorted(names))}")
    columns = [smiles_column] + ([id_column] if id_column and id_column in names else [])
    n = 0
    for batch in pf.iter_batches(batch_size=batch_rows, columns=columns):
        smiles = batch.column(0).to_pylist()
        ids = batch.column(1).to_pylist() if len(columns) > 1 else [None] * len(smiles)
        for smi, ident in zip(smiles, ids, strict=True):
            n += 1
            yield CatalogueItem(str(ident) if ident is not None else str(n), "smiles", smi or "")


def iter_catalogue(
    path: str | os.PathLike[str],
    *,
    fmt: str | None = None,
    smiles_column: str = "smiles",
    id_column: str | None = "id",
) -> Iterator[CatalogueItem]:
    """Stream any supported catalogue; ``fmt`` defaults to :func:`detect_catalogue_format`.

    Raises
    ------
    ValueError
        For an unknown format or a Parquet file without the SMILES column.
    OSError
        If the file cannot be opened.
    """
    fmt = fmt or detect_catalogue_format(path)
    if fmt not in CATALOGUE_FORMATS:
        raise ValueError(f"catalogue format must be one of {', '.join(CATALOGUE_FORMATS)}, got {fmt!r}")
    if fmt == "parquet":
        yield from iter_parquet(path, smiles_column=smiles_column, id_column=id_column)
        return
    with open(path, encoding="utf-8", errors="replace", newline="") as fh:
        if fmt == "sdf":
            yield from iter_sdf_blocks(fh, id_field=id_column)
        else:
            yield from iter_smiles_lines(fh)
