"""SDF/MOL intake: each SDF record is one component row; its data items are the CSV fields and its
MOL block is the structure (``component_molblock``). Malformed blocks become rows with the
structure error so they are quarantined, never dropped."""

from __future__ import annotations

import os
from collections.abc import Iterator

from chem.sdf import iter_sdf
from intake.parsers.csv_rows import normalise_header
from intake.parsers.raw import RawRow

__all__ = ["iter_sdf_rows", "MOLBLOCK_FIELD"]

MOLBLOCK_FIELD = "component_molblock"


def iter_sdf_rows(source: str | os.PathLike[str]) -> Iterator[RawRow]:
    for rec in iter_sdf(source):
        data: dict[str, str | None] = {}
        for key, value in rec.properties.items():
            if key == "_Name":
                continue
            value = (value or "").strip()
            data[normalise_header(key)] = value or None
        if not data.get("component_name") and rec.properties.get("_Name"):
            data["component_name"] = rec.properties["_Name"].strip() or None
        data[MOLBLOCK_FIELD] = rec.molblock
        yield RawRow(line=rec.index, data=data)
